"""UK bank holidays per nation, and the FOI union of all of them, from the `holidays` library.

The `holidays` package (vacanza/holidays) is maintained and computes future years by rule,
including substitute ("observed") days and one-off proclaimed days such as the 2022 state
funeral. Its GB subdivisions are ENG, WLS, SCT and NIR; England and Wales share one list.
Dates the library names on a weekend (e.g. Boxing Day on a Saturday) are kept: they change
nothing, because weekends are never working days, and the substitute weekday is listed too.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Final

import holidays as holidays_lib

ENGLAND_AND_WALES: Final = "england-and-wales"
SCOTLAND: Final = "scotland"
NORTHERN_IRELAND: Final = "northern-ireland"

# Nation slug (as stored on the council) → the `holidays` library's GB subdivision codes.
_SUBDIVISIONS: Final[dict[str, tuple[str, ...]]] = {
    ENGLAND_AND_WALES: ("ENG", "WLS"),
    SCOTLAND: ("SCT",),
    NORTHERN_IRELAND: ("NIR",),
}

NATIONS: Final[tuple[str, ...]] = tuple(_SUBDIVISIONS)


@lru_cache(maxsize=64)
def bank_holidays(nation: str, years: range) -> frozenset[date]:
    """The bank holidays of one nation in the given years, substitute days included."""
    try:
        subdivisions = _SUBDIVISIONS[nation]
    except KeyError:
        raise ValueError(
            f"unknown nation {nation!r}: expected one of {', '.join(NATIONS)}"
        ) from None
    days: set[date] = set()
    for subdivision in subdivisions:
        days.update(holidays_lib.country_holidays("GB", subdiv=subdivision, years=years))
    return frozenset(days)


@lru_cache(maxsize=16)
def foi_holidays(years: range) -> frozenset[date]:
    """Days off the FOI clock: a bank holiday in any part of the UK — FOIA 2000 s.10(6)."""
    # s.10(6) also names Christmas Day and Good Friday (common-law holidays in England and
    # Wales rather than 1971 Act bank holidays); the library lists both for every nation.
    return frozenset().union(*(bank_holidays(nation, years) for nation in NATIONS))
