"""Finding the people and things the scenarios need in a loaded council."""

from __future__ import annotations

from access_requests.selectors import Ask
from access_requests.states import Part, Purpose
from protocol_portal.org.models import (
    Committee,
    Council,
    Directorate,
    Member,
    MemberRoleKind,
    Post,
    Ward,
)

# council: the directorate that holds housing information.
HOUSING = {
    "tower-hamlets": "housing-regeneration",
    "part-5-3": "housing-communities",
    "south-oxfordshire": "place",
    "vale-of-white-horse": "place",
    "southwark": "housing",
    "hackney": "neighbourhoods-housing",
}
SLUGS = sorted(HOUSING)


def post(council: Council, slug: str) -> Post:
    return Post.objects.get(council=council, slug=slug)


def housing(council: Council) -> Directorate:
    return Directorate.objects.get(council=council, slug=HOUSING[council.slug])


def cabinet(council: Council) -> Committee:
    return Committee.objects.get(council=council, is_executive=True)


def scrutiny_member(council: Council) -> Member:
    """A member of an Overview and Scrutiny committee who does not sit on the Cabinet."""
    return (
        Member.objects.filter(council=council, committees__is_scrutiny=True)
        .exclude(committees__is_executive=True)
        .exclude(roles__kind__in=[MemberRoleKind.CABINET_MEMBER, MemberRoleKind.LEADER])
        .order_by("pk")
        .first()
    )


def backbencher(council: Council) -> Member:
    """A member with no Cabinet role, not on the Cabinet."""
    return (
        Member.objects.filter(council=council)
        .exclude(committees__is_executive=True)
        .exclude(roles__kind__in=[MemberRoleKind.CABINET_MEMBER, MemberRoleKind.LEADER])
        .order_by("-pk")
        .first()
    )


def other_ward(member: Member) -> Ward:
    return Ward.objects.filter(council=member.council).exclude(pk=member.ward_id).first()


def scrutiny_ask(council: Council) -> Ask:
    return Ask(
        what="Part II report: housing company business plan",
        directorate=housing(council),
        purpose=Purpose.SCRUTINY,
        justification="The scrutiny committee is reviewing the housing company.",
        for_meeting=True,
        committee=cabinet(council),
        part=Part.PART_2,
        within_terms_of_reference=True,
    )


def ward_ask(council: Council, member: Member) -> Ask:
    return Ask(
        what="The housing file of a tenant in another ward",
        directorate=housing(council),
        purpose=Purpose.WARD,
        justification="A resident asked me about it.",
        matter_ward=other_ward(member),
        third_party_personal_data=True,
    )


def group_ask(council: Council) -> Ask:
    return Ask(
        what="Another group's briefing papers for the budget",
        directorate=Directorate.objects.filter(council=council).order_by("slug").first(),
        purpose=Purpose.OTHER,
        justification="To see what they plan.",
        other_group_papers=True,
    )


def contract_ask(council: Council) -> Ask:
    return Ask(
        what="The cleaning contract with Acme Facilities Ltd",
        directorate=housing(council),
        purpose=Purpose.OTHER,
        justification="I want to see the prices paid to Acme Facilities Ltd.",
        contract_information=True,
    )


# ---- the rulebooks, as the council files write them ----------------------------------------


def council_of(protocol: str):
    """A council file's protocol settings, as the engine reads them from `Council` (no DB)."""
    from types import SimpleNamespace

    from protocol_portal.org import protocol_settings
    from protocol_portal.org.council_files import council_files, read

    for path in council_files():
        data = read(path)
        if str(data["council"]["protocol"]) == protocol:
            return SimpleNamespace(
                protocol=protocol,
                protocol_settings=protocol_settings.stored(data.get("settings") or {}),
            )
    return SimpleNamespace(protocol=protocol, protocol_settings={})


def book(protocol: str):
    """The rulebook of the council file that follows this protocol (DEFAULT_BOOK if none)."""
    from access_requests.presumptions import rulebook_for

    return rulebook_for(council_of(protocol))
