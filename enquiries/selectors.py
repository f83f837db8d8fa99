"""Every read of enquiries: lists filtered by object permission here, in a constant number of
queries whatever the volume (DESIGN non-negotiables)."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from enquiries.models import (
    Enquiry,
    EnquiryAttachment,
    EnquiryCopy,
    EnquiryGroupObjectPermission,
    EnquiryUserObjectPermission,
    WardNotice,
)
from enquiries.permissions import VIEW
from enquiries.states import OPEN, Status
from protocol_portal.casework.models import CaseEvent
from protocol_portal.casework.services import timeline_for
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import Council, Member, Person, Post, PostKind

LIST_RELATED = (
    "council",
    "member__person",
    "owner_post__holder",
    "service_area",
    "ward",
    "directorate",
)
# Who may open the dashboard (DESIGN: triage team, Directors, Chief Executive).
DASHBOARD_KINDS = frozenset(
    {
        PostKind.MEMBER_SERVICES,
        PostKind.CHIEF_EXECUTIVE,
        PostKind.DEPUTY_CHIEF_EXECUTIVE,
        PostKind.CORPORATE_DIRECTOR,
        PostKind.DIRECTOR,
        PostKind.MONITORING_OFFICER,
    }
)
SIMILAR_SUBJECT = 0.6


class Scope:
    MINE = "mine"
    TEAM = "team"
    DIRECTORATE = "directorate"
    TRIAGE = "triage"
    ALL = "all"

    LABELS = {
        MINE: "My queue",
        TEAM: "My team",
        DIRECTORATE: "My directorate",
        TRIAGE: "Everything (triage)",
        ALL: "Everything I can see",
    }


def may_view(*, user: Person) -> Q:
    """The view grant as two correlated EXISTS on the direct-FK permission tables: one through
    the groups of the posts the person holds, one granted to them in person.

    Equivalent to guardian's `get_objects_for_user` (superusers get no bypass), but guardian
    writes `pk IN (SELECT CAST(content_object_id ...) ...)` over every enquiry the user may see,
    which at 100,000 enquiries costs seconds on SQLite even when a queue wants 25 rows. As EXISTS
    the database checks only the rows the rest of the query selects, each by index
    (bench/README.md)."""
    permission = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Enquiry),
        codename=VIEW.split(".", 1)[1],
    ).values("pk")[:1]
    through_groups = EnquiryGroupObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"),
        permission_id=Subquery(permission),
        group_id__in=Person.groups.through.objects.filter(person_id=user.pk).values("group_id"),
    )
    in_person = EnquiryUserObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"), permission_id=Subquery(permission), user_id=user.pk
    )
    return Q(Exists(through_groups)) | Q(Exists(in_person))


def enquiries_visible_to(*, user: Person) -> QuerySet[Enquiry]:
    """The enquiries this person may open (object permissions; superusers get no bypass)."""
    if not (user.is_authenticated and user.is_active):
        return Enquiry.objects.none()
    # Grants only ever reach posts and members of the enquiry's own council, so the councils
    # the person works for or sits on bound the rows to check (an index range, not the table).
    councils = Council.objects.filter(Q(posts__holder=user) | Q(members__person=user)).values("pk")
    return Enquiry.objects.filter(council_id__in=councils).filter(may_view(user=user))


def hydrate(ids: Iterable[int]) -> list[Enquiry]:
    """The enquiries with these ids, in this order, with what a list shows (one query).

    Lists choose their page on the enquiry table alone — filters, permission and order, as ids —
    and only then join the page's rows to councils, members, posts and wards: given the joins
    up front, SQLite plans the whole list from the small tables outwards and took seconds at
    100,000 enquiries to show 25 (bench/README.md)."""
    ids = list(ids)
    rows = Enquiry.objects.select_related(*LIST_RELATED).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def enquiry_by_reference(*, reference: str) -> Enquiry | None:
    """One enquiry with what its page shows; the caller checks permission (404 if denied)."""
    return (
        Enquiry.objects.select_related(*LIST_RELATED, "owner_post__directorate")
        .filter(reference=reference)
        .first()
    )


def posts_held(*, user: Person) -> list[Post]:
    if not user.is_authenticated:
        return []
    return list(Post.objects.filter(holder=user).select_related("council", "directorate"))


def managed_post_ids(*, held: list[Post]) -> set[int]:
    """Posts below the user's posts in the line of management, at any depth (one query)."""
    if not held:
        return set()
    rows = Post.objects.filter(council_id__in={p.council_id for p in held}).values_list(
        "pk", "line_manager_id"
    )
    reports: dict[int, list[int]] = defaultdict(list)
    for pk, manager in rows:
        if manager is not None:
            reports[manager].append(pk)
    found: set[int] = set()
    frontier = [p.pk for p in held]
    while frontier:
        post = frontier.pop()
        for child in reports.get(post, ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found - {p.pk for p in held}


def scopes_for(*, held: list[Post]) -> list[str]:
    """The queues this officer has: my queue always, then team, directorate, triage."""
    scopes = [Scope.MINE]
    if managed_post_ids(held=held):
        scopes.append(Scope.TEAM)
    if any(p.directorate_id for p in held):
        scopes.append(Scope.DIRECTORATE)
    if any(p.kind == PostKind.MEMBER_SERVICES for p in held):
        scopes.append(Scope.TRIAGE)
    return scopes


def enquiry_queue(*, user: Person, scope: str, held: list[Post] | None = None) -> QuerySet[Enquiry]:
    """Open enquiries in one of the officer's queues, soonest due first."""
    held = posts_held(user=user) if held is None else held
    enquiries = enquiries_visible_to(user=user).filter(status__in=OPEN)
    if scope == Scope.MINE:
        enquiries = enquiries.filter(owner_post_id__in=[p.pk for p in held])
    elif scope == Scope.TEAM:
        enquiries = enquiries.filter(owner_post_id__in=managed_post_ids(held=held))
    elif scope == Scope.DIRECTORATE:
        directorates = {p.directorate_id for p in held if p.directorate_id}
        enquiries = enquiries.filter(
            Q(directorate_id__in=directorates) | Q(owner_post__directorate_id__in=directorates)
        )
    elif scope == Scope.TRIAGE:
        councils = {p.council_id for p in held if p.kind == PostKind.MEMBER_SERVICES}
        enquiries = enquiries.filter(council_id__in=councils)
    return enquiries.order_by("due_on", "pk")


def enquiries_for_member(*, user: Person) -> QuerySet[Enquiry]:
    """The member's own enquiries, newest first."""
    return (
        enquiries_visible_to(user=user)
        .filter(member__in=Member.objects.filter(person=user))
        .order_by("-received_on", "-pk")
    )


def enquiries_shared_with(*, user: Person) -> QuerySet[Enquiry]:
    """Other members' enquiries they chose to share with this member (002 §85)."""
    return (
        enquiries_visible_to(user=user)
        .filter(copies__member__person=user)
        .order_by("-received_on", "-pk")
    )


def memberships(*, user: Person) -> list[Member]:
    if not user.is_authenticated:
        return []
    return list(Member.objects.filter(person=user).select_related("council", "ward", "group"))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def subjects_similar(a: str, b: str) -> bool:
    """Similar enough to ask "is this the same issue?" (002 §30: no repeats)."""
    a_low, b_low = a.lower().strip(), b.lower().strip()
    if difflib.SequenceMatcher(None, a_low, b_low).ratio() >= SIMILAR_SUBJECT:
        return True
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


def possible_duplicates(*, member: Member, service_area_id: int, subject: str) -> list[Enquiry]:
    """The member's open enquiries on the same service area with a similar subject (002 §30)."""
    candidates = Enquiry.objects.filter(
        member=member, service_area_id=service_area_id, status__in=OPEN
    ).only("pk", "reference", "subject", "due_on")
    return [e for e in candidates if subjects_similar(e.subject, subject)]


@dataclass
class EnquiryPage:
    """Everything the enquiry page shows, read in a fixed number of queries."""

    enquiry: Enquiry
    events: list[CaseEvent]
    attachments: list[EnquiryAttachment]
    copies: list[EnquiryCopy]
    ward_notices: list[WardNotice]
    involved: list[Person] = field(default_factory=list)


def enquiry_page(*, enquiry: Enquiry, raiser_view: bool, officer_view: bool) -> EnquiryPage:
    """The timeline (member-visible events only for the raiser), attachments, copies and ward
    notices of one enquiry."""
    return EnquiryPage(
        enquiry=enquiry,
        events=timeline_for(case=enquiry, raiser_view=raiser_view),
        attachments=list(enquiry.attachments.all()),
        copies=list(enquiry.copies.select_related("post", "member__person", "permitted_by")),
        ward_notices=list(enquiry.ward_notices.select_related("member__person")),
        involved=list(enquiry.involved_officers.all()) if officer_view else [],
    )


def reassign_targets(*, council_ids: set[int]) -> QuerySet[Post]:
    """Posts an enquiry can be passed to: the council's posts."""
    return (
        Post.objects.filter(council_id__in=council_ids)
        .select_related("holder", "council")
        .order_by("council__name", "title")
    )


def members_of(*, council_ids: set[int]) -> QuerySet[Member]:
    return Member.objects.filter(council_id__in=council_ids).select_related("person")


def may_see_dashboard(*, held: list[Post]) -> bool:
    return any(p.kind in DASHBOARD_KINDS for p in held)


@dataclass
class MonthRow:
    directorate: str
    month: date
    on_time: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.total) if self.total else 0


