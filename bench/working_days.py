"""Benchmark the working-day calendar against a naive loop and numpy, in one run.

    .venv/bin/python bench/working_days.py [--repeat 7] [--sample 2000]

First checks that the calendar, a naive day-by-day loop and numpy.busday_offset agree on every
sampled date, then times each one scalar call at a time (a case is one date, so that is how the
portal calls it) and prints microseconds per call, the median of several repeats, with ratios to
numpy measured in the same run. See bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import timeit
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from protocol_portal.working_days import WorkingDayCalendar  # noqa: E402

ONE_DAY = timedelta(days=1)
# A council in England that shuts between Christmas and New Year every year.
CLOSURES = tuple(date(y, 12, d) for y in range(2015, 2041) for d in (29, 30, 31))


def naive_add(closed: frozenset[date], start: date, n: int) -> date:
    """The obvious loop: roll to a working day, then step one calendar day at a time."""
    day = start
    while day.weekday() >= 5 or day in closed:
        day += ONE_DAY
    while n:
        day += ONE_DAY
        if day.weekday() < 5 and day not in closed:
            n -= 1
    return day


def naive_count(closed: frozenset[date], start: date, end: date) -> int:
    """Working days after start up to and including end, one calendar day at a time."""
    step, sign = (ONE_DAY, 1) if end >= start else (-ONE_DAY, -1)
    low, high = (start, end) if sign == 1 else (end, start)
    day, total = low, 0
    while day < high:
        day += ONE_DAY
        if day.weekday() < 5 and day not in closed:
            total += 1
    return sign * total


def sample(size: int) -> list[tuple[date, int, date]]:
    """(received, n, end) triples: received 2016–2039, n ≤ 40, end within 120 days either side."""
    rng = random.Random(2026)
    base, span = date(2016, 1, 1), (date(2039, 12, 31) - date(2016, 1, 1)).days
    cases = []
    for _ in range(size):
        day = base + timedelta(rng.randrange(span))
        cases.append((day, rng.randrange(41), day + timedelta(rng.randint(-120, 120))))
    return cases


def verify(calendar: WorkingDayCalendar, cases: list[tuple[date, int, date]]) -> None:
    closed = calendar.closed_days
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=sorted(closed))
    for day, n, end in cases:
        ours = calendar.add(day, n)
        naive = naive_add(closed, day, n)
        numpy = np.busday_offset(day, n, roll="forward", busdaycal=busdaycal).item()
        if not ours == naive == numpy:
            raise SystemExit(f"disagree on add({day}, {n}): {ours} {naive} {numpy}")
        np_count = int(
            np.busday_count(min(day, end) + ONE_DAY, max(day, end) + ONE_DAY, busdaycal=busdaycal)
        )
        np_count = np_count if end >= day else -np_count
        if not calendar.count(day, end) == naive_count(closed, day, end) == np_count:
            raise SystemExit(f"disagree on count({day}, {end})")


def per_call_us(fn: Callable[[], object], calls: int, repeat: int) -> tuple[float, float]:
    """Median and best of `repeat` runs (each about 0.2 s of passes), in µs per call."""
    one_pass = timeit.timeit(fn, number=1)
    number = max(1, round(0.2 / max(one_pass, 1e-9)))
    runs = [t / (number * calls) * 1e6 for t in timeit.repeat(fn, number=number, repeat=repeat)]
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timing repeats (median reported)")
    parser.add_argument("--sample", type=int, default=2000, help="dates per pass")
    args = parser.parse_args()

    calendar = WorkingDayCalendar.for_nation("england-and-wales", closure_days=CLOSURES)
    cases = sample(args.sample)
    verify(calendar, cases)

    closed = calendar.closed_days
    holidays = np.array(sorted(closed), dtype="datetime64[D]")
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    pairs = [(day, n) for day, n, _ in cases]
    spans = [(day, end) for day, _, end in cases]
    add, count, offset = calendar.add, calendar.count, np.busday_offset
    busday_count = np.busday_count

    rows: list[tuple[str, Callable[[], object]]] = [
        ("empty loop (overhead in every row)", lambda: [None for _d, _n in pairs]),
        ("WorkingDayCalendar.add", lambda: [add(d, n) for d, n in pairs]),
        ("WorkingDayCalendar.count", lambda: [count(a, b) for a, b in spans]),
        ("naive loop add (reference)", lambda: [naive_add(closed, d, n) for d, n in pairs]),
        ("naive loop count (reference)", lambda: [naive_count(closed, a, b) for a, b in spans]),
        (
            "numpy.busday_offset, busdaycal=",
            lambda: [offset(d, n, roll="forward", busdaycal=busdaycal) for d, n in pairs],
        ),
        (
            "numpy.busday_offset, holidays=",
            lambda: [offset(d, n, roll="forward", holidays=holidays) for d, n in pairs],
        ),
        (
            "numpy.busday_count, busdaycal=",
            lambda: [busday_count(a, b, busdaycal=busdaycal) for a, b in spans],
        ),
    ]
    results = {name: per_call_us(fn, len(cases), args.repeat) for name, fn in rows}
    numpy_us = results["numpy.busday_offset, busdaycal="][0]

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
        f"{len(cases)} sampled dates (2016–2039, n ≤ 40, count spans ≤ 120 days); "
        f"median of {args.repeat} repeats; all agree on every sampled date"
    )
    print(f"{'call':<36} {'µs/call':>8} {'best':>8} {'× numpy offset':>15}")
    for name, (median, best) in results.items():
        print(f"{name:<36} {median:>8.3f} {best:>8.3f} {median / numpy_us:>15.3f}")


if __name__ == "__main__":
    main()
