"""The need-to-know list: every request the person may see is reachable page by page (it was
cut at 50 with no way on: code review A8, access_requests/views.py), and the filters only narrow
what they may see (the API list too)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from access_requests import services
from access_requests.models import AccessRequest
from access_requests.states import Status
from protocol_portal.org.models import Member
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def sixty(frozen):
    council = load("tower-hamlets")
    member = h.backbencher(council)
    ask = h.ward_ask(council, member)
    for _ in range(60):
        services.access_request_submit(
            council=council, requester=member.person, ask=ask, as_of=AS_OF
        )
    other = Member.objects.filter(council=council).exclude(pk=member.pk).first()
    theirs = services.access_request_submit(
        council=council, requester=other.person, ask=h.ward_ask(council, other), as_of=AS_OF
    )
    return member, theirs


def _references(client, query="") -> list[str]:
    page = client.get(reverse("access_requests:list") + query)
    assert page.status_code == 200
    return [row[0]["text"] for row in page.context["mine_rows"]]


def test_sixty_requests_page_two_shows_the_rest(client, sixty):
    member, theirs = sixty
    client.force_login(member.person)
    first, second = _references(client), _references(client, "?page=2")
    assert (len(first), len(second)) == (50, 10)
    mine = set(
        AccessRequest.objects.filter(requester_person=member.person).values_list(
            "reference", flat=True
        )
    )
    assert set(first) | set(second) == mine
    assert theirs.reference not in first + second
    assert b'rel="next"' in client.get(reverse("access_requests:list")).content


def test_filters_narrow_and_never_widen(client, sixty):
    member, theirs = sixty
    one = AccessRequest.objects.filter(requester_person=member.person).first()
    services.access_request_withdraw(request=one, actor=member.person, reason="no", as_of=AS_OF)
    client.force_login(member.person)
    assert _references(client, "?status=withdrawn") == [one.reference]
    # Another member's request in the status asked for is still not theirs to see.
    AccessRequest.objects.filter(pk=theirs.pk).update(status=Status.WITHDRAWN)
    assert _references(client, "?status=withdrawn") == [one.reference]
    page = client.get(reverse("access_requests:list") + "?status=not-a-status")
    assert page.status_code == 200
    assert len(page.context["mine_rows"]) == 50  # an unknown value filters nothing out

    api = APIClient()
    api.force_authenticate(member.person)
    body = api.get("/api/v1/access-requests/?status=withdrawn").json()
    assert [r["reference"] for r in body["results"]] == [one.reference]
    assert api.get("/api/v1/access-requests/").json()["count"] == 60
    assert api.get("/api/v1/access-requests/?status=not-a-status").status_code == 400
