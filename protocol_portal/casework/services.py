"""Shared writes for every case type: references, timeline, clocks, outbox, access grants."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet

from protocol_portal.casework.compiled import Compiled
from protocol_portal.casework.models import Case, CaseEvent, Notice, OutboxMessage, ReferenceCounter
from protocol_portal.casework.references import reference_format
from protocol_portal.casework.rows import rows_insert
from protocol_portal.org.calendars import calendar_for, due_for
from protocol_portal.org.models import (
    ChaserRung,
    Council,
    Person,
    Post,
    council_code_from_slug,
)

CHASE_HOUR = time(7, 0)


def local_morning(day: date) -> datetime:
    """07:00 UK time on `day`: when a chaser rung for that day becomes due."""
    return datetime.combine(day, CHASE_HOUR, tzinfo=ZoneInfo(settings.TIME_ZONE))


def reference_next(*, council: Council, prefix: str, year: int) -> str:
    """The next case reference, e.g. HAC-ENQ-2026-00042 (gap-free per council, type and year)."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(
        council=council, prefix=prefix, year=year
    )
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    code = council.reference_code or council_code_from_slug(council.slug)
    return reference_format(code=code, prefix=prefix, year=year, number=counter.last)


def event_record(
    *,
    case: Case,
    at: datetime,
    actor: Person | None,
    kind: str,
    summary: str,
    detail: str = "",
    visible_to_raiser: bool = True,
) -> CaseEvent:
    """Add a line to the case's timeline."""
    event = event_row(
        case=case,
        at=at,
        actor=actor,
        kind=kind,
        summary=summary,
        detail=detail,
        visible_to_raiser=visible_to_raiser,
    )
    event.save()
    return event


def event_row(
    *,
    case: Case,
    at: datetime,
    actor: Person | None,
    kind: str,
    summary: str,
    detail: str = "",
    visible_to_raiser: bool = True,
) -> CaseEvent:
    """A timeline line, unsaved: `event_record` saves one, the chaser sweep bulk-creates many."""
    return CaseEvent(
        council_id=case.council_id,
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        at=at,
        actor=actor,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        visible_to_raiser=visible_to_raiser,
    )


def _timeline(*, case_type: int, case: int) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case_type_id=case_type, case_id=case).select_related("actor")


# Compiled once each (casework.compiled): every case page reads one.
_TIMELINE = Compiled(_timeline)
_RAISER_TIMELINE = Compiled(lambda **ids: _timeline(**ids).filter(visible_to_raiser=True))


def timeline_for(*, case: Case, raiser_view: bool = False) -> list[CaseEvent]:
    """The case's timeline in order (one query); the raiser sees only what is meant for them."""
    read = _RAISER_TIMELINE if raiser_view else _TIMELINE
    return read.objects(case_type=ContentType.objects.get_for_model(case).pk, case=case.pk)


def ladder_for(*, council: Council, case_type: str) -> list[ChaserRung]:
    return list(ChaserRung.objects.filter(council=council, case_type=case_type).order_by("order"))


def ladders_for(*, council_ids: Iterable[int], case_type: str) -> dict[int, list[ChaserRung]]:
    """Each council's chaser ladder for one case type, in rung order (one query)."""
    ladders: dict[int, list[ChaserRung]] = {pk: [] for pk in council_ids}
    rungs = ChaserRung.objects.filter(council_id__in=ladders, case_type=case_type)
    for rung in rungs.order_by("council_id", "order"):
        ladders[rung.council_id].append(rung)
    return ladders


def clock_schedule(*, case: Case, ladder: list[ChaserRung] | None = None) -> None:
    """Set when the next chaser rung is due (07:00 on the rung's working day), or none."""
    if case.due_on is None or case.clock_paused_on is not None or case.closed_at is not None:
        case.next_action_at = None
        return
    if ladder is None:
        ladder = ladder_for(council=case.council, case_type=case.CASE_TYPE)
    if case.next_rung >= len(ladder):
        case.next_action_at = None
        return
    rung = ladder[case.next_rung]
    day = calendar_for(case.council, case.CLOCK_CALENDAR).offset(
        case.due_on, rung.offset_working_days
    )
    case.next_action_at = local_morning(day)


def clock_start(*, case: Case, received_on: date, days: int, calendar: str | None = None) -> None:
    """Start the clock: due = the limit's last day, counted from receipt by the council's
    `clock_day_one` setting (`org.calendars.due_for`; FOI: the day after receipt is day one)."""
    case.received_on = received_on
    case.due_on = due_for(case.council, calendar or case.CLOCK_CALENDAR, received_on, days)
    case.next_rung = 0
    case.breached_on = None
    clock_schedule(case=case)


def clock_pause(*, case: Case, on: date) -> None:
    """Stop the clock while the officer waits for the member (e.g. clarification)."""
    if case.clock_paused_on is None:
        case.clock_paused_on = on
        case.next_action_at = None


