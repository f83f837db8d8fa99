"""The working-day calendar: Monday to Friday, less the closed days it was built with.

Every answer comes from tables built once, so each operation is one or two dictionary look-ups
and a list index: no loops, no `toordinal` arithmetic, no clock. The calendar never reads
today's date; callers pass dates in.

Counting rules, in council language:

- The day a case is received is day 0; day 1 is the next working day.
- A case received on a non-working day counts as received on the next working day: a Saturday
  receipt behaves exactly like Monday's.
- "n working days before" a date means the n-th working day strictly before it (1 working day
  before Saturday is Friday; before Monday is the previous Friday).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final, NoReturn

from protocol_portal.working_days.holidays import bank_holidays, foi_holidays

DEFAULT_YEARS: Final = range(2015, 2041)

_ONE_DAY: Final = timedelta(days=1)


class WorkingDayCalendar:
    """Working days (Monday to Friday less closed days) over a fixed range of years."""

    __slots__ = ("_at", "_closed", "_dates", "_first", "_last", "_n", "_upto", "_years")

    _at: dict[date, int]
    _closed: frozenset[date]
    _dates: tuple[date, ...]
    _first: date
    _last: date
    _n: int
    _upto: dict[date, int]
    _years: range

    def __init__(self, closed_days: Iterable[date] = (), years: range = DEFAULT_YEARS) -> None:
        """Monday to Friday over `years`, less `closed_days` (bank holidays and closures)."""
        if not isinstance(years, range) or years.step != 1 or len(years) == 0:
            raise ValueError(f"years must be a non-empty range with step 1, got {years!r}")
        first, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
        closed = frozenset(d for d in closed_days if first <= _as_date(d) <= last)
        dates: list[date] = []
        # at[d]: position in `dates` of the first working day on or after d.
        # upto[d]: how many working days fall on or before d.
        at: dict[date, int] = {}
        upto: dict[date, int] = {}
        day = first
        while day <= last:
            at[day] = len(dates)
            if day.weekday() < 5 and day not in closed:
                dates.append(day)
            upto[day] = len(dates)
            day += _ONE_DAY
        init = object.__setattr__
        init(self, "_years", years)
        init(self, "_first", first)
        init(self, "_last", last)
        init(self, "_closed", closed)
        init(self, "_dates", tuple(dates))
        init(self, "_n", len(dates))
        init(self, "_at", at)
        init(self, "_upto", upto)

    @classmethod
    def for_nation(
        cls,
        nation: str,
        closure_days: Iterable[date] = (),
        years: range = DEFAULT_YEARS,
    ) -> WorkingDayCalendar:
        """A council's calendar: weekends, its nation's bank holidays and its closure days off."""
        return cls(bank_holidays(nation, years) | frozenset(closure_days), years)

    @classmethod
    def foi(cls, years: range = DEFAULT_YEARS) -> WorkingDayCalendar:
        """The FOI clock's calendar: any UK bank holiday is off; council closures still count."""
        return cls(foi_holidays(years), years)

    # Queries. Each inlines its look-up: a helper call would double the cost of the hot path.

    def is_working_day(self, day: date) -> bool:
        """Whether the council is open: a weekday that is not a bank holiday or closure day."""
        try:
            k = self._at[day]
        except (KeyError, TypeError):
            self._outside(day)
        return k < self._n and self._dates[k] == day

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, otherwise the next working day."""
        try:
            k = self._at[day]
        except (KeyError, TypeError):
            self._outside(day)
        if k >= self._n:
            self._beyond(day, 0)
        return self._dates[k]

    def previous_working_day(self, day: date) -> date:
        """The day itself if it is a working day, otherwise the last working day before it."""
        try:
            k = self._upto[day]
        except (KeyError, TypeError):
            self._outside(day)
        k -= 1
        if k < 0:
            self._beyond(day, 0)
        return self._dates[k]

    def add(self, start: date, n: int) -> date:
        """n working days after receipt: receipt is day 0, and a Saturday receipt is Monday's."""
        if n < 0:
            raise ValueError(f"add() takes n >= 0 (got {n}); use offset() or subtract()")
        try:
            k = self._at[start]
        except (KeyError, TypeError):
            self._outside(start)
        k += n
        if k >= self._n:
            self._beyond(start, n)
        return self._dates[k]

    def subtract(self, day: date, n: int) -> date:
        """The n-th working day before the day (1 before Saturday is Friday); 0 is add(day, 0)."""
        if n < 0:
            raise ValueError(f"subtract() takes n >= 0 (got {n}); use offset() or add()")
        try:
            k = self._at[day]
        except (KeyError, TypeError):
            self._outside(day)
        k -= n
        if k < 0 or k >= self._n:
            self._beyond(day, -n)
        return self._dates[k]

    def offset(self, day: date, n: int) -> date:
        """n working days after the day, or before it when n is negative (chaser rungs)."""
        try:
            k = self._at[day]
        except (KeyError, TypeError):
            self._outside(day)
        k += n
        if k < 0 or k >= self._n:
            self._beyond(day, n)
        return self._dates[k]

    def count(self, start: date, end: date) -> int:
        """Working days after start up to and including end; negative when end is before start."""
        upto = self._upto
        try:
            return upto[end] - upto[start]
        except (KeyError, TypeError):
            for day in (start, end):
                if _as_date(day) not in upto:
                    self._outside(day)
            raise

    # Description.

    @property
    def years(self) -> range:
        """The years this calendar covers."""
        return self._years

    @property
    def first(self) -> date:
        """The first date this calendar answers for (1 January of its first year)."""
        return self._first

    @property
    def last(self) -> date:
        """The last date this calendar answers for (31 December of its last year)."""
        return self._last

    @property
    def closed_days(self) -> frozenset[date]:
        """The closed dates it was built with that fall in range (weekend ones change nothing)."""
        return self._closed

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[type[WorkingDayCalendar], tuple[frozenset[date], range]]:
        return (type(self), (self._closed, self._years))

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self._first.year}–{self._last.year}, "
            f"{self._n} working days, {len(self._closed)} closed dates>"
        )

    # Errors, kept off the hot path.

    def _outside(self, day: object) -> NoReturn:
        _as_date(day)
        raise ValueError(
            f"{day} is outside this working-day calendar, which covers {self._first} to "
            f"{self._last}; build it with a wider years= range"
        )

    def _beyond(self, day: date, n: int) -> NoReturn:
        raise ValueError(
            f"{n:+d} working days from {day} falls outside this working-day calendar, which "
            f"covers {self._first} to {self._last}; build it with a wider years= range"
        )


def _as_date(day: object) -> date:
    """The value itself if it is a plain date; a datetime or anything else is a TypeError."""
    if isinstance(day, datetime):
        raise TypeError(
            f"working-day calendars take a date, not a datetime ({day!r}): convert it with "
            "timezone.localdate() first, so the day is the UK day"
        )
    if not isinstance(day, date):
        raise TypeError(f"working-day calendars take a date, not {type(day).__name__} ({day!r})")
    return day
