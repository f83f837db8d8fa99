"""Benchmark member enquiries at volume: pages, API and the chaser sweep, in one run.

    .venv/bin/python bench/enquiries.py [--n 100000] [--small 1000] [--requests 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/enquiries.py

Builds a throwaway database (a temporary SQLite file, or with DATABASE_URL a fresh PostgreSQL
database on that server, dropped afterwards), migrates, loads the six council files and the demo
people (`load_councils`, `seed_demo`), then seeds enquiries with bulk_create in a realistic mix.
At a small volume and again at N it times the officer queue, the member's list, the API list,
an enquiry page, the home page and the SLA dashboard through django.test.Client as real demo
users (median and p95 of --requests requests, SQL queries and database time of one more), and
the chaser sweep with K = 0, 100 and 1,000 enquiries actually due (--ks), fired in batches,
and the last K again fired one at a time. Ratios are against
django-helpdesk 2.6.1 with 100,000 tickets measured on the same machine (issue 3). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import capture, settle, time_requests  # noqa: E402 - after the path is set

# django-helpdesk 2.6.1, 100,000 tickets (30,000 open), SQLite, this machine (issue 3):
# (seconds per request or per escalated ticket, queries).
HELPDESK = {
    "list": (0.7, 76),  # ticket-list data endpoint: 0.7–1.0 s; the fast end, to be fair to it
    "page": (0.065, 36),  # one ticket page
    "dashboard": (3.7, 93),  # its dashboard
    "escalate": (0.019, 7.6),  # escalate_tickets: 423 s and 171,000 queries for 22,500 tickets
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


def prepare_database(
    keep: bool, prefix: str = "bench_enquiries", reuse: str = ""
) -> tuple[str, callable]:
    """Point DATABASE_URL at a throwaway database; return its label and a clean-up function.
    With `reuse` (PostgreSQL only) the database is that name, made only if it is missing and
    always kept, so a later run can time what an earlier one seeded."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(given)
        name = reuse or f"{prefix}_{os.getpid()}"
        keep = keep or bool(reuse)
        admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not (reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            if keep:
                print(f"kept database {name}")
                return
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return "PostgreSQL", drop
    folder = Path(tempfile.mkdtemp(prefix="bench-enquiries-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"

    def remove() -> None:
        if keep:
            print(f"kept {folder / 'bench.sqlite3'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    return "SQLite", remove


def seeded(mark: bool = False) -> bool:
    """Whether this database was seeded to the end by an earlier run (a kept, reused one);
    `mark` records that it now has been."""
    from django.db import connection

    with connection.cursor() as cursor:
        if mark:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_seeded (at timestamp)")
            cursor.execute("INSERT INTO bench_seeded VALUES (CURRENT_TIMESTAMP)")
            return True
        return "bench_seeded" in connection.introspection.table_names(cursor)


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocol_portal.settings")
    # Chasers fire inline (each rung's task and its outbox delivery), mail stays in memory.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["EMAIL_URL"] = "memorymail://"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))
    import django

    django.setup()
    from django.conf import settings

    # As in production: no query log, no debug pages (static storage stays the plain one).
    settings.DEBUG = False


# --------------------------------------------------------------------------- seeding


class World:
    """The loaded councils, their people and one routed template enquiry per route."""

    def __init__(self, as_of: datetime) -> None:
        from django.utils import timezone

        from protocol_portal.org.calendars import calendar_for
        from protocol_portal.org.models import (
            ChaserRung,
            Council,
            Member,
            ServiceArea,
            council_code_from_slug,
        )

        self.as_of = as_of
        self.today = timezone.localdate(as_of)
        self.councils = list(Council.objects.order_by("pk"))
        # References are numbered per council code (as casework.services.reference_next).
        self.codes = {
            c.pk: c.reference_code or council_code_from_slug(c.slug) for c in self.councils
        }
        self.calendars = {c.pk: calendar_for(c) for c in self.councils}
        self.members = defaultdict(list)
        for m in Member.objects.filter(ward__isnull=False).select_related("person", "ward"):
            self.members[m.council_id].append(m)
        self.areas = defaultdict(list)
        for area in ServiceArea.objects.select_related("directorate"):
            self.areas[area.council_id].append(area)
        self.ladders = defaultdict(list)
        for rung in ChaserRung.objects.filter(case_type="enquiry").order_by("order"):
            self.ladders[rung.council_id].append(rung)
        self.templates: dict[tuple, object] = {}
        self.counters: Counter = Counter()
        # seed_demo logs enquiries through the service: number the seeded ones after them.
        from enquiries.models import Enquiry

        for reference in Enquiry.objects.values_list("reference", flat=True):
            prefix, _, year, number = reference.rsplit("-", 3)
            key = (prefix, int(year))
            self.counters[key] = max(self.counters[key], int(number))

    def template(self, council, area, concerning: str):
        """A real enquiry logged through the service: its route and the posts of its audiences
        (casework.access) are copied."""
        from enquiries.services import enquiry_create
        from protocol_portal.casework.models import CaseAccess, ReferenceCounter

        # The route depends on the directorate the area maps to, not on the area itself.
        key = (council.pk, area.directorate_id, concerning)
        if key not in self.templates:
            # The service numbers it after what was seeded so far this year.
            ReferenceCounter.objects.update_or_create(
                council=council,
                prefix="ENQ",
                year=self.today.year,
                defaults={"last": self.counters[(self.codes[council.pk], self.today.year)]},
            )
            member = self.members[council.pk][0]
            enquiry = enquiry_create(
                member=member,
                subject=f"Template: {area.name}",
                description="Seeded as the pattern for this route.",
                service_area=area,
                ward=member.ward,
                urgency="urgent" if concerning == "urgent" else "routine",
                urgency_reason="Resident at risk" if concerning == "urgent" else "",
                is_policy=concerning == "policy",
                actor=member.person,
                as_of=self.as_of,
            )
            grants = list(
                CaseAccess.objects.filter(
                    case_id=enquiry.pk, case_type__model="enquiry", post__isnull=False
                ).values_list("audience", "post_id", "perms")
            )
            self.templates[key] = (enquiry, grants)
            self.counters[(self.codes[council.pk], self.today.year)] += 1
        return self.templates[key]


def _moment(day: date) -> datetime:
    from protocol_portal.casework.services import local_morning

    return local_morning(day)


def _ladder_position(world: World, council_id: int, due: date) -> tuple[int, datetime | None]:
    """Rungs already fired by a sweep that has kept up, and when the next one is due."""
    ladder = world.ladders[council_id]
    calendar = world.calendars[council_id]
    for index, rung in enumerate(ladder):
        moment = _moment(calendar.offset(due, rung.offset_working_days))
        if moment > world.as_of:
            return index, moment
    return len(ladder), None


def _row(world: World, rng: random.Random, weights: list[int]) -> tuple:
    """One seeded enquiry in the mix, its timeline and its grants (not yet saved)."""
    from enquiries.models import Enquiry
    from enquiries.states import Status

    council = rng.choices(world.councils, weights)[0]
    calendar = world.calendars[council.pk]
    member = rng.choice(world.members[council.pk])
    area = rng.choice(world.areas[council.pk])
    concerning = rng.choices(["routine", "policy", "urgent"], [85, 10, 5])[0]
    template, grants = world.template(council, area, concerning)
    is_open = rng.random() < 0.30
    if is_open:
        received = calendar.offset(world.today, -rng.randint(1, 25))  # never after today
    else:
        received = world.today - timedelta(days=rng.randint(20, 730))
        received = calendar.add(received, 0)
    due = calendar.add(received, template.clock_limit_days)
    prefix = world.codes[council.pk]
    number = world.counters[(prefix, received.year)] = world.counters[(prefix, received.year)] + 1
    enquiry = Enquiry(
        reference=f"{prefix}-ENQ-{received.year}-{number:05d}",
        council_id=council.pk,
        owner_post_id=template.owner_post_id,
        member_id=member.pk,
        subject=rng.choice(SUBJECTS).format(n=rng.randint(1, 400)),
        description="Seeded for the benchmark. " * rng.randint(2, 12),
        service_area_id=area.pk,
        directorate_id=area.directorate_id,
        ward_id=member.ward_id if rng.random() < 0.9 else template.ward_id,
        resident_reference=f"tenancy {rng.randint(1000, 99999)}",
        urgency=template.urgency,
        urgency_reason=template.urgency_reason,
        is_policy=template.is_policy,
        concerning=template.concerning,
        route_rule_key=template.route_rule_key,
        route_source=template.route_source,
        route_note=template.route_note,
        route_deadline_days=template.route_deadline_days,
        received_on=received,
        due_on=due,
        clock_started_on=received,
        clock_limit_days=template.clock_limit_days,
        clock_calendar=template.clock_calendar,
    )
    events = [("received", received, f"Enquiry received; due {due:%d %B %Y}", True)]
    events.append(("routed", received, template.route_source or "routed", True))
    if is_open:
        roll = rng.random()
        if roll < 0.12:  # waiting for the member: the clock stands still
            enquiry.status = Status.AWAITING_MEMBER
            enquiry.clock_paused_on = calendar.add(received, rng.randint(1, 3))
            enquiry.clock_paused_on = min(enquiry.clock_paused_on, world.today)
            events.append(("clarification_requested", enquiry.clock_paused_on, "", True))
        else:
            enquiry.status = Status.IN_PROGRESS if roll < 0.7 else Status.RECEIVED
            enquiry.next_rung, enquiry.next_action_at = _ladder_position(world, council.pk, due)
            if due < world.today:
                enquiry.breached_on = calendar.add(due, 1)
            for rung in world.ladders[council.pk][: enquiry.next_rung]:
                day = calendar.offset(due, rung.offset_working_days)
                events.append((f"chaser:{rung.key}", day, f"Chaser '{rung.key}'", False))
    else:
        late = rng.random() < 0.15
        answered = (
            calendar.add(received, template.clock_limit_days + rng.randint(1, 6))
            if late
            else calendar.add(received, rng.randint(1, template.clock_limit_days))
        )
        enquiry.status = Status.CLOSED if rng.random() < 0.4 else Status.RESPONDED
        enquiry.responded_at = _moment(answered) + timedelta(hours=3)
        enquiry.answered_working_days = calendar.count(received, answered)
        enquiry.accepted_at = _moment(received) + timedelta(hours=2)
        enquiry.closed_at = enquiry.responded_at
        if late:
            enquiry.breached_on = calendar.add(due, 1)
        events.append(("accepted", received, "Accepted", True))
        events.append(("responded", answered, "Responded", True))
    return enquiry, (events, grants, member.person_id)


def seed(world: World, count: int, rng: random.Random, batch: int = 5000) -> float:
    """Add `count` enquiries: 30% open (some paused, some breached), the rest answered or
    closed over two years, each with its timeline and its access rows (casework.access)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from enquiries.models import Enquiry
    from enquiries.permissions import MEMBER_PERMS
    from protocol_portal.casework.access import _encode
    from protocol_portal.casework.models import CaseAccess, CaseEvent, ReferenceCounter

    started = time.perf_counter()
    content_type = ContentType.objects.get_for_model(Enquiry)
    member_perms = _encode(MEMBER_PERMS)
    weights = [len(world.members[c.pk]) for c in world.councils]
    done = 0
    while done < count:
        size = min(batch, count - done)
        rows, extras = [], []
        for _ in range(size):
            enquiry, extra = _row(world, rng, weights)
            rows.append(enquiry)
            extras.append(extra)
        with transaction.atomic():
            Enquiry.objects.bulk_create(rows, batch_size=1000)
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        council_id=e.council_id,
                        case_type=content_type,
                        case_id=e.pk,
                        at=_moment(day) + timedelta(hours=3),
                        kind=kind,
                        summary=summary,
                        visible_to_raiser=visible,
                    )
                    for e, (events, _, _) in zip(rows, extras, strict=True)
                    for kind, day, summary, visible in events
                ],
                batch_size=2000,
            )
            CaseAccess.objects.bulk_create(
                [
                    CaseAccess(
                        case_type=content_type,
                        case_id=e.pk,
                        audience=audience,
                        post_id=post,
                        perms=perms,
                        since=world.as_of,
                    )
                    for e, (_, grants, _) in zip(rows, extras, strict=True)
                    for audience, post, perms in grants
                ]
                + [
                    CaseAccess(
                        case_type=content_type,
                        case_id=e.pk,
                        audience="raiser",
                        person_id=person,
                        perms=member_perms,
                        since=world.as_of,
                    )
                    for e, (_, _, person) in zip(rows, extras, strict=True)
                ],
                batch_size=5000,
            )
        done += size
    # Keep the reference counters ahead of what was seeded, as the service would have.
    from protocol_portal.org.models import Council

    for council in Council.objects.all():
        for (prefix, year), last in world.counters.items():
            if prefix == world.codes[council.pk]:
                ReferenceCounter.objects.update_or_create(
                    council=council, prefix="ENQ", year=year, defaults={"last": last}
                )
    analyse()
    return time.perf_counter() - started


def analyse() -> None:
    """Statistics for the planner, and on PostgreSQL the pages marked all-visible as autovacuum
    (on by default) marks them soon after a load: this machine's server runs with it off, and
    without it an index-only scan reads the table too (the triage dashboard 165 ms vacuumed,
    236 unvacuumed). The peer's seeding does the same (bench/peer/peer.py). Before that, the
    SLA dashboard's stored totals that seeding appended are added up, as beat would within ten
    minutes of a load (enquiries/tallies.py)."""
    from django.db import connection

    from enquiries import tallies

    if tallies.kept():
        tallies.fold()
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # (a test's)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


# --------------------------------------------------------------------------- measuring


def pick_users(world: World) -> dict:
    """The demo users each page is measured as: the busiest of each kind."""
    from django.db.models import Count

    from enquiries.models import Enquiry
    from enquiries.states import OPEN
    from protocol_portal.org.models import Member, Post, PostKind

    open_ = Enquiry.objects.filter(status__in=OPEN)
    busiest_post = (
        open_.exclude(owner_post__kind=PostKind.MEMBER_SERVICES)
        .values("owner_post")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    officer = Post.objects.select_related("holder").get(pk=busiest_post["owner_post"])
    member_row = Enquiry.objects.values("member").annotate(n=Count("pk")).order_by("-n").first()
    member = Member.objects.select_related("person").get(pk=member_row["member"])
    triage_post = (
        Post.objects.filter(kind=PostKind.MEMBER_SERVICES, holder__isnull=False)
        .annotate(n=Count("council__posts"))
        .select_related("holder", "council")
        .order_by("pk")
    )
    # The triage team of the council with the most enquiries sees the most.
    by_council = Counter(dict(Enquiry.objects.values_list("council").annotate(n=Count("pk"))))
    triage = max(triage_post, key=lambda p: by_council.get(p.council_id, 0))
    director = (
        Post.objects.filter(
            kind=PostKind.DIRECTOR, council_id=triage.council_id, holder__isnull=False
        )
        .select_related("holder")
        .order_by("pk")
        .first()
    ) or triage
    enquiry = (
        open_.filter(owner_post=officer, breached_on__isnull=False).order_by("pk").first()
        or open_.filter(owner_post=officer).order_by("pk").first()
    )
    return {
        "officer": officer.holder,
        "officer_open": busiest_post["n"],
        "member": member.person,
        "member_total": member_row["n"],
        "triage": triage.holder,
        "triage_council": triage.council,
        "director": director.holder,
        "enquiry": enquiry,
    }


ROLES = ("officer", "member", "triage", "director")


def verified_client(user):
    """A test client signed in as `user` as a sign-in leaves them where two-step is required
    (MFA_REQUIRED, on with DEBUG off): the password given, then the authenticator's code, so
    the session holds a confirmed device as django_otp.login leaves it. Staff who have a device
    are asked for its code, so a client signed in with the password alone would be redirected
    once bench/load.py has given them one on a kept database."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from protocol_portal.accounts.policy import TWO_STEP_SESSION_KEY, TwoStep

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[TWO_STEP_SESSION_KEY] = TwoStep.VERIFY
    session.save()
    return client


def signed_in(world: World) -> tuple[dict, dict, list[tuple[str, str, str, str]]]:
    """The busiest demo users, a signed-in test client for each role, and the pages timed:
    (name, role, URL, the helpdesk page it compares with)."""

    from enquiries.models import Enquiry

    users = pick_users(world)
    clients = {role: verified_client(users[role]) for role in ROLES}
    reference = users["enquiry"].reference
    own = Enquiry.objects.filter(member__person=users["member"]).order_by("-pk").first()
    pages = [
        ("queue: my queue (officer)", "officer", "/enquiries/queue/?scope=mine", "list"),
        ("queue: triage, all open", "triage", "/enquiries/queue/?scope=triage", "list"),
        (
            "queue: triage, overdue filter",
            "triage",
            "/enquiries/queue/?scope=triage&overdue=true",
            "list",
        ),
        ("member's list", "member", "/enquiries/", "list"),
        ("API list (triage)", "triage", "/api/v1/enquiries/", "list"),
        ("API list (member)", "member", "/api/v1/enquiries/", "list"),
        ("enquiry page (officer)", "officer", f"/enquiries/{reference}/", "page"),
        ("enquiry page (member)", "member", f"/enquiries/{own.reference}/", "page"),
        ("API enquiry (officer)", "officer", f"/api/v1/enquiries/{reference}/", "page"),
        ("home page (officer)", "officer", "/", "dashboard"),
        ("home page (member)", "member", "/", "dashboard"),
        ("SLA dashboard (Director)", "director", "/enquiries/dashboard/", "dashboard"),
        ("SLA dashboard (triage)", "triage", "/enquiries/dashboard/", "dashboard"),
    ]
    return users, clients, pages


def measure_pages(world: World, requests: int) -> tuple[dict, dict]:
    users, clients, pages = signed_in(world)
    results = {}
    for name, role, url, ref in pages:
        results[name] = {**time_requests(clients[role], url, requests), "ref": ref}
        shown = {k: v for k, v in results[name].items() if k != "times"}
        print(f"  {name}: {shown}", file=sys.stderr)
    return results, users


def measure_sweep(world: World, ks: list[int], rng: random.Random, direct: bool = False) -> dict:
    """The chaser sweep with K enquiries actually due, at the current volume: the Celery task
    (run inline) splits them into batches and fires each batch in one transaction, then each
    batch's messages are emailed by one delivery task. `direct` fires the same enquiries one at
    a time with `chaser_fire` instead (one transaction, and one delivery, per rung)."""
    from django.utils import timezone

    from enquiries.models import Enquiry
    from protocol_portal.casework.chasers import cases_due, chaser_fire, sweep_batches
    from protocol_portal.casework.registry import spec_for
    from protocol_portal.casework.tasks import sweep_due_chasers

    spec = spec_for("enquiries.Enquiry")
    results = {}
    used: set[int] = set()
    pending = list(
        Enquiry.objects.filter(next_action_at__isnull=False).values_list("pk", flat=True)
    )
    for k in ks:
        now = timezone.now()
        chosen = rng.sample([pk for pk in pending if pk not in used], k) if k else []
        used.update(chosen)
        if chosen:
            Enquiry.objects.filter(pk__in=chosen).update(next_action_at=now - timedelta(minutes=1))
        scan, scan_q, scan_db = capture(lambda now=now: cases_due(spec=spec, as_of=now))
        assert len(scan) == k, (len(scan), k)

        def fire_all(now=now, scan=scan) -> int:
            if not direct:
                return sweep_due_chasers(now.isoformat())
            due = cases_due(spec=spec, as_of=now)
            return sum(chaser_fire(spec=spec, pk=pk, as_of=now) is not None for pk in due)

        profile = None
        if os.environ.get("BENCH_PROFILE") and k:  # development: BENCH_PROFILE=FILE, cProfile
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        settle()
        started = time.perf_counter()
        fired, queries, db = capture(fire_all)
        elapsed = time.perf_counter() - started
        if profile is not None:
            profile.disable()
            profile.dump_stats(f"{os.environ['BENCH_PROFILE']}.{'direct' if direct else k}")
        assert fired == k, (fired, k)
        left = Enquiry.objects.filter(next_action_at__lte=now).count()
        assert left == 0, left
        results[k] = {
            "time": elapsed,
            "queries": queries,
            "db": db,
            "scan_queries": scan_q,
            "scan_db": scan_db,
            "pending": len(pending),
            "how": "one at a time (chaser_fire)"
            if direct
            else f"sweep, batches of {max(map(len, sweep_batches(scan)), default=0)}",
        }
    return results


# --------------------------------------------------------------------------- report


def access_rows_per_enquiry(total: int) -> tuple[float, float]:
    """casework.CaseAccess rows per enquiry: those open now, and all (ended ones too)."""
    from django.contrib.contenttypes.models import ContentType

    from enquiries.models import Enquiry
    from protocol_portal.casework.models import CaseAccess

    rows = CaseAccess.objects.filter(case_type=ContentType.objects.get_for_model(Enquiry))
    if not total:
        return 0.0, 0.0
    return rows.filter(until__isnull=True).count() / total, rows.count() / total


def guardian_rows_on_enquiries() -> int:
    """Explicit guardian grants left on enquiries (0: access is derived from the case)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from enquiries.models import Enquiry

    ct = ContentType.objects.get_for_model(Enquiry)
    return sum(
        model.objects.filter(content_type=ct).count()
        for model in (GroupObjectPermission, UserObjectPermission)
    )


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def report_pages(small: dict, large: dict, n_small: int, n_large: int) -> list[str]:
    lines = [
        f"{'page':<32} {'volume':>7} {'median ms':>9} {'p95 ms':>8} {'queries':>7} "
        f"{'db ms':>7} {'× faster than helpdesk':>23} {'queries vs helpdesk':>19}"
    ]
    for name in large:
        for volume, data in ((n_small, small.get(name)), (n_large, large[name])):
            if data is None:  # --reuse: the one volume the database holds
                continue
            if "error" in data:
                lines.append(f"{name:<32} {volume:>7} failed: {data['error']}")
                continue
            ref_time, ref_q = HELPDESK[data["ref"]]
            lines.append(
                f"{name:<32} {volume:>7} {fmt_ms(data['median']):>9} {fmt_ms(data['p95']):>8} "
                f"{data['queries']:>7} {fmt_ms(data['db']):>7} "
                f"{ref_time / data['median']:>22.1f}× {data['queries']:>9} / {ref_q:<8}"
            )
    return lines


def report_sweep(small: dict, large: dict, direct: dict, n_small: int, n_large: int):
    ref_time, ref_q = HELPDESK["escalate"]
    lines = [
        f"{'chaser sweep':<32} {'volume':>7} {'pending':>7} {'K due':>6} {'total ms':>9} "
        f"{'db ms':>8} {'queries':>7} {'scan q':>6} {'scan db ms':>10} {'ms/rung':>8} "
        f"{'q/rung':>7} {'× faster':>9}"
    ]
    rows = [(n_small, small), (n_large, large), (n_large, direct)]
    for volume, data in rows:
        for k, d in data.items():
            per_ms = d["time"] / k * 1000 if k else 0
            per_q = (d["queries"] - d["scan_queries"]) / k if k else 0
            faster = f"{ref_time * 1000 / per_ms:8.1f}×" if k else f"{'':>9}"
            lines.append(
                f"{d['how']:<32} {volume:>7} {d['pending']:>7} {k:>6} "
                f"{fmt_ms(d['time']):>9} {fmt_ms(d['db']):>8} {d['queries']:>7} "
                f"{d['scan_queries']:>6} {fmt_ms(d['scan_db']):>10} "
                f"{(f'{per_ms:8.2f}' if k else ''):>8} {(f'{per_q:7.1f}' if k else ''):>7} "
                f"{faster}"
            )
    lines.append(
        f"(helpdesk escalation: {ref_time * 1000:.0f} ms and {ref_q} queries per ticket; ms/rung "
        "and q/rung are the sweep's time and queries less its scan, over the rungs fired, email "
        "delivery included)"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="enquiries at full volume")
    parser.add_argument("--small", type=int, default=1_000, help="enquiries at small volume")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--ks", default="0,100,1000", help="enquiries due in each sweep")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        metavar="NAME",
        default="",
        help="PostgreSQL: measure the pages and sweeps of database NAME as seeded (bench/seed.py "
        "or a kept run), at its own volume; nothing is seeded or dropped",
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--setup-cache",
        type=Path,
        help="SQLite only, for development: reuse a migrated, loaded database kept here",
    )
    args = parser.parse_args()
    if args.small >= args.n:
        parser.error("--small must be below --n")
    ks = [int(k) for k in args.ks.split(",")]

    if args.reuse and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("--reuse measures a PostgreSQL database: set DATABASE_URL=postgres://...")
    vendor, cleanup = prepare_database(args.keep, reuse=args.reuse)
    try:
        configure()
        lines = run(args, ks, vendor)
    finally:
        cleanup()
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


def setup_world(vendor: str, cache: Path | None = None) -> tuple[World, float]:
    """Migrate the throwaway database, load the six councils and the demo people; return the
    World to seed into and the seconds it took."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    if cache and cache.exists() and vendor == "SQLite":
        connection.close()
        shutil.copyfile(cache, connection.settings_dict["NAME"])
        call_command("migrate", verbosity=0)  # whatever was added since the cache was made
    else:
        call_command("migrate", verbosity=0)
        print(f"  migrated {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with open(os.devnull, "w") as quiet:
            call_command("load_councils", stdout=quiet)
            print(f"  councils {time.perf_counter() - started:.1f} s", file=sys.stderr)
            call_command("seed_demo", stdout=quiet)
        if cache and vendor == "SQLite":
            connection.close()
            cache.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(connection.settings_dict["NAME"], cache)
    setup = time.perf_counter() - started
    world = World(timezone.now())
    return world, setup


def run(args, ks: list[int], vendor: str) -> list[str]:
    import logging

    import django
    from django.db import connection

    logging.getLogger("celery").setLevel(logging.WARNING)
    rng = random.Random(2026)
    if args.reuse:
        # A database seeded earlier (bench/seed.py, or a kept run): measured at its own volume.
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        world, seeded, seeded_large = World(timezone.now()), 0.0, 0.0
        small_pages, small_sweep = {}, {}
    else:
        world, setup = setup_world(vendor, args.setup_cache)
        print(f"setup (migrate, load_councils, seed_demo) {setup:.1f} s", file=sys.stderr)

        seeded = seed(world, args.small - 0, rng)
        print(f"seeded {args.small} in {seeded:.1f} s", file=sys.stderr)
        small_pages, _ = measure_pages(world, args.requests)
        small_sweep = measure_sweep(world, [k for k in ks if k <= args.small // 5], rng)

        seeded_large = seed(world, args.n - args.small, rng)
        print(f"seeded {args.n - args.small} more in {seeded_large:.1f} s", file=sys.stderr)
    large_pages, users = measure_pages(world, args.requests)
    large_sweep = measure_sweep(world, ks, rng)
    direct = measure_sweep(world, ks[-1:], rng, direct=True)

    from enquiries.models import Enquiry
    from enquiries.states import OPEN
    from protocol_portal.casework.models import CaseEvent

    total = Enquiry.objects.count()
    opened = Enquiry.objects.filter(status__in=OPEN).count()
    paused = Enquiry.objects.filter(clock_paused_on__isnull=False, status__in=OPEN).count()
    breached = Enquiry.objects.filter(breached_on__isnull=False, status__in=OPEN).count()
    events = CaseEvent.objects.count()
    rows_open, rows_all = access_rows_per_enquiry(total)
    db_version = (
        connection.Database.sqlite_version
        if vendor == "SQLite"
        else (connection.cursor().connection.info.server_version)
    )
    header = [
        f"Python {platform.python_version()}, Django {django.get_version()}, {vendor} "
        f"{db_version}, {platform.machine()}, load average "
        f"{os.getloadavg()[0]:.1f}; {args.requests} requests per page",
        f"{total} enquiries ({opened} open: {paused} paused, {breached} breached), "
        f"{events} timeline events; seeding {seeded + seeded_large:.0f} s; "
        f"officer {users['officer'].username} ({users['officer_open']} open in their queue), "
        f"member {users['member'].username} ({users['member_total']} enquiries), triage "
        f"{users['triage'].username} ({users['triage_council'].name})",
        f"permission rows per enquiry: {rows_open:.1f} open access rows "
        f"({rows_all:.1f} with ended ones); guardian object-permission rows on enquiries: "
        f"{guardian_rows_on_enquiries()}",
        "",
    ]
    large = total if args.reuse else args.n
    return [
        *header,
        *report_pages(small_pages, large_pages, args.small, large),
        "",
        *report_sweep(small_sweep, large_sweep, direct, args.small, large),
    ]


if __name__ == "__main__":
    main()
