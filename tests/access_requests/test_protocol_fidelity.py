"""Need-to-know paragraphs the audit found wrong or missing (shared/audits/2026-12-protocol-
fidelity.md), each tested from the protocol's words, through the services, the web and the API."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from access_requests import services
from access_requests.models import AccessRequest, FoiRequest
from access_requests.presumptions import Facts, presume
from access_requests.states import Ground, Outcome, Part, Presumption, Purpose, Status
from interests.models import InterestCategory
from interests.services import interest_register
from protocol_portal.casework.models import OutboxMessage
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def _body(council, ask, **extra) -> dict:
    return {
        "council": council.slug,
        "what": ask.what,
        "directorate": ask.directorate.slug,
        "purpose": ask.purpose,
        "justification": ask.justification,
        "for_meeting": ask.for_meeting,
        "committee": ask.committee.slug if ask.committee else "",
        "part": ask.part,
        "matter_ward": ask.matter_ward.slug if ask.matter_ward else "",
        "third_party_personal_data": ask.third_party_personal_data,
        "contract_information": ask.contract_information,
        "other_group_papers": ask.other_group_papers,
        **extra,
    }


# ---- 000 §7.2b ------------------------------------------------------------------------------


def test_000_7_2b_a_directors_refusal_is_referred_to_the_monitoring_officer(frozen):
    """000 §7.2b: "If access is denied or the Chief Officer / Director is in doubt about the
    right to access the information requested, the matter must be referred to the Monitoring
    Officer for determination" — without waiting for the member to dispute it."""
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=AS_OF
    )
    assert request.owner_post.slug == "director-housing"
    first = services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.REFUSED,
        grounds=[Ground.FISHING],
        reasons="No need to know shown.",
        as_of=AS_OF,
    )
    assert not first.is_final
    assert first.source == "000 §7.2b"
    request.refresh_from_db()
    assert (request.status, request.owner_post.slug) == (Status.REFERRED, "monitoring-officer")
    told = OutboxMessage.objects.filter(recipients=member.person).values_list("body", flat=True)
    assert any("Monitoring Officer for determination (000 §7.2b)" in body for body in told)
    final = services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.GRANTED,
        reasons="The member needs it for a constituent's case.",
        as_of=AS_OF,
    )
    assert final.is_final
    request.refresh_from_db()
    assert request.status == Status.GRANTED


def test_000_7_2b_a_director_in_doubt_refers_any_request_web_and_api(client, frozen):
    """000 §7.2b: the Director "in doubt about the right to access" refers it to the
    Monitoring Officer — a must-justify request too, not only a presumed one."""
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=AS_OF
    )
    assert request.presumption == Presumption.MUST_JUSTIFY
    director = request.owner_post.holder
    client.force_login(director)
    page = client.get(reverse("access_requests:detail", args=[request.pk]))
    assert page.status_code == 200
    assert reverse("access_requests:refer", args=[request.pk]) in page.content.decode()
    api = _api(director)
    url = f"/api/v1/access-requests/{request.reference}/refer/"
    assert api.post(url, {"reasons": ""}, format="json").status_code == 400
    done = api.post(url, {"reasons": "I doubt the member's right to it."}, format="json")
    assert done.status_code == 200, done.json()
    request.refresh_from_db()
    assert (request.status, request.owner_post.slug) == (Status.REFERRED, "monitoring-officer")


# ---- 000 §7.7 -------------------------------------------------------------------------------


def test_000_7_7_an_interested_member_has_only_a_private_individuals_access(frozen):
    """000 §7.7: "Where a Member has a financial or personal interest in a matter the Member
    will only be entitled to the same access as would be the case for a private individual":
    no need to know at all (public papers or FOI), not merely a need to justify."""
    book = h.book("000")
    own_ward = Facts(purpose=Purpose.WARD, ward_is_members=True, has_interest=True)
    result = presume(own_ward, book)
    assert result.presumption == Presumption.NO_RIGHT
    assert result.source.startswith("000 §7.7")
    assert "private individual" in result.reason
    contract = presume(Facts(contract_information=True, has_interest=True), book)
    assert contract.presumption == Presumption.NO_RIGHT
    # A private individual may see Part I papers: that statutory right stays.
    part_one = presume(Facts(for_meeting=True, part=Part.PART_1, has_interest=True), book)
    assert part_one.presumption == Presumption.STATUTORY
    # Through the API, with an interest registered against the contractor.
    council = load("tower-hamlets")
    member = h.backbencher(council)
    interest_register(
        member=member,
        actor=member.person,
        category=InterestCategory.CONTRACTS,
        description="Director of a cleaning company with a council contract",
        names="Acme Facilities Ltd",
        as_of=AS_OF,
    )
    made = _api(member.person).post(
        "/api/v1/access-requests/", _body(council, h.contract_ask(council)), format="json"
    )
    assert made.status_code == 201, made.json()
    assert (made.json()["presumption"], made.json()["presumption_source"][:9]) == (
        "no_right",
        "000 §7.7;",
    )


# ---- 003 §34 --------------------------------------------------------------------------------


