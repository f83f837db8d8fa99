"""Timing helpers shared by the portal's bench and the peer's (bench/peer/peer.py).

Only Django itself and the standard library: the peer imports this from its own virtualenv, so
both sides time a page with the same code (a warm-up request, `count` timed ones, one more under
CaptureQueriesContext for the query count and database time).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import deque


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank value at `fraction` of a sorted list (p95: fraction 0.95)."""
    if not sorted_values:
        raise ValueError("no values")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def summarise(times: list[float]) -> dict:
    """Median and p95 of a list of durations in seconds."""
    ordered = sorted(times)
    return {"median": statistics.median(ordered), "p95": percentile(ordered, 0.95)}


def capture(fn) -> tuple[object, int, float]:
    """Run fn once with the query log on: (result, queries, database seconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Django keeps the last 9,000 queries; a sweep firing 1,000 rungs runs more.
    connection.queries_log = deque(maxlen=10_000_000)
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    if os.environ.get("BENCH_SQL"):  # development: see what each measurement asked
        for q in ctx.captured_queries:
            print(f"    {q['time']} {q['sql'][:300]}", file=sys.stderr)
    return result, len(ctx.captured_queries), sum(float(q["time"]) for q in ctx.captured_queries)


def time_requests(client, url: str, count: int, **extra) -> dict:
    """Median and p95 of `count` GETs, then one more counted; every answer must be 200.

    The durations themselves are kept under "times" so that rounds can be pooled."""
    try:
        response = client.get(url, **extra)  # warm caches (templates, content types, sessions)
    except Exception as exc:  # noqa: BLE001 - another app's panel may be broken: report it
        return {"error": f"{type(exc).__name__}: {exc}"[:80]}
    if response.status_code != 200:
        return {"error": f"answered {response.status_code}"}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, **extra)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    _, queries, db = capture(lambda: client.get(url, **extra))
    return {**summarise(times), "queries": queries, "db": db, "times": times}
