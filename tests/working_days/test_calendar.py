"""Known dates for the working-day calendar: Christmas, Easter, substitute days, each nation, FOI.

Every expected date here was checked against the GOV.UK bank holiday list by hand; none is
computed by the code under test. Pure Python: no database, no Django.
"""

from __future__ import annotations

import ast
import pickle
from datetime import date, datetime
from pathlib import Path

import pytest

from protocol_portal.working_days import (
    DEFAULT_YEARS,
    NATIONS,
    WorkingDayCalendar,
    bank_holidays,
    foi_holidays,
)

EW = WorkingDayCalendar.for_nation("england-and-wales")
SCOTLAND = WorkingDayCalendar.for_nation("scotland")
NI = WorkingDayCalendar.for_nation("northern-ireland")
FOI = WorkingDayCalendar.foi()

# A council that shuts between Christmas and New Year 2026.
SHUTDOWN = (date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31))
COUNCIL = WorkingDayCalendar.for_nation("england-and-wales", closure_days=SHUTDOWN)


# Christmas and New Year


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, date(2026, 12, 24)),
        (1, date(2026, 12, 29)),  # 25 Fri Christmas, 26 Sat, 28 Mon Boxing Day (substitute)
        (2, date(2026, 12, 30)),
        (3, date(2026, 12, 31)),
        (4, date(2027, 1, 4)),  # 1 Jan Fri
        (10, date(2027, 1, 12)),
    ],
)
def test_christmas_2026_england(n: int, expected: date) -> None:
    assert EW.add(date(2026, 12, 24), n) == expected


def test_christmas_2027_falls_on_a_saturday_so_27_and_28_december_are_substitutes() -> None:
    for day in (date(2027, 12, 27), date(2027, 12, 28)):
        assert not EW.is_working_day(day)
    assert EW.add(date(2027, 12, 24), 1) == date(2027, 12, 29)
    assert EW.add(date(2027, 12, 24), 3) == date(2027, 12, 31)
    # 1 January 2028 is a Saturday: Monday 3 January is the substitute.
    assert EW.add(date(2027, 12, 24), 4) == date(2028, 1, 4)


def test_new_year_2022_substitute_day() -> None:
    assert not EW.is_working_day(date(2022, 1, 3))
    assert EW.add(date(2021, 12, 31), 1) == date(2022, 1, 4)
    # Scotland: 1 and 2 January were the weekend, so both the 3rd and the 4th were off.
    assert SCOTLAND.add(date(2021, 12, 31), 1) == date(2022, 1, 5)


# Easter


