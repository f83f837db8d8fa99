"""Seed a PostgreSQL database with N enquiries and the other case types in proportion, by COPY.

    .venv/bin/python bench/seed.py --db bench_million --n 1000000
    .venv/bin/python bench/seed.py --db bench_seed_trial --n 20000 --drop

For a million cases `bench/enquiries.py`'s `bulk_create` (an INSERT per 1,000 rows, each value
a bound parameter) is the slow part, so this writes the same rows with PostgreSQL's COPY: the
enquiries of `enquiries._row` (the same mix: 30% open, paused, breached, chaser rungs fired, 70%
answered or closed over two years), their timeline events and their access rows, in batches of
`--batch`, each batch one transaction, with ids taken from a range reserved up front. Then the
other case types in a council's usual proportion to enquiries (`--complaints`, `--declarations`,
`--ntk`, per 1,000 enquiries): each is a copy of one of the demo's own cases of that type
(`seed_demo`), with its access rows and timeline, under a new reference; their child records
(allegations, releases, interests) are not copied, so their pages are not what is measured.
Prints the rate as it goes and the totals at the end; `--db` is made (or with `--drop` remade)
on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import enquiries as ours  # noqa: E402 - after the path is set

# Per 1,000 enquiries (about two years of an English council's casework; the bench's
# assumption, not a published figure): code-of-conduct complaints, declarations (relationship
# declarations, register returns, acting-against notices, requests for advice) and
# need-to-know requests.
PER_THOUSAND = {"complaints": 20, "declarations": 50, "ntk": 10}
KINDS = {
    "complaints": ["complaints.Complaint"],
    "declarations": [
        "interests.Relationship",
        "interests.RegisterReturn",
        "interests.ActingAgainstNotice",
        "interests.AdviceRequest",
    ],
    "ntk": ["access_requests.AccessRequest"],
}


def make_database(name: str, drop: bool) -> None:
    import psycopg

    given = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(given)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not drop:
            raise SystemExit(f"{name} exists: pass --drop to remake it")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))


class Ids:
    """Primary keys drawn from the table's own sequence, a batch at a time (one query), so the
    cases the services make meanwhile (`World.template`) never collide with them."""

    def __init__(self, model) -> None:
        self.table = model._meta.db_table

    def take(self, n: int) -> list[int]:
        from django.db import connection

        if not n:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.table, n],
            )
            return [row[0] for row in cursor.fetchall()]


def copy(model, objs) -> int:
    """COPY the model instances' concrete columns (each value prepared as Django saves it)."""
    from django.db import connection

    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{f.column}"' for f in fields)
    raw = connection.connection  # psycopg 3
    n = 0
    with raw.cursor().copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as out:
        for obj in objs:
            out.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
            n += 1
    return n


