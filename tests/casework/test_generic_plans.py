"""Statements stay fast when PostgreSQL plans them once for any values.

The portal's connections prepare a statement run five times, and PostgreSQL may then keep one
generic plan for every set of values (settings.DATABASES, "DATABASE_PREPARED"). Two reads went
slow that way at a million enquiries (bench/README.md, "Generic plans"): the triage team's
overdue list could not use the index of open enquiries, whose condition names the open statuses
(`status IN ($1, ...)` proves nothing about it), and the visible-set read behind the dashboards
bound the case type and permission, so the planner guessed a post held 43 access rows, not
193,000. Both now write those values from code into the statement.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from enquiries.models import Enquiry
from enquiries.states import OPEN, Status
from protocol_portal.casework import access
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


def test_in_literal_writes_the_values_into_the_statement_and_matches_as_in_does(org, as_of):
    with time_machine.travel(as_of, tick=False):
        opened = log(org, as_of, subject="Damp at 3 Mill Lane")
        closed = log(org, as_of, subject="Fly-tipping on the green")
    Enquiry.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    written = Enquiry.objects.filter(status__in_literal=OPEN)
    sql, params = written.query.sql_with_params()
    assert "IN ('awaiting_authority', 'awaiting_member', 'foi', 'in_progress'" in sql
    assert not set(OPEN) & {str(p) for p in params}
    assert list(written.values_list("pk", flat=True)) == [opened.pk]
    assert set(written) == set(Enquiry.objects.filter(status__in=OPEN))


@pytest.mark.parametrize("values", [["open'); DROP TABLE x; --"], ["in progress"], ["a%"], []])
def test_in_literal_refuses_anything_but_names_from_code(values):
    with pytest.raises(ValueError, match="in_literal"):
        str(Enquiry.objects.filter(status__in_literal=values).query)


def test_contains_literal_and_numbers_match_as_contains_and_in_do(org, as_of):
    """On the access rows themselves: a percent sign or underscore in a name is matched as
    itself (escaped as `contains` escapes it), and numbers are written as numbers."""
    from protocol_portal.casework.models import CaseAccess

    with time_machine.travel(as_of, tick=False):
        log(org, as_of, subject="Damp at 3 Mill Lane")
    rows = CaseAccess.objects.filter(until__isnull=True)
    kinds = list(rows.values_list("case_type_id", flat=True).distinct())
    for perm in (",view_enquiry,", ",act_on_enquiry,", ",view_enquiry_attachments,", ",view,"):
        written = rows.filter(perms__contains_literal=perm, case_type_id__in_literal=kinds)
        bound = rows.filter(perms__contains=perm, case_type_id__in=kinds)
        assert set(written) == set(bound)
        assert written.exists() == (perm != ",view,")  # no permission is named just "view"
    assert not rows.filter(perms__contains_literal=",view_enquir_,").exists()
    assert rows.filter(perms__contains=",view_enquiry,").exists()


@pytest.mark.parametrize(
    ("lookup", "value"),
    [
        ("perms__contains_literal", "view'"),
        ("perms__contains_literal", "a%b"),
        ("case_type_id__in_literal", [True]),
        ("case_type_id__in_literal", ["1 OR 1=1"]),
    ],
)
def test_the_written_lookups_refuse_what_did_not_come_from_code(lookup, value):
    from protocol_portal.casework.models import CaseAccess

    with pytest.raises(ValueError, match="_literal"):
        str(CaseAccess.objects.filter(**{lookup: value}).query)


def test_the_visible_set_binds_only_the_readers_id(org):
    """The case type, permission and audiences are written in; the reader's id is bound."""
    user = org.triage.holder
    held = access._held_ids(user, "view_enquiry", Enquiry, ["copied_member"])
    assert held.params == (user.pk, user.pk)
    assert f"LIKE '%%,{connection.ops.prep_for_like_query('view_enquiry')},%%'" in held.sql
    assert "NOT IN ('copied_member')" in held.sql
    with pytest.raises(ValueError, match="not a permission or audience name"):
        access._held_ids(user, "view_enquiry' OR '1'='1", Enquiry, [])
    with pytest.raises(ValueError, match="not a permission or audience name"):
        access._held_ids(user, "view_enquiry", Enquiry, ["raiser') OR ('1"])


def _statement_and_values(client, url: str, *markers: str) -> tuple[str, list]:
    """The statement (with its placeholders) and values of the read whose SQL holds every
    one of `markers`."""
    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get(url).status_code == 200
    return next((sql, list(params or ())) for sql, params in seen if all(m in sql for m in markers))


def _generic_plan(sql: str, values: list) -> str:
    """PostgreSQL's plan of `sql` prepared and planned once for any values, as a connection's
    prepared statement is after its fifth run; scans the table only as a last resort."""
    from psycopg import sql as pg

    numbers = iter(range(1, len(values) + 1))
    prepared = re.sub(r"%s", lambda _: f"${next(numbers)}", sql).replace("%%", "%")
    raw = connection.connection
    args = ", ".join(pg.Literal(v).as_string(raw) for v in values)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"PREPARE generic_read AS {prepared}")
        try:
            execute = (
                f"EXPLAIN (FORMAT JSON) EXECUTE generic_read({args})"
                if args
                else ("EXPLAIN (FORMAT JSON) EXECUTE generic_read")
            )
            cursor.execute(execute)
            return json.dumps(cursor.fetchone()[0])
        finally:
            cursor.execute("DEALLOCATE generic_read")


def test_the_triage_overdue_list_reads_the_open_index_however_it_is_planned(client, org, as_of):
    """The page's ids statement names the open statuses, case type and permission itself; on
    PostgreSQL its generic plan walks `enquiry_open_council_due` (before, it could only walk
    every enquiry's index)."""
    with time_machine.travel(as_of, tick=False):
        for day in range(3):
            log(org, as_of + timedelta(days=day), subject=f"Damp at {day} Mill Lane")
    client.force_login(org.triage.holder)
    url = reverse("enquiries:queue") + "?scope=triage&overdue=true"
    with time_machine.travel(as_of + timedelta(days=40), tick=False):
        sql, values = _statement_and_values(
            client, url, 'SELECT "enquiries_enquiry"."id" AS "pk"', "LIMIT"
        )
    assert "'in_progress'" in sql
    assert "'received'" in sql
    assert "in_progress" not in [str(v) for v in values]
    # The access check's case type and permission are written in too; only the reader's id
    # (and the page's own values) are bound.
    assert not [v for v in values if "view_enquiry" in str(v) or "view\\_enquiry" in str(v)]
    assert '"case_type_id" IN (' in sql
    if connection.vendor == "postgresql":
        # (Which access index a plan probes is left to the statistics, which a test's few rows
        # do not have: at 100,000 the bound form's generic plan read `case_access_history`, the
        # written one the post's open rows, but here either may win. The values checked above
        # are what decides it.)
        assert '"Index Name": "enquiry_open_council_due"' in _generic_plan(sql, values)
