"""Helpers for tests that need the real services: PostgreSQL, Redis and a Celery worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def require_services() -> None:
    """Skip (or, under REQUIRE_SERVICES=1, fail) unless PostgreSQL and Redis are in use."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append("the database is not PostgreSQL (set DATABASE_URL)")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        problems.append("the broker is not Redis (set CELERY_BROKER_URL)")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis does not answer: {exc}")
    if problems:
        message = "; ".join(problems)
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"services required but unavailable: {message}")
        pytest.skip(f"needs PostgreSQL and Redis: {message}")


def worker_env() -> dict[str, str]:
    """The environment for a worker that shares the test database and broker."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    env.setdefault("EMAIL_URL", "memorymail://")
    # The fault tests kill, repeat and race sweeps of a few dozen cases: in eight batches of one
    # to five (the production defaults would fire 40 cases in two batches of 25 and 15).
    env["CHASER_BATCH_LEAST"] = "1"
    env["CHASER_SWEEP_SPREAD"] = "8"
    return env


@contextmanager
def celery_worker(*, name: str = "w1", concurrency: int = 2, extra: tuple[str, ...] = ()):
    """Run a real Celery worker process for the duration of the block."""
    log = ROOT / "var" / f"worker-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "protocol_portal",
                "worker",
                "-n",
                f"{name}@%h",
                "-c",
                str(concurrency),
                "-P",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
                *extra,
            ],
            cwd=ROOT,
            env=worker_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(log, proc)
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def _wait_ready(log: Path, proc: subprocess.Popen, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{log.read_text()}")
        if "ready." in log.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"worker not ready in {timeout}s:\n{log.read_text()}")


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    """Poll until predicate() is true (waiting on another process, not on the clock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
