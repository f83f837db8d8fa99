"""Thin entry points the kernel calls: the chaser ladder itself is the kernel's
(`casework.tasks.sweep_due_chasers` / `fire_chaser`), registered in `EnquiriesConfig.ready`."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from enquiries.services import enquiries_recompute_for_calendar
from protocol_portal.org.models import Council, Person


def recompute_on_calendar_change(
    council: Council, day: date, why: str, actor: Person | None
) -> int:
    """Listener for `org.services.on_calendar_change`: a closure day was added or removed, so
    open enquiries not yet due get their due dates recomputed (within the caller's transaction).
    The moment of the change is read here, at the boundary, and passed in."""
    return enquiries_recompute_for_calendar(
        council=council, day=day, why=why, actor=actor, as_of=timezone.now()
    )