def clock_resume(*, case: Case, on: date) -> int:
    """Restart the clock: the due date moves by the working days the clock stood still."""
    if case.clock_paused_on is None:
        return 0
    calendar = calendar_for(case.council, case.CLOCK_CALENDAR)
    lost = max(calendar.count(case.clock_paused_on, on), 0)
    if case.due_on is not None and lost:
        case.due_on = calendar.add(case.due_on, lost)
    case.clock_paused_on = None
    clock_schedule(case=case)
    return lost


@dataclass
class OutboxDraft:
    """One notification for `outbox_write_many`: what `outbox_write` takes, unsaved."""

    key: str
    council_id: int
    case: Case | None
    subject: str
    body: str
    recipients: list[Person] = field(default_factory=list)
    rung: str = ""


def outbox_write(
    *,
    key: str,
    council: Council,
    case: Case | None,
    subject: str,
    body: str,
    recipients: Iterable[Person],
    at: datetime,
    rung: str = "",
) -> OutboxMessage | None:
    """Queue a notification once per business key; None if that key was already written.

    Delivery (email) happens after the surrounding transaction commits.
    """
    draft = OutboxDraft(
        key=key,
        council_id=council.pk,
        case=case,
        subject=subject,
        body=body,
        recipients=list(recipients),
        rung=rung,
    )
    message = _outbox_row(draft, at)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None
    Notice.objects.bulk_create(_notices(message, draft))
    from protocol_portal.casework.tasks import deliver_outbox_message

    transaction.on_commit(lambda: deliver_outbox_message.delay(message.pk))
    return message


def _outbox_row(draft: OutboxDraft, at: datetime) -> OutboxMessage:
    case = draft.case
    return OutboxMessage(
        key=draft.key,
        council_id=draft.council_id,
        case_type=ContentType.objects.get_for_model(case) if case is not None else None,
        case_id=case.pk if case is not None else None,
        rung=draft.rung,
        subject=draft.subject[:300],
        body=draft.body,
        created_at=at,
    )


def _notices(message: OutboxMessage, draft: OutboxDraft) -> list[Notice]:
    """One notice per person the draft names (each once, the missing skipped)."""
    people = dict.fromkeys(p.pk for p in draft.recipients if p is not None)
    return [Notice(message=message, person_id=pk) for pk in people]


def outbox_write_many(*, drafts: Sequence[OutboxDraft], at: datetime) -> dict[str, OutboxMessage]:
    """Queue many notifications, each once per business key, in a fixed number of queries;
    returns the messages actually written, by key (a key already in the outbox is left alone).

    The messages are one INSERT ... ON CONFLICT DO NOTHING RETURNING: the database skips a key
    already written and hands back the id of each row it did write, so a key is never sent
    twice, even by two transactions racing on it, and the outbox is not read first or after
    (two of a chaser batch's statements fewer: bench/README.md, "Chaser firing, batched").
    Without RETURNING after ON CONFLICT it looks the keys up, inserts and reads the ids back;
    there the callers' row locks on the cases the keys name keep a racing writer out, and the
    unique key and `ignore_conflicts` stay the last line of defence. Delivery is one task for
    the lot, published after the surrounding transaction commits.
    """
    wanted = {draft.key: draft for draft in drafts}
    if not wanted:
        return {}
    rows = {key: _outbox_row(draft, at) for key, draft in wanted.items()}
    if connection.features.can_return_rows_from_bulk_insert:
        written = _outbox_insert_returning(list(rows.values()))
    else:
        taken = set(OutboxMessage.objects.filter(key__in=wanted).values_list("key", flat=True))
        fresh = [row for key, row in rows.items() if key not in taken]
        OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
        written = {
            message.key: message
            for message in OutboxMessage.objects.filter(key__in=[m.key for m in fresh]).order_by()
        }
    if not written:
        return {}
    rows_insert(
        [
            notice
            for key, draft in wanted.items()
            if key in written
            for notice in _notices(written[key], draft)
        ]
    )
    from protocol_portal.casework.tasks import deliver_outbox_messages

    ids = sorted(message.pk for message in written.values())
    transaction.on_commit(lambda: deliver_outbox_messages.delay(ids))
    return written


def _outbox_insert_returning(rows: list[OutboxMessage]) -> dict[str, OutboxMessage]:
    """Insert these messages but any whose key is already in the outbox, with RETURNING
    (`rows_insert`); the rows written, their ids set, by key."""
    by_key = {row.key: row for row in rows}
    written: dict[str, OutboxMessage] = {}
    for pk, key in rows_insert(rows, ignore_conflicts=True, returning=["id", "key"]):
        row = by_key[key]
        row.pk = pk
        row._state.adding, row._state.db = False, connection.alias
        written[key] = row
    return written


def holders(posts: Iterable[Post | None]) -> list[Person]:
    """The people holding these posts (vacant ones skipped)."""
    return [post.holder for post in posts if post is not None and post.holder is not None]


def notice_mark_read(*, notice: Notice, as_of: datetime) -> Notice:
    """A notice is read when its recipient opens it; opening it again changes nothing (the
    first reading is the one kept)."""
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=as_of)
        notice.read_at = as_of
    return notice
