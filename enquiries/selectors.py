"""Every read of enquiries: lists filtered by object permission here, in a constant number of
queries whatever the volume (DESIGN non-negotiables)."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, cached_property

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from enquiries import tallies
from enquiries.models import (
    Channel,
    Enquiry,
    EnquiryAttachment,
    EnquiryCopy,
    SlaTally,
    WardNotice,
)
from enquiries.permissions import VIEW
from enquiries.states import OPEN, Status
from protocol_portal.casework.access import sole_post, visible
from protocol_portal.casework.bounds import ids_merged
from protocol_portal.casework.compiled import Compiled
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
# A council's protocol settings (several kB of JSON), which no list or picker reads: loaded
# with each row they were decoded once per row, a fifth of a list page's time.
COUNCIL_SETTINGS = ("council__limit_sources", "council__protocol_settings")
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


def councils_bounding(*, user: Person) -> QuerySet:
    """The ids of the councils the person works for or sits on: audiences are only ever posts
    and members of the enquiry's own council, so these bound the rows to check (an index
    range, not the table). A UNION of the two, not one join with an OR: the planner reads each
    by its index and can then use the enquiry indexes that lead with the council."""
    return (
        Post.objects.filter(holder=user)
        .order_by()
        .values("council_id")
        .union(Member.objects.filter(person=user).order_by().values("council_id"))
    )


def enquiries_visible_to(
    *,
    user: Person,
    besides: Iterable[str] = (),
    per_row: bool = False,
    councils: Iterable[int] | None = None,
    bounded: bool = True,
) -> QuerySet[Enquiry]:
    """The enquiries this person may open (their audiences, casework.access; superusers get no
    bypass); `besides`: audiences not read, for a list that leaves their cases out anyway;
    `per_row`: for a list read a page at a time (`casework.access.visible`); `councils`: the
    ids of `councils_bounding` already read, given as values so that a list can walk an index
    in order; `bounded=False`: no council bound at all, for a list its caller bounds more
    narrowly (the enquiries of the reader's own posts)."""
    if not (user.is_authenticated and user.is_active):
        return Enquiry.objects.none()
    enquiries = Enquiry.objects.all()
    if bounded:
        councils = councils_bounding(user=user) if councils is None else sorted(councils)
        enquiries = enquiries.filter(council_id__in=councils)
    return visible(user, VIEW, enquiries, besides=besides, per_row=per_row)


def hydrate(ids: Iterable[int]) -> list[Enquiry]:
    """The enquiries with these ids, in this order, with what a list shows (one query).

    Lists choose their page on the enquiry table alone — filters, permission and order, as ids —
    and only then join the page's rows to councils, members, posts and wards: given the joins
    up front, SQLite plans the whole list from the small tables outwards and took seconds at
    100,000 enquiries to show 25 (bench/README.md)."""
    ids = list(ids)
    rows = Enquiry.objects.select_related(*LIST_RELATED).defer(*COUNCIL_SETTINGS).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def enquiry_by_reference(*, reference: str) -> Enquiry | None:
    """One enquiry with the records it points to; the caller checks permission (404 if
    denied). References are unique, so no ORDER BY: `.first()` would compile one for nothing."""
    try:
        return Enquiry.objects.select_related(*LIST_RELATED).get(reference=reference)
    except Enquiry.DoesNotExist:
        return None


# What the enquiry page reads of the records an enquiry points to: names and titles, and what
# the member's reopening deadline counts with (the council's calendar and window). Every column
# of the enquiry itself is read, so nothing the page or a service touches is fetched later.
PERSON_NAME = ("username", "first_name", "last_name")
PAGE_SHOWS = (
    *(f.name for f in Enquiry._meta.concrete_fields),
    "council__name",
    "council__nation",
    "council__calendar_version",
    "council__enquiry_reopen_window_days",
    # What the page offers: the protocol's settings (004 §10.1.2, 000 §13.4) and whether member
    # services hold it (004 §2.2.7).
    "council__protocol_settings",
    "member__person",
    *(f"member__person__{name}" for name in PERSON_NAME),
    "owner_post__title",
    "owner_post__kind",
    "owner_post__holder",
    *(f"owner_post__holder__{name}" for name in PERSON_NAME),
    "service_area__name",
    "directorate__name",
    "ward__name",
)
# The lists the page shows below the enquiry, by the table and column that point to it.
PAGE_LISTS = {
    "has_attachments": (EnquiryAttachment, "enquiry"),
    "has_copies": (EnquiryCopy, "enquiry"),
    "has_ward_notices": (WardNotice, "enquiry"),
    "has_involved": (Enquiry.involved_officers.through, "enquiry"),
}


@cache
def _page_lists() -> dict[str, RawSQL]:
    """Whether each list has any row, as EXISTS columns of the enquiry's own query: most
    enquiries have no attachments, copies, ward notices or officers involved, and each empty
    list read costs the page as much as a query (written out, as the ORM's `Exists` costs as
    much to build)."""
    qn = connection.ops.quote_name
    enquiry = f"{qn(Enquiry._meta.db_table)}.{qn(Enquiry._meta.pk.column)}"
    return {
        name: RawSQL(
            f"EXISTS (SELECT 1 FROM {qn(model._meta.db_table)}"
            f" WHERE {qn(model._meta.get_field(field).column)} = {enquiry})",
            [],
        )
        for name, (model, field) in PAGE_LISTS.items()
    } | {"confidence_rule_key": _confidence_rule_key()}


def _confidence_rule_key() -> RawSQL:
    """The key of the council's rule for a confidence that does not hold (000 §7.20), or NULL,
    read with the enquiry so the page's offer costs no query of its own."""
    from protocol_portal.org.models import RoutingRule

    qn = connection.ops.quote_name
    table = qn(RoutingRule._meta.db_table)
    council = f"{qn(Enquiry._meta.db_table)}.{qn(Enquiry._meta.get_field('council').column)}"
    return RawSQL(
        f"SELECT r.{qn('key')} FROM {table} r WHERE r.{qn('council_id')} = {council}"
        f" AND r.{qn('case_type')} = %s AND r.{qn('concerning')} = %s AND r.{qn('stage')} = %s"
        " LIMIT 1",
        ("enquiry", "confidence_exception", "first"),
    )


def _for_page(*, reference: str) -> QuerySet[Enquiry]:
    return (
        Enquiry.objects.select_related(*LIST_RELATED)
        .only(*PAGE_SHOWS)
        .annotate(**_page_lists())
        .filter(reference=reference)[:1]
    )


# Compiled once (casework.compiled): building and compiling this read took longer than
# running it prepared (bench/README.md, "Prepared statements").
_FOR_PAGE = Compiled(_for_page)


def enquiry_for_page(*, reference: str) -> Enquiry | None:
    """`enquiry_by_reference` for the enquiry page: only what the page shows of the records it
    points to, and whether each of its lists has any row (`enquiry_page` skips the empty)."""
    found = _FOR_PAGE.objects(reference=reference)
    return found[0] if found else None


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
    # "My queue" and "my team" are bounded by their posts, so they are not bounded by council
    # too: the planner took post and council for independent (one post's 15,913 open enquiries
    # at a million estimated at 1,511), sorted them all rather than read the first page in due
    # order (105 ms against 5). The other queues are of the held posts' councils, given as
    # values (`queue_ids` reads each post or council in order with no join).
    by_posts = scope in (Scope.MINE, Scope.TEAM)
    councils = None if scope == Scope.ALL else {p.council_id for p in held}
    enquiries = enquiries_visible_to(
        user=user, per_row=True, councils=councils, bounded=not by_posts
    ).filter(status__in_literal=OPEN)
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


def queue_ids(enquiries: QuerySet[Enquiry], *, scope: str, held: list[Post]):
    """The ids of a queue (`enquiry_queue`, filtered and sorted), for its paginator. "My queue"
    is its posts' enquiries: read a post at a time, each in due order off
    `enquiry_open_owner_due`, and merged, so the first page stops after its rows however many
    open enquiries the posts hold (casework.bounds.ids_merged)."""
    if scope == Scope.MINE:
        return ids_merged(enquiries, "owner_post_id", [p.pk for p in held])
    return enquiries.values_list("pk", flat=True)


def enquiries_for_member(*, user: Person, members: list[Member] | None = None) -> QuerySet[Enquiry]:
    """The member's own enquiries, newest first; `members`: their seats, if read already (given
    as values, each seat's enquiries are one index range in that order,
    `enquiry_member_received`: `ids_merged` reads them a seat at a time)."""
    seats = (
        Member.objects.filter(person=user) if members is None else sorted({m.pk for m in members})
    )
    # Bounded by the seats, not by council too (see `enquiry_queue`).
    return (
        enquiries_visible_to(user=user, per_row=True, bounded=False)
        .filter(member__in=seats)
        .order_by("-received_on", "-pk")
    )


def enquiries_of_member_parts(*, user: Person, members: list[Member]) -> list[QuerySet[Enquiry]]:
    """What a councillor who holds no post may see, soonest due first, as parts that share no
    row, each bounded and read in order on its own (`casework.bounds.ids_union`): the
    enquiries of each of their seats (`enquiry_member_due`), then those copied to them. The
    one policy still checks every row (`per_row`); these are the only audiences that name a
    person without a post (enquiries.permissions: the raiser and copied members), and
    tests/enquiries/test_merged_reads.py holds the parts to the policy's whole set."""
    base = enquiries_visible_to(user=user, per_row=True, bounded=False).order_by("due_on", "pk")
    seats = sorted({m.pk for m in members})
    copied = EnquiryCopy.objects.filter(enquiry=OuterRef("pk"), member__person=user)
    return [
        *(base.filter(member_id=seat) for seat in seats),
        base.filter(Exists(copied)).exclude(member_id__in=seats),
    ]


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
    """The member's open enquiries on the same service area with a similar subject, where the
    council's `duplicate_check` setting asks (002 §30: members do not send "emails to the same
    officer, or different officers, that make the same point")."""
    from protocol_portal.org import protocol_settings

    if protocol_settings.setting(member.council, "duplicate_check") != "warn":
        return []
    candidates = Enquiry.objects.filter(
        member=member, service_area_id=service_area_id, status__in=OPEN
    ).only("pk", "reference", "subject", "due_on")
    return [e for e in candidates if subjects_similar(e.subject, subject)]


def duplicate_cited(member: Member) -> str:
    """ " (002 §30)", the paragraph the council's duplicate check rests on, or nothing."""
    from protocol_portal.org import protocol_settings

    source = protocol_settings.setting_source(member.council, "duplicate_check")
    return "" if source == "default" else f" ({source})"


@dataclass
class EnquiryPage:
    """Everything the enquiry page shows, read in a fixed number of queries."""

    enquiry: Enquiry
    events: list[CaseEvent]
    attachments: list[EnquiryAttachment]
    copies: list[EnquiryCopy]
    ward_notices: list[WardNotice]
    involved: list[Person] = field(default_factory=list)


# What the page and the API show of a copy and a ward notice: who, why, when (not who permitted
# the copy, nor the rest of each person's row).
COPY_SHOWS = (
    "enquiry_id",
    "reason",
    "source",
    "created_at",
    "post__title",
    "member__person",
    *(f"member__person__{name}" for name in PERSON_NAME),
)
NOTICE_SHOWS = (
    "enquiry_id",
    "told_at",
    "member__person",
    *(f"member__person__{name}" for name in PERSON_NAME),
)


def enquiry_page(
    *, enquiry: Enquiry, raiser_view: bool, officer_view: bool, attachments: bool = True
) -> EnquiryPage:
    """The timeline (member-visible events only for the raiser), attachments, copies and ward
    notices of one enquiry. A list is not read when the reader may not see it (attachments,
    officers involved) or when `enquiry_for_page` found it empty."""

    def has(name: str) -> bool:
        return getattr(enquiry, name, True)

    return EnquiryPage(
        enquiry=enquiry,
        events=timeline_for(case=enquiry, raiser_view=raiser_view),
        attachments=(
            list(enquiry.attachments.all()) if attachments and has("has_attachments") else []
        ),
        copies=(
            list(enquiry.copies.select_related("post", "member__person").only(*COPY_SHOWS))
            if has("has_copies")
            else []
        ),
        ward_notices=(
            list(enquiry.ward_notices.select_related("member__person").only(*NOTICE_SHOWS))
            if has("has_ward_notices")
            else []
        ),
        involved=(
            list(enquiry.involved_officers.all()) if officer_view and has("has_involved") else []
        ),
    )


def reassign_targets(*, council_ids: set[int]) -> QuerySet[Post]:
    """Posts an enquiry can be passed to: the council's posts."""
    return (
        Post.objects.filter(council_id__in=council_ids)
        .select_related("holder", "council", "directorate")
        .defer(*COUNCIL_SETTINGS)  # the picker shows the council's name
        .order_by("council__name", "directorate__name", "title")
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


# What the dashboard's overdue table shows (and `views._rows` reads to mark a row overdue).
OVERDUE_SHOWS = ("reference", "subject", "status", "due_on", "breached_on", "owner_post__title")


@dataclass
class ChannelRow:
    channel: str
    label: str
    received: int
    on_time: int
    counted: int

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.counted) if self.counted else 0


@dataclass
class Dashboard:
    rows: list[MonthRow]
    average_working_days: float | None
    answered: int
    overdue_ids: QuerySet[Enquiry] = field(repr=False)
    channels: list[ChannelRow] = field(default_factory=list)

    @cached_property
    def overdue(self) -> list[Enquiry]:
        """The oldest 200 overdue enquiries, read only when shown (the CSV export has no
        overdue list) and only the columns the table shows (two queries)."""
        ids = list(self.overdue_ids)
        rows = Enquiry.objects.select_related("owner_post").only(*OVERDUE_SHOWS).in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def _legacy_answered(visible: QuerySet[Enquiry]) -> list[int]:
    """Working days to answer for responses stored before `answered_working_days` was kept
    (normally none, and then not asked for at all)."""
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


# What the dashboard adds up for each channel.
CHANNEL_COUNTS = ("received", "on_time", "counted")


_GROUPED_BY = ("directorate__name", "received_month", "channel")


def _counted_groups(visible: QuerySet[Enquiry], today: date) -> Iterable[dict]:
    """The dashboard's totals by directorate, month and channel, counted from the enquiries."""
    # Counted once answered, or once past due unanswered; `sla_met` is null while open and
    # unanswered, so those count as late (see enquiries.models.sla_met).
    counted = Q(responded_at__isnull=False) | Q(due_on__lt=today)
    return (
        visible.values(*_GROUPED_BY)
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=counted & Q(sla_met=True)),
            counted=Count("pk", filter=counted),
            spent=Sum("answered_working_days"),
            spent_n=Count("answered_working_days"),
            legacy=Count(
                "pk", filter=Q(responded_at__isnull=False, answered_working_days__isnull=True)
            ),
        )
        .order_by()
    )


