"""Who may see and act on an enquiry, granted by services and checked through one helper.

An enquiry is visible to its member, the posts it is routed to and their management line, the
council's triage team (member services) and posts it was escalated to — no one else; other
members never (000 §7.19, 002 §92), unless the requester permits a copy (002 §85, 004 §12.7).
Grants go to post groups (ADR 0003) through `casework.permissions`; views call `check_perm`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from guardian.core import ObjectPermissionChecker

from enquiries.models import Enquiry, EnquiryGroupObjectPermission
from protocol_portal.casework.permissions import (
    check_perm,
    grant_to_person,
    management_line,
)
from protocol_portal.org.models import Person, Post, PostKind
from protocol_portal.org.services import post_ensure_group

VIEW = "enquiries.view_enquiry"
ACT = "enquiries.act_on_enquiry"
ATTACHMENTS = "enquiries.view_enquiry_attachments"
FOLLOW_UP = "enquiries.follow_up_enquiry"

OFFICER_PERMS = (VIEW, ACT, ATTACHMENTS)
MEMBER_PERMS = (VIEW, ATTACHMENTS, FOLLOW_UP)
# A copy lets the person read the enquiry; attachments (resident's documents) stay with those
# who handle it.
COPY_PERMS = (VIEW,)


def grant_to_posts(perms: Iterable[str], posts: Iterable[Post], enquiry: Enquiry) -> None:
    """Grant perms on the enquiry to these posts' groups in two queries, whatever the number of
    posts (the chaser sweep grants on every escalation, so this is on its hot path)."""
    groups = {post_ensure_group(post=post).pk for post in posts if post is not None}
    if not groups:
        return
    permission_ids = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Enquiry),
        codename__in=[perm.split(".", 1)[1] for perm in perms],
    ).values_list("pk", flat=True)
    # The table's unique (group, permission, object) makes a repeated grant a no-op.
    EnquiryGroupObjectPermission.objects.bulk_create(
        [
            EnquiryGroupObjectPermission(
                group_id=group, permission_id=permission, content_object_id=enquiry.pk
            )
            for group in sorted(groups)
            for permission in permission_ids
        ],
        ignore_conflicts=True,
    )


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
    """Every enquiry permission the user holds, in one checker (two queries): a page reads them
    once to decide both whether the reader may open it and which actions to offer."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    codenames = ObjectPermissionChecker(user).get_perms(enquiry)
    return frozenset(f"enquiries.{codename}" for codename in codenames)
