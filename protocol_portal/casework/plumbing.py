"""The plumbing every case type's services share (the case-type kit, code review A8).

A service of any case app does the same six things around its own rules: it locks the case,
checks the move against its app's table of legal moves, saves with who and why (simple-history),
adds a line to the timeline, tells people through the outbox, and works out the council's day
from the `as_of` it was given. These are those six, written once::

    case = locked(case, "council", "owner_post")
    if not move(case, Status.CLOSED, table=TRANSITIONS):
        return case                                   # already closed: a repeat is a no-op
    case.status = Status.CLOSED
    save(case, actor=actor, reason="closed")
    event(case, actor=actor, as_of=as_of, kind="closed", summary="Closed")
    tell(case, key="closed", subject="closed", body="...", recipients=[...], as_of=as_of)

`close` is the move, save and event above for a status that ends the case (withdrawn, closed),
with `closed_at` stamped and the clock stopped; `withdraw` is the lock and that `close` for the
raiser withdrawing, with their reason.

No function here reads the clock (STYLE 9) or names a case app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TypeVar

from django.db import models
from django.utils import timezone

from protocol_portal.casework.models import Case, CaseEvent, OutboxMessage
from protocol_portal.casework.receipt import received_text
from protocol_portal.casework.services import clock_schedule, event_record, outbox_write
from protocol_portal.casework.transitions import check_transition
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import Person

C = TypeVar("C", bound=models.Model)

# simple-history's `history_change_reason` column is 100 characters.
REASON_MAX = 100


def today(as_of: datetime) -> date:
    """The council's day at `as_of` (its time zone, settings.TIME_ZONE), not UTC's."""
    return timezone.localdate(as_of)


def locked(case: C, *related: str) -> C:
    """The case read again under a row lock, with `related` joined, so that concurrent actions
    and the chaser sweep on one case take turns (a no-op lock on SQLite)."""
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
    return (
        type(case)
        ._default_manager.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=case.pk)
    )


def lock_fresh(case: C) -> C:
    """Take the case's row lock and bring the caller's own instance up to date under it (what
    `locked` does, without a new object): two people acting on one case at once take turns,
    and the second's transition check sees the first's status (a no-op lock on SQLite). One
    query: Django's refresh read through a locking queryset."""
    case.refresh_from_db(from_queryset=type(case)._default_manager.select_for_update())
    return case


def save(obj: models.Model, *, actor: Person | None, reason: str, **save_kwargs) -> None:
    """Save with who and why on the history row (STYLE 5), even from a Celery task."""
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason.strip()[:REASON_MAX]  # type: ignore[attr-defined]
    obj.save(**save_kwargs)


def move(
    case: models.Model,
    target: str,
    *,
    table: Mapping[str, frozenset[str]],
    field: str = "status",
) -> bool:
    """True if the case must move to `target`; False if it is already there (a repeat is a
    no-op). Raises `TransitionError` (the API's 409) when the table does not allow the move."""
    return check_transition(table=table, current=getattr(case, field), target=target)


def event(
    case: Case,
    *,
    actor: Person | None,
    as_of: datetime,
    kind: str,
    summary: str,
    detail: str = "",
    to_raiser: bool = True,
) -> CaseEvent:
    """A line on the case's timeline; `to_raiser=False` keeps it from the raiser's view."""
    return event_record(
        case=case,
        at=as_of,
        actor=actor,
        kind=kind,
        summary=summary,
        detail=detail,
        visible_to_raiser=to_raiser,
    )


def tell(
    case: Case,
    *,
    key: str,
    subject: str,
    body: str,
    recipients: Iterable[Person | None],
    as_of: datetime,
) -> OutboxMessage | None:
    """Queue a notice about the case, once per `key` (the outbox key is the case's model label,
    its id and `key`); the subject starts with the case's reference. Sent after commit."""
    return outbox_write(
        key=f"{case._meta.label}:{case.pk}:{key}",
        council=case.council,
        case=case,
        subject=f"{case.reference}: {subject}",
        body=body,
        recipients=[person for person in recipients if person is not None],
        at=as_of,
    )


def tell_logged_for(
    case: Case,
    *,
    raiser: Person,
    actor: Person,
    as_of: datetime,
    noun: str,
    what: str,
    then: str,
) -> OutboxMessage | None:
    """Tell the member that a case was logged for them by someone else (member services, an
    officer): "Your <what>, received <when>, was logged for you by <actor>. <then>", under the
    subject "your <noun> has been logged". Nothing when they logged it themselves."""
    if actor.pk == raiser.pk:
        return None
    return tell(
        case,
        key="logged-for-you",
        subject=f"your {noun} has been logged",
        body=f"Your {what}, received {received_text(case)}, was logged for you by {actor}. {then}",
        recipients=[raiser],
        as_of=as_of,
    )


def close(
    case: Case,
    target: str,
    *,
    table: Mapping[str, frozenset[str]],
    actor: Person | None,
    as_of: datetime,
    kind: str,
    summary: str,
    detail: str = "",
    keep_due: bool = True,
) -> bool:
    """Move a locked case to the closing status `target`: closed now, no more chasers
    (`clock_stop`), saved with `kind` as the reason and a timeline line. False, writing nothing,
    if it is already there; `TransitionError` where the table forbids the move."""
    if not move(case, target, table=table):
        return False
    case.status = target
    case.closed_at = as_of
    clock_stop(case, keep_due=keep_due)
    save(case, actor=actor, reason=kind)
    event(case, actor=actor, as_of=as_of, kind=kind, summary=summary, detail=detail)
    return True


def withdraw(
    case: C,
    target: str,
    *,
    table: Mapping[str, frozenset[str]],
    related: Iterable[str] = (),
    actor: Person | None,
    reason: str,
    as_of: datetime,
    keep_due: bool = True,
) -> C:
    """The raiser withdraws the case, saying why: `close` to `target` (their status for
    withdrawn) under a row lock, as "withdrawn" on the timeline with the reason. Returns the case
    as it now is; a repeat writes nothing. Call it inside the service's transaction."""
    case = locked(case, *related)
    close(
        case,
        target,
        table=table,
        actor=actor,
        as_of=as_of,
        kind="withdrawn",
        summary="Withdrawn",
        detail=reason.strip(),
        keep_due=keep_due,
    )
    return case


def clock_restart(case: Case, *, on: date, days: int, calendar: str | None = None) -> None:
    """A new stage's clock: due `days` working days after `on`, no breach yet, and the chaser
    ladder from its first rung (a new cycle, so the outbox keys of the old one do not block it)."""
    case.due_on = calendar_for(case.council, calendar or case.CLOCK_CALENDAR).add(on, days)
    case.breached_on = None
    case.clock_cycle += 1
    case.next_rung = 0
    clock_schedule(case=case)


def clock_stop(case: Case, *, keep_due: bool = True) -> None:
    """No more chasers for this case; `keep_due=False` also clears the due date (a case type
    whose due date means "the next deadline" has none once the work is done)."""
    case.next_action_at = None
    if not keep_due:
        case.due_on = None
