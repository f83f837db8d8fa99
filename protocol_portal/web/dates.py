"""Dates and times the GOV.UK way ("14 January 2027", "2:30pm", "midday"), and how long is left
on a case's clock in the council's own working days ("due in 3 working days").

Every page, email and message formats through here (the `gov_date` template filter, `due_for`
for the home page and the case pages), so one style holds everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import CalendarKind


def gov_date(value: date | datetime | None) -> str:
    """ "14 January 2027": the day without a leading zero, the month in full."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def gov_time(value: datetime | None) -> str:
    """ "2:30pm", "9am", "midday", "midnight" (GOV.UK style: no leading zero, no ":00")."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def gov_datetime(value: datetime | None) -> str:
    """ "14 January 2027 at 2:30pm"."""
    if value is None or value == "":
        return ""
    return f"{gov_date(value)} at {gov_time(value)}"


@dataclass(frozen=True)
class Due:
    """How a case stands against its deadline, in words a reader can act on."""

    text: str  # "due in 3 working days", "2 working days overdue", "due today", "clock paused"
    overdue: bool
    days: int  # working (or calendar) days left; negative when overdue

    @property
    def tag(self) -> dict:
        """A tag for lists: red when overdue, yellow when due today or tomorrow."""
        if self.overdue:
            return {"tag": "Overdue", "tag_colour": "red"}
        if 0 <= self.days <= 1 and self.text != PAUSED:
            return {"tag": "Due soon", "tag_colour": "yellow"}
        return {}


PAUSED = "clock paused"


def _unit(n: int, kind: str) -> str:
    word = "day" if kind == CalendarKind.CALENDAR else "working day"
    return f"{n} {word}{'' if n == 1 else 's'}"


def calendar_kind_of(case) -> str:
    """The calendar the case's clock runs on: its own column when it has one (an enquiry
    handled as FOI), else its type's."""
    return getattr(case, "clock_calendar", "") or getattr(case, "CLOCK_CALENDAR", "")


def due_for(case, *, today: date, due_on: date | None = None) -> Due | None:
    """How long is left before the case's due date (or `due_on`), counted on its council's
    calendar; None when it has no deadline. The case's council must be loaded with it."""
    due_on = due_on if due_on is not None else getattr(case, "due_on", None)
    if due_on is None:
        return None
    if getattr(case, "clock_paused_on", None) is not None:
        return Due(PAUSED, overdue=False, days=0)
    kind = calendar_kind_of(case) or CalendarKind.WORKING
    calendar = calendar_for(case.council, kind)
    breached = getattr(case, "breached_on", None) is not None
    try:
        if due_on >= today:
            n = calendar.count(today, due_on)
            if breached:
                return Due("overdue", overdue=True, days=0)
            text = "due today" if n == 0 else f"due in {_unit(n, kind)}"
            return Due(text, overdue=False, days=n)
        n = calendar.count(due_on, today)
    except ValueError:  # a date outside the calendar's years: say the date instead
        return Due(f"due {gov_date(due_on)}", overdue=due_on < today, days=0)
    if n <= 0:
        return Due(f"overdue since {gov_date(due_on)}", overdue=True, days=0)
    return Due(f"{_unit(n, kind)} overdue", overdue=True, days=-n)