def test_003_34_a_report_supplied_to_a_group_is_open_to_other_parties(client, frozen):
    """003 §34: "any written report supplied to party political group must be accessible to
    members of other parties" — not refused as another group's papers."""
    council = load("southwark")
    member = h.backbencher(council)
    ask = dataclasses.replace(
        h.group_ask(council), what="The officers' written report to the Labour Group"
    )
    api = _api(member.person)
    made = api.post(
        "/api/v1/access-requests/", _body(council, ask, report_to_group=True), format="json"
    )
    assert made.status_code == 201, made.json()
    data = made.json()
    assert (data["presumption"], data["presumption_source"]) == ("prima_facie", "003 §34")
    assert data["status"] == Status.SUBMITTED  # not sent to FOI (§60 read with §34)
    assert data["report_to_group"] is True
    bad = api.post(
        "/api/v1/access-requests/", _body(council, ask, report_to_group="banana"), format="json"
    )
    assert bad.status_code == 400
    # The browser form offers it and the preview cites §34.
    client.force_login(member.person)
    preview = client.post(
        reverse("access_requests:create"),
        {
            "council": council.pk,
            "what": ask.what,
            "directorate": ask.directorate.pk,
            "for_meeting": "no",
            "purpose": "other",
            "contains": ["other_group_papers", "report_to_group"],
            "justification": ask.justification,
            "action": "preview",
        },
    )
    assert preview.status_code == 200
    assert "003 §34" in preview.content.decode()
    # Elsewhere another group's internal papers are still not open (000 §7.14).
    assert presume(Facts(other_group_papers=True, report_to_group=True), h.book("000")) == (
        presume(Facts(other_group_papers=True), h.book("000"))
    )


# ---- 003 §53 --------------------------------------------------------------------------------


def test_003_53_personal_records_must_be_justified_not_refused_outright(frozen):
    """003 §53: "a member wishing to inspect documents which contain personal information about
    third parties ... will normally be expected to justify the request in specific terms,
    possibly in writing" — a must-justify request, not no right at all."""
    facts = Facts(purpose=Purpose.WARD, ward_is_members=True, personal_records=True)
    result = presume(facts, h.book("003"))
    assert (result.presumption, result.source) == (Presumption.MUST_JUSTIFY, "003 §53")
    assert "specific terms" in result.reason
    council = load("southwark")
    member = h.backbencher(council)
    ask = dataclasses.replace(
        h.ward_ask(council, member),
        matter_ward=member.ward,
        third_party_personal_data=False,
    )
    made = _api(member.person).post(
        "/api/v1/access-requests/", _body(council, ask, personal_records=True), format="json"
    )
    assert made.status_code == 201, made.json()
    assert (made.json()["presumption"], made.json()["presumption_source"]) == (
        "must_justify",
        "003 §53",
    )


# ---- 003 §60 --------------------------------------------------------------------------------


def test_003_60_a_request_unrelated_to_a_meeting_is_foi_and_the_member_is_told(frozen):
    """003 §60: "Where the request is for access to documents that are unrelated to any council
    meeting or where the member requesting the information is not the ward member, officers
    must inform the member that the request is being treated as a Freedom of Information
    request and that a response will be provided within 20 working days.\""""
    council = load("southwark")
    member = h.backbencher(council)
    api = _api(member.person)
    body = _body(council, h.ward_ask(council, member))
    preview = api.post("/api/v1/access-requests/preview/", body, format="json").json()
    assert preview["foi"] is True
    assert "20 working days" in preview["reason"]
    made = api.post("/api/v1/access-requests/", body, format="json")
    assert made.status_code == 201, made.json()
    assert (made.json()["status"], made.json()["presumption_source"]) == ("foi", "003 §60")
    request = AccessRequest.objects.get(pk=made.json()["id"])
    foi = FoiRequest.objects.get(access_request=request)
    # Received Monday 2 March 2026: day one is Tuesday 3 March; St Patrick's Day (17 March, a
    # bank holiday in Northern Ireland) is not a working day (FOIA s.10(6)), so the twentieth
    # is Tuesday 31 March 2026 (FOIA s.10(1)).
    assert foi.due_on == date(2026, 3, 31)
    told = OutboxMessage.objects.filter(recipients=member.person).values_list("body", flat=True)
    assert any("Freedom of Information request" in b and "20 working days" in b for b in told)
    # The ward member asking about their own ward keeps the need-to-know route (§53).
    own = dataclasses.replace(h.ward_ask(council, member), matter_ward=member.ward)
    kept = services.access_request_submit(
        council=council, requester=member.person, ask=own, as_of=AS_OF
    )
    assert kept.status == Status.SUBMITTED
    # A meeting's papers keep it too.
    scrutiny = h.scrutiny_member(council)
    meeting = services.access_request_submit(
        council=council, requester=scrutiny.person, ask=h.scrutiny_ask(council), as_of=AS_OF
    )
    assert meeting.status == Status.SUBMITTED


# ---- 004 §12.3 ------------------------------------------------------------------------------


def test_004_12_3_exempt_papers_of_a_body_the_member_is_not_on_are_never_open(frozen):
    """004 §12.3: a member not on a body may see its documents if FOI-disclosable or the
    Monitoring Officer is satisfied, "and the document or papers or information do not
    contain 'confidential' or 'exempt information'" — Part II papers never."""
    result = presume(Facts(for_meeting=True, part=Part.PART_2), h.book("004"))
    assert (result.presumption, result.source) == (Presumption.NO_RIGHT, "004 §12.3")
    # Part I papers of the same body: open (§12.1's Access to Information rules).
    assert presume(Facts(for_meeting=True, part=Part.PART_1), h.book("004")).presumed
    council = load("hackney")
    member = h.scrutiny_member(council)
    made = _api(member.person).post(
        "/api/v1/access-requests/preview/", _body(council, h.scrutiny_ask(council)), format="json"
    )
    assert made.status_code == 200, made.json()
    assert (made.json()["presumption"], made.json()["source"]) == (
        "no_right",
        "004 §12.3",
    )
