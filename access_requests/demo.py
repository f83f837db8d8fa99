"""Demo need-to-know requests for `manage.py seed_demo` (idempotent: once per council)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access_requests import services
from access_requests.models import AccessRequest
from access_requests.selectors import Ask
from access_requests.states import Ground, Outcome, Part, Purpose
from protocol_portal.org.models import Committee, Council, Directorate, Member, MemberRoleKind


def _backbencher(council: Council) -> Member | None:
    return (
        Member.objects.filter(council=council)
        .exclude(committees__is_executive=True)
        .exclude(roles__kind__in=[MemberRoleKind.CABINET_MEMBER, MemberRoleKind.LEADER])
        .order_by("-pk")
        .first()
    )


def _asks(council: Council, member: Member) -> list[tuple[Ask, str]]:
    directorates = list(Directorate.objects.filter(council=council).order_by("slug"))
    cabinet = Committee.objects.filter(council=council, is_executive=True).first()
    other_ward = council.wards.exclude(pk=member.ward_id).first()
    asks = [
        (
            Ask(
                what="Part II Cabinet report on the leisure centre contract",
                directorate=directorates[-1],
                purpose=Purpose.SCRUTINY,
                justification="The scrutiny committee is reviewing the contract.",
                for_meeting=cabinet is not None,
                committee=cabinet,
                part=Part.PART_2 if cabinet else "",
                within_terms_of_reference=True,
            ),
            "open",
        ),
        (
            Ask(
                what="Correspondence about a disrepair case",
                directorate=directorates[0],
                purpose=Purpose.WARD,
                justification="A resident asked me to look into it.",
                matter_ward=other_ward,
                third_party_personal_data=True,
            ),
            "refused",
        ),
        (
            Ask(
                what="Another group's budget briefing",
                directorate=directorates[0],
                purpose=Purpose.OTHER,
                justification="To prepare for the budget debate.",
                other_group_papers=True,
            ),
            "foi",
        ),
    ]
    return asks


@transaction.atomic
def seed_access_requests(report=None) -> int:
    """Three requests per council: one open, one refused with grounds, one sent to FOI."""
    made = 0
    now = timezone.now()
    for council in Council.objects.order_by("slug"):
        if AccessRequest.objects.filter(council=council).exists():
            continue
        member = _backbencher(council)
        if member is None or not council.directorates.exists():
            continue
        for ask, fate in _asks(council, member):
            try:
                request = services.access_request_submit(
                    council=council, requester=member.person, ask=ask, as_of=now
                )
                if fate == "refused":
                    services.access_request_decide(
                        request=request,
                        actor=request.owner_post.holder,
                        outcome=Outcome.REFUSED,
                        grounds=[Ground.FISHING],
                        reasons="No link to your duties as a member has been shown.",
                        as_of=now,
                    )
                elif fate == "foi":
                    services.access_request_to_foi(
                        request=request,
                        actor=request.owner_post.holder,
                        reason="Not need-to-know: offered under the Freedom of Information Act.",
                        as_of=now,
                    )
            except ValidationError:
                continue  # a council whose rules cannot route this demo case: skip it
            made += 1
    return made
