"""GOV.UK dates and times everywhere, and how long a case has left in working days."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from protocol_portal.org.models import CalendarKind, Council
from protocol_portal.web.dates import due_for, gov_date, gov_datetime, gov_time

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 1, 14), "14 January 2027"),
        (date(2026, 12, 2), "2 December 2026"),
        # 23:30 UTC on 31 May is already 1 June in London (summer time).
        (datetime(2026, 5, 31, 23, 30, tzinfo=UTC), "1 June 2026"),
        (None, ""),
    ],
)
def test_gov_date(value, expected):
    assert gov_date(value) == expected


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(14, 30, "2:30pm"), (9, 0, "9am"), (12, 0, "midday"), (0, 0, "midnight"), (0, 5, "12:05am")],
)
def test_gov_time(hour, minute, expected):
    assert gov_time(datetime(2027, 1, 14, hour, minute, tzinfo=LONDON)) == expected


def test_gov_datetime_and_the_template_filter():
    moment = datetime(2027, 1, 14, 14, 30, tzinfo=LONDON)
    assert gov_datetime(moment) == "14 January 2027 at 2:30pm"
    rendered = Template(
        '{% load portal %}{{ d|gov_date }}|{{ t|gov_date:"time" }}|{{ t|gov_date:"datetime" }}'
    ).render(Context({"d": date(2027, 1, 14), "t": moment}))
    assert rendered == "14 January 2027|2:30pm|14 January 2027 at 2:30pm"


def _case(council, due_on, **extra):
    return SimpleNamespace(
        council=council, due_on=due_on, clock_paused_on=None, breached_on=None, **extra
    )


@pytest.mark.django_db
def test_due_for_counts_the_councils_working_days():
    council = Council.objects.create(slug="testshire", name="Testshire")
    wednesday = date(2026, 12, 23)
    # Christmas Day and Boxing Day (a Saturday, so Monday 28th) are bank holidays in England.
    due = due_for(_case(council, date(2026, 12, 29)), today=wednesday)
    assert (due.text, due.overdue) == ("due in 2 working days", False)  # 24th, 29th
    assert due_for(_case(council, wednesday), today=wednesday).text == "due today"
    late = due_for(_case(council, date(2026, 12, 21)), today=wednesday)
    assert (late.text, late.overdue, late.days) == ("2 working days overdue", True, -2)
    one = due_for(_case(council, date(2026, 12, 22)), today=wednesday)
    assert one.text == "1 working day overdue"
    # Due on Friday, read on Saturday: overdue, though no working day has passed since.
    weekend = due_for(_case(council, date(2026, 12, 4)), today=date(2026, 12, 5))
    assert (weekend.text, weekend.overdue) == ("overdue since 4 December 2026", True)


@pytest.mark.django_db
def test_due_for_a_calendar_day_clock_a_paused_clock_and_no_deadline():
    council = Council.objects.create(slug="testshire", name="Testshire")
    today = date(2026, 12, 23)
    days = _case(council, date(2026, 12, 28), CLOCK_CALENDAR=CalendarKind.CALENDAR)
    assert due_for(days, today=today).text == "due in 5 days"
    paused = _case(council, date(2026, 12, 1))
    paused.clock_paused_on = date(2026, 11, 20)
    assert (due_for(paused, today=today).text, due_for(paused, today=today).overdue) == (
        "clock paused",
        False,
    )
    assert due_for(_case(council, None), today=today) is None
