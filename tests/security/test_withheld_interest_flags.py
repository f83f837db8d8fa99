"""A need-to-know request flags the member's own interest to whoever decides it; an interest
withheld from the public register (Localism Act 2011 s.32(2)) is flagged only as "a withheld
interest" with its paragraph — never its kind or the names it matched — on the page, in the API
and on the timeline. A published interest is still described."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from access_requests import services
from interests.models import InterestCategory
from interests.services import interest_register, interest_sensitivity_decide
from protocol_portal.casework.models import CaseEvent
from protocol_portal.org.models import PostKind
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load

pytestmark = pytest.mark.django_db

# What the interest says that the request does not: its kind, and that it names the company.
SECRET = ("contracts interest", "naming 'acme facilities ltd'", "has a registered")


def _request_with_interest(*, withheld: bool):
    council = load("part-5-3")
    member = h.backbencher(council)
    interest = interest_register(
        member=member,
        actor=member.person,
        category=InterestCategory.CONTRACTS,
        description="Director of a cleaning company with a council contract",
        names="Acme Facilities Ltd",
        sensitive_requested=withheld,
        sensitive_reason="Threats from a former employee." if withheld else "",
        as_of=AS_OF,
    )
    if withheld:
        mo = council.posts.get(kind=PostKind.MONITORING_OFFICER).holder
        interest_sensitivity_decide(interest=interest, actor=mo, agreed=True, as_of=AS_OF)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.contract_ask(council), as_of=AS_OF
    )
    return request, request.owner_post.holder


def _what_the_decider_reads(client, request, decider) -> str:
    client.force_login(decider)
    page = client.get(f"/access-requests/{request.pk}/")
    assert page.status_code == 200
    api = APIClient()
    api.force_authenticate(decider)
    data = api.get(f"/api/v1/access-requests/{request.reference}/")
    assert data.status_code == 200
    events = " ".join(
        f"{e.summary} {e.detail}"
        for e in CaseEvent.objects.filter(
            case_type=ContentType.objects.get_for_model(request), case_id=request.pk
        )
    )
    return f"{page.content.decode()} {data.content.decode()} {events}".replace(
        "&#x27;", "'"
    ).lower()


def test_a_withheld_interest_is_flagged_without_saying_what_it_is(client):
    request, decider = _request_with_interest(withheld=True)
    read = _what_the_decider_reads(client, request, decider)
    for secret in SECRET:
        assert secret not in read, secret
    assert "withheld interest" in read
    assert len(request.interest_flags) == 1
    flag = request.interest_flags[0]
    assert flag.get("withheld") is True
    assert "cf. 000 §7.7, 002 §81" in flag["source"], "the paragraph is still given"


def test_a_published_interest_is_still_described(client):
    request, decider = _request_with_interest(withheld=False)
    read = _what_the_decider_reads(client, request, decider)
    assert "naming 'acme facilities ltd'" in read
    assert "withheld interest" not in read
    assert request.interest_flags[0].get("withheld") is False
