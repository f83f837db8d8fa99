"""The chaser sweep fires rungs a batch at a time: the same outcome as firing them one case at a
time (messages, recipients, timeline, grants, breaches, next rung, history), a fixed number of
queries whatever the batch's size, and never a rung twice when sweeps overlap."""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import get_groups_with_perms

from complaints.models import Complaint
from enquiries.models import Enquiry
from protocol_portal.casework.chasers import (
    OrgPosts,
    cases_due,
    chaser_fire,
    chasers_fire,
    sweep_batches,
)
from protocol_portal.casework.models import CaseAccess, CaseEvent, OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.rows import history_rows_copy
from protocol_portal.casework.services import ladder_for
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import Post, PostKind
from protocol_portal.org.routing import PostRef
from protocol_portal.org.services import (
    RoutingContext,
    acting_post,
    post_for,
    post_set_holder,
)
from tests.complaints.factories import build_complaint_org
from tests.complaints.test_chasers_and_summary import raise_about_officer
from tests.conftest import LONDON, build_org
from tests.enquiries.helpers import log

ENQUIRIES = "enquiries.Enquiry"
COMPLAINTS = "complaints.Complaint"
AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday
REMINDER = datetime(2026, 3, 12, 7, 0, tzinfo=LONDON)  # the first rung of those logged AS_OF
LATE = datetime(2026, 3, 30, 7, 0, tzinfo=LONDON)  # past every due date below


class _UndoError(Exception):
    """Raised to roll back what one way of firing wrote, so the other starts from the same rows."""


def _world():
    """Enquiries in one council, complaints in two more; cases at different rungs, a vacant
    post (its work falls to the line manager) and an officer involved in legal proceedings."""
    org = build_org()
    enquiries = [
        log(org, AS_OF, subject=f"Leak at {n} Elm Street", service_area=area)
        for n, area in enumerate([org.repairs, org.repairs, org.waste, org.repairs, org.waste])
    ]
    enquiries[1].involved_officers.add(org.housing_officer.holder)
    post_set_holder(post=org.housing_officer_2, holder=None)
    enquiries.append(log(org, AS_OF, subject="Leak at 9 Elm Street"))
    complaints = []
    for slug in ("complainshire", "othershire"):
        corg = build_complaint_org(slug=slug)
        complaints += [raise_about_officer(corg) for _ in range(3)]
    # Different rungs due at once: the reminder, the chase, the Director's or CE's escalation.
    # Each case's due date is put where its rung is the latest due at LATE (an earlier one
    # would be skipped as missed, not sent).
    for n, case in enumerate([*enquiries, *complaints]):
        rung = ladder_for(council=case.council, case_type=case.CASE_TYPE)[n % 3]
        calendar = calendar_for(case.council, case.CLOCK_CALENDAR)
        type(case).objects.filter(pk=case.pk).update(
            next_rung=n % 3,
            next_action_at=LATE - timedelta(hours=1),
            due_on=calendar.offset(LATE.date(), -rung.offset_working_days),
        )
    return org, enquiries, complaints


def _outcome(enquiries, complaints) -> dict:
    """Everything a rung leaves behind, by natural keys (ids of new rows differ run to run)."""
    cases = [*Enquiry.objects.filter(pk__in=[e.pk for e in enquiries])]
    cases += Complaint.objects.filter(pk__in=[c.pk for c in complaints])
    return {
        "messages": sorted(
            (
                m.key,
                m.subject,
                m.body,
                m.rung,
                m.created_at,
                tuple(sorted(m.recipients.values_list("username", flat=True))),
            )
            for m in OutboxMessage.objects.exclude(rung="")
        ),
        "events": sorted(
            (e.case_type.model, e.case_id, e.at, e.kind, e.summary, e.detail, e.visible_to_raiser)
            for e in CaseEvent.objects.filter(kind__startswith="chaser:")
        ),
        "cases": {
            (type(c).__name__, c.pk): (c.next_rung, c.next_action_at, c.breached_on, c.status)
            for c in cases
        },
        "history": {
            (type(c).__name__, c.pk): list(
                c.history.order_by("-history_id").values_list(
                    "history_change_reason", "next_rung", "breached_on"
                )[:2]
            )
            for c in cases
        },
        "grants": {
            (type(c).__name__, c.pk): sorted(
                (group.name, perm)
                for group, perms in get_groups_with_perms(c, attach_perms=True).items()
                for perm in perms
            )
            for c in cases
        },
        # Who may see each case now (casework.access): what a rung added, e.g. a chased post.
        "access": {
            (type(c).__name__, c.pk): sorted(
                CaseAccess.objects.filter(
                    case_type=ContentType.objects.get_for_model(c), case_id=c.pk
                ).values_list("audience", "post_id", "person_id", "perms", "since", "until")
            )
            for c in cases
        },
    }


