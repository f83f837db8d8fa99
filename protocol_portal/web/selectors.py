"""Reads for the web shell: what the header and the home page show a signed-in person."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from protocol_portal.casework.models import Notice
from protocol_portal.org.models import Council, Member, MemberRole, Person, Post, PostKind

MONITORING_KINDS = (PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER)


def councils_of(*, person: Person) -> QuerySet[Council]:
    """The councils a person holds a post in or sits on, by name (one query)."""
    return (
        Council.objects.filter(Q(posts__holder=person) | Q(members__person=person))
        .distinct()
        .order_by("name")
    )


def councils_and_roles_of(*, person: Person) -> list[Council]:
    """The person's councils (as `councils_of`), each marked with whether they sit on it
    (`is_member`), hold a post in it (`is_officer`) or are its (deputy) Monitoring Officer
    (`is_monitoring`): the header and the service navigation share this one query."""
    posts = Post.objects.filter(council=OuterRef("pk"), holder=person)
    return list(
        councils_of(person=person).annotate(
            is_member=Exists(Member.objects.filter(council=OuterRef("pk"), person=person)),
            is_officer=Exists(posts),
            is_monitoring=Exists(posts.filter(kind__in=MONITORING_KINDS)),
        )
    )


def unread_notices_for(*, person: Person, limit: int = 10) -> list[Notice]:
    """A person's newest unread portal notices, with the message each one copies (one query)."""
    return list(
        Notice.objects.filter(person=person, read_at__isnull=True)
        .select_related("message", "message__council")
        .order_by("-message__created_at", "-pk")[:limit]
    )


def unread_notice_count(*, person: Person) -> int:
    return Notice.objects.filter(person=person, read_at__isnull=True).count()


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
