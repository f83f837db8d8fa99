"""Home-page panels: the items themselves, most urgent first, each with how long is left.

- a councillor: the question waiting for their reply, new answers, then their open enquiries
  by due date; and the "Log an enquiry" start button;
- an officer: their queue, soonest due first;
- a manager, Director, Chief Executive or the triage team: overdue enquiries they oversee
  (their team's, their directorate's, and those escalated to them).

Every list is read through the one access policy (`enquiries_visible_to`) and costs a fixed
number of queries: the page's ids, its rows, the count.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.urls import reverse
from django.utils import timezone

from enquiries import selectors
from enquiries.models import Enquiry
from enquiries.states import OPEN, Status
from protocol_portal.casework import bounds
from protocol_portal.casework.access import HANDLER, RAISER
from protocol_portal.org.models import Member, PostKind
from protocol_portal.web.dates import due_for, gov_date

PANEL_ITEMS = 5
# Posts that oversee others' enquiries as a matter of course: line managers up to the Chief
# Executive, and the triage team (the whole council's).
OVERSEEING_KINDS = selectors.DASHBOARD_KINDS | {PostKind.MANAGER, PostKind.HEAD_OF_SERVICE}
# New answers stay on the councillor's home page this long after they arrive.
ANSWERS_SHOWN_FOR = timedelta(days=28)
STATUS_COLOURS = {
    Status.RECEIVED: "blue",
    Status.IN_PROGRESS: "turquoise",
    Status.AWAITING_MEMBER: "yellow",
    Status.REFERRED_MO: "purple",
    Status.FOI: "purple",
    Status.RESPONDED: "green",
    Status.REFERRED_COMPLAINT: "orange",
    Status.CLOSED: "grey",
}


def _late(today) -> Q:
    return ~Q(status=Status.AWAITING_MEMBER) & (Q(breached_on__isnull=False) | Q(due_on__lt=today))


def _held(request) -> list:
    """The posts the signed-in person holds, read once for all of this page's panels."""
    if not hasattr(request, "_enquiry_posts_held"):
        request._enquiry_posts_held = selectors.posts_held(user=request.user)
    return request._enquiry_posts_held


def _sits(request) -> bool:
    """Whether the signed-in person sits on any council, read once for this page's panels."""
    if not hasattr(request, "_enquiry_member"):
        request._enquiry_member = Member.objects.filter(person=request.user).exists()
    return request._enquiry_member


def _widest_scope(held: list) -> str:
    """The officer's widest queue (selectors.scopes_for, without its line-of-management read)."""
    if any(p.kind == PostKind.MEMBER_SERVICES for p in held):
        return selectors.Scope.TRIAGE
    if any(p.directorate_id for p in held):
        return selectors.Scope.DIRECTORATE
    return selectors.Scope.TEAM


def _first_and_counts(queryset: QuerySet, **counts) -> tuple[list, dict[str, int]]:
    """The first PANEL_ITEMS enquiries of a list (hydrated, in its order) and counts over the
    whole list, in two queries: the counts are window aggregates of the page's own query, so
    the list's permission check (casework.access.visible) and filters are worked out once, not
    once for the page and again for a count (bench/README.md, "Access rows at volume")."""
    counts = {"total": Count("pk"), **counts}
    rows = list(
        queryset.annotate(**{name: Window(c) for name, c in counts.items()}).values_list(
            "pk", *counts
        )[:PANEL_ITEMS]
    )
    if not rows:
        return [], dict.fromkeys(counts, 0)
    return selectors.hydrate(row[0] for row in rows), dict(zip(counts, rows[0][1:], strict=True))


def _bounded(ids) -> tuple[list[int], bool]:
    """A list's ids up to the reach the queue page counts to (casework.bounds.COUNT_MOST), and
    whether it goes on past it."""
    reach = bounds.COUNT_MOST
    ids = list(ids[: reach + 1])
    return ids[:reach], len(ids) > reach


def _count_words(ids: list[int], more: bool):
    return f"More than {len(ids):,}" if more else len(ids)


def _status_tag(enquiry) -> dict:
    return {"tag": enquiry.get_status_display(), "tag_colour": STATUS_COLOURS.get(enquiry.status)}


def _item(enquiry, *, today, hint: str = "", **extra) -> dict:
    due = due_for(enquiry, today=today) if enquiry.status in OPEN else None
    overdue = due is not None and due.overdue
    return {
        "text": f"{enquiry.reference}: {enquiry.subject}",
        "url": enquiry.get_absolute_url(),
        "due": due.text if due and enquiry.status != Status.AWAITING_MEMBER else "",
        "overdue": overdue,
        "hint": hint,
        **({"tag": "Overdue", "tag_colour": "red"} if overdue else _status_tag(enquiry)),
        **extra,
    }


def start_panel(request) -> dict | None:
    """A councillor's call to action: "Log an enquiry" (one query: do they sit anywhere?)."""
    if not request.user.is_authenticated or not _sits(request):
        return None
    return {"start": {"text": "Log an enquiry", "url": reverse("enquiries:new")}}


