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

from complaints import permissions as perms
from complaints.models import Complaint, Determination
from complaints.selectors import complaints_to_act_on, complaints_visible_to
from complaints.states import AWAITING_ACK, OPEN_STATUSES, Status
from protocol_portal.casework.permissions import objects_for
from protocol_portal.web.home import due_item, panel


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


def _item(c: Complaint, *, today, hint: str) -> dict:
    return due_item(
        c, text=f"{c.reference}: {c.summary}", today=today, hint=hint, due_on=_next_due(c)
    )


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
    return panel(
        "Complaints to deal with",
        waiting,
        url=reverse("complaints:list"),
        item=lambda c, today: _item(c, today=today, hint=_what_next(c)),
    )


def determinations_panel(request) -> dict | None:
    """Code of Conduct and protocol-breach complaints waiting for the person's determination,
    oldest deadline first (three queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    waiting = _to_determine(user).select_related("council", "owner_post").order_by("due_on", "pk")
    return panel(
        "Determinations to make",
        waiting,
        url=reverse("complaints:mo-desk"),
        item=lambda c, today: _item(c, today=today, hint="Issue a determination"),
    )


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

    def item(c: Complaint, today) -> dict:
        if c.status == Status.OUTCOME_ISSUED:
            return {
                "text": f"{c.reference}: {c.summary}",
                "url": c.get_absolute_url(),
                "tag": "Outcome given",
                "tag_colour": "green",
                "hint": "Read the outcome and say whether you are satisfied",
            }
        return _item(c, today=today, hint=f"{c.get_status_display()}; with the {c.handler_title}")

    return panel("Complaints you raised", mine, url=reverse("complaints:list"), item=item)
