"""access_requests 0006: a flag stored before a withheld interest was flagged only as "a withheld
interest" still carried the interest's kind and the names it matched — in the request, its
history and its timeline. The migration rewrites those as the service writes them today; a
published interest's flag keeps its words."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from access_requests import services
from access_requests.models import AccessRequest
from interests.models import InterestCategory
from interests.services import interest_register, interest_sensitivity_decide
from protocol_portal.casework.models import CaseEvent
from protocol_portal.org.models import Member, PostKind
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load
from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("access_requests", "0005_intake_channel_received_at")
WITHHELD = "The member has a withheld interest that this request may concern."


def _old_flag(member) -> dict:
    """A flag as the service stored it before the fix (no "withheld" key, the interest told)."""
    return {
        "reason": f"{member.person} has a registered contracts interest naming 'acme facilities "
        "ltd', which this request concerns: a member with a personal or financial interest has "
        "only a private individual's access and acts privately; access may be refused; seek the "
        "Monitoring Officer's advice first.",
        "source": "5.3.8; cf. 000 §7.7, 002 §81",
        "blocking": False,
    }


def _request(council, member, *, withheld: bool) -> AccessRequest:
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
    return services.access_request_submit(
        council=council, requester=member.person, ask=h.contract_ask(council), as_of=AS_OF
    )


def _events(request) -> list[str]:
    return list(
        CaseEvent.objects.filter(
            case_type=ContentType.objects.get_for_model(AccessRequest),
            case_id=request.pk,
            kind="interest",
        ).values_list("detail", flat=True)
    )


def test_stored_flags_of_withheld_interests_are_reworded():
    council = load("part-5-3")
    first = h.backbencher(council)
    members = [first, Member.objects.filter(council=council).exclude(pk=first.pk).last()]
    withheld = _request(council, members[0], withheld=True)
    published = _request(council, members[1], withheld=False)
    content_type = ContentType.objects.get_for_model(AccessRequest)
    try:
        old = migrate([BEFORE])
        for request, member in ((withheld, members[0]), (published, members[1])):
            flag = _old_flag(member)
            old.get_model("access_requests", "AccessRequest").objects.filter(pk=request.pk).update(
                interest_flags=[flag]
            )
            old.get_model("access_requests", "HistoricalAccessRequest").objects.filter(
                id=request.pk
            ).update(interest_flags=[flag])
            old.get_model("casework", "CaseEvent").objects.filter(
                case_type_id=content_type.pk, case_id=request.pk, kind="interest"
            ).update(detail=flag["reason"])
        old_request = old.get_model("access_requests", "AccessRequest").objects.get(pk=withheld.pk)
        assert "acme" in old_request.interest_flags[0]["reason"]
    finally:
        migrate_to_latest()

    flags = AccessRequest.objects.get(pk=withheld.pk).interest_flags
    assert flags == [
        {
            "reason": WITHHELD,
            "source": "5.3.8; cf. 000 §7.7, 002 §81",
            "blocking": False,
            "withheld": True,
        }
    ]
    for row in AccessRequest.history.filter(id=withheld.pk):
        assert "acme" not in str(row.interest_flags).lower()
    assert _events(withheld) == [WITHHELD]

    kept = AccessRequest.objects.get(pk=published.pk).interest_flags
    assert kept == [{**_old_flag(members[1]), "withheld": False}]
    assert "acme facilities ltd" in _events(published)[0]
