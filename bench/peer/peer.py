"""The peer in the bench: django-helpdesk 2.6.1 seeded and timed at the portal's volume.

    bench/peer/install                       # once: var/bench-peer/venv, from requirements.lock
    var/bench-peer/venv/bin/python bench/peer/peer.py run --n 2000
    var/bench-peer/venv/bin/python bench/peer/peer.py serve   # for bench/side_by_side.py

Runs in the peer's own virtualenv (never the portal's), with the Django project in
bench/peer/peerdesk. `run` creates a fresh PostgreSQL database `bench_peer_<pid>` on the server
in DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), migrates, seeds N tickets,
times helpdesk's ticket-list data view, its ticket list page, a ticket page and its dashboard as
the busiest staff user, and its `escalate_tickets` command with K tickets due, then drops the
database. `serve` takes one JSON command a line on standard input and answers one JSON line on
standard output, so that bench/side_by_side.py can time it alternately with the portal.

The seed follows the portal's (bench/enquiries.py): a queue for each council's directorate,
weighted like the councils' members; 30% of tickets open (12% of those on hold, as the portal's
paused clocks), received in the last five weeks and assigned to a staff user of that council; 70%
resolved or closed over two years; 2–6 follow-ups a ticket like the portal's 2–6 timeline events;
priorities as the portal's urgencies (5% critical, 10% high, 85% normal).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # peerdesk
sys.path.insert(0, str(HERE.parent))  # bench/measure.py, shared with the portal's bench

# When bench/side_by_side.py does not pass the portal's own shape: about what the demo councils
# give (six councils; directorates, staff and members a council).
DEFAULT_SHAPE = {
    "councils": [
        {"name": f"Council {c}", "directorates": 6, "staff": 30, "members": 50 - 4 * c}
        for c in range(6)
    ]
}
SUBJECTS = [
    "Broken boiler at {n} Elm Street",
    "Missed bin collection on {n} Oak Road",
    "Fly-tipping behind {n} Station Parade",
    "Damp and mould in flat {n}",
    "Streetlight out outside number {n}",
    "Parking permit refused for {n} Mill Lane",
    "Planning enforcement at {n} High Street",
    "Council tax arrears letter, account {n}",
    "Pothole on the corner by {n} Church Lane",
    "Noise from a licensed venue near {n} Market Square",
]


# --------------------------------------------------------------------------- database


def database_urls(server: str, name: str) -> tuple[str, str]:
    """(the server's maintenance database, the bench database) for a postgres:// address."""
    parts = urlsplit(server)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("the peer is benchmarked on PostgreSQL: give a postgres:// address")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}"))


