"""Object permissions through one helper (STYLE habit 10).

Grants go to a post's group, so whoever holds the post (now or later) has them; a member's own
cases are granted to the member's person. Views call `check_perm`; lists filter in selectors
with `objects_for`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user

from protocol_portal.org.models import Person, Post
from protocol_portal.org.services import post_ensure_group


def check_perm(user: Person, perm: str, obj: Model) -> bool:
    """May this user do `perm` (e.g. "enquiries.view_enquiry") on this object?"""
    return bool(user.is_authenticated and user.is_active and user.has_perm(perm, obj))


def objects_for(user: Person, perm: str, queryset: QuerySet) -> QuerySet:
    """Only the objects the user holds `perm` on (constant queries at any volume)."""
    return get_objects_for_user(
        user, perm, klass=queryset, accept_global_perms=False, with_superuser=False
    )


def grant_to_posts(perms: Iterable[str], posts: Iterable[Post], obj: Model) -> None:
    """Grant perms on obj to the groups of these posts."""
    for post in posts:
        group = post_ensure_group(post=post)
        for perm in perms:
            assign_perm(perm, group, obj)


def management_line(post: Post) -> list[Post]:
    """The post's line managers, nearest first (they may see what their staff handle)."""
    line: list[Post] = []
    seen = {post.pk}
    manager = post.line_manager
    while manager is not None and manager.pk not in seen:
        line.append(manager)
        seen.add(manager.pk)
        manager = manager.line_manager
    return line


def grant_to_person(perms: Iterable[str], person: Person, obj: Model) -> None:
    for perm in perms:
        assign_perm(perm, person, obj)
