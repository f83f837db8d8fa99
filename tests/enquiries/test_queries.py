"""Query budgets that must not grow with volume (bench/enquiries.py measures the same at 100,000):
the dashboard, the API's enquiry, the home-page panels, and the chaser sweep, which grows only
with the enquiries actually due, never with those merely open."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enquiries import home as panels
from enquiries import selectors, services, tallies
from enquiries.models import EnquiryAttachment, WardNotice
from protocol_portal.casework.registry import all_specs
from protocol_portal.casework.services import event_record
from protocol_portal.casework.tasks import sweep_due_chasers
from tests.conftest import LONDON
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

REMINDER = datetime(2026, 3, 12, 7, 0, tzinfo=LONDON)  # for enquiries logged 2 March
BEFORE = datetime(2026, 3, 11, 7, 0, tzinfo=LONDON)


def _many(org, as_of, n: int) -> list:
    return [log(org, as_of, subject=f"Leaking roof at {i} Elm Street") for i in range(n)]


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


@pytest.mark.parametrize("n", [3, 30])
def test_dashboard_queries_are_constant(client, org, frozen, django_assert_max_num_queries, n):
    enquiries = _many(org, frozen, n)
    for enquiry in enquiries[::2]:
        services.enquiry_respond(
            enquiry=enquiry, response="Done", actor=org.housing_officer.holder, as_of=frozen
        )
    client.force_login(org.housing_director.holder)
    # One request first, so process-wide caches (content types, the council's calendar) are
    # warm whichever test ran before: the count is then the page's own, in any order.
    client.get(reverse("enquiries:dashboard"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("enquiries:dashboard"))
    assert response.status_code == 200


@pytest.mark.parametrize("stored", [False, True])
def test_the_dashboard_tables_read_the_visible_set_once(org, frozen, stored):
    """Counted from the enquiries, the months and the channels come from one grouped pass over
    what the viewer may open: each pass costs the whole visible set (a triage team's whole
    council), so the channels no longer take a second one (bench/README.md, issue 17). From
    the stored totals (PostgreSQL), the whole set is never read at all."""
    enquiries = _many(org, frozen, 4)
    services.enquiry_respond(
        enquiry=enquiries[0], response="Done", actor=org.housing_officer.holder, as_of=frozen
    )
    with CaptureQueriesContext(connection) as queries:
        data = selectors.dashboard(user=org.triage.holder, as_of=frozen, stored=stored)
        assert sum(row.total for row in data.rows) == 1
        assert [(c.label, c.received, c.counted) for c in data.channels] == [("Portal", 4, 1)]
    statements = [q["sql"] for q in queries.captured_queries]
    if stored and tallies.kept():
        # The councils bounding the read, the posts held (the page has them already), whether
        # any sight is in person, the post's totals.
        assert len(statements) == 4, statements
        assert any('FROM "enquiries_slatally"' in sql for sql in statements)
        assert not [sql for sql in statements if "UNION SELECT a." in sql]  # `_held_ids`
        return
    passes = [sql for sql in statements if "casework_caseaccess" in sql]
    assert len(passes) == 1, passes


@pytest.mark.parametrize("n", [3, 30])
def test_api_enquiry_queries_are_constant(client, org, frozen, django_assert_max_num_queries, n):
    """Session, person, the enquiry (with whether each of its lists has rows), permissions,
    timeline: the empty lists are not read, as on the page."""
    enquiry = _many(org, frozen, n)[0]
    client.force_login(org.housing_officer.holder)
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/enquiries/{enquiry.reference}/")
    assert response.status_code == 200
    assert response.json()["attachments"] == response.json()["copies"] == []


@pytest.mark.parametrize("n", [3, 30])
def test_home_panels_are_a_few_queries_each(org, frozen, django_assert_max_num_queries, n):
    _many(org, frozen, n)
    request = RequestFactory().get("/")
    request.user = org.raiser.person
    with django_assert_max_num_queries(3):  # the page's ids, its rows, the count
        member = panels.member_panel(request)
    assert member["count"] == n
    request = RequestFactory().get("/")
    request.user = org.housing_officer.holder
    with django_assert_max_num_queries(4):  # the posts held, the counts, the ids, the rows
        officer = panels.officer_panel(request)
    assert officer["count"] == n
    assert len(officer["items"]) == min(n, panels.PANEL_ITEMS)


def _sweep_queries(moment: datetime) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx, time_machine.travel(moment, tick=False):
        fired = sweep_due_chasers(moment.isoformat())
    return fired, len(ctx.captured_queries)


@pytest.mark.parametrize("n", [3, 30])
def test_a_sweep_with_nothing_due_is_one_query_per_case_type(org, as_of, n):
    _many(org, as_of, n)
    fired, queries = _sweep_queries(BEFORE)
    assert fired == 0
    assert queries == len(all_specs())


def test_sweep_queries_grow_with_the_enquiries_due_not_with_those_open(org, as_of):
    """Per rung fired the cost is fixed, however many other enquiries are open."""
    due = _many(org, as_of, 4)
    fired, with_four = _sweep_queries(REMINDER)
    assert fired == 4
    per_rung = (with_four - len(all_specs())) / 4
    assert per_rung <= 25, per_rung
    # Twenty more open enquiries, logged later (not yet due), and four more due: same per rung.
    _many(org, datetime(2026, 3, 9, 10, 0, tzinfo=LONDON), 20)
    more = _many(org, as_of.replace(day=3), 4)
    fired, queries = _sweep_queries(datetime(2026, 3, 13, 7, 0, tzinfo=LONDON))
    assert fired == 4
    assert queries <= with_four
    assert {e.pk for e in due}.isdisjoint({e.pk for e in more})


def _page_queries(client, user, enquiry) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("enquiries:detail", args=[enquiry.reference]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_enquiry_page_queries_do_not_grow_with_its_timeline(client, org, frozen):
    """The enquiry page (bench: "enquiry page") asks the same few queries however long the
    timeline is: session, person, enquiry (with whether each of its lists has rows),
    permissions, timeline, the header's councils; the empty lists are not read."""
    enquiry = _many(org, frozen, 1)[0]
    officer, member = org.housing_officer.holder, org.raiser.person
    # One page first: the first a process serves fills its caches (the content types of the
    # case types the header's notices are filtered by), which run alone cost 7 more queries.
    _page_queries(client, officer, enquiry)
    before = {who: _page_queries(client, who, enquiry) for who in (officer, member)}
    actors = [officer, member, org.housing_director.holder, None]
    for i in range(30):
        event_record(
            case=enquiry,
            at=frozen,
            actor=actors[i % len(actors)],
            kind="note",
            summary=f"Note {i}",
            detail="Spoke to the tenant.\nWill visit.",
        )
    after = {who: _page_queries(client, who, enquiry) for who in (officer, member)}
    assert after == before
    assert after[officer] <= 6
    assert after[member] <= 6
    client.force_login(member)
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert page.count('class="moj-timeline__item"') >= 30