def _stored_groups(post: int, councils: list[int], today: date) -> list[dict]:
    """The same totals from the post's stored ones (`enquiries.tallies`), in one read of a few
    hundred rows whatever the volume. They hold every enquiry the post may open, the unanswered
    ones under their due dates: those not yet due do not count yet, and are taken out."""
    waiting = Q(pending_due__gte=today)
    rows = (
        SlaTally.objects.filter(post_id=post, council_id__in=councils)
        .values(*_GROUPED_BY)
        # (Named apart from the columns they add up, which a later sum could not then read.)
        .annotate(
            n=Sum("received"),
            n_on_time=Sum("answered_on_time") + Sum("met_unanswered"),
            n_spent=Sum("spent"),
            n_spent_n=Sum("spent_n"),
            n_legacy=Sum("legacy"),
            n_waiting=Sum("received", filter=waiting, default=0),
            n_waiting_met=Sum("met_unanswered", filter=waiting, default=0),
        )
        .order_by()
    )
    return [
        {
            **{key: row[key] for key in _GROUPED_BY},
            "received": row["n"],
            "on_time": row["n_on_time"] - row["n_waiting_met"],
            "counted": row["n"] - row["n_waiting"],
            "spent": row["n_spent"],
            "spent_n": row["n_spent_n"],
            "legacy": row["n_legacy"],
        }
        for row in rows
    ]


