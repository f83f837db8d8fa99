"""Properties of the working-day calendar, checked against numpy's business-day functions.

Calendars are drawn from the real ones (each nation, FOI, a council with closure days) and from
random closure sets over a few years. CI runs them again with HYPOTHESIS_PROFILE=ci-deep (10,400
examples in all); HYPOTHESIS_PROFILE=thorough gives 10,000 a property; the normal run uses 200.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol_portal.working_days import NATIONS, WorkingDayCalendar

# Profiles live here, applied per test, so they never change other modules' Hypothesis settings.
settings.register_profile("working-days", max_examples=200, deadline=None)
# CI's dedicated run: 1,300 examples for each of the 8 properties, 10,400 in all, in well under
# a minute; `thorough` (10,000 a property) is for a change to the calendar itself.
settings.register_profile("ci-deep", max_examples=1_300, deadline=None)
settings.register_profile("thorough", max_examples=10_000, deadline=None)
_CHOSEN = os.environ.get("HYPOTHESIS_PROFILE", "")
PROFILE = settings.get_profile(_CHOSEN if _CHOSEN in ("ci-deep", "thorough") else "working-days")

FIXED = (
    WorkingDayCalendar.for_nation("england-and-wales"),
    WorkingDayCalendar.for_nation("scotland"),
    WorkingDayCalendar.for_nation("northern-ireland"),
    WorkingDayCalendar.foi(),
    WorkingDayCalendar.for_nation(
        "england-and-wales",
        closure_days=[date(y, 12, d) for y in range(2015, 2041) for d in (27, 28, 29, 30, 31)],
    ),
)
SMALL_YEARS = range(2025, 2029)

random_calendars = st.builds(
    lambda nation, closures: WorkingDayCalendar.for_nation(
        nation, closure_days=closures, years=SMALL_YEARS
    ),
    st.sampled_from(NATIONS),
    st.frozensets(st.dates(date(2025, 1, 1), date(2028, 12, 31)), max_size=40),
)
calendars = st.one_of(st.sampled_from(FIXED), random_calendars)


def _limits(calendar: WorkingDayCalendar) -> tuple[date, date, int]:
    """Dates far enough from the ends that n working days either way stay inside the range."""
    margin, max_n = (400, 200) if len(calendar.years) > 10 else (200, 60)
    return calendar.first + timedelta(margin), calendar.last - timedelta(margin), max_n


@st.composite
def cases(draw: st.DrawFn, n_min: int = 0) -> tuple[WorkingDayCalendar, date, int]:
    calendar = draw(calendars)
    low, high, max_n = _limits(calendar)
    return calendar, draw(st.dates(low, high)), draw(st.integers(n_min, max_n))


@st.composite
def two_day_cases(draw: st.DrawFn) -> tuple[WorkingDayCalendar, date, date, int]:
    calendar, first, n = draw(cases())
    low, high, _ = _limits(calendar)
    second = draw(st.dates(low, high))
    return calendar, min(first, second), max(first, second), n


def _numpy(calendar: WorkingDayCalendar) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=sorted(calendar.closed_days))


def _py(value: np.datetime64) -> date:
    day: date = value.astype("datetime64[D]").item()
    return day


@PROFILE
@given(cases(n_min=1))
def test_add_lands_on_a_working_day(case: tuple[WorkingDayCalendar, date, int]) -> None:
    calendar, day, n = case
    assert calendar.is_working_day(calendar.add(day, n))
    assert calendar.is_working_day(calendar.add(day, 0))


@PROFILE
@given(cases())
def test_count_undoes_add(case: tuple[WorkingDayCalendar, date, int]) -> None:
    calendar, day, n = case
    start = calendar.next_working_day(day)
    assert calendar.count(start, calendar.add(start, n)) == n
    # From a non-working day the effective receipt day itself is counted too.
    assert calendar.count(day, calendar.add(day, n)) == n + (not calendar.is_working_day(day))


@PROFILE
@given(two_day_cases())
def test_add_is_monotonic_in_n_and_in_the_day(
    case: tuple[WorkingDayCalendar, date, date, int],
) -> None:
    calendar, earlier, later, n = case
    assert calendar.add(earlier, n) < calendar.add(earlier, n + 1)
    assert calendar.add(earlier, n) <= calendar.add(later, n)


@PROFILE
@given(cases())
def test_subtract_inverts_add(case: tuple[WorkingDayCalendar, date, int]) -> None:
    calendar, day, n = case
    start = calendar.next_working_day(day)
    assert calendar.subtract(calendar.add(start, n), n) == start
    assert calendar.add(calendar.subtract(day, n), n) == start
    if n >= 1:
        assert calendar.subtract(day, n) < day


@PROFILE
@given(cases())
def test_offset_back_then_forward_round_trips(case: tuple[WorkingDayCalendar, date, int]) -> None:
    calendar, day, n = case
    start = calendar.next_working_day(day)
    assert calendar.offset(calendar.offset(start, -n), n) == start
    assert calendar.offset(calendar.offset(start, n), -n) == start
    assert calendar.offset(day, -n) == calendar.subtract(day, n)
    assert calendar.offset(day, n) == calendar.add(day, n)


@PROFILE
@given(cases(), st.booleans())
def test_agrees_with_numpy_busday_offset(
    case: tuple[WorkingDayCalendar, date, int], backwards: bool
) -> None:
    calendar, day, n = case
    n = -n if backwards else n
    expected = _py(np.busday_offset(day, n, roll="forward", busdaycal=_numpy(calendar)))
    assert calendar.offset(day, n) == expected
    if n >= 0:
        assert calendar.add(day, n) == expected


@PROFILE
@given(two_day_cases())
def test_count_agrees_with_numpy_busday_count(
    case: tuple[WorkingDayCalendar, date, date, int],
) -> None:
    calendar, start, end, _ = case
    one = timedelta(days=1)
    # numpy counts [begin, end); the calendar counts (start, end]. (numpy's own negative counts,
    # end before begin, count (end, begin], so compare only in order and check the sign here.)
    expected = int(np.busday_count(start + one, end + one, busdaycal=_numpy(calendar)))
    assert calendar.count(start, end) == expected
    assert calendar.count(end, start) == -expected


@PROFILE
@given(cases())
def test_working_day_is_a_weekday_that_is_not_closed(
    case: tuple[WorkingDayCalendar, date, int],
) -> None:
    calendar, day, _ = case
    expected = day.weekday() < 5 and day not in calendar.closed_days
    assert calendar.is_working_day(day) is expected
    assert bool(np.is_busday(day, busdaycal=_numpy(calendar))) is expected
    assert calendar.previous_working_day(day) <= day <= calendar.next_working_day(day)