def test_good_friday_and_easter_monday_2026() -> None:
    assert not EW.is_working_day(date(2026, 4, 3))
    assert not EW.is_working_day(date(2026, 4, 6))
    assert EW.add(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert EW.count(date(2026, 4, 2), date(2026, 4, 7)) == 1


def test_scotland_has_good_friday_but_no_easter_monday() -> None:
    assert not SCOTLAND.is_working_day(date(2026, 4, 3))
    assert SCOTLAND.is_working_day(date(2026, 4, 6))
    assert SCOTLAND.add(date(2026, 4, 2), 1) == date(2026, 4, 6)


# Each nation


def test_scotland_2_january_and_st_andrews_day() -> None:
    assert not SCOTLAND.is_working_day(date(2026, 1, 2))
    assert EW.is_working_day(date(2026, 1, 2))
    assert not SCOTLAND.is_working_day(date(2026, 11, 30))
    assert EW.is_working_day(date(2026, 11, 30))
    # 30 November 2024 was a Saturday: Monday 2 December was the substitute.
    assert not SCOTLAND.is_working_day(date(2024, 12, 2))


def test_scotland_summer_bank_holiday_is_the_first_monday_of_august() -> None:
    assert not SCOTLAND.is_working_day(date(2026, 8, 3))
    assert SCOTLAND.is_working_day(date(2026, 8, 31))
    assert EW.is_working_day(date(2026, 8, 3))
    assert not EW.is_working_day(date(2026, 8, 31))


def test_northern_ireland_st_patricks_day_and_the_twelfth() -> None:
    assert not NI.is_working_day(date(2026, 3, 17))
    assert EW.is_working_day(date(2026, 3, 17))
    assert not NI.is_working_day(date(2027, 7, 12))
    # 12 July 2026 is a Sunday: Monday 13 July is the substitute.
    assert not NI.is_working_day(date(2026, 7, 13))
    assert NI.add(date(2026, 7, 10), 1) == date(2026, 7, 14)


def test_one_off_proclaimed_days_are_included() -> None:
    # The Queen's state funeral and the King's coronation, in every nation.
    for calendar in (EW, SCOTLAND, NI, FOI):
        assert not calendar.is_working_day(date(2022, 9, 19))
        assert not calendar.is_working_day(date(2023, 5, 8))


def test_bank_holidays_for_wales_are_england_s() -> None:
    assert date(2026, 8, 31) in bank_holidays("england-and-wales", range(2026, 2027))
    assert NATIONS == ("england-and-wales", "scotland", "northern-ireland")


def test_an_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown nation 'wales'"):
        bank_holidays("wales", DEFAULT_YEARS)


# FOI: the union of the UK's bank holidays, closures not excluded


def test_foi_union_excludes_every_nations_bank_holidays_for_an_english_council() -> None:
    for day in (
        date(2026, 1, 2),  # Scotland
        date(2026, 3, 17),  # Northern Ireland
        date(2026, 4, 6),  # Easter Monday: not Scotland, but England and NI
        date(2026, 8, 3),  # Scotland's summer bank holiday
        date(2026, 8, 31),  # England's late summer bank holiday
        date(2026, 11, 30),  # Scotland
        date(2027, 7, 12),  # Northern Ireland
    ):
        assert not FOI.is_working_day(day), day
    assert foi_holidays(DEFAULT_YEARS) >= bank_holidays("scotland", DEFAULT_YEARS)


def test_foi_20_working_days_skip_st_patricks_day() -> None:
    received = date(2026, 3, 2)
    assert EW.add(received, 20) == date(2026, 3, 30)
    assert FOI.add(received, 20) == date(2026, 3, 31)


def test_closure_days_count_for_the_council_but_not_for_foi() -> None:
    assert not COUNCIL.is_working_day(date(2026, 12, 29))
    assert COUNCIL.add(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert EW.add(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert FOI.add(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert set(SHUTDOWN) <= COUNCIL.closed_days


def test_closure_days_outside_the_range_or_at_weekends_change_nothing() -> None:
    calendar = WorkingDayCalendar.for_nation(
        "england-and-wales", closure_days=(date(1999, 1, 4), date(2026, 3, 7))
    )
    assert calendar.add(date(2026, 3, 6), 5) == EW.add(date(2026, 3, 6), 5)


# Receipt on a non-working day, day 0, counting


@pytest.mark.parametrize("n", range(31))
def test_a_saturday_receipt_behaves_like_monday(n: int) -> None:
    saturday, sunday, monday = date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)
    assert EW.add(saturday, n) == EW.add(sunday, n) == EW.add(monday, n)


def test_receipt_is_day_0() -> None:
    assert EW.add(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert EW.add(date(2026, 3, 7), 0) == date(2026, 3, 9)  # Saturday → Monday
    assert EW.add(date(2026, 12, 24), 0) == date(2026, 12, 24)
    assert EW.add(date(2026, 12, 25), 0) == date(2026, 12, 29)
    assert EW.add(date(2026, 3, 2), 10) == date(2026, 3, 16)


def test_next_and_previous_working_day() -> None:
    assert EW.next_working_day(date(2026, 3, 6)) == date(2026, 3, 6)
    assert EW.next_working_day(date(2026, 3, 7)) == date(2026, 3, 9)
    assert EW.previous_working_day(date(2026, 3, 8)) == date(2026, 3, 6)
    assert EW.previous_working_day(date(2026, 12, 28)) == date(2026, 12, 24)


def test_count_is_working_days_after_start_up_to_and_including_end() -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert EW.count(friday, friday) == 0
    assert EW.count(friday, monday) == 1
    assert EW.count(friday, date(2026, 3, 7)) == 0  # Saturday adds nothing
    assert EW.count(monday, friday) == -1
    assert EW.count(date(2026, 12, 24), date(2027, 1, 4)) == 4
    # A whole ordinary year in England: 261 weekdays less 8 bank holidays on weekdays.
    assert EW.count(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 8


def test_subtract_is_the_nth_working_day_before() -> None:
    assert EW.subtract(date(2026, 3, 9), 1) == date(2026, 3, 6)  # Monday → Friday
    assert EW.subtract(date(2026, 3, 7), 1) == date(2026, 3, 6)  # Saturday → Friday
    assert EW.subtract(date(2026, 3, 7), 2) == date(2026, 3, 5)
    assert EW.subtract(date(2026, 12, 29), 1) == date(2026, 12, 24)
    assert EW.subtract(date(2026, 3, 9), 0) == date(2026, 3, 9)


def test_offset_for_chasers_before_and_after_due() -> None:
    due = date(2026, 4, 7)  # Tuesday after Easter
    assert EW.offset(due, -2) == date(2026, 4, 1)  # reminder: 2 working days before
    assert EW.offset(due, 3) == date(2026, 4, 10)  # escalate: 3 working days after
    assert EW.offset(due, 0) == due
    # Due on a calendar-day deadline that falls on a Saturday: 1 before is Friday, 0 is Monday.
    assert EW.offset(date(2026, 3, 7), -1) == date(2026, 3, 6)
    assert EW.offset(date(2026, 3, 7), 0) == date(2026, 3, 9)


def test_negative_n_is_refused_by_add_and_subtract() -> None:
    with pytest.raises(ValueError, match="n >= 0"):
        EW.add(date(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="n >= 0"):
        EW.subtract(date(2026, 3, 2), -1)


# Range limits and wrong types


@pytest.mark.parametrize("day", [date(2014, 12, 31), date(2041, 1, 1)])
def test_dates_outside_the_range_are_refused(day: date) -> None:
    for call in (EW.is_working_day, EW.next_working_day, lambda d: EW.add(d, 1)):
        with pytest.raises(ValueError, match="outside this working-day calendar"):
            call(day)
    with pytest.raises(ValueError, match="outside"):
        EW.count(date(2026, 1, 1), day)


def test_answers_beyond_the_range_are_refused() -> None:
    with pytest.raises(ValueError, match="falls outside"):
        EW.add(date(2040, 12, 20), 20)
    with pytest.raises(ValueError, match="falls outside"):
        EW.subtract(date(2015, 1, 5), 5)
    with pytest.raises(ValueError, match="falls outside"):
        EW.offset(date(2015, 1, 5), -5)


def test_a_narrow_range_works_and_says_what_it_covers() -> None:
    calendar = WorkingDayCalendar.for_nation("scotland", years=range(2026, 2027))
    assert calendar.add(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert (calendar.first, calendar.last) == (date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValueError, match="covers 2026-01-01 to 2026-12-31"):
        calendar.add(date(2027, 1, 4), 0)
    with pytest.raises(ValueError, match="non-empty range"):
        WorkingDayCalendar(years=range(2026, 2026))


def test_a_datetime_is_refused_rather_than_silently_truncated() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        EW.add(datetime(2026, 3, 2, 23, 30), 1)  # noqa: DTZ001 - the point is it is naive
    with pytest.raises(TypeError, match="not str"):
        EW.is_working_day("2026-03-02")  # type: ignore[arg-type]


# The object itself


def test_the_calendar_is_immutable_and_pickles() -> None:
    with pytest.raises(AttributeError, match="immutable"):
        COUNCIL._dates = ()
    copy = pickle.loads(pickle.dumps(COUNCIL))
    assert copy.closed_days == COUNCIL.closed_days
    assert copy.add(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert "2015–2040" in repr(EW)


def test_the_package_imports_no_django() -> None:
    """Only the standard library, `holidays` and the package itself: the ORM bridge lives in org."""
    package = Path(__file__).resolve().parents[2] / "protocol_portal" / "working_days"
    allowed = {"__future__", "collections", "datetime", "functools", "holidays", "typing"}
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.startswith("protocol_portal.working_days") or (
                    module.split(".")[0] in allowed
                ), f"{source.name} imports {module}"
