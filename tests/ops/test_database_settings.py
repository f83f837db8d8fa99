"""The planner settings the portal's PostgreSQL connections carry (settings.py): every page's
queries are planned with them (bench/README.md, "Compiling and planning"). Real PostgreSQL; marked
`services`."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.services import require_services

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def _asked() -> dict[str, str]:
    """The `-c name=value` settings the connection options ask for."""
    options = settings.DATABASES["default"].get("OPTIONS", {}).get("options", "")
    pairs = [part.split("=", 1) for part in options.split() if "=" in part]
    return dict(pairs)


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
