"""Home-page panels for complaints, each item with how long is left, most urgent first:

- complaints for the signed-in person to acknowledge or answer (their posts handle them);
- determinations for the Monitoring Officer (or Chief Executive with them) to issue;
- the complaints a person raised that have news: an outcome to say whether they are satisfied
  with, then the open ones by due date.

Every list goes through the one access policy (`objects_for`) in a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone

from complaints import permissions as perms
from complaints.models import Complaint, Determination
from complaints.selectors import complaints_to_act_on, complaints_visible_to
from complaints.states import AWAITING_ACK, OPEN_STATUSES, Status
from protocol_portal.casework.permissions import objects_for
from protocol_portal.web.dates import due_for

PANEL_ITEMS = 5


def _count(items: list, queryset) -> int:
    """How many the panel's list holds: counted only when the first page is full (a short
    page is the whole list, so its length is the count and no query is spent on it)."""
    return len(items) if len(items) < PANEL_ITEMS else queryset.count()


def _to_determine(user):
    """Open complaints the person may determine, acknowledged and with no determination yet."""
    active = Determination.objects.filter(complaint=OuterRef("pk"), superseded_at__isnull=True)
    return (
        objects_for(user, perms.DETERMINE, Complaint.objects.all())
        .filter(closed_at__isnull=True)
        .exclude(status__in=AWAITING_ACK)
        .exclude(Exists(active))
    )


def _next_due(c: Complaint):
    return c.ack_due_on if c.status in AWAITING_ACK else (c.outcome_due_on or c.due_on)


def _item(c: Complaint, *, today, hint: str, **extra) -> dict:
    due = due_for(c, today=today, due_on=_next_due(c)) if c.is_open else None
    overdue = bool(due and due.overdue) or (c.breached_on is not None and c.is_open)
    return {
        "text": f"{c.reference}: {c.summary}",
        "url": c.get_absolute_url(),
        "due": due.text if due else "",
        "overdue": overdue,
        "hint": hint,
        **({"tag": "Overdue", "tag_colour": "red"} if overdue else {}),
        **extra,
    }


def _what_next(c: Complaint) -> str:
    if c.status in AWAITING_ACK:
        return "Acknowledge it"
    if c.status == Status.OUTCOME_ISSUED:
        return "Outcome given; waiting to hear whether the complainant is satisfied"
    return "Give the outcome"


def complaints_panel(request) -> dict | None:
    """Complaints routed to the person's posts, soonest due first (three queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    waiting = complaints_to_act_on(user=user).exclude(pk__in=_to_determine(user).values("pk"))
    items = list(waiting[:PANEL_ITEMS])
    if not items:
        return None
    today = timezone.localdate()
    return {
        "title": "Complaints to deal with",
        "count": _count(items, waiting),
        "url": reverse("complaints:list"),
        "items": [_item(c, today=today, hint=_what_next(c)) for c in items],
    }


def determinations_panel(request) -> dict | None:
    """Code of Conduct and protocol-breach complaints waiting for the person's determination,
    oldest deadline first (three queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    waiting = _to_determine(user).select_related("council", "owner_post").order_by("due_on", "pk")
    items = list(waiting[:PANEL_ITEMS])
    if not items:
        return None
    today = timezone.localdate()
    return {
        "title": "Determinations to make",
        "count": _count(items, waiting),
        "url": reverse("complaints:mo-desk"),
        "items": [_item(c, today=today, hint="Issue a determination") for c in items],
    }


def raised_panel(request) -> dict | None:
    """The complaints the person raised that are still going: an outcome to answer first,
    then the rest by due date (two queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    mine = (
        complaints_visible_to(user=user)
        .filter(raiser_person=user, status__in=OPEN_STATUSES)
        .annotate(
            home_order=SqlCase(
                When(status=Status.OUTCOME_ISSUED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("home_order", "due_on", "pk")
    )
    items = list(mine[:PANEL_ITEMS])
    if not items:
        return None
    today = timezone.localdate()

    def item(c: Complaint) -> dict:
        if c.status == Status.OUTCOME_ISSUED:
            return {
                "text": f"{c.reference}: {c.summary}",
                "url": c.get_absolute_url(),
                "tag": "Outcome given",
                "tag_colour": "green",
                "hint": "Read the outcome and say whether you are satisfied",
            }
        return _item(c, today=today, hint=f"{c.get_status_display()}; with the {c.handler_title}")

    return {
        "title": "Complaints you raised",
        "count": _count(items, mine),
        "url": reverse("complaints:list"),
        "items": [item(c) for c in items],
    }
