"""'Your work' and the request page for need-to-know requests (issue 14): the decider's
requests with the working days left; the councillor's decisions and released documents; the
page's banner says the decision and what happens next, or who decides and by when."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from access_requests import services
from access_requests.states import Ground, Outcome
from tests.access_requests import helpers as h
from tests.access_requests.conftest import load

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def asked(frozen):
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.ward_ask(council, member), as_of=frozen
    )
    return member, request


def _get(client, person, url) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, title: str) -> str:
    start = html.index(f"<span>{title}</span>")
    return html[start : html.index("</section>", start)]


def _banner(html: str) -> str:
    start = html.index('class="govuk-notification-banner')
    return html[start : html.index("</div>\n</div>", start)]


def test_decider_sees_the_request_with_working_days_left(client, asked):
    member, request = asked
    holder = request.owner_post.holder
    panel = _section(_get(client, holder, reverse("home")), "Need-to-know requests to decide")
    assert f"{request.reference}: {request.what}" in panel
    assert f'href="{request.get_absolute_url()}"' in panel
    assert "Due in " in panel
    assert "working days" in panel
    banner = _banner(_get(client, holder, request.get_absolute_url()))
    assert "Decide this request" in banner
    assert "By " in banner


def test_member_sees_who_decides_then_the_grant_then_the_released_document(client, asked):
    member, request = asked
    holder = request.owner_post.holder
    banner = _banner(_get(client, member.person, request.get_absolute_url()))
    assert f"The {request.handler_title} will decide" in banner
    services.access_request_decide(
        request=request,
        actor=holder,
        outcome=Outcome.GRANTED,
        reasons="Ward need.",
        as_of=request.created_at,
    )
    page = _get(client, member.person, request.get_absolute_url())
    banner = _banner(page)
    assert "govuk-notification-banner--success" in banner
    assert ">Granted<" in banner or "Granted</p>" in banner
    assert "will release the document to you" in banner
    # Nothing to do for the member now: said, not an empty heading.
    assert "There is nothing for you to do on this case now." in page
    panel = _section(_get(client, member.person, reverse("home")), "Your need-to-know requests")
    assert "Granted" in panel
    api = APIClient()
    api.force_authenticate(holder)
    released = api.post(
        f"/api/v1/access-requests/{request.reference}/release/",
        {"title": "Tenancy file", "file": SimpleUploadedFile("file.pdf", PDF)},
        format="multipart",
    )
    assert released.status_code == 200, released.json()
    panel = _section(_get(client, member.person, reverse("home")), "Your need-to-know requests")
    assert "Document released" in panel
    banner = _banner(_get(client, member.person, request.get_absolute_url()))
    assert "Granted, and released on " in banner


def test_a_refusal_leads_the_page_with_how_to_dispute_it(client, asked):
    member, request = asked
    services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.REFUSED,
        grounds=[Ground.FISHING],
        reasons="No need shown.",
        as_of=request.created_at,
    )
    request.refresh_from_db()
    if request.status == "referred":
        # Tower Hamlets: a Director's refusal goes to the Monitoring Officer (000 §7.2b), whose
        # refusal is final.
        services.access_request_decide(
            request=request,
            actor=request.owner_post.holder,
            outcome=Outcome.REFUSED,
            grounds=[Ground.FISHING],
            reasons="No need shown.",
            as_of=request.created_at,
        )
        request.refresh_from_db()
    page = _get(client, member.person, request.get_absolute_url())
    banner = _banner(page)
    assert "Refused on " in banner
    assert "No need shown." in banner
    if request.next_stage:
        assert "you can dispute the refusal" in banner
        assert "Dispute the refusal</a>" in page
    panel = _section(_get(client, member.person, reverse("home")), "Your need-to-know requests")
    assert ">Refused<" in panel
