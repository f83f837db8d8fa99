"""Object permissions through one helper (STYLE habit 10).

`check_perm` and `objects_for` are the one entry every view, endpoint, export and list uses. A
case type declares its audiences (`casework.access`) and is answered from them: access derived
from the case as it stands, one indexed query, no per-request cache. What is not a case (a
register entry, the quarterly summary) is answered from explicit guardian grants, made to a
post's group (so whoever holds the post, now or later, has them) or to a person.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user

from protocol_portal.casework import access
from protocol_portal.org.models import MONITORING_KINDS, Council, Person, Post
from protocol_portal.org.services import post_ensure_group


def check_perm(user: Person, perm: str, obj: Model) -> bool:
    """May this user do `perm` (e.g. "enquiries.view_enquiry") on this object? A case type
    whose audiences are declared answers from them (casework.access); others from guardian."""
    if not (user.is_authenticated and user.is_active):
        return False
    if access.governed(type(obj)):
        return access.can(user, perm, obj)
    return bool(user.has_perm(perm, obj))


def objects_for(user: Person, perm: str, queryset: QuerySet) -> QuerySet:
    """Only the objects the user holds `perm` on (constant queries at any volume)."""
    if access.governed(queryset.model):
        return access.visible(user, perm, queryset)
    return get_objects_for_user(
        user, perm, klass=queryset, accept_global_perms=False, with_superuser=False
    )


def grant_to_posts(perms: Iterable[str], posts: Iterable[Post], obj: Model) -> None:
    """Grant perms on obj to the groups of these posts."""
    for post in posts:
        group = post_ensure_group(post=post)
        for perm in perms:
            assign_perm(perm, group, obj)


def grant_to_person(perms: Iterable[str], person: Person, obj: Model) -> None:
    for perm in perms:
        assign_perm(perm, person, obj)


def monitored_councils(user: Person) -> QuerySet[Council] | None:
    """The councils whose Monitoring Officer (or deputy) this person is: what the statutory
    officer's pages (the register of determinations) cover. None means every council (a site
    admin); an empty queryset means the person may not read them (the page answers 404)."""
    if not (user.is_authenticated and user.is_active):
        return Council.objects.none()
    if user.is_superuser:
        return None
    return Council.objects.filter(
        pk__in=Post.objects.filter(holder_id=user.pk, kind__in=MONITORING_KINDS).values(
            "council_id"
        )
    )
