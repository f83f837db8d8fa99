"""Chasers are exactly-once under Celery faults, against real workers, beat and Redis.

Each test logs a batch of enquiries, makes their first rung due, then runs the sweep through a
fault: the sweep delivered three times, two workers sweeping at once, two beats firing, a worker
killed with SIGKILL mid-sweep and restarted, Redis restarted mid-run. Afterwards every due chaser
was written to the outbox exactly once (counted by business key: case, clock cycle, rung), none
was lost, its timeline line and notices exist once, and every message was delivered once.

What makes this hold (checked by `test_delivery_settings_make_chasers_exactly_once`):
late acks and reject-on-worker-lost (a task dies → it runs again, never vanishes); prefetch 1;
tasks published only after their transaction commits (`transaction.on_commit`); no countdowns or
ETAs (Redis redelivers anything unacknowledged after `visibility_timeout`); and, because all of
that means "at least once", the row lock (`select_for_update(skip_locked)`) and the outbox's
unique business key turn a repeat into a no-op.
"""

from __future__ import annotations

import ast
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone

from enquiries.models import Enquiry
from protocol_portal.casework.models import CaseEvent, Notice, OutboxMessage
from protocol_portal.celery import app
from tests.conftest import build_org
from tests.enquiries.helpers import log
from tests.services import ROOT, celery_worker, require_services, wait_until, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CASES = 24
SWEEP = "protocol_portal.casework.tasks.sweep_due_chasers"
PENDING = "protocol_portal.casework.tasks.deliver_pending_outbox"
# Short, so a message held by a killed worker comes back within the test (production: 600 s).
VISIBILITY = "5"


# -- helpers -----------------------------------------------------------------------------------


def _clear_broker(url: str) -> None:
    """Drop what earlier runs left in this broker database (queues and unacknowledged)."""
    redis.Redis.from_url(url).flushdb()


def _cases_due(n: int = CASES) -> list[int]:
    """Log n enquiries now and make their first rung ("reminder") due an hour ago."""
    org = build_org()
    now = timezone.now()
    members = [org.raiser, org.colleague, org.opponent, org.south_member]
    ids = [log(org, now, member=members[i % len(members)]).pk for i in range(n)]
    Enquiry.objects.filter(pk__in=ids).update(next_action_at=now - timedelta(hours=1))
    return ids


def _send(name: str, *, times: int, url: str | None = None) -> None:
    """Publish a task to the broker (optionally a specific broker), as beat would."""
    with app.connection_for_write(url) as conn:
        for _ in range(times):
            app.send_task(name, connection=conn)


def _settled(ids: list[int], url: str) -> bool:
    """Nothing due, nothing queued or held unacknowledged, every outbox message sent."""
    if Enquiry.objects.filter(pk__in=ids, next_action_at__lte=timezone.now()).exists():
        return False
    if OutboxMessage.objects.filter(sent_at__isnull=True).exists():
        return False
    broker = redis.Redis.from_url(url)
    return broker.llen("celery") == 0 and broker.zcard("unacked_index") == 0


def _sent(ids: list[int]) -> int:
    return OutboxMessage.objects.filter(case_id__in=ids, rung="reminder").count()


def _say(capsys, text: str) -> None:
    """Print a figure into .ci/run's output (past pytest's capture)."""
    with capsys.disabled():
        print(text)


