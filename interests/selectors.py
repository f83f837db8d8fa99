"""Reads for relationships and interests: visibility-filtered lists and the public register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from interests import permissions as perms
from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    Interest,
    RegisterReturn,
    Relationship,
)
from interests.states import InterestStatus, RelationshipStatus, ReturnStatus
from protocol_portal.casework.permissions import objects_for
from protocol_portal.org.models import (
    SENIOR_KINDS,
    Council,
    Member,
    Person,
    Post,
    PostKind,
)

ACTIVE = (RelationshipStatus.DECLARED, RelationshipStatus.DECIDED)
# Most senior first: the post that decides a declarer's level.
_RANK = {
    PostKind.CHIEF_EXECUTIVE: 0,
    PostKind.DEPUTY_CHIEF_EXECUTIVE: 1,
    PostKind.CORPORATE_DIRECTOR: 2,
    PostKind.DIRECTOR: 3,
    PostKind.S151_OFFICER: 3,
    PostKind.MONITORING_OFFICER: 4,
}


def staff_councils(*, council: Council) -> list[int]:
    """Ids of the council and any council sharing its staff (South Oxfordshire and Vale, 002)."""
    ids = {council.pk}
    if council.shares_staff_with_id:
        ids.add(council.shares_staff_with_id)
    ids.update(Council.objects.filter(shares_staff_with=council).values_list("pk", flat=True))
    return sorted(ids)


def member_of(*, person: Person, council: Council) -> Member | None:
    """The person's membership of this council, if any."""
    return (
        Member.objects.filter(person=person, council=council)
        .select_related("group", "person")
        .first()
    )


def main_post(*, person: Person, council: Council) -> Post | None:
    """The most senior post the person holds for this council (or a council sharing staff)."""
    posts = list(
        Post.objects.filter(holder=person, council_id__in=staff_councils(council=council))
        .select_related("directorate", "line_manager", "deputy")
        .order_by("slug")
    )
    if not posts:
        return None
    own = [p for p in posts if p.council_id == council.pk] or posts
    return min(own, key=lambda p: _RANK.get(p.kind, 9))


def level_of_kind(kind: str) -> str:
    """The routing vocabulary's level of a post kind: officer, director or chief_executive."""
    if kind == PostKind.CHIEF_EXECUTIVE:
        return "chief_executive"
    if kind in SENIOR_KINDS:
        return "director"
    return "officer"


def declarer_level(post: Post | None) -> str:
    """A declarer's level for routing: their post's level, or "any" for a member."""
    return "any" if post is None else level_of_kind(post.kind)


def councils_for(*, person: Person) -> list[Council]:
    """Councils where the person is a member or holds a post (the choices on the forms)."""
    return list(
        Council.objects.filter(Q(members__person=person) | Q(posts__holder=person))
        .distinct()
        .order_by("name")
    )


