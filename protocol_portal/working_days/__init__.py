"""The one working-day calendar: pure Python, closed days passed in, no Django.

`WorkingDayCalendar.for_nation(nation, closure_days)` is a council's calendar;
`WorkingDayCalendar.foi()` is the FOI clock's (any UK bank holiday off). See README.md.
"""

from protocol_portal.working_days.calendar import DEFAULT_YEARS, WorkingDayCalendar
from protocol_portal.working_days.holidays import NATIONS, bank_holidays, foi_holidays

__all__ = ["DEFAULT_YEARS", "NATIONS", "WorkingDayCalendar", "bank_holidays", "foi_holidays"]
