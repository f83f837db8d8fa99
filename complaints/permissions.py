"""Who may do what to a complaint: the grants services make, and the one check views use.

Grants go through `casework.permissions` (to a post's group, so whoever holds the post has them,
or to a person). Nobody is granted anything on a complaint about themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from guardian.shortcuts import remove_perm

from protocol_portal.casework.permissions import (
    check_perm,
    grant_to_person,
    grant_to_posts,
    management_line,
)
from protocol_portal.org.models import Person, Post, PostKind
from protocol_portal.org.services import post_ensure_group

VIEW = "complaints.view_complaint"
ACT = "complaints.act_on_complaint"
DISCIPLINARY = "complaints.view_disciplinary_complaint"
RESPOND = "complaints.respond_to_complaint"
VIEW_RELEASED = "complaints.view_released_complaint"
DETERMINE = "complaints.determine_complaint"
VIEW_SUMMARY = "complaints.view_quarterlysummary"

HANDLER_PERMS = (VIEW, ACT, DISCIPLINARY)
MONITORING_KINDS = frozenset({PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER})


def can(user: Person, perm: str, obj) -> bool:
    """The one check views and the API make (casework.permissions.check_perm)."""
    return check_perm(user, perm, obj)


def _allowed(posts: Iterable[Post | None], barred: set[int]) -> list[Post]:
    return [p for p in posts if p is not None and p.holder_id not in barred]


def grant_posts(perms: Iterable[str], posts: Iterable[Post | None], obj, *, barred: set[int]):
    """Grant to these posts' groups, skipping any post held by a barred person (the subject)."""
    grant_to_posts(list(perms), _allowed(posts, barred), obj)


def grant_people(perms: Iterable[str], people: Iterable[Person | None], obj, *, barred: set[int]):
    for person in people:
        if person is not None and person.pk not in barred:
            grant_to_person(list(perms), person, obj)


def handler_side_posts(post: Post | None) -> list[Post]:
    """The handling post and its line of management (officers see what their staff handle)."""
    if post is None:
        return []
    return [post, *management_line(post)]


def revoke_post(perms: Iterable[str], post: Post | None, obj) -> None:
    if post is None:
        return
    group = post_ensure_group(post=post)
    for perm in perms:
        remove_perm(perm, group, obj)


def revoke_person(perms: Iterable[str], person: Person | None, obj) -> None:
    if person is None:
        return
    for perm in perms:
        remove_perm(perm, person, obj)