@pytest.mark.django_db
def test_a_mixed_batch_fires_as_one_case_at_a_time_would():
    org, enquiries, complaints = _world()
    due = {label: cases_due(spec=spec_for(label), as_of=LATE) for label in (ENQUIRIES, COMPLAINTS)}
    assert (len(due[ENQUIRIES]), len(due[COMPLAINTS])) == (6, 6)

    try:
        with transaction.atomic():
            for label, pks in due.items():
                for pk in pks:
                    assert chaser_fire(spec=spec_for(label), pk=pk, as_of=LATE) is not None
            one_at_a_time = _outcome(enquiries, complaints)
            raise _UndoError
    except _UndoError:
        pass
    assert not OutboxMessage.objects.exclude(rung="").exists()

    fired = {}
    for label, pks in due.items():
        fired[label] = chasers_fire(spec=spec_for(label), pks=pks, as_of=LATE)
    batched = _outcome(enquiries, complaints)

    assert batched == one_at_a_time
    assert {len(v) for v in fired.values()} == {6}
    # The batch really was mixed: three rungs, three councils, a vacancy and an exclusion.
    assert {m[3] for m in batched["messages"]} >= {"reminder", "chase"}
    assert len({m[0].split(":")[0] for m in batched["messages"]}) == 2
    assert len({Complaint.objects.get(pk=c.pk).council_id for c in complaints}) == 2
    # Every rung left one attributed history entry with its reason.
    reasons = [rows[0][0] for rows in batched["history"].values()]
    assert all(reason.startswith("chaser ") for reason in reasons), reasons
    # The involved officer was not chased about the enquiry naming them.
    excluded = org.housing_officer.holder.username
    assert all(excluded not in m[5] for m in batched["messages"] if f":{enquiries[1].pk}:" in m[0])


@pytest.mark.django_db
def test_posts_are_chosen_in_memory_as_the_router_chooses_them():
    """`OrgPosts.of_kind` + `acting_post` picks the post `post_for` picks, for every kind, with
    and without a directorate, past a vacancy."""
    org, _, _ = _world()
    corg = build_complaint_org(slug="thirdshire")
    post_set_holder(post=corg.mo, holder=None)  # the deputy acts
    councils = [org.council, corg.council]
    posts = OrgPosts.load(council_ids=[c.pk for c in councils])
    checked = 0
    for council in councils:
        directorates = [None, *{p.directorate for p in Post.objects.filter(council=council)}]
        for kind in PostKind.values:
            for directorate in directorates:
                ctx = RoutingContext(council=council, directorate=directorate)
                expected = post_for(PostRef(kind, "case_directorate"), ctx)
                base = posts.of_kind(council.pk, kind, getattr(directorate, "pk", None))
                got = acting_post(base) if base is not None else None
                assert got == expected, (council.slug, kind, directorate)
                checked += 1
    assert checked > 50


def _due_enquiries(org, n: int, moment: datetime = LATE) -> list[int]:
    ids = [log(org, AS_OF, subject=f"Leak at {k} Elm Street").pk for k in range(n)]
    Enquiry.objects.filter(pk__in=ids).update(next_action_at=moment - timedelta(hours=1))
    return ids


