"""Who may see and act on an enquiry, granted by services and checked through one helper.

An enquiry is visible to its member, the posts it is routed to and their management line, the
council's triage team (member services) and posts it was escalated to — no one else; other
members never (000 §7.19, 002 §92), unless the requester permits a copy (002 §85, 004 §12.7).
Grants go to post groups (ADR 0003) through `casework.permissions`; views call `check_perm`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

from enquiries.models import Enquiry, EnquiryGroupObjectPermission, EnquiryUserObjectPermission
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


def grant_escalations(escalations: Iterable[tuple[Enquiry, Iterable[Post]]]) -> None:
    """`grant_escalation` for a batch of chasers, in two queries for the whole batch."""
    rows = {
        (post_ensure_group(post=post).pk, enquiry.pk)
        for enquiry, posts in escalations
        for post in posts
        if post is not None
    }
    if not rows:
        return
    permission_ids = list(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Enquiry),
            codename__in=[perm.split(".", 1)[1] for perm in OFFICER_PERMS],
        ).values_list("pk", flat=True)
    )
    EnquiryGroupObjectPermission.objects.bulk_create(
        [
            EnquiryGroupObjectPermission(
                group_id=group, permission_id=permission, content_object_id=enquiry
            )
            for group, enquiry in sorted(rows)
            for permission in permission_ids
        ],
        ignore_conflicts=True,
    )


def grant_copy_post(*, enquiry: Enquiry, post: Post) -> None:
    grant_to_posts(COPY_PERMS, [post], enquiry)


def grant_member(*, enquiry: Enquiry, person: Person) -> None:
    grant_to_person(MEMBER_PERMS, person, enquiry)


def grant_copy_person(*, enquiry: Enquiry, person: Person) -> None:
    grant_to_person(COPY_PERMS, person, enquiry)


def can(user: Person, perm: str, enquiry: Enquiry) -> bool:
    """The one check every view, endpoint, attachment and export makes."""
    return check_perm(user, perm, enquiry)


@cache
def _granted_sql() -> str:
    """The codenames granted on one enquiry to one person, in person or through their groups,
    as guardian's `ObjectPermissionChecker.get_perms` reads them (user rows, then group rows,
    both limited to the enquiry's own permissions), in one statement. Written once from the
    models' tables: building the same UNION through the ORM took longer than running it, on a
    page meant to answer in a few milliseconds."""
    qn = connections[router.db_for_read(EnquiryUserObjectPermission)].ops.quote_name
    memberships = Person.groups.through._meta
    permission = Permission._meta.db_table

    def granted(model, holder: str) -> str:
        meta = model._meta
        return (
            f"SELECT p.{qn('codename')} FROM {qn(permission)} p"
            f" INNER JOIN {qn(meta.db_table)} o"
            f" ON o.{qn(meta.get_field('permission').column)} = p.{qn('id')}"
            f" WHERE p.{qn('content_type_id')} = %s"
            f" AND o.{qn(meta.get_field('content_object').column)} = %s AND {holder}"
        )

    in_person = granted(
        EnquiryUserObjectPermission,
        f"o.{qn(EnquiryUserObjectPermission._meta.get_field('user').column)} = %s",
    )
    through_groups = granted(
        EnquiryGroupObjectPermission,
        f"o.{qn(EnquiryGroupObjectPermission._meta.get_field('group').column)} IN"
        f" (SELECT {qn(memberships.get_field('group').column)}"
        f" FROM {qn(memberships.db_table)}"
        f" WHERE {qn(memberships.get_field('person').column)} = %s)",
    )
    return f"{in_person} UNION {through_groups}"


def allowed(user: Person, enquiry: Enquiry) -> frozenset[str]:
    """Every enquiry permission the user holds, in one query: a page reads them once to decide
    both whether the reader may open it and which actions to offer.

    The same set guardian's `ObjectPermissionChecker(user).get_perms(enquiry)` gives (the tests
    compare them): none for the anonymous or inactive, every enquiry permission for an active
    superuser, otherwise those granted in person or to one of the person's groups."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    content_type = ContentType.objects.get_for_model(Enquiry)
    if user.is_superuser:
        codenames = Permission.objects.filter(content_type=content_type).values_list(
            "codename", flat=True
        )
    else:
        with connections[router.db_for_read(EnquiryUserObjectPermission)].cursor() as cursor:
            cursor.execute(
                _granted_sql(),
                [content_type.pk, enquiry.pk, user.pk, content_type.pk, enquiry.pk, user.pk],
            )
            codenames = [codename for (codename,) in cursor.fetchall()]
    return frozenset(f"enquiries.{codename}" for codename in codenames)
