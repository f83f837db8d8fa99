"""Reads for the web shell: what the header and the home page show a signed-in person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Prefetch, Q, QuerySet, Value

from protocol_portal.casework.access import notices_visible
from protocol_portal.casework.models import Notice
from protocol_portal.org.models import Council, Member, MemberRole, Person, Post, PostKind

MONITORING_KINDS = (PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER)


def holds_monitoring_post(*, user: Person) -> bool:
    """True if the person is a council's Monitoring Officer or deputy (any council)."""
    return (
        user.is_authenticated
        and Post.objects.filter(holder=user, kind__in=MONITORING_KINDS).exists()
    )


def councils_of(*, person: Person) -> QuerySet[Council]:
    """The councils a person holds a post in or sits on, by name (one query)."""
    return (
        Council.objects.filter(Q(posts__holder=person) | Q(members__person=person))
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class CouncilRoles:
    """One of a person's councils, as the header and the service navigation show it."""

    pk: int
    name: str
    is_member: bool  # sits on it
    is_officer: bool  # holds a post in it
    is_monitoring: bool  # is its (deputy) Monitoring Officer


def councils_and_roles_of(*, person: Person) -> list[CouncilRoles]:
    """The person's councils (as `councils_of`, by name), each marked with the roles they hold
    there: the header and the service navigation share this one query on every page.

    One flat UNION of the person's posts and memberships, folded here: a quarter of the cost of
    annotating councils with three EXISTS subqueries, which Django recompiles on every request.
    """
    posts = Post.objects.filter(holder=person).values_list("council_id", "council__name", "kind")
    memberships = Member.objects.filter(person=person).values_list(
        "council_id", "council__name", Value(None, output_field=CharField())
    )
    found: dict[int, dict] = {}
    for council_id, name, post_kind in posts.order_by().union(memberships.order_by(), all=True):
        roles = found.setdefault(
            council_id, {"name": name, "member": False, "officer": False, "monitoring": False}
        )
        if post_kind is None:
            roles["member"] = True
        else:
            roles["officer"] = True
            roles["monitoring"] = roles["monitoring"] or post_kind in MONITORING_KINDS
    return sorted(
        (
            CouncilRoles(
                pk=pk,
                name=r["name"],
                is_member=r["member"],
                is_officer=r["officer"],
                is_monitoring=r["monitoring"],
            )
            for pk, r in found.items()
        ),
        key=lambda c: (c.name, c.pk),
    )


def unread_notices_for(*, person: Person, limit: int = 10) -> list[Notice]:
    """A person's newest unread portal notices, with the message each one copies (one query);
    a notice about a case they may no longer see is not shown (casework.access)."""
    return list(
        Notice.objects.filter(person=person, read_at__isnull=True)
        .filter(notices_visible(person))
        .select_related("message", "message__council")
        .order_by("-message__created_at", "-pk")[:limit]
    )


def unread_notice_count(*, person: Person) -> int:
    return (
        Notice.objects.filter(person=person, read_at__isnull=True)
        .filter(notices_visible(person))
        .count()
    )


def posts_of(*, person: Person) -> list[Post]:
    """The posts a person holds, with council, directorate and line manager (one query)."""
    return list(
        person.posts.select_related("council", "directorate", "line_manager").order_by(
            "council__name", "title"
        )
    )


def memberships_of(*, person: Person) -> list[Member]:
    """A person's council memberships with ward, group and member roles (two queries)."""
    roles = MemberRole.objects.select_related("committee").order_by("kind")
    return list(
        person.memberships.select_related("council", "ward", "group")
        .prefetch_related(Prefetch("roles", queryset=roles))
        .order_by("council__name")
    )