def dashboard(
    *, user: Person, as_of: datetime, held: list[Post] | None = None, stored: bool = True
) -> Dashboard:
    """SLA compliance by directorate and month received, by channel, the overdue list and the
    average time to answer in working days — counting only enquiries the viewer may open.

    On PostgreSQL, for a reader whose sight comes from one post (`access.sole_post`), the totals
    are the post's stored ones (`enquiries.tallies`): a few hundred rows read whatever the
    volume. Otherwise (`stored=False`, SQLite, a reader with two posts) they are counted from
    the enquiries the reader may open, in one pass over stored columns (`received_month`,
    `sla_met`) that the index `enquiry_sla_months` covers, grouped by directorate, month and
    channel at once and summed here both ways. Either way a constant number of queries
    (bench/README.md)."""
    today = timezone.localdate(as_of)
    councils = list(councils_bounding(user=user).values_list("council_id", flat=True))
    visible = enquiries_visible_to(user=user, councils=councils).filter(due_on__isnull=False)
    post = None
    if stored and tallies.kept():
        held = posts_held(user=user) if held is None else held
        post = sole_post(user, VIEW, Enquiry, held)
    if post is None:
        groups = _counted_groups(visible, today)
    else:
        groups = _stored_groups(post, councils, today)
    months: dict[tuple[str, date], MonthRow] = {}
    channels: dict[str, dict[str, int]] = {}
    total = n = legacy = 0
    for g in groups:
        total += g["spent"] or 0
        n += g["spent_n"]
        legacy += g["legacy"]
        by_channel = channels.setdefault(g["channel"], dict.fromkeys(CHANNEL_COUNTS, 0))
        for key in CHANNEL_COUNTS:
            by_channel[key] += g[key]
        key = (g["directorate__name"], g["received_month"])
        month = months.setdefault(key, MonthRow(directorate=key[0], month=key[1]))
        month.on_time += g["on_time"]
        month.late += g["counted"] - g["on_time"]
    if legacy:
        spent = _legacy_answered(visible)
        total, n = total + sum(spent), n + len(spent)
    # A list read a page at a time, not a whole-set count: each open enquiry, in due order,
    # is checked on its own (`per_row`) and the read stops at the 200th.
    overdue_ids = (
        enquiries_visible_to(user=user, per_row=True, councils=councils)
        .filter(due_on__isnull=False, status__in_literal=OPEN)
        .filter(Q(breached_on__isnull=False) | Q(due_on__lt=today))
        .exclude(status=Status.AWAITING_MEMBER)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)[:200]
    )
    labels = dict(Channel.choices)
    return Dashboard(
        # By directorate then month, as the query once ordered them on PostgreSQL.
        rows=sorted(
            (row for row in months.values() if row.total),
            key=lambda r: (r.directorate is None, r.directorate or "", r.month),
        ),
        average_working_days=round(total / n, 1) if n else None,
        answered=n,
        overdue_ids=overdue_ids,
        channels=[
            ChannelRow(channel, labels.get(channel, channel), **counts)
            for channel, counts in sorted(channels.items())
        ],
    )


def due_this_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing `today`."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)
