"""Home-page panels for need-to-know requests, each item with how long is left:

- requests for the signed-in person to decide, soonest due first;
- the councillor's own requests with news: documents released and decisions from the last four
  weeks first (newest first), then the open ones by due date.

Both lists go through the one access policy (`objects_for`) in a fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from access_requests.models import AccessRequest, Release
from access_requests.selectors import requests_to_decide, requests_visible_to
from access_requests.states import OPEN_STATUSES, Status
from protocol_portal.web.dates import due_for, gov_date

PANEL_ITEMS = 5


def _count(items: list, queryset) -> int:
    """How many the panel's list holds: counted only when the first page is full (a short
    page is the whole list, so its length is the count and no query is spent on it)."""
    return len(items) if len(items) < PANEL_ITEMS else queryset.count()
# Decisions and released documents stay on the councillor's home page this long.
NEWS_SHOWN_FOR = timedelta(days=28)


def _due_item(r: AccessRequest, *, today, hint: str) -> dict:
    due = due_for(r, today=today)
    overdue = bool(due and due.overdue) or r.breached_on is not None
    return {
        "text": f"{r.reference}: {r.what}",
        "url": r.get_absolute_url(),
        "due": due.text if due else "",
        "overdue": overdue,
        "hint": hint,
        **({"tag": "Overdue", "tag_colour": "red"} if overdue else {}),
    }


def access_requests_panel(request) -> dict | None:
    """Requests waiting for the person's decision, soonest due first (two queries)."""
    if not request.user.is_authenticated:
        return None
    waiting = requests_to_decide(user=request.user)
    items = list(waiting[:PANEL_ITEMS])
    if not items:
        return None
    today = timezone.localdate()
    return {
        "title": "Need-to-know requests to decide",
        "count": _count(items, waiting),
        "url": reverse("access_requests:list"),
        "items": [
            _due_item(r, today=today, hint=f"From {r.requester_person.get_full_name()}")
            for r in items
        ],
    }


def member_panel(request) -> dict | None:
    """The councillor's requests with news (released, granted, refused in the last four weeks,
    newest first), then those still waiting, soonest due first (two queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    now = timezone.now()
    released = Exists(Release.objects.filter(request=OuterRef("pk")))
    mine = (
        requests_visible_to(user=user)
        .filter(requester_person=user)
        .filter(
            Q(status__in=OPEN_STATUSES)
            | Q(status__in=(Status.GRANTED, Status.REFUSED), updated_at__gte=now - NEWS_SHOWN_FOR)
        )
        .annotate(
            released=released,
            home_order=Case(
                When(status__in=OPEN_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            news_at=Case(When(~Q(status__in=OPEN_STATUSES), then=F("updated_at"))),
        )
        .order_by("home_order", F("news_at").desc(nulls_last=True), "due_on", "pk")
    )
    items = list(mine[:PANEL_ITEMS])
    if not items:
        return None
    today = timezone.localdate()

    def item(r: AccessRequest) -> dict:
        if r.status in OPEN_STATUSES:
            return _due_item(r, today=today, hint=f"The {r.handler_title} will decide")
        if r.status == Status.GRANTED:
            tag, colour = ("Document released", "green") if r.released else ("Granted", "green")
            hint = "Open it on the request’s page" if r.released else "Waiting for the document"
        else:
            tag, colour, hint = "Refused", "red", "Read the reasons"
        return {
            "text": f"{r.reference}: {r.what}",
            "url": r.get_absolute_url(),
            "tag": tag,
            "tag_colour": colour,
            "hint": f"{hint}. Last updated {gov_date(r.updated_at)}",
        }

    return {
        "title": "Your need-to-know requests",
        "count": _count(items, mine),
        "url": reverse("access_requests:list"),
        "items": [item(r) for r in items],
    }
