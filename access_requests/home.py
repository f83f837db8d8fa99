"""The home-page panel: need-to-know requests for the signed-in person to decide."""

from __future__ import annotations

from django.urls import reverse

from access_requests.selectors import requests_to_decide


def access_requests_panel(request):
    waiting = requests_to_decide(user=request.user)
    items = list(waiting[:5])
    if not items:
        return None
    return {
        "title": "Need-to-know requests to decide",
        "count": waiting.count(),
        "url": reverse("access_requests:list"),
        "items": [
            {
                "text": r.reference,
                "url": reverse("access_requests:detail", args=[r.pk]),
                "hint": f"{r.get_status_display()}; due {r.due_on:%-d %b %Y}" if r.due_on else "",
                **({"tag": "Overdue", "tag_colour": "red"} if r.breached_on else {}),
            }
            for r in items
        ],
    }
