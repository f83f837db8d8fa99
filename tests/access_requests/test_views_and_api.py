"""Browser pages and the JSON API: happy and denied paths, the visibility matrix (404 for those
not entitled), the access log of released documents, and constant query counts."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from access_requests import services
from access_requests.models import AccessRequest, ReleaseOpening
from access_requests.states import Ground, Outcome
from protocol_portal.org.models import Member
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def th(frozen):
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=AS_OF
    )
    other = (
        Member.objects.filter(council=council).exclude(pk=member.pk).exclude(group=member.group)
    ).first()
    same_group = (
        Member.objects.filter(council=council, group=member.group).exclude(pk=member.pk).first()
    )
    return council, member, request, other, same_group


def _people(council, member, other, same_group):
    return {
        "requester": (member.person, True),
        "holder (Director of Housing)": (h.post(council, "director-housing").holder, True),
        "Monitoring Officer": (h.post(council, "monitoring-officer").holder, True),
        "Chief Executive before any dispute": (h.post(council, "chief-executive").holder, False),
        "another member of another group": (other.person, False),
        "another member of the same group": (same_group.person, False),
        "an officer in the same directorate": (
            h.post(council, "housing-options-officer").holder,
            False,
        ),
    }


def test_visibility_matrix_browser_and_api(client, th):
    council, member, request, other, same_group = th
    for label, (person, sees) in _people(council, member, other, same_group).items():
        client.force_login(person)
        page = client.get(reverse("access_requests:detail", args=[request.pk]))
        assert page.status_code == (200 if sees else 404), label
        api = APIClient()
        api.force_authenticate(person)
        one = api.get(f"/api/v1/access-requests/{request.reference}/")
        assert one.status_code == (200 if sees else 404), label
        listed = [r["id"] for r in api.get("/api/v1/access-requests/").json()["results"]]
        assert (request.pk in listed) == sees, label


def test_chief_executive_sees_once_disputed(th):
    council, member, request, *_ = th
    council = load("part-5-3")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=AS_OF
    )
    ce = h.post(council, "chief-executive").holder
    assert not ce.has_perm("access_requests.view_accessrequest", request)
    services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.REFUSED,
        grounds=[Ground.FISHING],
        reasons="No need shown.",
        as_of=AS_OF,
    )
    services.access_request_dispute(
        request=request, actor=member.person, reasons="I need it.", as_of=AS_OF
    )
    assert ce.has_perm("access_requests.decide_accessrequest", request)


def test_member_asks_in_the_browser_with_a_preview_first(client, th):
    council, member, *_ = th
    client.force_login(member.person)
    page = client.get(reverse("access_requests:create"))
    assert page.status_code == 200
    assert "What the portal knows about you" in page.content.decode()
    ask = h.scrutiny_ask(council)
    data = {
        "council": council.pk,
        "what": ask.what,
        "directorate": ask.directorate.pk,
        "for_meeting": "yes",
        "committee": ask.committee.pk,
        "part": "part_2",
        "within_terms_of_reference": "on",
        "purpose": "scrutiny",
        "justification": ask.justification,
        "action": "preview",
    }
    preview = client.post(reverse("access_requests:create"), data)
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "How this will be treated, and why" in body
    assert "000 §7.6" in body
    sent = client.post(reverse("access_requests:create"), {**data, "action": "submit"})
    assert sent.status_code == 302


def test_bad_input_is_kept_and_explained(client, th):
    council, member, *_ = th
    client.force_login(member.person)
    page = client.post(
        reverse("access_requests:create"),
        {
            "council": council.pk,
            "what": "Keep this text",
            "for_meeting": "yes",
            "action": "preview",
        },
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "Keep this text" in body
    assert "Choose the committee whose meeting it belongs to." in body


def test_officers_cannot_ask_and_the_requester_cannot_decide(client, th):
    council, member, request, *_ = th
    client.force_login(h.post(council, "director-housing").holder)
    assert client.get(reverse("access_requests:create")).status_code == 403
    client.force_login(member.person)
    assert client.get(reverse("access_requests:decide", args=[request.pk])).status_code == 403
    api = APIClient()
    api.force_authenticate(member.person)
    denied = api.post(
        f"/api/v1/access-requests/{request.reference}/decide/",
        {"outcome": "granted", "reasons": "Me."},
        format="json",
    )
    assert denied.status_code == 403


def test_determiner_decides_in_the_browser(client, th):
    council, member, request, *_ = th
    client.force_login(request.owner_post.holder)
    page = client.post(
        reverse("access_requests:decide", args=[request.pk]),
        {"outcome": "refused", "grounds": ["fishing"], "reasons": "A roving commission."},
    )
    assert page.status_code == 302
    client.force_login(member.person)
    detail = client.get(reverse("access_requests:detail", args=[request.pk])).content.decode()
    assert "A roving commission." in detail
    assert "000 §7.11" in detail
    # Refused by the Director: referred to the Monitoring Officer, no dispute needed (§7.2b).
    assert "Dispute the refusal" not in detail
    assert "000 §7.2b" in detail


def test_api_errors_are_400_and_409(th):
    council, member, request, *_ = th
    api = APIClient()
    api.force_authenticate(request.owner_post.holder)
    bad = api.post(
        f"/api/v1/access-requests/{request.reference}/decide/",
        {"outcome": "refused", "reasons": ""},
        format="json",
    )
    assert bad.status_code == 400
    assert "grounds" in bad.json()
    services.access_request_withdraw(request=request, actor=member.person, reason="", as_of=AS_OF)
    mine = APIClient()
    mine.force_authenticate(member.person)
    late = mine.post(f"/api/v1/access-requests/{request.reference}/dispute/", {"reasons": "x"})
    assert late.status_code == 409


def test_released_document_is_served_only_to_those_entitled_and_logged(client, th):
    council, member, request, other, _ = th
    holder = request.owner_post.holder
    services.access_request_decide(
        request=request, actor=holder, outcome=Outcome.GRANTED, reasons="Ward need.", as_of=AS_OF
    )
    api = APIClient()
    api.force_authenticate(holder)
    released = api.post(
        f"/api/v1/access-requests/{request.reference}/release/",
        {
            "title": "Tenancy file",
            "redactions": "Third parties' names",
            "file": SimpleUploadedFile("file.pdf", PDF),
        },
        format="multipart",
    )
    assert released.status_code == 200, released.json()
    release = released.json()["releases"][0]
    assert release["marking"].startswith("Confidential")
    url = reverse("access_requests:download", args=[request.pk, release["id"]])
    client.force_login(other.person)
    assert client.get(url).status_code == 404
    client.force_login(member.person)
    got = client.get(url)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")
    assert b"".join(got.streaming_content) == PDF
    mine = APIClient()
    mine.force_authenticate(member.person)
    assert (
        mine.get(
            f"/api/v1/access-requests/{request.reference}/releases/{release['id']}/file/"
        ).status_code
        == 200
    )
    assert ReleaseOpening.objects.filter(person=member.person).count() == 2
    log = api.get(f"/api/v1/access-requests/{request.reference}/access-log/").json()
    assert len(log) == 2
    assert mine.get(f"/api/v1/access-requests/{request.reference}/access-log/").status_code == 403


def test_schema_lists_the_api(client, django_user_model):
    client.force_login(django_user_model.objects.create(username="api-reader"))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/access-requests/{reference}/decide/" in text
    assert "/api/v1/foi-requests/" in text


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_answer_in_constant_queries(client, th):
    council, member, request, *_ = th
    director = h.post(council, "director-housing").holder
    client.force_login(director)
    urls = [
        reverse("access_requests:list"),
        reverse("access_requests:detail", args=[request.pk]),
        "/",
    ]
    [_count(client, u) for u in urls]  # warm the per-process caches (content types, site)
    before = [_count(client, u) for u in urls]
    for _ in range(5):
        services.access_request_submit(
            council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=AS_OF
        )
    after = [_count(client, u) for u in urls]
    print("queries (list, detail, home):", before, after)
    assert before == after
    api = APIClient()
    api.force_authenticate(director)
    with CaptureQueriesContext(connection) as ctx:
        api.get("/api/v1/access-requests/")
    assert len(ctx.captured_queries) < 15


def test_dispute_decision_in_the_browser_records_whom_the_chief_executive_consulted(client):
    council = load("south-oxfordshire")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=AS_OF
    )
    client.force_login(member.person)
    dispute = reverse("access_requests:dispute", args=[request.pk])
    early = client.get(dispute, follow=True)
    # No dispute form before a refusal: back to the request, saying why.
    assert early.redirect_chain == [(reverse("access_requests:detail", args=[request.pk]), 302)]
    assert "You cannot do that while the request is" in early.content.decode()
    services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.REFUSED,
        grounds=[Ground.FISHING],
        reasons="No need shown.",
        as_of=AS_OF,
    )
    assert client.get(dispute).status_code == 200
    disputed = client.post(dispute, {"reasons": "It is my duty."})
    assert disputed.status_code == 302
    ce = h.post(council, "chief-executive").holder
    client.force_login(ce)
    url = reverse("access_requests:decide", args=[request.pk])
    page = client.get(url)
    assert "Consulted (the Leader" in page.content.decode()
    missing = client.post(url, {"outcome": "granted", "reasons": "On reflection."})
    assert missing.status_code == 400
    assert "002 §79" in missing.content.decode()
    leader = Member.objects.get(council=council, roles__kind="leader")
    done = client.post(
        url,
        {
            "outcome": "granted",
            "reasons": "On reflection.",
            "consulted": leader.pk,
            "consulted_view": "Agrees.",
        },
    )
    assert done.status_code == 302
    client.force_login(member.person)
    detail = client.get(reverse("access_requests:detail", args=[request.pk])).content.decode()
    assert "(final)" in detail
    assert "Agrees." in detail


def test_foi_pages_for_the_member_and_the_handler(client, th):
    council, member, request, other, _ = th
    foi = services.access_request_to_foi(
        request=request, actor=member.person, reason="I ask for FOI.", as_of=AS_OF
    )
    url = reverse("access_requests:foi-detail", args=[foi.pk])
    client.force_login(other.person)
    assert client.get(url).status_code == 404
    client.force_login(member.person)
    page = client.get(url).content.decode()
    assert "FOIA s.10(6)" in page
    assert foi.reference in page
    assert client.get(reverse("access_requests:foi-answer", args=[foi.pk])).status_code == 403
    client.force_login(foi.owner_post.holder)
    answered = client.post(
        reverse("access_requests:foi-answer", args=[foi.pk]), {"response": "Here it is."}
    )
    assert answered.status_code == 302
    foi.refresh_from_db()
    assert foi.status == "answered"
    assert foi.next_action_at is None


def _hidden(body: str) -> list[tuple[str, str]]:
    """The hidden inputs a check-answers page will post back, as (name, value) pairs."""
    return [
        (html.unescape(name), html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
        if name != "csrfmiddlewaretoken"
    ]


def test_check_answers_round_trip_posts_back_exactly_what_was_typed(client, th):
    council, member, *_ = th
    client.force_login(member.person)
    ask = h.scrutiny_ask(council)
    data = {
        "council": council.pk,
        "what": "The “Q3” <budget> report",
        "directorate": ask.directorate.pk,
        "for_meeting": "yes",
        "committee": ask.committee.pk,
        "meeting_date_day": "16",
        "meeting_date_month": "3",
        "meeting_date_year": "2026",
        "part": "part_2",
        "within_terms_of_reference": "on",
        "purpose": "scrutiny",
        "contains": ["contract_information", "property_transaction"],
        "justification": ask.justification,
        "action": "preview",
    }
    check = client.post(reverse("access_requests:create"), data)
    assert check.status_code == 200
    body = check.content.decode()
    assert "Check your answers before sending" in body
    assert "16 March 2026" in body
    assert "Information about a contract; Information about a property transaction" in body
    assert 'formaction="/access-requests/new/#id_meeting_date_0"' in body
    carried = _hidden(body)
    assert ("what", "The “Q3” <budget> report") in carried
    assert ("meeting_date_day", "16") in carried
    assert ("contains", "property_transaction") in carried

    # "Change" with what the page carries: the form again, every answer in place.
    back = client.post(
        reverse("access_requests:create"),
        urlencode([*carried, ("action", "change")]),
        content_type="application/x-www-form-urlencoded",
    )
    assert back.status_code == 200
    body = back.content.decode()
    assert "There is a problem" not in body
    assert "Check your answers" not in body
    assert 'value="The “Q3” &lt;budget&gt; report"' in body
    assert 'name="meeting_date_day" type="text" inputmode="numeric" value="16"' in body
    assert 'value="property_transaction" checked' in body

    # Sending from the check page sends what it carries.
    sent = client.post(
        reverse("access_requests:create"),
        urlencode([*carried, ("action", "submit")]),
        content_type="application/x-www-form-urlencoded",
    )
    assert sent.status_code == 302
    made = AccessRequest.objects.order_by("-pk").first()
    assert made.what == "The “Q3” <budget> report"
    assert made.meeting_date.isoformat() == "2026-03-16"
    assert made.contract_information
    assert made.property_transaction
    assert made.within_terms_of_reference


def test_a_withdrawn_request_ends_grey_with_the_date_not_a_green_outcome(client, th):
    council, member, request, *_ = th
    services.access_request_withdraw(request=request, actor=member.person, reason="", as_of=AS_OF)
    client.force_login(member.person)
    html = client.get(reverse("access_requests:detail", args=[request.pk])).content.decode()
    start = html.index('class="govuk-notification-banner')
    banner = html[start : html.index("</div>\n</div>", start)]
    assert "portal-next-step--ended" in banner
    assert "govuk-notification-banner--success" not in banner
    assert ">Ended</h2>" in banner
    assert f"Withdrawn on {AS_OF.day} {AS_OF:%B %Y}" in banner