def seed_enquiries(world, count: int, rng: random.Random, batch: int, say) -> dict:
    """`count` enquiries of `enquiries._row`'s mix, with their timeline and access rows."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from enquiries.models import Enquiry
    from enquiries.permissions import MEMBER_PERMS
    from protocol_portal.casework.access import _encode
    from protocol_portal.casework.models import CaseAccess, CaseEvent

    content_type = ContentType.objects.get_for_model(Enquiry)
    member_perms = _encode(MEMBER_PERMS)
    weights = [len(world.members[c.pk]) for c in world.councils]
    ids = {m: Ids(m) for m in (Enquiry, CaseEvent, CaseAccess)}
    totals = {"enquiries": 0, "events": 0, "access": 0}
    started = time.perf_counter()
    while totals["enquiries"] < count:
        size = min(batch, count - totals["enquiries"])
        rows, extras = [], []
        for pk in ids[Enquiry].take(size):
            enquiry, extra = ours._row(world, rng, weights)
            enquiry.pk = pk
            rows.append(enquiry)
            extras.append(extra)
        events = [
            CaseEvent(
                council_id=e.council_id,
                case_type=content_type,
                case_id=e.pk,
                at=ours._moment(day) + timedelta(hours=3),
                kind=kind,
                summary=summary,
                visible_to_raiser=visible,
            )
            for e, (timeline, _, _) in zip(rows, extras, strict=True)
            for kind, day, summary, visible in timeline
        ]
        access = [
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
        ] + [
            CaseAccess(
                case_type=content_type,
                case_id=e.pk,
                audience="raiser",
                person_id=person,
                perms=member_perms,
                since=world.as_of,
            )
            for e, (_, _, person) in zip(rows, extras, strict=True)
        ]
        for obj, pk in zip(events, ids[CaseEvent].take(len(events)), strict=True):
            obj.pk = pk
        for obj, pk in zip(access, ids[CaseAccess].take(len(access)), strict=True):
            obj.pk = pk
        with transaction.atomic():
            totals["enquiries"] += copy(Enquiry, rows)
            totals["events"] += copy(CaseEvent, events)
            totals["access"] += copy(CaseAccess, access)
        done = totals["enquiries"]
        if done % (batch * 10) == 0 or done == count:
            spent = time.perf_counter() - started
            say(f"enquiries: {done:,} in {spent:.0f} s ({done / spent:,.0f} a second)")
    _counters(world)
    return totals


def _counters(world) -> None:
    """Keep the reference counters ahead of what was seeded, as the service would have."""
    from protocol_portal.casework.models import ReferenceCounter
    from protocol_portal.org.models import Council

    for council in Council.objects.all():
        for (prefix, year), last in world.counters.items():
            if prefix == world.codes[council.pk]:
                ReferenceCounter.objects.update_or_create(
                    council=council, prefix="ENQ", year=year, defaults={"last": last}
                )


def clone_cases(label: str, count: int, batch: int, say) -> dict:
    """`count` copies of the demo's cases of this type, round robin, with their access rows and
    timeline; each copy gets a new id and a reference numbered from 1,000,001 (no template's)."""
    from datetime import timedelta

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from protocol_portal.casework.models import CaseAccess, CaseEvent

    model = apps.get_model(label)
    templates = list(model.objects.order_by("pk"))
    if not templates or not count:
        return {"cases": 0, "events": 0, "access": 0}
    content_type = ContentType.objects.get_for_model(model)
    access = _by_case(CaseAccess.objects.filter(case_type=content_type, until__isnull=True))
    events = _by_case(CaseEvent.objects.filter(case_type=content_type))
    ids = {m: Ids(m) for m in (model, CaseEvent, CaseAccess)}
    totals = {"cases": 0, "events": 0, "access": 0}
    number = 1_000_000
    while totals["cases"] < count:
        size = min(batch, count - totals["cases"])
        cases, more_events, more_access = [], [], []
        for index, pk in enumerate(ids[model].take(size)):
            template = templates[(totals["cases"] + index) % len(templates)]
            number += 1
            case = model.from_db(
                None,
                [f.attname for f in model._meta.concrete_fields],
                [getattr(template, f.attname) for f in model._meta.concrete_fields],
            )
            case.pk = pk
            case.reference = f"{template.reference.rsplit('-', 1)[0]}-{number:07d}"
            if getattr(case, "trigger_on", None):  # a register return: one per member, kind, day
                lap = (totals["cases"] + index) // len(templates) + 1
                case.trigger_on -= timedelta(days=lap)
            cases.append(case)
            more_access += [_copy_row(row, case_id=pk) for row in access.get(template.pk, ())]
            more_events += [_copy_row(row, case_id=pk) for row in events.get(template.pk, ())]
        for obj, pk in zip(more_events, ids[CaseEvent].take(len(more_events)), strict=True):
            obj.pk = pk
        for obj, pk in zip(more_access, ids[CaseAccess].take(len(more_access)), strict=True):
            obj.pk = pk
        with transaction.atomic():
            totals["cases"] += copy(model, cases)
            totals["events"] += copy(CaseEvent, more_events)
            totals["access"] += copy(CaseAccess, more_access)
    say(f"{label}: {totals['cases']:,} cloned from {len(templates)} demo cases")
    return totals


def _by_case(rows) -> dict[int, list]:
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.case_id, []).append(row)
    return found


def _copy_row(row, **changes):
    model = type(row)
    names = [f.attname for f in model._meta.concrete_fields]
    copied = model.from_db(None, names, [getattr(row, name) for name in names])
    for name, value in changes.items():
        setattr(copied, name, value)
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database to make on the server")
    parser.add_argument("--n", type=int, default=1_000_000, help="enquiries")
    parser.add_argument("--batch", type=int, default=10_000, help="enquiries a transaction")
    parser.add_argument("--drop", action="store_true", help="remake --db if it exists")
    for kind, per in PER_THOUSAND.items():
        parser.add_argument(f"--{kind}", type=int, default=per, help="per 1,000 enquiries")
    args = parser.parse_args()
    started = time.perf_counter()

    def say(text: str) -> None:
        print(
            f"[{time.perf_counter() - started:6.0f} s, load {os.getloadavg()[0]:.1f}] {text}",
            file=sys.stderr,
            flush=True,
        )

    make_database(args.db, args.drop)
    ours.configure()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)
    world, setup = ours.setup_world("PostgreSQL")
    say(f"migrated, councils and demo people: {setup:.0f} s")
    seeding = time.perf_counter()
    totals = seed_enquiries(world, args.n, random.Random(2026), args.batch, say)
    for kind, labels in KINDS.items():
        wanted = args.n * getattr(args, kind) // 1000
        for index, label in enumerate(labels):
            share = wanted // len(labels) + (1 if index < wanted % len(labels) else 0)
            done = clone_cases(label, share, args.batch, say)
            totals[label] = done["cases"]
            totals["events"] += done["events"]
            totals["access"] += done["access"]
    seeded = time.perf_counter() - seeding
    say("ANALYZE")
    ours.analyse()
    say(
        f"seeded in {seeded:.0f} s ({totals['enquiries'] / seeded:,.0f} enquiries a second "
        f"overall), ANALYZE {time.perf_counter() - seeding - seeded:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in totals.items())
    )


if __name__ == "__main__":
    main()
