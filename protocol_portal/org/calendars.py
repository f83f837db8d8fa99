"""The bridge from a council to its calendars: council working days, calendar days, FOI days.

Calendars are built once per council and calendar version (bumped when closure days change)
and kept in the process, so a clock computation costs no query after the first.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

from protocol_portal.org.models import CalendarKind, ClosureDay, Council
from protocol_portal.working_days.calendar import WorkingDayCalendar


class DayCounter(Protocol):
    def add(self, start: date, n: int) -> date: ...
    def offset(self, day: date, n: int) -> date: ...
    def count(self, start: date, end: date) -> int: ...


class CalendarDays:
    """Calendar days: "within three days" (Hackney 004 §11.3) and interest deadlines."""

    def add(self, start: date, n: int) -> date:
        return start + timedelta(days=n)

    def offset(self, day: date, n: int) -> date:
        return day + timedelta(days=n)

    def count(self, start: date, end: date) -> int:
        return (end - start).days


CALENDAR_DAYS = CalendarDays()


@lru_cache(maxsize=64)
def _council_calendar(council_id: int, nation: str, version: int) -> WorkingDayCalendar:
    closures = ClosureDay.objects.filter(council_id=council_id).values_list("date", flat=True)
    return WorkingDayCalendar.for_nation(nation, closure_days=tuple(closures))


@lru_cache(maxsize=1)
def _foi_calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar.foi()


def calendar_for(council: Council, kind: str = CalendarKind.WORKING) -> DayCounter:
    """The calendar a clock of this kind runs on for the council."""
    if kind == CalendarKind.CALENDAR:
        return CALENDAR_DAYS
    if kind == CalendarKind.FOI:
        return _foi_calendar()
    return _council_calendar(council.pk, council.nation, council.calendar_version)


def due_for(council: Council, kind: str, received_on: date, days: int) -> date:
    """The due date of a clock of `days` on the council's calendar of this kind, counted from
    receipt by the council's `clock_day_one` setting:

    - next_working_day: day one is the first working day after the day of receipt, whatever
      day that was (a Saturday receipt makes Monday day one). The FOI clock always counts so:
      "the twentieth working day following the date of receipt" (FOIA s.10(1)).
    - receipt_day: day one is the day of receipt, or the next working day when it was not one.
    """
    from protocol_portal.org.protocol_settings import setting

    day_one = "next_working_day" if kind == CalendarKind.FOI else setting(council, "clock_day_one")
    counter = calendar_for(council, kind)
    if days <= 0:
        return counter.add(received_on, 0)
    if isinstance(counter, CalendarDays):
        return received_on + timedelta(days=days - (1 if day_one == "receipt_day" else 0))
    if day_one == "next_working_day" and counter.is_working_day(received_on):
        return counter.add(received_on, days)
    return counter.add(counter.next_working_day(received_on), days - 1)
