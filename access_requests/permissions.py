"""Who may do what to a need-to-know request: the grants services make, and the one check.

A request is seen by the member who made it, the post holding the information, the determiner
and the posts advising them, the Monitoring Officer, and the Chief Executive once disputed or
chased — never by another member or group (000 §7.19). Grants go through
`casework.permissions` (to a post's group, so whoever holds the post has them).
"""

from __future__ import annotations

from collections.abc import Iterable

from guardian.shortcuts import remove_perm

from protocol_portal.casework.permissions import check_perm, grant_to_person, grant_to_posts
from protocol_portal.org.models import Person, Post, PostKind
from protocol_portal.org.services import post_ensure_group

VIEW = "access_requests.view_accessrequest"
DECIDE = "access_requests.decide_accessrequest"
RELEASE = "access_requests.release_accessrequest"
RESPOND = "access_requests.respond_to_accessrequest"
FOI_VIEW = "access_requests.view_foirequest"
FOI_ANSWER = "access_requests.answer_foirequest"

MONITORING_KINDS = frozenset({PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER})


def can(user: Person, perm: str, obj) -> bool:
    """The one check views and the API make (casework.permissions.check_perm)."""
    return check_perm(user, perm, obj)


def grant_posts(perms: Iterable[str], posts: Iterable[Post | None], obj) -> None:
    grant_to_posts(list(perms), [p for p in posts if p is not None], obj)


def grant_person(perms: Iterable[str], person: Person | None, obj) -> None:
    if person is not None:
        grant_to_person(list(perms), person, obj)


def revoke_post(perms: Iterable[str], post: Post | None, obj) -> None:
    if post is None:
        return
    group = post_ensure_group(post=post)
    for perm in perms:
        remove_perm(perm, group, obj)
