"""The planner settings the portal's PostgreSQL connections carry (settings.py): every page's
queries are planned with them (bench/README.md, "Compiling and planning"). Real PostgreSQL; marked
`services`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.services import require_services

ROOT = Path(__file__).resolve().parents[2]


def _asked() -> dict[str, str]:
    """The `-c name=value` settings the connection options ask for."""
    options = settings.DATABASES["default"].get("OPTIONS", {}).get("options", "")
    pairs = [part.split("=", 1) for part in options.split() if "=" in part]
    return dict(pairs)


@pytest.mark.services
@pytest.mark.django_db
def test_each_connection_is_planned_with_the_portals_settings():
    require_services()
    asked = _asked()
    if "DATABASE_JOIN_COLLAPSE_LIMIT" not in os.environ:
        assert asked["join_collapse_limit"] == "4"
    assert asked.get("jit") == "off" or os.environ.get("DATABASE_JIT")
    with connection.cursor() as cursor:
        for name, value in asked.items():
            cursor.execute(f"SHOW {name}")
            assert cursor.fetchone()[0] == value, name


@pytest.mark.services
@pytest.mark.django_db
def test_a_statement_run_five_times_is_prepared_and_planned_once():
    """Values travel apart from the statement, so a read the connection repeats with other
    values is the same statement: psycopg prepares it at its fifth run and PostgreSQL keeps its
    plan (on Django's default every value is written into the SQL and nothing is prepared)."""
    require_services()
    from protocol_portal.org.models import Person

    marker = "prepared-statement-probe"
    for pk in range(1, 8):  # seven values, one statement
        list(Person.objects.filter(pk=pk, username__startswith=marker))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%org_person%username%LIKE%"],
        )
        prepared = [row[0] for row in cursor.fetchall()]
    if not env_prepared():  # this environment turned it off: nothing is prepared
        assert prepared == []
        return
    assert len(prepared) == 1, prepared
    assert "$1" in prepared[0]


def env_prepared() -> bool:
    return os.environ.get("DATABASE_PREPARED", "true").lower() not in ("false", "0", "no", "off")


@pytest.mark.parametrize(("value", "binding"), [(None, True), ("false", None)])
def test_database_prepared_says_whether_values_travel_apart(value, binding):
    """DATABASE_PREPARED=false (for a pooler that cannot keep prepared statements) leaves
    Django's default: values written into the SQL, nothing prepared."""
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.pop("DATABASE_PREPARED", None)
    if value is not None:
        environment["DATABASE_PREPARED"] = value
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "o = settings.DATABASES['default'].get('OPTIONS', {}); "
            "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
        ],
        cwd=ROOT,
        env=environment
        | {
            "DJANGO_SETTINGS_MODULE": "protocol_portal.settings",
            "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ([str(binding), "5"] if binding else ["None", "None"]), (
        result.stderr
    )