def member_panel(request) -> dict | None:
    """The councillor's enquiries that need them or have news: a question waiting for their
    reply first, then answers from the last four weeks (newest first), then the open ones,
    soonest due first (two queries)."""
    user = request.user
    if not user.is_authenticated or not _sits(request):
        return None  # their own enquiries are a member's: nothing to read
    now = timezone.now()
    today = timezone.localdate(now)
    wanted = (
        selectors.enquiries_for_member(user=user)
        .filter(
            Q(status__in=OPEN)
            | Q(status=Status.RESPONDED, responded_at__gte=now - ANSWERS_SHOWN_FOR)
        )
        .annotate(
            home_order=Case(
                When(status=Status.AWAITING_MEMBER, then=Value(0)),
                When(status=Status.RESPONDED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            answered=Case(When(status=Status.RESPONDED, then=F("responded_at"))),
        )
        .order_by("home_order", F("answered").desc(nulls_last=True), "due_on", "pk")
    )
    items, counts = _first_and_counts(wanted)
    if not items:
        return None
    count = counts["total"]

    def hint(e) -> str:
        if e.status == Status.AWAITING_MEMBER:
            return "The officer has asked you a question. Reply so they can answer."
        if e.status == Status.RESPONDED:
            return f"Answered on {gov_date(e.responded_at)} by the {e.owner_post.title}"
        return f"With the {e.owner_post.title}" if e.owner_post_id else ""

    return {
        "title": "Your enquiries",
        "count": count,
        "url": reverse("enquiries:index"),
        "items": [_item(e, today=today, hint=hint(e)) for e in items],
    }


def officer_panel(request) -> dict | None:
    """The enquiries in the officer's own queue, soonest due first, with how many are overdue,
    both counted no further than the queue page counts (three queries, the posts held read
    once for the page)."""
    user = request.user
    if not user.is_authenticated:
        return None
    held = _held(request)
    if not held:
        return None
    today = timezone.localdate()
    queue = selectors.enquiry_queue(user=user, scope=selectors.Scope.MINE, held=held)
    # Counted as the queue page counts (casework.bounds.COUNT_MOST): its ids in due order up to
    # the reach, read as the queue reads them, then which of those are overdue. Counting every
    # open enquiry of the officer's posts (a window over the whole queue) was this page's time
    # at a million (15,913 open enquiries checked for 5 shown).
    ids, more = _bounded(selectors.queue_ids(queue, scope=selectors.Scope.MINE, held=held))
    if not ids:
        return None
    late = Enquiry.objects.filter(pk__in=ids).filter(_late(today)).count()
    items = selectors.hydrate(ids[:PANEL_ITEMS])
    if more:
        verb = "is" if late == 1 else "are"
        summary = f"{late:,} of the {len(ids):,} due soonest {verb} overdue" if late else ""
    else:
        summary = f"{late:,} overdue" if late else ""
    return {
        "title": "Enquiries in your queue",
        "count": _count_words(ids, more),
        "summary": summary,
        "url": reverse("enquiries:queue"),
        "items": [
            _item(
                e,
                today=today,
                hint=(
                    f"From {e.member}; waiting for their reply to your question"
                    if e.status == Status.AWAITING_MEMBER
                    else f"From {e.member}"
                ),
            )
            for e in items
        ],
    }


def oversight_panel(request) -> dict | None:
    """Overdue enquiries the person oversees but does not hold: their team's and
    directorate's (as a line manager or Director), and those chased or escalated to them;
    the most overdue first (two queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    held = _held(request)
    if not held:
        return None
    today = timezone.localdate()
    # The person's own queue and own enquiries are left out, so the rows that make them their
    # handler or raiser are not read (an enquiry's handler audience is its owner post, its
    # raiser its member: enquiries.permissions); for an officer that is nearly every row.
    # Counted as far as the queue page counts. Someone who manages others oversees thousands:
    # their list is read in due order with each row checked as it is read (`per_row`), and
    # the overdue come first, so the read stops once it has them (a Director's 30,532 visible
    # enquiries at a million were each read by primary key to count 4,972 overdue: 241 ms,
    # now 48). An officer oversees only what was escalated to them: gathered first (the
    # semi-join), as a walk of the council's overdue enquiries would check every one of them
    # to find none (378 ms at a million).
    besides = {HANDLER, RAISER}
    if any(p.kind in OVERSEEING_KINDS for p in held):
        late = selectors.enquiries_visible_to(
            user=user, besides=besides, per_row=True, councils={p.council_id for p in held}
        ).exclude(member__in=Member.objects.filter(person=user).values("pk"))
    else:
        late = selectors.enquiries_visible_to(user=user, besides=besides).exclude(
            member__person=user
        )
    late = (
        late.filter(status__in=OPEN)
        .filter(_late(today))
        .exclude(owner_post_id__in=[p.pk for p in held])
        .order_by("due_on", "pk")
    )
    ids, more = _bounded(late.values_list("pk", flat=True))
    if not ids:
        return None
    items = selectors.hydrate(ids[:PANEL_ITEMS])
    return {
        "title": "Overdue enquiries you oversee",
        "count": _count_words(ids, more),
        "url": reverse("enquiries:queue") + f"?scope={_widest_scope(held)}&overdue=true",
        "items": [
            _item(e, today=today, hint=f"With the {e.owner_post.title}" if e.owner_post_id else "")
            for e in items
        ],
    }
