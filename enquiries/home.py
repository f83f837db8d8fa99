"""Home-page panels: a member's open enquiries; an officer's queue and overdue counts."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from enquiries import selectors
from enquiries.states import OPEN, Status

PANEL_ITEMS = 5


def member_panel(request) -> dict | None:
    """Your open enquiries, soonest due first (constant queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    mine = selectors.enquiries_for_member(user=user).filter(status__in=OPEN).order_by("due_on")
    items = selectors.hydrate(mine.values_list("pk", flat=True)[:PANEL_ITEMS])
    if not items:
        return None
    count = len(items) if len(items) < PANEL_ITEMS else mine.count()
    return {
        "title": "Your open enquiries",
        "count": count,
        "url": reverse("enquiries:index"),
        "items": [
            {
                "text": f"{e.reference}: {e.subject}",
                "url": reverse("enquiries:detail", args=[e.reference]),
                "hint": f"With {e.owner_post}; due {e.due_on:%d %B %Y}",
                **(
                    {"tag": "Awaiting your reply", "tag_colour": "yellow"}
                    if e.status == Status.AWAITING_MEMBER
                    else {}
                ),
            }
            for e in items
        ],
    }


def officer_panel(request) -> dict | None:
    """Enquiries in my queue, and how many are overdue."""
    user = request.user
    if not user.is_authenticated:
        return None
    held = selectors.posts_held(user=user)
    if not held:
        return None
    today = timezone.localdate()
    late = ~Q(status=Status.AWAITING_MEMBER) & (Q(breached_on__isnull=False) | Q(due_on__lt=today))
    counts = selectors.enquiry_queue(user=user, scope=selectors.Scope.MINE, held=held).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=late)
    )
    if not counts["total"]:
        return None
    return {
        "title": "Enquiries in your queue",
        "count": counts["total"],
        "url": reverse("enquiries:queue"),
        "items": [
            {
                "text": f"{counts['overdue']} overdue",
                "url": reverse("enquiries:queue") + "?scope=mine&overdue=true",
                "tag": "Overdue",
                "tag_colour": "red",
            }
        ]
        if counts["overdue"]
        else [],
    }
