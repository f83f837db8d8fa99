"""Who may see and act on an enquiry, granted by services and checked through one helper.

An enquiry is visible to its member, the posts it is routed to and their management line, the
council's triage team (member services) and posts it was escalated to — no one else; other
members never (000 §7.19, 002 §92), unless the requester permits a copy (002 §85, 004 §12.7).
Grants go to post groups (ADR 0003) through `casework.permissions`; views call `check_perm`.
"""

from __future__ import annotations

from collections.abc import Iterable

from guardian.core import ObjectPermissionChecker

from enquiries.models import Enquiry
from protocol_portal.casework.permissions import (
    check_perm,
    grant_to_person,
    grant_to_posts,
    management_line,
)
from protocol_portal.org.models import Person, Post, PostKind

VIEW = "enquiries.view_enquiry"
ACT = "enquiries.act_on_enquiry"
ATTACHMENTS = "enquiries.view_enquiry_attachments"
FOLLOW_UP = "enquiries.follow_up_enquiry"

OFFICER_PERMS = (VIEW, ACT, ATTACHMENTS)
MEMBER_PERMS = (VIEW, ATTACHMENTS, FOLLOW_UP)
# A copy lets the person read the enquiry; attachments (resident's documents) stay with those
# who handle it.
COPY_PERMS = (VIEW,)


def grant_handling(*, enquiry: Enquiry, post: Post) -> None:
    """The post handling the enquiry, and its line of management, may see and act on it."""
    grant_to_posts(OFFICER_PERMS, [post, *management_line(post)], enquiry)


def grant_triage(*, enquiry: Enquiry) -> None:
    """The council's member services (triage) team sees and re-routes every enquiry."""
    triage = Post.objects.filter(council_id=enquiry.council_id, kind=PostKind.MEMBER_SERVICES)
    grant_to_posts(OFFICER_PERMS, triage, enquiry)


def grant_escalation(*, enquiry: Enquiry, posts: Iterable[Post]) -> None:
    """A post a chaser escalated to may see and act on the enquiry (to get it answered)."""
    grant_to_posts(OFFICER_PERMS, posts, enquiry)


def grant_copy_post(*, enquiry: Enquiry, post: Post) -> None:
    grant_to_posts(COPY_PERMS, [post], enquiry)


def grant_member(*, enquiry: Enquiry, person: Person) -> None:
    grant_to_person(MEMBER_PERMS, person, enquiry)


def grant_copy_person(*, enquiry: Enquiry, person: Person) -> None:
    grant_to_person(COPY_PERMS, person, enquiry)


def can(user: Person, perm: str, enquiry: Enquiry) -> bool:
    """The one check every view, endpoint, attachment and export makes."""
    return check_perm(user, perm, enquiry)


def allowed(user: Person, enquiry: Enquiry) -> frozenset[str]:
    """Every enquiry permission the user holds, in one checker (two queries), for a page that
    has already passed `can(user, VIEW, enquiry)` and must decide which actions to offer."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    codenames = ObjectPermissionChecker(user).get_perms(enquiry)
    return frozenset(f"enquiries.{codename}" for codename in codenames)
