"""Home-page panels for relationships and interests:

- declarations of close relationships for the signed-in person to decide (the Chief Executive,
  a Director or the Monitoring Officer, as the council's protocol routes them), oldest first;
- requests for advice waiting for the Monitoring Officer's answer, oldest first;
- a declarer's news: decisions on their declarations and advice given, from the last four
  weeks, newest first.

Every list goes through the one access policy (`objects_for`) in a fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from interests import permissions as perms
from interests.models import AdviceRequest, Relationship
from interests.states import AdviceStatus, RelationshipStatus
from protocol_portal.casework.permissions import objects_for
from protocol_portal.web.dates import due_for, gov_date

PANEL_ITEMS = 5


NEWS_SHOWN_FOR = timedelta(days=28)


def _panel(title: str, url: str, queryset, item) -> dict | None:
    items = list(queryset[:PANEL_ITEMS])
    if not items:
        return None
    return {
        "title": title,
        "count": queryset.count(),  # asked at any volume: a constant query count
        "url": url,
        "items": [item(x) for x in items],
    }


def _waiting(case, *, text: str, hint: str, today) -> dict:
    due = due_for(case, today=today)
    overdue = bool(due and due.overdue)
    return {
        "text": text,
        "url": case.get_absolute_url(),
        "due": due.text if due else "",
        "overdue": overdue,
        "hint": hint,
        **({"tag": "Overdue", "tag_colour": "red"} if overdue else {}),
    }


def relationships_panel(request) -> dict | None:
    """Declarations waiting for the person's decision, oldest first (two queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    waiting = (
        objects_for(user, perms.DECIDE_RELATIONSHIP, Relationship.objects.all())
        .filter(status=RelationshipStatus.DECLARED)
        .exclude(declarer=user)
        .select_related("council", "declarer", "other_person")
        .order_by("received_on", "pk")
    )
    today = timezone.localdate()
    return _panel(
        "Declarations to decide",
        reverse("interests:index"),
        waiting,
        lambda r: _waiting(
            r,
            text=f"{r.reference}: {r.declarer.get_full_name()} and "
            f"{r.other_person.get_full_name()}",
            hint=f"{r.get_nature_display()}; declared on {gov_date(r.received_on)}",
            today=today,
        ),
    )


def advice_panel(request) -> dict | None:
    """Requests for advice waiting for the person's answer, oldest first (two queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    waiting = (
        objects_for(user, perms.ADVISE, AdviceRequest.objects.all())
        .filter(status=AdviceStatus.REQUESTED)
        .exclude(requester=user)
        .select_related("council", "requester")
        .order_by("received_on", "pk")
    )
    today = timezone.localdate()
    return _panel(
        "Requests for advice",
        reverse("interests:index"),
        waiting,
        lambda a: _waiting(
            a,
            text=f"{a.reference}: from {a.requester.get_full_name()}",
            hint=f"Asked on {gov_date(a.received_on)}",
            today=today,
        ),
    )


def news_panel(request) -> dict | None:
    """Decisions on the person's declarations and advice given to them in the last four
    weeks, newest first (two to four queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    since = timezone.now() - NEWS_SHOWN_FOR
    decided = list(
        objects_for(user, perms.VIEW_RELATIONSHIP, Relationship.objects.all())
        .filter(declarer=user, status=RelationshipStatus.DECIDED, decided_at__gte=since)
        .select_related("other_person")
        .order_by("-decided_at", "-pk")[:PANEL_ITEMS]
    )
    advised = list(
        objects_for(user, perms.VIEW_ADVICE, AdviceRequest.objects.all())
        .filter(requester=user, status=AdviceStatus.ADVISED, advised_at__gte=since)
        .order_by("-advised_at", "-pk")[:PANEL_ITEMS]
    )
    news = sorted(
        [(r.decided_at, "decision", r) for r in decided]
        + [(a.advised_at, "advice", a) for a in advised],
        key=lambda row: row[0],
        reverse=True,
    )[:PANEL_ITEMS]
    if not news:
        return None

    def item(kind: str, case) -> dict:
        if kind == "decision":
            return {
                "text": f"{case.reference}: your relationship with "
                f"{case.other_person.get_full_name()}",
                "url": case.get_absolute_url(),
                "tag": "Decision made",
                "tag_colour": "green",
                "hint": f"Decided on {gov_date(case.decided_at)}; read the decision",
            }
        return {
            "text": f"{case.reference}: your request for advice",
            "url": case.get_absolute_url(),
            "tag": "Advice given",
            "tag_colour": "green",
            "hint": f"Advised on {gov_date(case.advised_at)}",
        }

    return {
        "title": "Decisions and advice for you",
        "count": len(news),
        "url": reverse("interests:index"),
        "items": [item(kind, case) for _, kind, case in news],
    }
