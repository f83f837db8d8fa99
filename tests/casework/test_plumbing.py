"""The kernel's service plumbing (`casework.plumbing`): what every case type's services share.

An enquiry is the case these run on; the plumbing itself names no case app.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework import status

from enquiries.models import Enquiry
from enquiries.states import TRANSITIONS, Status
from protocol_portal.api import exception_handler
from protocol_portal.casework import plumbing
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.services import timeline_for
from protocol_portal.casework.transitions import TransitionError
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


def test_today_is_the_councils_day_not_utcs():
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    assert plumbing.today(datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == date(2026, 7, 1)


def test_a_move_the_table_allows_happens_and_a_repeat_is_a_no_op(org, as_of):
    enquiry = log(org, as_of)
    assert plumbing.move(enquiry, Status.IN_PROGRESS, table=TRANSITIONS) is True
    enquiry.status = Status.IN_PROGRESS
    assert plumbing.move(enquiry, Status.IN_PROGRESS, table=TRANSITIONS) is False


def test_a_move_the_table_forbids_is_the_conflict_the_api_answers_409(org, as_of):
    enquiry = log(org, as_of)
    enquiry.status = Status.REFERRED_COMPLAINT  # only closing is left
    with pytest.raises(TransitionError, match="cannot become") as refused:
        plumbing.move(enquiry, Status.IN_PROGRESS, table=TRANSITIONS)
    response = exception_handler(refused.value, {})
    assert response.status_code == status.HTTP_409_CONFLICT
    assert "cannot become" in response.data["detail"]


def test_save_records_who_and_why_in_the_history(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    enquiry.subject = "Boiler, again"
    plumbing.save(enquiry, actor=officer, reason="  subject corrected  ")
    latest = enquiry.history.latest()
    assert latest.history_user == officer
    assert latest.history_change_reason == "subject corrected"
    assert latest.subject == "Boiler, again"


def test_save_keeps_a_long_reason_within_the_history_column(org, as_of):
    enquiry = log(org, as_of)
    plumbing.save(enquiry, actor=None, reason="x" * 500)
    assert enquiry.history.latest().history_change_reason == "x" * plumbing.REASON_MAX


def test_event_is_a_timeline_line_that_can_be_kept_from_the_raiser(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    plumbing.event(enquiry, actor=officer, as_of=as_of, kind="note", summary="Called the landlord")
    plumbing.event(
        enquiry, actor=officer, as_of=as_of, kind="note", summary="Internal", to_raiser=False
    )
    mine = [e.summary for e in timeline_for(case=enquiry, raiser_view=True)]
    everything = [e.summary for e in timeline_for(case=enquiry)]
    assert "Called the landlord" in mine
    assert "Internal" not in mine
    assert "Internal" in everything
    assert CaseEvent.objects.get(summary="Internal").actor == officer


def test_tell_queues_one_notice_per_key_with_the_reference_in_the_subject(org, as_of):
    enquiry = log(org, as_of)
    member = org.raiser.person
    first = plumbing.tell(
        enquiry,
        key="test:1",
        subject="a test",
        body="Hello",
        recipients=[member, None],
        as_of=as_of,
    )
    again = plumbing.tell(
        enquiry, key="test:1", subject="a test", body="Hello", recipients=[member], as_of=as_of
    )
    assert first is not None
    assert again is None
    message = OutboxMessage.objects.get(key=f"enquiries.Enquiry:{enquiry.pk}:test:1")
    assert message.subject == f"{enquiry.reference}: a test"
    assert [n.person for n in message.notices.all()] == [member]


def test_clock_restart_starts_a_new_cycle_from_the_first_rung(org, as_of):
    enquiry = log(org, as_of)
    enquiry.next_rung, enquiry.breached_on = 2, enquiry.received_on
    cycle = enquiry.clock_cycle
    plumbing.clock_restart(enquiry, on=date(2026, 3, 9), days=10)
    assert enquiry.due_on == date(2026, 3, 23)  # ten working days after Monday 9 March
    assert (enquiry.next_rung, enquiry.breached_on, enquiry.clock_cycle) == (0, None, cycle + 1)
    assert enquiry.next_action_at is not None


def test_clock_stop_ends_the_chasers_and_may_keep_the_due_date(org, as_of):
    enquiry = log(org, as_of)
    due = enquiry.due_on
    plumbing.clock_stop(enquiry)
    assert (enquiry.next_action_at, enquiry.due_on) == (None, due)
    plumbing.clock_stop(enquiry, keep_due=False)
    assert enquiry.due_on is None


def test_close_stamps_stops_saves_and_records_once(org, as_of):
    enquiry = log(org, as_of)
    actor = enquiry.member.person
    later = as_of + timedelta(hours=2)
    closed = plumbing.close(
        enquiry,
        Status.CLOSED,
        table=TRANSITIONS,
        actor=actor,
        as_of=later,
        kind="closed",
        summary="Closed",
        detail="Sorted.",
        keep_due=False,
    )
    enquiry.refresh_from_db()
    assert closed is True
    assert (enquiry.status, enquiry.closed_at) == (Status.CLOSED, later)
    assert (enquiry.next_action_at, enquiry.due_on) == (None, None)
    latest = enquiry.history.first()
    assert (latest.history_user, latest.history_change_reason) == (actor, "closed")
    [line] = [e for e in timeline_for(case=enquiry) if e.kind == "closed"]
    assert (line.summary, line.detail, line.at) == ("Closed", "Sorted.", later)
    # A repeat writes nothing.
    again = dict(table=TRANSITIONS, actor=actor, as_of=later, kind="closed", summary="Closed")
    assert plumbing.close(enquiry, Status.CLOSED, **again) is False
    assert [e.kind for e in timeline_for(case=enquiry)].count("closed") == 1


def test_locked_reads_the_case_again_with_what_it_joins(org, as_of, django_assert_num_queries):
    enquiry = log(org, as_of)
    Enquiry.objects.filter(pk=enquiry.pk).update(subject="Changed elsewhere")
    with transaction.atomic(), django_assert_num_queries(1):
        fresh = plumbing.locked(enquiry, "council", "owner_post")
        assert fresh.council.pk == org.council.pk
        assert fresh.owner_post is not None
    assert fresh.subject == "Changed elsewhere"


@pytest.mark.django_db(transaction=True)
def test_locked_holds_the_row_until_the_transaction_ends(org, as_of):
    """On PostgreSQL another connection cannot take the case while it is locked (SQLite ignores
    `select_for_update`, so this is proved on PostgreSQL only)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite ignores select_for_update: run with DATABASE_URL=postgres://...")
    enquiry = log(org, as_of)
    seen: list[str] = []

    def other_connection() -> None:
        try:
            with transaction.atomic():
                Enquiry.objects.select_for_update(nowait=True).get(pk=enquiry.pk)
            seen.append("took it")
        except DatabaseError:
            seen.append("locked")
        finally:
            connection.close()

    with transaction.atomic():
        plumbing.locked(enquiry, "council")
        thread = threading.Thread(target=other_connection)
        thread.start()
        thread.join(timeout=timedelta(seconds=30).total_seconds())
    after = threading.Thread(target=other_connection)
    after.start()
    after.join(timeout=30)
    assert seen == ["locked", "took it"]
