"""The enquiry's clock: started, recomputed, stopped; the chaser's rungs and breaches."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from enquiries import permissions
from enquiries.models import Enquiry
from enquiries.services.base import _due_text
from enquiries.states import CLOCK_RUNNING, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.placing import recorded
from protocol_portal.casework.services import clock_schedule, clock_start
from protocol_portal.org.calendars import calendar_for, due_for
from protocol_portal.org.models import ChaserRung, Council, Person, Post


def _clock_run(
    enquiry: Enquiry, *, start: date, days: int, calendar: str, paused_days: int = 0
) -> None:
    """Start (or restart) the clock from `start`; the receipt date itself is kept."""
    received = enquiry.received_on or start
    enquiry.clock_started_on = start
    enquiry.clock_limit_days = days
    enquiry.clock_calendar = calendar
    enquiry.clock_paused_days = paused_days
    clock_start(case=enquiry, received_on=start, days=days, calendar=calendar)
    enquiry.received_on = received
    if paused_days:
        _due_recompute(enquiry)


def _due_recompute(enquiry: Enquiry) -> bool:
    """Due = the limit's last day counted from the clock's start (`org.calendars.due_for`),
    plus the working days paused, on the clock's calendar today."""
    if enquiry.clock_started_on is None:
        return False
    due = due_for(
        enquiry.council, enquiry.clock_calendar, enquiry.clock_started_on, enquiry.clock_limit_days
    )
    if enquiry.clock_paused_days:
        due = calendar_for(enquiry.council, enquiry.clock_calendar).add(
            due, enquiry.clock_paused_days
        )
    if due == enquiry.due_on:
        return False
    enquiry.due_on = due
    clock_schedule(case=enquiry)
    return True


def _clock_stop(enquiry: Enquiry) -> None:
    # A pause ends with the clock: left set, a reopened enquiry would count as paused and never
    # be chased (found by tests/enquiries/test_lifecycle_state.py).
    enquiry.clock_paused_on = None
    enquiry.next_action_at = None


# --------------------------------------------------------------------------- clock events


@transaction.atomic
def enquiries_recompute_for_calendar(
    *, council: Council, day: date, why: str, actor: Person | None, as_of: datetime
) -> int:
    """The council's calendar changed: recompute the due date of every open enquiry not yet
    due, noting it on each timeline. Returns how many moved."""
    changed = 0
    candidates = (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("council")
        .filter(
            council=council,
            status__in=CLOCK_RUNNING | {Status.AWAITING_MEMBER},
            due_on__gte=plumbing.today(as_of),
        )
    )
    for enquiry in candidates:
        enquiry.council = council
        before = enquiry.due_on
        if not _due_recompute(enquiry):
            continue
        recorded(
            enquiry,
            actor=actor,
            as_of=as_of,
            reason=why,
            kind="due_recomputed",
            summary=f"Due date moved from {before:%-d %B %Y} to {_due_text(enquiry)} ({why})",
        )
        changed += 1
    return changed


def enquiry_on_rung(case: Enquiry, rung: ChaserRung, posts: list[Post], as_of: datetime) -> None:
    """Called by the kernel inside the chaser's transaction: posts escalated to may see and act
    on the enquiry; a rung past the due date records the breach (000 §7.1)."""
    permissions.escalated_to([(case, posts)], as_of=as_of)
    _breach_on_rung(case, as_of)


def enquiry_on_rungs(fired: list[tuple[Enquiry, ChaserRung, list[Post]]], as_of: datetime) -> None:
    """`enquiry_on_rung` for a batch of rungs the sweep fired together: the same grants, in two
    queries for the batch, and the same breaches (000 §7.1)."""
    permissions.escalated_to([(case, posts) for case, _, posts in fired], as_of=as_of)
    for case, _, _ in fired:
        _breach_on_rung(case, as_of)


def _breach_on_rung(case: Enquiry, as_of: datetime) -> None:
    today = plumbing.today(as_of)
    if case.breached_on is None and case.due_on is not None and today > case.due_on:
        # Breached on the first working day after the due date, however late the sweep ran.
        case.breached_on = min(today, calendar_for(case.council).add(case.due_on, 1))
