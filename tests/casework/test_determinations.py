"""The Monitoring Officer's register of determinations: every case type's determinations,
current and superseded, for the council's Monitoring Officer (or deputy) and the site admin only;
filters, CSV, and a constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access_requests.models import AccessRequest, Decision
from complaints import services as complaint_services
from complaints.states import AckIntent, DeterminationOutcome, Kind
from protocol_portal.org.calendars import _council_calendar
from tests.complaints.factories import AS_OF, build_complaint_org
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("determinations")
CSV_URL = reverse("determinations-csv")


def _determined(o, *, summary: str, supersede: bool, at=AS_OF):
    """A Code of Conduct complaint determined by the MO; the first determination superseded."""
    complaint = complaint_services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.red_whip,
        summary=summary,
        details="Cllr Whip used the council's printer for leaflets.",
        as_of=at,
    )
    complaint = complaint_services.complaint_acknowledge(
        complaint=complaint,
        actor=o.mo.holder,
        intent=AckIntent.NEEDS_TIME,
        message="I will look into this.",
        outcome_due_on=(at + timedelta(days=20)).date(),
        as_of=at + timedelta(days=1),
    )
    first = complaint_services.determination_issue(
        complaint=complaint,
        actor=o.mo.holder,
        outcome=DeterminationOutcome.NO_FURTHER_ACTION,
        reasons="No evidence.",
        as_of=at + timedelta(days=2),
    )
    if supersede:
        complaint_services.determination_supersede(
            determination=first,
            actor=o.mo.holder,
            outcome=DeterminationOutcome.NO_FURTHER_ACTION,
            reasons="No evidence, on review.",
            why="The printer log arrived.",
            as_of=at + timedelta(days=3),
        )
    return complaint


def _need_to_know(o, *, reference: str, outcomes: list[str], at=AS_OF):
    """A need-to-know request with decisions in order (a refusal then a dispute's grant)."""
    request = AccessRequest.objects.create(
        council=o.council,
        reference=reference,
        received_on=at.date(),
        requester_person=o.complainant.person,
        requester_member=o.complainant,
        what="The housing allocations report",
        directorate=o.housing,
        purpose="ward",
        justification="A resident's case.",
        presumption="must_justify",
        presumption_source="T §9",
        presumption_reason="Not a committee paper.",
        rule_key="ntk",
        rule_source="T §9",
        route_explanation="To the Monitoring Officer.",
        handler_title="Monitoring Officer",
    )
    for n, outcome in enumerate(outcomes):
        Decision.objects.create(
            request=request,
            stage="first" if n == 0 else "dispute",
            outcome=outcome,
            reasons="Reasons.",
            decided_by=o.mo.holder,
            decided_as="Monitoring Officer",
            decided_at=at + timedelta(days=5 + n),
            source="T §9",
            is_dispute=n > 0,
        )
    return request


@pytest.fixture
def world():
    _council_calendar.cache_clear()
    o = build_complaint_org()
    away = build_complaint_org(slug="elsewhere")
    with time_machine.travel(AS_OF + timedelta(days=10), tick=False):
        o.complaint = _determined(o, summary="Printer", supersede=True)
        o.ntk = _need_to_know(o, reference="COM-NTK-2026-00001", outcomes=["refused", "granted"])
        away.complaint = _determined(away, summary="Away printer", supersede=False)
        away.ntk = _need_to_know(away, reference="ELS-NTK-2026-00001", outcomes=["refused"])
    return o, away


def _get(client, user, url=URL, **params):
    client.force_login(user)
    with time_machine.travel(AS_OF + timedelta(days=10), tick=False):
        return client.get(url, params)


def test_the_mo_sees_every_determination_of_their_council_current_and_superseded(client, world):
    o, away = world
    response = _get(client, o.mo.holder)
    assert response.status_code == 200
    rows = response.context["rows"]
    kinds = sorted((r["reference"], r["result"], r["superseded"]) for r in rows)
    assert kinds == sorted(
        [
            (o.complaint.reference, "no_further_action", True),
            (o.complaint.reference, "no_further_action", False),
            ("COM-NTK-2026-00001", "refused", True),
            ("COM-NTK-2026-00001", "granted", False),
        ]
    )
    body = response.content.decode()
    assert reverse("complaints:detail", args=[o.complaint.pk]) in body
    assert reverse("access_requests:detail", args=[o.ntk.pk]) in body
    # The other council's determinations are not there.
    assert away.complaint.reference not in body
    assert "ELS-NTK" not in body


def test_the_deputy_and_the_site_admin_may_read_it(client, world):
    o, away = world
    assert _get(client, o.dmo.holder).status_code == 200
    admin = PersonFactory(username="root", is_superuser=True, is_staff=True)
    response = _get(client, admin)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6  # both councils


@pytest.mark.parametrize("who", ["ce", "director", "officer", "policy_officer", "hr"])
def test_other_officers_get_404(client, world, who):
    o, _ = world
    assert _get(client, getattr(o, who).holder).status_code == 404
    assert _get(client, getattr(o, who).holder, CSV_URL).status_code == 404


def test_members_get_404_and_signed_out_people_are_sent_to_sign_in(client, world):
    o, _ = world
    assert _get(client, o.complainant.person).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_another_councils_mo_sees_only_theirs(client, world):
    o, away = world
    rows = _get(client, away.mo.holder).context["rows"]
    assert {r["reference"] for r in rows} == {away.complaint.reference, "ELS-NTK-2026-00001"}
    # Asking for the first council's rows by its id changes nothing: not one of their councils.
    response = _get(client, away.mo.holder, council=str(o.council.pk))
    assert {r["reference"] for r in response.context["rows"]} == {
        away.complaint.reference,
        "ELS-NTK-2026-00001",
    }


CN, CC = ("complaint", "no_further_action", True), ("complaint", "no_further_action", False)
NR, NG = ("need_to_know", "refused", True), ("need_to_know", "granted", False)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {CN, CC, NR, NG}),
        ({"case_type": "complaint"}, {CN, CC}),
        ({"case_type": "need_to_know"}, {NR, NG}),
        ({"outcome": "need_to_know:refused"}, {NR}),
        ({"outcome": ["need_to_know:refused", "complaint:no_further_action"]}, {NR, CN, CC}),
        ({"outcome": "complaint:investigation"}, set()),
        ({"state": "current"}, {CC, NG}),
        ({"state": "superseded"}, {CN, NR}),
        ({"state": "current", "case_type": "complaint"}, {CC}),
        ({"quarter": "2026-1"}, {CN, CC, NR, NG}),
        ({"quarter": "2025-4"}, set()),
        # Nonsense is ignored (the form says why), never a 500 or a wider list.
        ({"quarter": "2026-9", "state": "x", "outcome": "nope"}, {CN, CC, NR, NG}),
        ({"council": "999999"}, {CN, CC, NR, NG}),
    ],
)
def test_filters(client, world, params, expected):
    o, _ = world
    response = _get(client, o.mo.holder, **params)
    assert response.status_code == 200
    got = {(r["kind"], r["result"], r["superseded"]) for r in response.context["rows"]}
    assert got == expected


