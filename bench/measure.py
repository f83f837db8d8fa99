"""Timing helpers shared by the portal's bench and the peer's (bench/peer/peer.py).

Only Django itself and the standard library: the peer imports this from its own virtualenv, so
both sides time a page with the same code (a warm-up request, `count` timed ones, one more under
a wrapper counting the queries and their database time).
"""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import sys
import time


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


def settle() -> None:
    """Before a timed run, on both sides: what the process holds so far moves to the
    collector's permanent generation, as the portal's server processes do once started
    (gunicorn.conf.py, protocol_portal/celery.py), so the run's collections walk only what it
    makes itself, not the seeding's and earlier pages' leftovers."""
    gc.collect()
    gc.freeze()


def capture(fn) -> tuple[object, int, float]:
    """Run fn once counting its queries: (result, queries, database seconds).

    Counts what Django's debug query log would (each statement, and BEGIN, COMMIT and ROLLBACK)
    without turning the log on: the log renders every statement with its parameters filled in
    (psycopg's `mogrify`, on the client), which production never does, and which costs in
    proportion to the parameters: a tenth of a batched chaser rung, whose statements carry
    hundreds of rows each, against a few per cent of the peer's escalation (bench/README.md,
    "Chaser firing, batched"). Statements are counted by `connection.execute_wrapper`; the
    transaction commands by standing in, for the call, for the hook Django's backend times them
    with (`debug_transaction`)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.backends.base import base as backend

    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself (`db.connection` proxies it)

    seen: list[tuple[str, float]] = []

    def counted(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((sql, time.perf_counter() - started))

    @contextlib.contextmanager
    def transaction_counted(wrapper, sql):
        started = time.perf_counter()
        try:
            yield
        finally:
            if wrapper is connection:
                seen.append((sql, time.perf_counter() - started))

    logged = backend.debug_transaction
    backend.debug_transaction = transaction_counted
    try:
        with connection.execute_wrapper(counted):
            result = fn()
    finally:
        backend.debug_transaction = logged
    if os.environ.get("BENCH_SQL"):  # development: see what each measurement asked
        for sql, seconds in seen:
            print(f"    {seconds:.3f} {sql[:300]}", file=sys.stderr)
    return result, len(seen), sum(seconds for _, seconds in seen)


def time_requests(client, url: str, count: int, **extra) -> dict:
    """Median and p95 of `count` GETs, then one more counted; every answer must be 200.

    The durations themselves are kept under "times" so that rounds can be pooled."""
    try:
        response = client.get(url, **extra)  # warm caches (templates, content types, sessions)
    except Exception as exc:  # noqa: BLE001 - another app's panel may be broken: report it
        return {"error": f"{type(exc).__name__}: {exc}"[:80]}
    if response.status_code != 200:
        return {"error": f"answered {response.status_code}"}
    settle()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, **extra)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    _, queries, db = capture(lambda: client.get(url, **extra))
    return {**summarise(times), "queries": queries, "db": db, "times": times}
