"""The portal and django-helpdesk 2.6.1 side by side: same PostgreSQL, same volume, one run.

    bench/peer/install                                  # once: the peer's own virtualenv
    .venv/bin/python bench/side_by_side.py --n 2000     # a trial; the default is 100,000

Seeds the portal (bench/enquiries.py: migrate, the six councils and demo people, then N member
enquiries) and the peer (bench/peer/peer.py, in its own virtualenv and process: a queue per
council directorate, the same councils' staff and members as users, N tickets) into two fresh
databases on one PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
postgres), both dropped at the end. Then it times them alternately, in --rounds rounds (the side
that goes first swaps each round): the portal's queues and lists against helpdesk's ticket-list
data view, the enquiry page against the ticket page, the home page and SLA dashboards against
helpdesk's dashboard, and the chaser sweep against `escalate_tickets`, K cases due on each side.
A thread samples the machine's load average every 5 s throughout. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import enquiries as ours  # noqa: E402 - after the path is set
from bench.measure import summarise, time_requests  # noqa: E402

PEER_PYTHON = ROOT / "var" / "bench-peer" / "venv" / "bin" / "python"
PEER_SCRIPT = ROOT / "bench" / "peer" / "peer.py"
# Which helpdesk page each of the portal's pages is compared with (enquiries.signed_in's "ref").
PEER_PAGES = {
    "list": "ticket list data (all open)",
    "page": "ticket page",
    "dashboard": "dashboard",
}
PEER_GROUPS = {
    "list": ["ticket list data (all open)", "ticket list data (mine)", "ticket list page"],
    "page": ["ticket page"],
    "dashboard": ["dashboard"],
}
# The officer's own queue is compared with helpdesk's list filtered to the user's tickets.
PEER_FOR = {"queue: my queue (officer)": "ticket list data (mine)"}


class LoadSampler(threading.Thread):
    """The 1-minute load average every `every` seconds until stopped."""

    def __init__(self, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[float] = [os.getloadavg()[0]]
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> str:
        self._done.set()
        self.join(timeout=self.every + 1)
        self.samples.append(os.getloadavg()[0])
        s = self.samples
        return (
            f"load average (1 min) during the run: min {min(s):.1f}, mean {sum(s) / len(s):.1f},"
            f" max {max(s):.1f} ({len(s)} samples); {os.cpu_count()} CPUs"
        )


class Peer:
    """bench/peer/peer.py serve, in the peer's virtualenv: one JSON line each way a command."""

    def __init__(self) -> None:
        if not PEER_PYTHON.exists():
            raise SystemExit("the peer is not installed: run bench/peer/install first")
        self.process = subprocess.Popen(
            [str(PEER_PYTHON), "-W", "ignore::RuntimeWarning", str(PEER_SCRIPT), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def call(self, cmd: str, **kwargs) -> dict:
        self.process.stdin.write(json.dumps({"cmd": cmd, **kwargs}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the peer stopped during {cmd!r}")
        answer = json.loads(line)
        if isinstance(answer, dict) and "error" in answer and cmd != "page":
            raise RuntimeError(f"peer {cmd}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(RuntimeError, BrokenPipeError, ValueError):
                self.call("quit")
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def shape_of(world) -> dict:
    """The portal's councils as the peer seeds them: a queue per directorate, a staff user per
    person holding a post, a submitting user per member; tickets weighted like enquiries."""
    from django.db.models import Count

    from protocol_portal.org.models import Post

    staff = Counter(
        dict(
            Post.objects.filter(holder__isnull=False)
            .values_list("council")
            .annotate(n=Count("holder", distinct=True))
        )
    )
    return {
        "councils": [
            {
                "name": council.name,
                "directorates": len({a.directorate_id for a in world.areas[council.pk]}) or 1,
                "staff": staff.get(council.pk, 1),
                "members": len(world.members[council.pk]),
            }
            for council in world.councils
        ]
    }


def pooled(into: dict, result: dict) -> None:
    """Add one round's timings of a page to what earlier rounds gave."""
    if "error" in result:
        into.setdefault("error", result["error"])
        return
    into.setdefault("times", []).extend(result["times"])
    into["queries"] = max(into.get("queries", 0), result["queries"])
    into.setdefault("db", []).append(result["db"])


def finish(data: dict) -> dict:
    if "error" in data:
        return data
    return {
        **summarise(data["times"]),
        "queries": data["queries"],
        "db": sorted(data["db"])[len(data["db"]) // 2],
        "requests": len(data["times"]),
    }


def report(ours_pages: dict, refs: dict, peer_pages: dict, sweeps: list[dict]) -> list[str]:
    ms = 1000
    lines = [
        f"{'side':<7} {'page':<33} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'db ms':>7}"
        f"  {'peer ÷ ours':>11}  compared with",
    ]
    for name, data in peer_pages.items():
        if "error" in data:
            lines.append(f"{'peer':<7} {name:<33} failed: {data['error']}")
            continue
        lines.append(
            f"{'peer':<7} {name:<33} {data['median'] * ms:9.1f} {data['p95'] * ms:8.1f} "
            f"{data['queries']:7d} {data['db'] * ms:7.1f}"
        )
    for name, data in ours_pages.items():
        if "error" in data:
            lines.append(f"{'portal':<7} {name:<33} failed: {data['error']}")
            continue
        peer_name = PEER_FOR.get(name, PEER_PAGES[refs[name]])
        peer = peer_pages.get(peer_name, {})
        ratio = f"{peer['median'] / data['median']:10.1f}×" if "median" in peer else f"{'':>11}"
        lines.append(
            f"{'portal':<7} {name:<33} {data['median'] * ms:9.1f} {data['p95'] * ms:8.1f} "
            f"{data['queries']:7d} {data['db'] * ms:7.1f}  {ratio}  {peer_name}"
        )
    lines += [
        "",
        f"{'escalation ↔ chasers':<41} {'K due':>6} {'total ms':>9} {'queries':>8} "
        f"{'ms a case':>9} {'q a case':>8}  {'peer ÷ ours':>11}",
    ]
    for sweep in sweeps:
        peer_per = sweep["peer"]["time"] / sweep["peer"]["k"] * ms if sweep["peer"]["k"] else 0
        for label, data in (
            ("peer: escalate_tickets", sweep["peer"]),
            ("portal: " + sweep["ours"].get("how", ""), sweep["ours"]),
            ("portal: " + sweep["direct"].get("how", ""), sweep["direct"]),
        ):
            if not data.get("how") and not label.startswith("peer"):
                continue  # K = 0: nothing was fired one at a time
            k = data["k"]
            per = data["time"] / k * ms if k else 0.0
            ratio = f"{peer_per / per:10.1f}×" if per and not label.startswith("peer") else ""
            lines.append(
                f"{label:<41} {k:6d} {data['time'] * ms:9.0f} {data['queries']:8d} "
                f"{per:9.2f} {data['queries'] / max(1, k):8.1f}  {ratio:>11}"
            )
    return lines


@contextlib.contextmanager
def both_databases(url: str, keep: bool, prefix: str, reuse: str = ""):
    """Two fresh databases on the PostgreSQL server at `url`: the portal's (DATABASE_URL now
    points at it and Django is set up) and the peer's, with the peer's process started; both
    dropped afterwards unless `keep`. With `reuse`, they are `<reuse>_ours` and `<reuse>_peer`,
    made only if missing and always kept. Yields (peer, the peer database's address)."""
    import psycopg

    os.environ["DATABASE_URL"] = url
    peer_name = f"{reuse}_peer" if reuse else f"{prefix}_peer_{os.getpid()}"
    keep = keep or bool(reuse)
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    peer_url = urlunsplit(parts._replace(scheme="postgresql", path=f"/{peer_name}"))
    _, cleanup = ours.prepare_database(
        keep, prefix=f"{prefix}_ours", reuse=f"{reuse}_ours" if reuse else ""
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        found = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = conn.execute(found, [peer_name]).fetchone()
        if not (reuse and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{peer_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{peer_name}"')
    peer = Peer()
    try:
        ours.configure()
        yield peer, peer_url
    finally:
        peer.close()
        cleanup()
        if keep:
            print(f"kept database {peer_name}", file=sys.stderr)
        else:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{peer_name}" WITH (FORCE)')


def seed_both(n: int, peer: Peer, peer_url: str, say) -> tuple:
    """Migrate both, then N enquiries (counting seed_demo's) and N tickets in the same councils'
    shape. Returns (world, seconds the portal's seeding took, the peer's seeding report)."""
    from enquiries.models import Enquiry

    peer_setup = peer.call("setup", url=peer_url)
    if ours.seeded():
        # Kept by an earlier --reuse run: migrate brings it up to date, nothing is seeded.
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        world, seconds = ours.World(timezone.now()), None
        say(f"portal: reused {Enquiry.objects.count()} enquiries seeded by an earlier run")
    else:
        world, setup = ours.setup_world("PostgreSQL")
        say(
            f"migrated: portal {setup:.0f} s (with councils and demo people), "
            f"peer {peer_setup['migrate_seconds']:.0f} s"
        )
        # seed_demo's own enquiries count towards N, so both sides hold N cases.
        seconds = ours.seed(world, max(0, n - Enquiry.objects.count()), random.Random(2026))
        ours.seeded(mark=True)
        say(f"portal: seeded {n} enquiries in {seconds:.0f} s")
    peer_seed = peer.call("census")
    peer_reused = bool(peer_seed["tickets"])
    if peer_reused:
        say(f"peer: reused {peer_seed['tickets']} tickets seeded by an earlier run")
    else:
        peer_seed = peer.call("seed", n=n, shape=shape_of(world))
        say(f"peer: seeded {peer_seed['tickets']} tickets in {peer_seed['seconds']:.0f} s")
    if seconds is None or peer_reused:
        # A kept database that earlier runs' sweeps and load changed, on a server with
        # autovacuum off (this machine's): vacuumed as autovacuum would have, both sides alike.
        import psycopg

        ours.analyse()
        with psycopg.connect(peer_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        say("reused databases vacuumed and analysed, both sides")
    return world, seconds, peer_seed


def reporter(started: float):
    def say(text: str) -> None:
        print(
            f"[{time.perf_counter() - started:6.0f} s, load {os.getloadavg()[0]:.1f}] {text}",
            file=sys.stderr,
        )

    return say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="enquiries, and tickets")
    parser.add_argument("--requests", type=int, default=15, help="timed requests a page a round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; who goes first swaps")
    parser.add_argument(
        "--ks", default="1000", help="cases due in each escalation/chaser measurement"
    )
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    parser.add_argument(
        "--reuse",
        metavar="NAME",
        default="",
        help="time NAME_ours and NAME_peer, seeding them first only if they are missing; kept",
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("side by side runs on PostgreSQL: DATABASE_URL must be postgres://")
    os.environ["DATABASE_URL"] = url
    # K no more than a twentieth of N: both sides must have that many cases open and not due.
    ks = [min(int(k), args.n // 20) for k in args.ks.split(",")]

    load = LoadSampler()
    load.start()
    started = time.perf_counter()
    with both_databases(url, args.keep, "bench_side", args.reuse) as (peer, peer_url):
        lines = run(args, ks, peer, peer_url, load, started)
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


def time_pages(args, peer: Peer, peer_info: dict, clients: dict, pages: list, say):
    """Each group of pages (lists, case pages, dashboards) on one side then the other, for
    --rounds rounds; the peer goes first in every other round. Timings pooled by page."""
    ours_pooled: dict = defaultdict(dict)
    peer_pooled: dict = defaultdict(dict)
    groups = [
        (
            ref,
            [p for p in pages if p[3] == ref],
            [n for n in PEER_GROUPS[ref] if n in peer_info["names"]],
        )
        for ref in ("list", "page", "dashboard")
    ]
    for round_ in range(args.rounds):
        peer_first = round_ % 2 == 1
        for ref, ours_group, peer_group in groups:

            def time_ours(group=ours_group) -> None:
                for name, role, page_url, _ in group:
                    pooled(ours_pooled[name], time_requests(clients[role], page_url, args.requests))

            def time_peer(group=peer_group) -> None:
                for name in group:
                    pooled(peer_pooled[name], peer.call("page", name=name, requests=args.requests))

            for side in (time_peer, time_ours) if peer_first else (time_ours, time_peer):
                side()
            say(f"round {round_ + 1}: {ref} pages timed")
    return ours_pooled, peer_pooled


WARM_UP = 10  # cases escalated or chased, untimed, on each side before the timed ones


def run(args, ks, peer: Peer, peer_url: str, load: LoadSampler, started: float) -> list[str]:
    import logging

    import django
    from django.db import connection

    logging.getLogger("celery").setLevel(logging.WARNING)
    rng = random.Random(2027)
    say = reporter(started)
    world, ours_seconds, peer_seed = seed_both(args.n, peer, peer_url, say)

    users, clients, pages = ours.signed_in(world)
    peer_info = peer.call("pages")
    ours_pooled, peer_pooled = time_pages(args, peer, peer_info, clients, pages, say)
    refs = {name: ref for name, _, _, ref in pages}
    sweeps = []
    if any(ks):
        # As every page gets an untimed request first, each side first escalates or chases
        # WARM_UP cases untimed: a worker that has run before has read its calendars (the
        # portal's bank holidays, 2015–2040) and the peer its queues and templates.
        peer.call("escalate", k=WARM_UP)
        ours.measure_sweep(world, [WARM_UP], rng)
    for index, k in enumerate(ks):
        if index % 2:
            escalated = peer.call("escalate", k=k)
            swept = ours.measure_sweep(world, [k], rng)[k]
        else:
            swept = ours.measure_sweep(world, [k], rng)[k]
            escalated = peer.call("escalate", k=k)
        direct = ours.measure_sweep(world, [k], rng, direct=True)[k] if k else {}
        sweeps.append(
            {
                "peer": escalated,
                "ours": {**swept, "k": k},
                "direct": {**direct, "k": k} if direct else {},
            }
        )
        say(f"escalation and chasers, K = {k}: timed")

    from enquiries.models import Enquiry
    from enquiries.states import OPEN

    peer_versions = peer.call("versions")
    total = Enquiry.objects.count()
    opened = Enquiry.objects.filter(status__in=OPEN).count()
    server = connection.cursor().connection.info.server_version
    header = [
        f"Side by side on PostgreSQL {server // 10000}.{server % 10000}, {platform.machine()}, "
        f"Python {platform.python_version()}: the portal on Django {django.get_version()}, "
        f"django-helpdesk {peer_versions['helpdesk']} on Django {peer_versions['django']}; "
        f"{args.rounds} rounds of {args.requests} requests a page, alternating",
        f"portal: {total} enquiries ({opened} open), "
        + (f"seeded in {ours_seconds:.0f} s" if ours_seconds else "seeded by an earlier run")
        + "; as "
        f"{users['officer'].username} ({users['officer_open']} open in their queue), triage "
        f"{users['triage'].username}, member {users['member'].username}",
        f"peer: {peer_seed['tickets']} tickets ({peer_seed['open']} open) in "
        f"{peer_seed['queues']} queues, {peer_seed['followups']} follow-ups, "
        f"{peer_seed['staff']} staff and {peer_seed['submitters']} submitters, "
        + (
            f"seeded in {peer_seed['seconds']:.0f} s"
            if peer_seed["seconds"]
            else "seeded by an earlier run"
        )
        + f"; as {peer_info['user']} ({peer_info['user_open']} open assigned)",
        f"{load.stop()}; whole run {time.perf_counter() - started:.0f} s",
        "",
    ]
    return header + report(
        {name: finish(d) for name, d in ours_pooled.items()},
        refs,
        {name: finish(d) for name, d in peer_pooled.items()},
        sweeps,
    )


if __name__ == "__main__":
    main()
