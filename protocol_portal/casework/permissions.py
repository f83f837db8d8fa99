"""Object permissions through one helper (STYLE habit 10).

`check_perm` and `objects_for` are the one entry every view, endpoint, export and list uses. A
case type that declares its audiences (`casework.access`) is answered from them: access derived
from the case as it stands. The others are still answered from explicit guardian grants, made
to a post's group (so whoever holds the post, now or later, has them) or to a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.models import Model, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user

from protocol_portal.casework import access
from protocol_portal.org.models import Council, Person, Post, PostKind
from protocol_portal.org.services import post_ensure_group

MONITORING_KINDS = (PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER)


def check_perm(user: Person, perm: str, obj: Model) -> bool:
    """May this user do `perm` (e.g. "enquiries.view_enquiry") on this object? A case type
    whose audiences are declared answers from them (casework.access); others from guardian."""
    if not (user.is_authenticated and user.is_active):
        return False
    if access.governed(type(obj)):
        return access.can(user, perm, obj)
    checker = _request_checker(user, perm, obj)
    if checker is None:
        return bool(user.has_perm(perm, obj))
    return checker.has_perm(perm, obj)


# -- the per-request memo ------------------------------------------------------------------------
# A page asks several questions of one case ("may they see it? act on it? see the attachments?"),
# and each `user.has_perm` builds a new guardian checker: two queries a question. Within one
# request the memo keeps one checker per user object, so the case's permissions are read once.
# It is only an answer guardian itself would give:
# - it lives from `request_started` to `request_finished` in the request's own thread (a
#   ContextVar), so nothing is shared between requests, threads or users (one checker per user
#   object, kept beside that very object);
# - any statement other than a SELECT on any connection while it lives (a grant, a revoke, a
#   change of post holder or group, a savepoint) throws every checker away, so a check after a
#   write reads the database again;
# - it answers only what guardian's backend would answer by the same checker: an active user who
#   is not a superuser, a permission of the object's own app, and the portal's own backends
#   (neither the password, single sign-on nor Axes backends grant object permissions, and the
#   access backend answers only for cases with audiences); anything else asks `has_perm`.
_BACKENDS = (
    "axes.backends.AxesStandaloneBackend",
    "protocol_portal.accounts.backends.LocalPasswordBackend",
    "guardian.backends.ObjectPermissionBackend",
    "protocol_portal.casework.access.AccessBackend",
    "protocol_portal.accounts.oidc.PortalOIDCBackend",
)


@dataclass
class _Memo:
    checkers: dict[int, tuple[Person, ObjectPermissionChecker]] = field(default_factory=dict)
    wrapped: list = field(default_factory=list)

    def forget_on_write(self, execute, sql, params, many, context):
        if not (isinstance(sql, str) and sql.lstrip()[:6].upper() == "SELECT"):
            self.checkers.clear()
        return execute(sql, params, many, context)


_memo: ContextVar[_Memo | None] = ContextVar("portal_permission_memo", default=None)


def _request_checker(user: Person, perm: str, obj: Model) -> ObjectPermissionChecker | None:
    memo = _memo.get()
    if (
        memo is None
        or user.is_superuser
        or not isinstance(obj, Model)
        or perm.partition(".")[0] != obj._meta.app_label
        or tuple(settings.AUTHENTICATION_BACKENDS) != _BACKENDS
    ):
        return None
    kept = memo.checkers.get(id(user))
    if kept is None or kept[0] is not user:
        kept = (user, ObjectPermissionChecker(user))
        memo.checkers[id(user)] = kept
    return kept[1]


def _request_begins(**kwargs) -> None:
    _request_ends()
    memo = _Memo()
    for connection in connections.all():
        connection.execute_wrappers.append(memo.forget_on_write)
        memo.wrapped.append(connection)
    _memo.set(memo)


def _request_ends(**kwargs) -> None:
    memo = _memo.get()
    if memo is None:
        return
    _memo.set(None)
    memo.checkers.clear()
    for connection in memo.wrapped:
        if memo.forget_on_write in connection.execute_wrappers:
            connection.execute_wrappers.remove(memo.forget_on_write)


request_started.connect(_request_begins, dispatch_uid="portal-permission-memo-begins")
request_finished.connect(_request_ends, dispatch_uid="portal-permission-memo-ends")


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
