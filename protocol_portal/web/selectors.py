"""Reads for the web shell: what the header and the home page show a signed-in person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from protocol_portal.casework.access import governed_types, notices_visible
from protocol_portal.casework.compiled import Compiled
from protocol_portal.casework.models import Notice
from protocol_portal.org.models import (
    MONITORING_KINDS,
    Council,
    Member,
    MemberRole,
    Person,
    Post,
    PostKind,
)


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
    is_member_services: bool = False  # holds its member services post (routes enquiries)


NOTICES = "notices"  # marks the row of the shell's query that carries the unread count
# The header's unread badge counts this far, then says "99+" (the notices page lists them all).
UNREAD_SHOWN = 99


@dataclass(frozen=True)
class Shell:
    """What the header and the service navigation show on every page, read in one query."""

    councils: list[CouncilRoles]
    unread: int


def _shell_rows(*, person: int) -> QuerySet:
    """The shell's one query (see `shell_of`) for the person with this id."""
    text = CharField()
    posts = Post.objects.filter(holder_id=person).values_list("council_id", "council__name", "kind")
    memberships = Member.objects.filter(person_id=person).values_list(
        "council_id", "council__name", Value(None, output_field=text)
    )
    # Counted up to one past what the badge shows: someone who never opens their notices
    # has hundreds, each checked against the policy, on every page they open.
    first = (
        Notice.objects.filter(person_id=person, read_at__isnull=True)
        .filter(notices_visible(Person(pk=person)))
        .order_by()
        .values("pk")[: UNREAD_SHOWN + 1]
    )
    unread = (
        Notice.objects.filter(pk__in=first)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    count_row = Person.objects.filter(pk=person).values_list(
        Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        Value(None, output_field=text),
        Value(NOTICES, output_field=text),
    )
    return posts.order_by().union(memberships.order_by(), count_row.order_by(), all=True)


_SHELL = Compiled(_shell_rows)


def shell_of(*, person: Person) -> Shell:
    """The person's councils (as `councils_of`, by name), each marked with the roles they hold
    there, and their unread notice count: the header and the service navigation share this one
    query on every page.

    One flat UNION of the person's posts and memberships, folded here: a quarter of the cost of
    annotating councils with three EXISTS subqueries. A third branch is one row: the count of
    unread notices they may still see (casework.access). Its SQL is compiled once
    (casework.compiled): building and compiling it each time cost three times running it.
    """
    rows = _SHELL.rows(governed_types(), person=person.pk)
    found: dict[int, dict] = {}
    unread_count = 0
    for council_id, name, post_kind in rows:
        if post_kind == NOTICES:
            unread_count = council_id or 0
            continue
        roles = found.setdefault(
            council_id,
            {
                "name": name,
                "member": False,
                "officer": False,
                "monitoring": False,
                "member_services": False,
            },
        )
        if post_kind is None:
            roles["member"] = True
        else:
            roles["officer"] = True
            roles["monitoring"] = roles["monitoring"] or post_kind in MONITORING_KINDS
            roles["member_services"] |= post_kind == PostKind.MEMBER_SERVICES
    councils = sorted(
        (
            CouncilRoles(
                pk=pk,
                name=r["name"],
                is_member=r["member"],
                is_officer=r["officer"],
                is_monitoring=r["monitoring"],
                is_member_services=r["member_services"],
            )
            for pk, r in found.items()
        ),
        key=lambda c: (c.name, c.pk),
    )
    return Shell(councils=councils, unread=unread_count)


def councils_and_roles_of(*, person: Person) -> list[CouncilRoles]:
    """The person's councils, each marked with the roles they hold there (`shell_of`)."""
    return shell_of(person=person).councils


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


def notice_for(*, person: Person, pk: int) -> Notice | None:
    """One of the person's own notices, while they may still see its case (one query). Anyone
    else's notice is None, exactly as one that does not exist: ids cannot be probed."""
    return (
        Notice.objects.filter(pk=pk, person=person)
        .filter(notices_visible(person))
        .select_related("message", "message__council")
        .first()
    )


def notices_for(*, person: Person) -> QuerySet[Notice]:
    """All the person's notices they may still see, newest first (the notices page)."""
    return (
        Notice.objects.filter(person=person)
        .filter(notices_visible(person))
        .select_related("message", "message__council")
        .order_by("-message__created_at", "-pk")
    )