def test_sorting_by_outcome_and_date(client, world):
    o, _ = world
    rows = _get(client, o.mo.holder, sort="outcome").context["rows"]
    assert [r["result"] for r in rows] == sorted(r["result"] for r in rows)
    rows = _get(client, o.mo.holder, sort="made").context["rows"]
    assert [r["made_at"] for r in rows] == sorted(r["made_at"] for r in rows)
    rows = _get(client, o.mo.holder, sort="-made").context["rows"]
    assert [r["made_at"] for r in rows] == sorted((r["made_at"] for r in rows), reverse=True)
    assert _get(client, o.mo.holder, sort="'; drop").status_code == 200


def test_csv_has_a_bom_the_filtered_rows_and_safe_cells(client, world):
    o, _ = world
    Decision.objects.filter(request=o.ntk).update(decided_as="=HYPERLINK()")
    o.mo.holder.first_name = "=cmd§"
    o.mo.holder.save()
    response = _get(client, o.mo.holder, CSV_URL, case_type="need_to_know")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["Reference", "Case type", "Council", "Outcome"]
    assert sorted(row[3] for row in table[1:]) == ["Granted", "Refused"]
    assert all(row[5].startswith("'=cmd§") for row in table[1:])
    assert all(row[7].startswith("http://testserver/access-requests/") for row in table[1:])


def test_pages_and_constant_queries(client, world, settings):
    o, _ = world
    settings.DEBUG = False

    def count() -> int:
        client.force_login(o.mo.holder)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    def add(start: int) -> None:
        with time_machine.travel(AS_OF + timedelta(days=10), tick=False):
            for n in range(start, start + 20):
                _determined(o, summary=f"More {n}", supersede=n % 2 == 0, at=AS_OF)
                _need_to_know(o, reference=f"COM-NTK-2026-{n + 100:05d}", outcomes=["granted"])

    add(0)  # past one page: the count is a query of its own from here on
    few = count()
    add(20)
    many = count()
    assert many == few
    response = _get(client, o.mo.holder)
    # 40 complaints: 40 current + 20 superseded; 40 requests, one decision each.
    assert response.context["page_obj"].paginator.count == 4 + 40 + 20 + 40
    assert len(response.context["rows"]) == 50
    last = _get(client, o.mo.holder, page="3")
    assert len(last.context["rows"]) == 4
    print(f"[determinations register] {few} queries a page at 54 and at 104 determinations")