def _queries(pks: list[int]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fired = chasers_fire(spec=spec_for(ENQUIRIES), pks=pks, as_of=LATE)
    assert len(fired) == len(pks)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_batch_costs_the_same_queries_whatever_its_size():
    org = build_org()
    small = _queries(_due_enquiries(org, 2))
    large = _queries(_due_enquiries(org, 20))
    # The one statement that may repeat is the database's own limit on a bulk insert: SQLite
    # takes 999 parameters, so 20 history rows of an enquiry (some 50 columns) go in two
    # INSERTs there; PostgreSQL takes them in one.
    history = Enquiry.history.model._meta.concrete_fields
    per_insert = connection.ops.bulk_batch_size(history, [None] * 20)
    extra = -(-20 // per_insert) - 1
    assert small <= 16, small
    assert large <= small + extra, (small, large, extra)
    # One enquiry alone (chaser_fire) costs no more than a batch either.
    one = _due_enquiries(org, 1)
    with CaptureQueriesContext(connection) as ctx:
        # LATE is past every rung: the last is sent, the three before it recorded as skipped.
        assert chaser_fire(spec=spec_for(ENQUIRIES), pk=one[0], as_of=LATE) == (
            "escalate-chief-executive"
        )
    assert len(ctx.captured_queries) <= small


@pytest.mark.django_db
def test_an_overlapping_batch_fires_nothing_twice():
    """A second sweep's batch that overlaps the first (or the first redelivered after its save
    was lost) writes no second message, timeline line or grant for a rung already fired."""
    org = build_org()
    ids = _due_enquiries(org, 6, REMINDER)
    spec = spec_for(ENQUIRIES)
    first = chasers_fire(spec=spec, pks=ids[:4], as_of=REMINDER)
    assert sorted(first) == sorted(ids[:4])
    # The first batch's save "lost" for two of its cases: they are due at the same rung again.
    Enquiry.objects.filter(pk__in=ids[2:4]).update(
        next_rung=0, next_action_at=REMINDER - timedelta(hours=1)
    )
    second = chasers_fire(spec=spec, pks=ids, as_of=REMINDER)  # overlaps the first entirely
    assert sorted(second) == sorted(ids[2:])
    assert chasers_fire(spec=spec, pks=ids, as_of=REMINDER) == {}  # and again: nothing due
    messages = Counter(OutboxMessage.objects.filter(rung="reminder").values_list("case_id"))
    events = Counter(CaseEvent.objects.filter(kind="chaser:reminder").values_list("case_id"))
    assert set(messages.values()) == {1}
    assert len(messages) == 6
    assert set(events.values()) == {1}
    assert len(events) == 6
    assert set(Enquiry.objects.filter(pk__in=ids).values_list("next_rung", flat=True)) == {1}


def test_a_sweep_is_shared_out_in_bounded_batches(settings):
    assert (settings.CHASER_SWEEP_SPREAD, settings.CHASER_BATCH_LEAST) == (4, 25)  # defaults
    assert sweep_batches([]) == []
    assert sweep_batches([1, 2, 3]) == [[1, 2, 3]]  # a batch's fixed cost: not three of them
    assert [len(b) for b in sweep_batches(list(range(100)))] == [25] * 4
    assert [len(b) for b in sweep_batches(list(range(60)))] == [25, 25, 10]
    assert [len(b) for b in sweep_batches(list(range(1000)))] == [250] * 4  # spread over 4
    assert [len(b) for b in sweep_batches(list(range(600)))] == [150] * 4
    sizes = [len(b) for b in sweep_batches(list(range(5000)))]
    assert max(sizes) == 250
    assert sum(sizes) == 5000
    settings.CHASER_SWEEP_SPREAD = 8
    assert [len(b) for b in sweep_batches(list(range(1000)))] == [125] * 8
    settings.CHASER_BATCH_LEAST = 1  # as the Celery fault tests' workers run
    assert sweep_batches([1, 2, 3]) == [[1], [2], [3]]
    assert [len(b) for b in sweep_batches(list(range(40)))] == [5] * 8
    assert [len(b) for b in sweep_batches(list(range(40)), least=10)] == [10] * 4


def test_the_sweep_spreads_over_as_many_batches_as_compose_runs_worker_processes(settings):
    """Each of docker-compose's worker processes takes one batch of a large sweep: the default
    spread is the worker's --concurrency."""
    from pathlib import Path

    compose = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    concurrency = re.search(r"celery -A protocol_portal worker --concurrency (\d+)", compose)
    assert concurrency is not None
    assert int(concurrency.group(1)) == settings.CHASER_SWEEP_SPREAD


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_batches_on_postgresql_fire_each_rung_once():
    """Four connections fire overlapping, shuffled batches of the same due enquiries at once:
    `select_for_update(skip_locked)` gives each case to one of them, and the outbox key makes
    any repeat a no-op."""
    from tests.services import require_services

    require_services()
    org = build_org()
    ids = _due_enquiries(org, 24, REMINDER)
    spec = spec_for(ENQUIRIES)
    start = threading.Barrier(4)
    fired: list[dict[int, str]] = []
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        try:
            mine = list(ids)
            random.Random(seed).shuffle(mine)
            start.wait(timeout=30)
            for batch in sweep_batches(mine, spread=3, least=1):
                fired.append(chasers_fire(spec=spec, pks=batch, as_of=REMINDER))
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    by_case = Counter(pk for result in fired for pk in result)
    assert sorted(by_case) == sorted(ids)
    assert set(by_case.values()) == {1}
    messages = Counter(OutboxMessage.objects.filter(rung="reminder").values_list("case_id"))
    events = Counter(CaseEvent.objects.filter(kind="chaser:reminder").values_list("case_id"))
    assert len(messages) == len(events) == len(ids)
    assert set(messages.values()) == set(events.values()) == {1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("update_from", "arrays"),
    [(True, True), (True, False), (False, True)],
    ids=["values-join", "values-join-without-arrays", "bulk_update"],
)
def test_rows_update_stores_each_rows_own_values_in_one_statement(update_from, arrays, monkeypatch):
    """The batch's UPDATE: each row gets its own values (a date, a time, a number, a post, and
    NULL beside a value in the same column), other columns and other rows are untouched. On
    PostgreSQL the values travel as one array a column, or, where a column cannot, as a VALUES
    list cast to the columns' types. A database without UPDATE ... FROM (SQLite before 3.33)
    gets Django's bulk_update instead."""
    from protocol_portal.casework import rows
    from protocol_portal.casework.rows import rows_update

    if not update_from:
        monkeypatch.setattr(rows, "_has_update_from", lambda: False)
    if not arrays:
        monkeypatch.setattr(rows, "_unnestable", lambda field: False)
    assert rows._has_update_from() is update_from  # both databases here have it

    org = build_org()
    a, b, c = (log(org, AS_OF, subject=f"Leak at {n} Elm Street") for n in range(3))
    untouched = Enquiry.objects.values_list("subject", "due_on").get(pk=c.pk)
    a.breached_on, a.next_rung, a.next_action_at = AS_OF.date(), 2, LATE
    a.owner_post = org.housing_manager
    b.breached_on, b.next_rung, b.next_action_at = None, 5, None
    b.owner_post = org.env_officer
    a.subject = b.subject = "Not asked to be stored"
    names = ["breached_on", "next_rung", "next_action_at", "owner_post"]
    with CaptureQueriesContext(connection) as ctx:
        rows_update([a, b], names)
    assert len(ctx.captured_queries) == 1
    rows = {
        pk: rest
        for pk, *rest in Enquiry.objects.filter(pk__in=[a.pk, b.pk]).values_list(
            "pk", "breached_on", "next_rung", "next_action_at", "owner_post", "subject"
        )
    }
    assert rows[a.pk][:4] == [AS_OF.date(), 2, LATE, org.housing_manager.pk]
    assert rows[b.pk][:4] == [None, 5, None, org.env_officer.pk]
    assert "Not asked" not in rows[a.pk][4] + rows[b.pk][4]
    assert Enquiry.objects.values_list("subject", "due_on").get(pk=c.pk) == untouched


@pytest.mark.django_db
def test_history_copied_by_the_database_is_what_bulk_history_create_writes():
    """A rung's history entries are copied from the rows just written (`history_rows_copy`):
    every column as simple-history's own `bulk_history_create` writes it for the same cases,
    with each case's change reason, date and user."""
    org = build_org()
    ids = _due_enquiries(org, 3)
    cases = list(Enquiry.objects.filter(pk__in=ids).order_by("pk"))
    for n, case in enumerate(cases):
        case._change_reason = f"chaser reminder {n}"
        case._history_date = LATE + timedelta(minutes=n)
    cases[1]._history_user = org.housing_officer.holder
    history = Enquiry.history.model

    def written() -> list[dict]:
        rows = history.objects.filter(id__in=ids, history_type="~").order_by("id").values()
        return [{k: v for k, v in row.items() if k != "history_id"} for row in rows]

    with transaction.atomic():
        Enquiry.history.bulk_history_create(cases, update=True)
        expected = written()
        history.objects.filter(id__in=ids, history_type="~").delete()
        history_rows_copy(Enquiry, cases)
        copied = written()
    assert len(copied) == 3
    assert copied == expected
    assert [row["history_user_id"] for row in copied] == [None, cases[1]._history_user.pk, None]


def _drafts(org, keys: list[str], people) -> list:
    from protocol_portal.casework.services import OutboxDraft

    return [
        OutboxDraft(
            key=key,
            council_id=org.council.pk,
            case=None,
            subject=f"About {key}",
            body="Body",
            recipients=list(people),
        )
        for key in keys
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("returning", [True, False], ids=["insert-returning", "look-up-first"])
def test_outbox_write_many_writes_each_key_once(returning, monkeypatch):
    """A batch of messages: each key written once with a notice for each recipient; a key
    already in the outbox is left as it was, gets no notice and is not returned; a batch of
    one whose key is taken writes nothing. With INSERT ... RETURNING (both databases here) the
    messages are one statement; without it the keys are looked up first and read back."""
    from protocol_portal.casework.models import Notice
    from protocol_portal.casework.services import outbox_write_many

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", returning)
    org = build_org()
    people = [org.housing_manager.holder, org.env_officer.holder]
    first = outbox_write_many(drafts=_drafts(org, ["a", "b"], people), at=AS_OF)
    assert sorted(first) == ["a", "b"]
    assert all(message.pk for message in first.values())
    OutboxMessage.objects.filter(key="a").update(subject="Kept as written")
    with CaptureQueriesContext(connection) as ctx:
        again = outbox_write_many(drafts=_drafts(org, ["a", "c", "d"], people[:1]), at=AS_OF)
    assert sorted(again) == ["c", "d"]
    assert again["c"] == OutboxMessage.objects.get(key="c")
    writes = [q for q in ctx.captured_queries if "casework_outboxmessage" in q["sql"]]
    assert len(writes) == (1 if returning else 3)
    assert OutboxMessage.objects.get(key="a").subject == "Kept as written"
    notices = Counter(Notice.objects.values_list("message__key", flat=True))
    assert notices == {"a": 2, "b": 2, "c": 1, "d": 1}
    assert outbox_write_many(drafts=_drafts(org, ["d"], people), at=AS_OF) == {}
    assert Notice.objects.filter(message__key="d").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_writers_racing_on_a_key_write_it_once_on_postgresql():
    """Two transactions write the same key at once, neither holding a lock on a case: the one
    that inserts second waits for the first to commit, skips the key and writes no notice, so
    the message cannot be sent twice."""
    from protocol_portal.casework.models import Notice
    from protocol_portal.casework.services import outbox_write_many
    from tests.services import require_services

    require_services()
    org = build_org()
    people = [org.housing_manager.holder]
    inserted, release = threading.Event(), threading.Event()
    results: list[dict] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results.append(outbox_write_many(drafts=_drafts(org, ["race"], people), at=AS_OF))
                inserted.set()
                release.wait(timeout=30)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            inserted.wait(timeout=30)
            with transaction.atomic():
                results.append(outbox_write_many(drafts=_drafts(org, ["race"], people), at=AS_OF))
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(timeout=2)
    assert threads[1].is_alive()  # waiting on the first transaction's uncommitted key
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert [sorted(r) for r in results] == [["race"], []]
    assert OutboxMessage.objects.filter(key="race").count() == 1
    assert Notice.objects.filter(message__key="race").count() == 1