def test_enquiry_page_reads_each_list_once_when_it_has_rows(
    client, org, frozen, settings, tmp_path
):
    """With attachments, a copy, ward notices and an officer involved, each list is one more
    query (the officers involved only for an officer)."""
    settings.MEDIA_ROOT = str(tmp_path)
    enquiry = log(org, frozen, relates_to_legal_proceedings=True)
    officer, member = enquiry.owner_post.holder, org.raiser.person
    services.enquiry_mark_involved(
        enquiry=enquiry, officer=org.env_officer.holder, actor=officer, as_of=frozen
    )
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.colleague, actor=member, as_of=frozen
    )
    EnquiryAttachment.objects.create(
        enquiry=enquiry,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4"),
        original_name="plan.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_at=frozen,
    )
    WardNotice.objects.get_or_create(enquiry=enquiry, member=org.colleague, told_at=frozen)
    assert _page_queries(client, officer, enquiry) <= 10
    assert _page_queries(client, member, enquiry) <= 9
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert "plan.pdf" in page
    assert "Ward members told" in page
    # The API reads the enquiry as the page does, and still shows every list that has rows.
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"/api/v1/enquiries/{enquiry.reference}/").json()
    assert len(ctx.captured_queries) <= 9
    assert [a["original_name"] for a in body["attachments"]] == ["plan.pdf"]
    assert [c["to"] for c in body["copies"]] == [str(org.colleague)]
    assert [n["member"] for n in body["ward_members_told"]] == [str(org.colleague)]


def test_the_visibility_filter_takes_the_form_its_database_plans_well(org, frozen):
    """SQLite checks the grant per row with EXISTS; PostgreSQL, which cannot turn an OR of two
    EXISTS into joins (a whole-table scan: the dashboard took 1.2 s at 100,000), semi-joins
    the UNION of the grant tables' ids, and for a list read a page at a time (`per_row`)
    probes each row with one EXISTS over a UNION ALL, which it cannot hash, so the ordered
    scan stops at the page. The councils the person works for or sits on are a UNION too, not
    a join with an OR. CI runs this on both; each answers the same rows."""
    from enquiries.selectors import enquiries_visible_to

    mine = log(org, frozen)
    log(org, frozen, member=org.opponent)
    visible = enquiries_visible_to(user=org.raiser.person)
    each = enquiries_visible_to(user=org.raiser.person, per_row=True)
    sql, each_sql = str(visible.query).upper(), str(each.query).upper()
    if connection.vendor == "postgresql":
        assert ("EXISTS" in sql, " OR " in sql) == (False, False)
        assert ("EXISTS" in each_sql, "UNION ALL" in each_sql, " OR " in each_sql) == (
            True,
            True,
            False,
        )
    else:
        assert "EXISTS" in sql
        assert each_sql == sql
    assert "UNION" in sql  # the councils
    assert list(visible.values_list("pk", flat=True)) == [mine.pk]
    assert list(each.values_list("pk", flat=True)) == [mine.pk]


def test_a_list_page_does_not_read_its_councils_protocol_settings(org, frozen):
    """A list's rows carry their council's name, not its settings: several kB of JSON read and
    decoded once per row were a fifth of a queue page's time at 100,000 (bench/README.md)."""
    rows = selectors.hydrate([e.pk for e in _many(org, frozen, 3)])
    assert len(rows) == 3
    for row in rows:
        assert {"limit_sources", "protocol_settings"} <= row.council.get_deferred_fields()
        assert row.council.name == org.council.name
