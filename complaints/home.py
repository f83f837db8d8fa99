"""The home-page panel: complaints waiting for the signed-in person (constant queries)."""

from __future__ import annotations

from django.urls import reverse

from complaints.selectors import complaints_to_act_on


def complaints_panel(request):
    waiting = complaints_to_act_on(user=request.user)
    items = list(waiting[:5])
    if not items:
        return None
    return {
        "title": "Complaints to deal with",
        "count": waiting.count(),
        "url": reverse("complaints:list"),
        "items": [
            {
                "text": c.reference,
                "url": reverse("complaints:detail", args=[c.pk]),
                "hint": f"{c.get_status_display()}; due {c.due_on:%-d %b %Y}" if c.due_on else "",
                **({"tag": "Overdue", "tag_colour": "red"} if c.breached_on else {}),
            }
            for c in items
        ],
    }