def _figures(label: str, ids: list[int], capsys) -> dict[str, int]:
    """Count by business key and print the figures the issue asks for."""
    by_key = Counter(
        (row["case_id"], row["rung"])
        for row in OutboxMessage.objects.filter(case_id__in=ids)
        .exclude(rung="")
        .values("case_id", "rung")
    )
    events = Counter(
        CaseEvent.objects.filter(case_id__in=ids, kind__startswith="chaser:").values_list(
            "case_id", "kind"
        )
    )
    notices = (
        Notice.objects.filter(message__case_id__in=ids, message__rung="reminder")
        .values("message__case_id", "person")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    reminded = {case_id for case_id, rung in by_key if rung == "reminder"}
    figures = {
        "cases due": len(ids),
        "messages": sum(1 for _, rung in by_key if rung == "reminder"),
        "duplicates": sum(n - 1 for n in by_key.values())
        + sum(n - 1 for n in events.values())
        + notices,
        "lost": len(set(ids) - reminded) + len(set(ids) - {case_id for case_id, _ in events}),
        "later rungs fired early": sum(1 for _, rung in by_key if rung != "reminder"),
        "deliveries not exactly once": OutboxMessage.objects.exclude(attempts=1).count(),
    }
    _say(capsys, f"\ncelery faults [{label}]: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    return figures


def _assert_exactly_once(label: str, ids: list[int], capsys) -> None:
    figures = _figures(label, ids, capsys)
    assert figures == {
        "cases due": len(ids),
        "messages": len(ids),
        "duplicates": 0,
        "lost": 0,
        "later rungs fired early": 0,
        "deliveries not exactly once": 0,
    }
    # Each case moved on to its second rung, scheduled in the future, exactly once.
    assert set(Enquiry.objects.filter(pk__in=ids).values_list("next_rung", flat=True)) == {1}


@contextmanager
def _process(args: list[str], *, name: str, env: dict[str, str]):
    """A Celery side process (beat) in its own session, stopped however the block ends."""
    log_path = ROOT / "var" / f"{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "protocol_portal", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a spare loopback port, so restarting it mid-run
    cannot disturb anyone else's broker; stopped however the test ends."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="pp-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", self.dir),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wait_until(self._answers, timeout=10), "private redis-server did not start"

    def stop(self) -> None:
        """An abrupt restart's first half: no save, queued messages are gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# -- the settings ------------------------------------------------------------------------------

PACKAGES = ("protocol_portal", "enquiries", "complaints", "interests", "access_requests")


def _publishing_calls() -> list[tuple[str, ast.Call, list[ast.AST]]]:
    """Every `.delay(...)`/`.apply_async(...)` in the portal's code, with its ancestors."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            stack: list[tuple[ast.AST, list[ast.AST]]] = [(tree, [])]
            while stack:
                node, parents = stack.pop()
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("delay", "apply_async", "send_task")
                ):
                    found.append((str(path.relative_to(ROOT)), node, parents))
                stack.extend((child, [*parents, node]) for child in ast.iter_child_nodes(node))
    return found


def _inside_on_commit(parents: list[ast.AST]) -> bool:
    return any(
        isinstance(p, ast.Call) and isinstance(p.func, ast.Attribute) and p.func.attr == "on_commit"
        for p in parents
    )


def test_delivery_settings_make_chasers_exactly_once(capsys):
    """Late acks, reject on worker lost, prefetch 1, publish after commit, no long ETAs."""
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        # Longer than any task runs (a sweep of 10,000 cases takes seconds), so a healthy task
        # is never handed to a second worker; short enough that a lost one comes back soon.
        assert 60 <= visibility <= 3600

    calls = _publishing_calls()
    assert calls, "expected to find the outbox and sweep fan-out"
    timed = [
        f"{path}:{call.lineno}"
        for path, call, _ in calls
        if any(k.arg in ("countdown", "eta") for k in call.keywords)
    ]
    # A countdown/ETA longer than visibility_timeout is redelivered by Redis while it waits.
    assert timed == [], f"countdown/eta in {timed}: keep it below visibility_timeout"
    # Outside tasks.py (where a task fans out after reading committed rows), publishing happens
    # only once the transaction that asked for it has committed.
    early = [
        f"{path}:{call.lineno}"
        for path, call, parents in calls
        if not path.endswith("tasks.py") and not _inside_on_commit(parents)
    ]
    assert early == [], f"published before commit: {early}"
    _say(
        capsys,
        f"\ncelery settings: acks_late {conf.task_acks_late}, reject_on_worker_lost "
        f"{conf.task_reject_on_worker_lost}, prefetch {conf.worker_prefetch_multiplier}, "
        f"visibility_timeout {settings.CELERY_BROKER_TRANSPORT_OPTIONS.get('visibility_timeout')}"
        f", publishing calls checked {len(calls)}, countdowns 0",
    )


# -- the faults --------------------------------------------------------------------------------


@pytest.fixture
def broker(monkeypatch) -> str:
    require_services()
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", VISIBILITY)
    _clear_broker(settings.CELERY_BROKER_URL)
    return settings.CELERY_BROKER_URL


def test_sweep_delivered_three_times(broker, capsys):
    ids = _cases_due()
    with celery_worker(name="faults-3x", concurrency=2):
        _send(SWEEP, times=3)
        assert wait_until(lambda: _settled(ids, broker), timeout=90)
    _assert_exactly_once("sweep delivered 3 times", ids, capsys)


def test_two_workers_sweeping_at_once(broker, capsys):
    ids = _cases_due()
    with (
        celery_worker(name="faults-a", concurrency=2),
        celery_worker(name="faults-b", concurrency=2),
    ):
        _send(SWEEP, times=4)
        assert wait_until(lambda: _settled(ids, broker), timeout=90)
    _assert_exactly_once("two workers sweeping at once", ids, capsys)


def test_beat_firing_twice(broker, tmp_path, capsys):
    ids = _cases_due()
    env = worker_env() | {"PORTAL_SWEEP_SECONDS": "1", "CELERY_VISIBILITY_TIMEOUT": VISIBILITY}
    with (
        celery_worker(name="faults-beat", concurrency=2),
        _process(["beat", "-s", str(tmp_path / "beat-1"), "-l", "info"], name="beat-1", env=env),
        _process(["beat", "-s", str(tmp_path / "beat-2"), "-l", "info"], name="beat-2", env=env),
    ):
        assert wait_until(lambda: _sent(ids) == len(ids), timeout=90)
        time.sleep(4)  # both beats keep firing: several more sweeps over the finished work
        assert wait_until(lambda: _settled(ids, broker), timeout=60)
    beats = sum(
        (ROOT / "var" / f"beat-{n}.log").read_text().count("sweep_due_chasers") for n in (1, 2)
    )
    _say(capsys, f"\ncelery faults [beat firing twice]: sweeps sent by the two beats {beats}")
    assert beats >= 4
    _assert_exactly_once("beat firing twice", ids, capsys)


def test_worker_killed_mid_sweep_and_restarted(broker, capsys):
    ids = _cases_due(40)
    with celery_worker(name="faults-kill", concurrency=1) as worker:
        _send(SWEEP, times=1)
        assert wait_until(lambda: _sent(ids) >= 3, timeout=60, interval=0.02)
        os.killpg(worker.pid, signal.SIGKILL)  # main process and pool children, no goodbye
        worker.wait()
    killed_at = _sent(ids)
    assert 0 < killed_at < len(ids), "the kill should land mid-sweep"
    # What the dead worker held comes back from Redis by itself once its visibility timeout has
    # passed: the restarted worker scans for it within its first 10 seconds. But a task popped
    # from the queue and not yet recorded as unacknowledged when the kill landed is gone (kombu's
    # Redis transport moves it in two steps), so, as in production, beat's next sweep finds
    # those cases still due and fires them; the row lock and outbox key make it no repeat.
    time.sleep(int(VISIBILITY) + 1)
    with celery_worker(name="faults-restart", concurrency=2):
        by_redis = wait_until(lambda: _settled(ids, broker), timeout=30)
        if not by_redis:
            _send(SWEEP, times=1)
            assert wait_until(lambda: _settled(ids, broker), timeout=60)
    recovered = "by Redis" if by_redis else "by beat's next sweep (the broker lost the task)"
    _say(
        capsys,
        f"\ncelery faults [SIGKILL]: messages written before the kill {killed_at}, "
        f"the rest recovered {recovered}",
    )
    _assert_exactly_once("worker killed with SIGKILL and restarted", ids, capsys)


def test_redis_restarted_mid_run(monkeypatch, capsys):
    """Redis goes away without saving (queued tasks lost); beat's next sweep finds what is still
    due and the outbox redelivery finds what was written but not sent."""
    require_services()
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed to restart a broker mid-run")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", VISIBILITY)
    private = PrivateRedis()
    try:
        private.start()
        monkeypatch.setattr(settings, "CELERY_BROKER_URL", private.url)  # see worker_env
        ids = _cases_due(40)
        with celery_worker(name="faults-redis", concurrency=1):
            _send(SWEEP, times=1, url=private.url)
            assert wait_until(lambda: _sent(ids) >= 3, timeout=60, interval=0.02)
            private.stop()
            before = _sent(ids)
            time.sleep(2)
            private.start()
            # Beat's next tick finds what is still due ...
            _send(SWEEP, times=1, url=private.url)
            assert wait_until(lambda: _sent(ids) == len(ids), timeout=120)
            # ... and the outbox job's, once its 2-minute grace has passed, what was written
            # but never sent (its delivery task was in the Redis that went away).
            OutboxMessage.objects.filter(sent_at__isnull=True).update(
                created_at=F("created_at") - timedelta(minutes=3)
            )
            _send(PENDING, times=1, url=private.url)
            assert wait_until(lambda: _settled(ids, private.url), timeout=120)
        _say(capsys, f"\ncelery faults [Redis restarted]: messages written before it {before}")
        assert before < len(ids)
        _assert_exactly_once("Redis restarted mid-run", ids, capsys)
    finally:
        private.close()