def people_in_council(*, council: Council) -> QuerySet[Person]:
    """Everyone a declaration may name: the council's members and its post holders."""
    ids = staff_councils(council=council)
    return (
        Person.objects.filter(
            Q(memberships__council=council) | Q(posts__council_id__in=ids), is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def monitoring_officer_post(*, council: Council) -> Post | None:
    from protocol_portal.org.routing import PostRef
    from protocol_portal.org.services import RoutingContext, post_for

    return post_for(PostRef(PostKind.MONITORING_OFFICER), RoutingContext(council=council))


# ---- relationships


def relationships_visible_to(*, user: Person) -> QuerySet[Relationship]:
    """Declarations this person may see: their own, those notified to them, and the MO's."""
    if not user.is_authenticated:
        return Relationship.objects.none()
    return objects_for(
        user,
        perms.VIEW_RELATIONSHIP,
        Relationship.objects.select_related(
            "council", "declarer", "other_person", "owner_post__holder", "decided_by"
        ),
    ).order_by("-received_on", "-pk")


def relationships_active_for(*, person_id: int, council_ids: Iterable[int]) -> list[Relationship]:
    """Declared relationships (not ended or withdrawn) the person is a party to (one query)."""
    return list(
        Relationship.objects.filter(
            Q(declarer_id=person_id) | Q(other_person_id=person_id),
            council_id__in=list(council_ids),
            status__in=ACTIVE,
        ).select_related("council", "declarer", "other_person")
    )


def relationship_with_notified(*, pk: int) -> Relationship | None:
    return (
        Relationship.objects.select_related(
            "council", "declarer", "other_person", "owner_post__holder", "decided_by"
        )
        .prefetch_related("notified_posts__holder", "notified_members__person")
        .filter(pk=pk)
        .first()
    )


def active_relationship_exists(*, council: Council, a: Person, b: Person) -> bool:
    return Relationship.objects.filter(
        Q(declarer=a, other_person=b) | Q(declarer=b, other_person=a),
        council=council,
        status__in=ACTIVE,
    ).exists()


# ---- the register


def interests_visible_to(*, user: Person) -> QuerySet[Interest]:
    if not user.is_authenticated:
        return Interest.objects.none()
    return objects_for(
        user, perms.VIEW_INTEREST, Interest.objects.select_related("council", "member__person")
    ).order_by("member__person__last_name", "category", "pk")


def interests_of(*, member: Member, include_removed: bool = False) -> list[Interest]:
    items = Interest.objects.filter(member=member)
    if not include_removed:
        items = items.filter(status=InterestStatus.REGISTERED)
    return list(items.order_by("category", "pk"))


def interests_matching(*, person_id: int, council_ids: Iterable[int]) -> list[Interest]:
    """The person's registered interests in these councils (for the conflict check)."""
    return list(
        Interest.objects.filter(
            member__person_id=person_id,
            council_id__in=list(council_ids),
            status=InterestStatus.REGISTERED,
        ).select_related("council")
    )


def public_register(*, council: Council) -> list[Member]:
    """Every member of the council with the interests that may be published (three queries)."""
    published = Interest.objects.filter(status=InterestStatus.REGISTERED).order_by("category", "pk")
    members = list(
        Member.objects.filter(council=council)
        .select_related("person", "group", "ward")
        .prefetch_related(Prefetch("interests", queryset=published, to_attr="published"))
        .order_by("person__last_name", "person__first_name")
    )
    for member in members:
        # Withheld entries go last, so their place in the list says nothing of their kind.
        member.published.sort(
            key=lambda i: (i.withheld, i.category if not i.withheld else "", i.pk)
        )
    return members


# ---- returns, notices and advice


def returns_visible_to(*, user: Person) -> QuerySet[RegisterReturn]:
    if not user.is_authenticated:
        return RegisterReturn.objects.none()
    return objects_for(
        user,
        perms.VIEW_RETURN,
        RegisterReturn.objects.select_related("council", "member__person", "owner_post"),
    ).order_by("due_on", "pk")


def returns_open_for(*, member: Member) -> list[RegisterReturn]:
    return list(
        RegisterReturn.objects.filter(member=member, status=ReturnStatus.OPEN).order_by("due_on")
    )


def members_awaiting_initial_return(*, as_of_day: date, window_days: int) -> list[Member]:
    """Members who took office in the last `window_days` days and have no initial return yet."""
    from datetime import timedelta

    from interests.models import ReturnKind

    earliest = as_of_day - timedelta(days=window_days)
    return list(
        Member.objects.filter(took_office_on__gte=earliest, took_office_on__lte=as_of_day)
        .exclude(register_returns__kind=ReturnKind.INITIAL)
        .select_related("council", "person")
    )


def notices_visible_to(*, user: Person) -> QuerySet[ActingAgainstNotice]:
    if not user.is_authenticated:
        return ActingAgainstNotice.objects.none()
    return objects_for(
        user,
        perms.VIEW_NOTICE,
        ActingAgainstNotice.objects.select_related("council", "member__person", "owner_post"),
    ).order_by("-received_on", "-pk")


def advice_visible_to(*, user: Person) -> QuerySet[AdviceRequest]:
    if not user.is_authenticated:
        return AdviceRequest.objects.none()
    return objects_for(
        user,
        perms.VIEW_ADVICE,
        AdviceRequest.objects.select_related("council", "requester", "owner_post"),
    ).order_by("-received_on", "-pk")


def interests_awaiting_sensitivity(*, user: Person) -> QuerySet[Interest]:
    """Sensitive-interest requests the Monitoring Officer has still to decide (s.32)."""
    if not user.is_authenticated:
        return Interest.objects.none()
    return objects_for(
        user,
        perms.DECIDE_SENSITIVITY,
        Interest.objects.filter(
            sensitive_requested=True,
            sensitive_agreed__isnull=True,
            status=InterestStatus.REGISTERED,
        ).select_related("council", "member__person"),
    ).order_by("registered_on", "pk")