@dataclass
class Dashboard:
    rows: list[MonthRow]
    overdue: list[Enquiry]
    average_working_days: float | None
    answered: int


def _legacy_answered(visible: QuerySet[Enquiry]) -> list[int]:
    """Working days to answer for responses stored before `answered_working_days` was kept
    (normally none: one empty query)."""
    rows = list(
        visible.filter(responded_at__isnull=False, answered_working_days__isnull=True).values(
            "council_id", "received_on", "responded_at", "clock_paused_days"
        )
    )
    councils = {c.pk: c for c in Council.objects.filter(pk__in={r["council_id"] for r in rows})}
    return [
        max(
            calendar_for(councils[r["council_id"]]).count(
                r["received_on"], timezone.localdate(r["responded_at"])
            )
            - r["clock_paused_days"],
            0,
        )
        for r in rows
    ]


def dashboard(*, user: Person, as_of: datetime) -> Dashboard:
    """SLA compliance by directorate and month received, the overdue list and the average time
    to answer in working days — counting only enquiries the viewer may open. Counted and
    averaged in the database: a constant number of queries and rows, whatever the volume."""
    today = timezone.localdate(as_of)
    visible = enquiries_visible_to(user=user).filter(due_on__isnull=False)
    answered = Q(responded_at__isnull=False)
    # Answered by the due date (UK date of the response), or closed or referred before it
    # fell due without needing an answer: not a breach.
    on_time = (answered & Q(answered_on__lte=F("due_on"))) | (~answered & ~Q(status__in=OPEN))
    months = (
        visible.filter(answered | Q(due_on__lt=today))
        .alias(answered_on=TruncDate("responded_at"))
        .values("directorate__name", month=TruncMonth("received_on"))
        .annotate(on_time=Count("pk", filter=on_time), late=Count("pk", filter=~on_time))
        .order_by("directorate__name", "month")
    )
    rows = [
        MonthRow(
            directorate=r["directorate__name"],
            month=r["month"].date() if isinstance(r["month"], datetime) else r["month"],
            on_time=r["on_time"],
            late=r["late"],
        )
        for r in months
    ]
    spent = visible.filter(answered_working_days__isnull=False).aggregate(
        total=Sum("answered_working_days"), n=Count("pk")
    )
    legacy = _legacy_answered(visible)
    total, n = (spent["total"] or 0) + sum(legacy), spent["n"] + len(legacy)
    overdue = hydrate(
        visible.filter(status__in=OPEN)
        .filter(Q(breached_on__isnull=False) | Q(due_on__lt=today))
        .exclude(status=Status.AWAITING_MEMBER)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)[:200]
    )
    return Dashboard(
        rows=rows,
        overdue=overdue,
        average_working_days=round(total / n, 1) if n else None,
        answered=n,
    )


def due_this_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing `today`."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)