def create_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(url: str) -> None:
    os.environ["PEER_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerdesk.settings"
    import django

    django.setup()


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- seeding


def seed(n: int, shape: dict | None = None, seed_value: int = 2026, batch: int = 5000) -> dict:
    """Users, queues and `n` tickets with their follow-ups (bulk_create, then ANALYZE)."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket, TicketChange, UserSettings

    shape = shape or DEFAULT_SHAPE
    rng = random.Random(seed_value)
    started = time.perf_counter()
    now = timezone.now()
    councils = []
    users: list[User] = []
    queues: list[Queue] = []
    for c, council in enumerate(shape["councils"]):
        staff = [
            User(
                username=f"staff-{c}-{i}",
                email=f"staff-{c}-{i}@council{c}.example.org",
                first_name="Officer",
                last_name=f"{c}-{i}",
                is_staff=True,
            )
            for i in range(max(1, council["staff"]))
        ]
        members = [
            User(
                username=f"member-{c}-{i}",
                email=f"member-{c}-{i}@council{c}.example.org",
                first_name="Councillor",
                last_name=f"{c}-{i}",
            )
            for i in range(max(1, council["members"]))
        ]
        for user in staff + members:
            user.set_unusable_password()
        users += staff + members
        council_queues = [
            Queue(
                title=f"{council['name']}: directorate {d + 1}",
                slug=f"c{c}-d{d + 1}",
                email_address=f"d{d + 1}@council{c}.example.org",
            )
            for d in range(max(1, council["directorates"]))
        ]
        queues += council_queues
        councils.append((staff, members, council_queues))
    with transaction.atomic():
        User.objects.bulk_create(users)
        UserSettings.objects.bulk_create([UserSettings(user=u) for u in users])
        Queue.objects.bulk_create(queues)
    weights = [len(members) for _, members, _ in councils]

    open_statuses = [Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS]
    done = 0
    opened = 0
    while done < n:
        size = min(batch, n - done)
        tickets, plans = [], []
        for _ in range(size):
            staff, members, council_queues = rng.choices(councils, weights)[0]
            queue = rng.choice(council_queues)
            submitter = rng.choice(members)
            priority = rng.choices([3, 2, 1], [85, 10, 5])[0]
            is_open = rng.random() < 0.30
            if is_open:
                created = now - timedelta(days=rng.uniform(1, 35))
                status = rng.choices(open_statuses, [95, 5])[0]
                on_hold = rng.random() < 0.12
            else:
                created = now - timedelta(days=rng.uniform(20, 730))
                status = Ticket.CLOSED_STATUS if rng.random() < 0.4 else Ticket.RESOLVED_STATUS
                on_hold = False
            opened += is_open
            ticket = Ticket(
                title=rng.choice(SUBJECTS).format(n=rng.randint(1, 400)),
                queue=queue,
                created=created,
                modified=created,
                submitter_email=submitter.email,
                assigned_to=rng.choice(staff),
                status=status,
                on_hold=on_hold,
                description="Seeded for the benchmark. " * rng.randint(2, 12),
                priority=priority,
                due_date=created + timedelta(days=28),
                resolution="" if is_open else "Answered. " * rng.randint(1, 4),
            )
            tickets.append(ticket)
            plans.append((is_open, created, rng.randint(2, 6), submitter))
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=1000)
            followups, changes = [], []
            for ticket, (is_open, created, count, submitter) in zip(tickets, plans, strict=True):
                span = (now - created) if is_open else timedelta(days=rng.uniform(1, 20))
                for index in range(count):
                    at = created + span * (index / count)
                    last = index == count - 1 and not is_open
                    followups.append(
                        FollowUp(
                            ticket=ticket,
                            date=at,
                            title="Ticket Opened" if index == 0 else "Comment",
                            comment="Seeded follow-up. " * rng.randint(1, 8),
                            public=index == 0 or rng.random() < 0.7,
                            user=submitter if index == 0 else ticket.assigned_to,
                            new_status=ticket.status if last else None,
                        )
                    )
            FollowUp.objects.bulk_create(followups, batch_size=2000)
            for followup in followups:
                if followup.new_status is not None:
                    changes.append(
                        TicketChange(
                            followup=followup,
                            field="Status",
                            old_value="Open",
                            new_value=dict(Ticket.STATUS_CHOICES)[followup.new_status],
                        )
                    )
            TicketChange.objects.bulk_create(changes, batch_size=2000)
        done += size
    with connection.cursor() as cursor:  # as the portal's seeding (bench/enquiries.py, analyse)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "tickets": Ticket.objects.count(),
        "open": opened,
        "followups": FollowUp.objects.count(),
        "queues": len(queues),
        "staff": sum(len(s) for s, _, _ in councils),
        "submitters": sum(len(m) for _, m, _ in councils),
        "seconds": time.perf_counter() - started,
    }


# --------------------------------------------------------------------------- measuring


class Pages:
    """The busiest staff user, signed in, and the helpdesk pages the bench times."""

    def __init__(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models import Count
        from django.test import Client
        from helpdesk.models import Ticket
        from helpdesk.query import query_to_base64

        busiest = (
            Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)
            .values("assigned_to")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        self.user = User.objects.get(pk=busiest["assigned_to"])
        self.user_open = busiest["n"]
        self.client = Client()
        self.client.force_login(self.user)
        ticket = (
            Ticket.objects.filter(assigned_to=self.user, status__in=Ticket.OPEN_STATUSES)
            .order_by("pk")
            .first()
        )
        # The ticket list page's own default query (open and reopened, oldest first), and the
        # same filtered to the user's tickets; the page's table asks for 25 rows at a time.
        everyone = {
            "filtering": {"status__in": [1, 2]},
            "sorting": "created",
            "search_string": "",
            "sortreverse": False,
        }
        mine = {
            **everyone,
            "filtering": {**everyone["filtering"], "assigned_to__id__in": [self.user.pk]},
        }
        table = "?draw=1&start=0&length=25"
        self.urls = {
            "ticket list data (all open)": f"/datatables_ticket_list/{query_to_base64(everyone)}"
            + table,
            "ticket list data (mine)": f"/datatables_ticket_list/{query_to_base64(mine)}" + table,
            "ticket list page": "/tickets/",
            "ticket page": f"/tickets/{ticket.pk}/",
            "dashboard": "/dashboard/",
        }

    def measure(self, name: str, requests: int) -> dict:
        from measure import time_requests

        return time_requests(self.client, self.urls[name], requests)


def escalate(k: int, seed_value: int = 2026) -> dict:
    """`manage.py escalate_tickets` with exactly K tickets due (the rest escalated just now).

    Every queue escalates after 3 days; every open ticket is marked as escalated now except K
    drawn at random (not on hold, priority above critical), marked 30 days ago. One call of the
    command escalates those K: lowers the priority, saves, emails the submitter and the assignee
    (in memory) and writes a follow-up and a ticket change for each."""
    from django.core import mail
    from django.core.management import call_command
    from django.db.models import Q
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket
    from measure import capture, settle

    rng = random.Random(seed_value + k)
    now = timezone.now()
    Queue.objects.update(escalate_days=3)
    candidates = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).exclude(priority=1)
    candidates = candidates.filter(Q(on_hold__isnull=True) | Q(on_hold=False))
    Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).update(last_escalation=now)
    pool = list(candidates.values_list("pk", flat=True))
    chosen = rng.sample(pool, min(k, len(pool)))
    Ticket.objects.filter(pk__in=chosen).update(last_escalation=now - timedelta(days=30))
    before = FollowUp.objects.filter(title="Ticket Escalated").count()
    mail.outbox = []
    settle()
    with open(os.devnull, "w") as quiet:
        started = time.perf_counter()
        _, queries, db = capture(lambda: call_command("escalate_tickets", stdout=quiet))
        elapsed = time.perf_counter() - started
    escalated = FollowUp.objects.filter(title="Ticket Escalated").count() - before
    Queue.objects.update(escalate_days=None)
    assert escalated == len(chosen), (escalated, len(chosen))
    return {
        "k": len(chosen),
        "pending": len(pool),
        "time": elapsed,
        "queries": queries,
        "db": db,
        "emails": len(getattr(mail, "outbox", [])),
    }


def sessions(count: int) -> list[dict]:
    """`count` staff users signed in (sessions in the database, as a browser's login leaves
    them), the busiest first, each with up to 50 open tickets of theirs to open (any open
    tickets for a user with none): for bench/load.py."""
    from django.contrib.auth.models import User
    from django.db.models import Count, Q
    from django.test import Client
    from helpdesk.models import Ticket

    staff = (
        User.objects.filter(is_staff=True)
        .annotate(n=Count("assigned_to", filter=Q(assigned_to__status__in=Ticket.OPEN_STATUSES)))
        .order_by("-n", "pk")[:count]
    )
    anyone = list(
        Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    signed = []
    for user in staff:
        client = Client()
        client.force_login(user)
        mine = list(
            Ticket.objects.filter(assigned_to=user, status__in=Ticket.OPEN_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        )
        signed.append(
            {
                "user": user.username,
                "sessionid": client.cookies["sessionid"].value,
                "tickets": mine or anyone,
            }
        )
    return signed


def versions() -> dict:
    import django
    import helpdesk
    from django.db import connection

    with connection.cursor() as cursor:
        server = cursor.connection.info.server_version
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "helpdesk": getattr(helpdesk, "__version__", None) or _dist_version("django-helpdesk"),
        "postgresql": server,
    }


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


# --------------------------------------------------------------------------- the two modes


class Server:
    """The commands `serve` answers; the signed-in pages are made on first use."""

    def __init__(self) -> None:
        self.pages: Pages | None = None

    def setup(self, url: str) -> dict:
        configure(url)
        return {"migrate_seconds": migrate()}

    def census(self) -> dict:
        """What a kept database already holds, in `seed`'s report's terms (bench --reuse)."""
        from django.contrib.auth.models import User
        from helpdesk.models import FollowUp, Queue, Ticket

        return {
            "tickets": Ticket.objects.count(),
            "open": Ticket.objects.filter(
                status__in=[Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS]
            ).count(),
            "followups": FollowUp.objects.count(),
            "queues": Queue.objects.count(),
            "staff": User.objects.filter(is_staff=True, is_superuser=False).count(),
            "submitters": User.objects.filter(is_staff=False).count(),
            "seconds": 0.0,
        }

    def seed(self, n: int, shape: dict | None = None) -> dict:
        self.pages = None
        return seed(n, shape)

    def signed_in(self) -> Pages:
        self.pages = self.pages or Pages()
        return self.pages

    def page_names(self) -> dict:
        pages = self.signed_in()
        return {
            "names": list(pages.urls),
            "user": pages.user.username,
            "user_open": pages.user_open,
        }

    def page(self, name: str, requests: int) -> dict:
        return self.signed_in().measure(name, requests)

    def handle(self, command: dict) -> dict:
        cmd = command.pop("cmd")
        handlers = {
            "setup": self.setup,
            "seed": self.seed,
            "census": self.census,
            "pages": self.page_names,
            "page": self.page,
            "escalate": escalate,
            "sessions": lambda count: {"sessions": sessions(count)},
            "versions": versions,
        }
        if cmd not in handlers:
            return {"error": f"unknown command {cmd!r}"}
        return handlers[cmd](**command)


def serve() -> None:
    """One JSON command a line in, one JSON answer a line out (bench/side_by_side.py).

    {"cmd": "setup", "url": ...}; {"cmd": "seed", "n": N, "shape": {...}};
    {"cmd": "page", "name": ..., "requests": R}; {"cmd": "pages"}; {"cmd": "escalate", "k": K};
    {"cmd": "sessions", "count": C}; {"cmd": "versions"}; {"cmd": "quit"}.
    A failure answers {"error": "..."}."""
    out = sys.stdout
    sys.stdout = sys.stderr  # anything printed by Django or helpdesk stays off the channel
    server = Server()
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("cmd") == "quit":
            from django.db import connections

            connections.close_all()
            out.write(json.dumps({"bye": True}) + "\n")
            out.flush()
            return
        try:
            answer = server.handle(command)
        except Exception as exc:  # noqa: BLE001 - reported to the driver, which stops the run
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


def run(args) -> None:
    name = f"bench_peer_{os.getpid()}"
    admin, url = database_urls(args.database_url, name)
    create_database(admin, name)
    try:
        configure(url)
        migrated = migrate()
        seeded = seed(args.n)
        print(f"migrated in {migrated:.1f} s; seeded {seeded}", file=sys.stderr)
        pages = Pages()
        info = versions()
        lines = [
            f"django-helpdesk {info['helpdesk']}, Django {info['django']}, Python "
            f"{info['python']}, PostgreSQL {info['postgresql']}, load average "
            f"{os.getloadavg()[0]:.1f}; {seeded['tickets']} tickets ({seeded['open']} open), "
            f"{seeded['followups']} follow-ups; as {pages.user.username} "
            f"({pages.user_open} open assigned); {args.requests} requests a page",
            "",
            f"{'page':<32} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'db ms':>7}",
        ]
        for page in pages.urls:
            result = pages.measure(page, args.requests)
            if "error" in result:
                lines.append(f"{page:<32} failed: {result['error']}")
                continue
            lines.append(
                f"{page:<32} {result['median'] * 1000:9.1f} {result['p95'] * 1000:8.1f} "
                f"{result['queries']:7d} {result['db'] * 1000:7.1f}"
            )
        for k in args.ks:
            result = escalate(k)
            per = result["time"] / result["k"] * 1000 if result["k"] else 0.0
            lines.append(
                f"{'escalate_tickets, K=' + str(result['k']):<32} {per:9.2f} ms a ticket, "
                f"{result['queries'] / max(1, result['k']):.1f} queries a ticket "
                f"({result['time']:.2f} s, {result['queries']} queries in all)"
            )
        print("\n".join(lines))
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept database {name}", file=sys.stderr)
        else:
            drop_database(admin, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    one = sub.add_parser("run", help="seed and time the peer alone, then drop its database")
    one.add_argument("--n", type=int, default=100_000, help="tickets")
    one.add_argument("--requests", type=int, default=30, help="timed requests a page")
    one.add_argument("--ks", type=lambda s: [int(k) for k in s.split(",")], default=[100, 1000])
    one.add_argument("--keep", action="store_true", help="keep the database afterwards")
    one.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    sub.add_parser("serve", help="take JSON commands on standard input (side_by_side.py)")
    args = parser.parse_args()
    if args.mode == "serve":
        serve()
    else:
        run(args)


if __name__ == "__main__":
    main()
