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
from protocol_portal.web.dates import gov_date
from protocol_portal.web.home import due_item, panel

# Decisions and released documents stay on the councillor's home page this long.
NEWS_SHOWN_FOR = timedelta(days=28)


def _due_item(r: AccessRequest, *, today, hint: str) -> dict:
    return due_item(r, text=f"{r.reference}: {r.what}", today=today, hint=hint)


def access_requests_panel(request) -> dict | None:
    """Requests waiting for the person's decision, soonest due first (two queries)."""
    if not request.user.is_authenticated:
        return None
    waiting = requests_to_decide(user=request.user)
    return panel(
        "Need-to-know requests to decide",
        waiting,
        url=reverse("access_requests:list"),
        item=lambda r, today: _due_item(
            r, today=today, hint=f"From {r.requester_person.get_full_name()}"
        ),
    )


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

    def item(r: AccessRequest, today) -> dict:
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

    return panel("Your need-to-know requests", mine, url=reverse("access_requests:list"), item=item)
