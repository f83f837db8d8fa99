"""The chaser ladder on enquiries: every rung at its moment, exactly once, across a bank holiday
and a pause, with the clock frozen and `as_of` passed explicitly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from enquiries import services
from enquiries.permissions import ACT, VIEW, can
from enquiries.states import Status
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.tasks import fire_chaser, sweep_due_chasers
from protocol_portal.org.models import PostKind
from tests.conftest import LONDON, build_org
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def sweep(moment: datetime, times: int = 1) -> None:
    with time_machine.travel(moment, tick=False):
        for _ in range(times):
            sweep_due_chasers(moment.isoformat())


def rung_messages(enquiry) -> list[str]:
    return list(
        OutboxMessage.objects.filter(case_id=enquiry.pk)
        .exclude(rung="")
        .order_by("created_at", "pk")
        .values_list("rung", flat=True)
    )


def recipients(enquiry, rung: str) -> set[str]:
    message = OutboxMessage.objects.get(case_id=enquiry.pk, rung=rung)
    return set(message.recipients.values_list("username", flat=True))


def test_the_enquiry_type_is_registered_with_the_kernel():
    assert spec_for("enquiries.Enquiry").on_rung is services.enquiry_on_rung


def test_every_rung_fires_at_its_moment_and_only_then(org, as_of):
    enquiry = log(org, as_of)  # received Monday 2 March, due Monday 16 March
    assert enquiry.next_action_at == at(date(2026, 3, 12))
    sweep(at(date(2026, 3, 12)) - timedelta(minutes=1))
    assert rung_messages(enquiry) == []

    sweep(at(date(2026, 3, 12)), times=3)
    assert rung_messages(enquiry) == ["reminder"]
    assert recipients(enquiry, "reminder") == {"housing-officer"}
    enquiry.refresh_from_db()
    assert enquiry.breached_on is None
    assert enquiry.next_action_at == at(date(2026, 3, 17))

    sweep(at(date(2026, 3, 16), 23), times=2)  # the due day itself: no breach yet
    assert rung_messages(enquiry) == ["reminder"]

    sweep(at(date(2026, 3, 17)), times=3)
    assert rung_messages(enquiry) == ["reminder", "chase"]
    assert recipients(enquiry, "chase") == {"housing-officer", "housing-manager"}
    enquiry.refresh_from_db()
    assert enquiry.breached_on == date(2026, 3, 17)
    assert enquiry.is_overdue

    sweep(at(date(2026, 3, 19)), times=3)
    assert recipients(enquiry, "escalate-director") == {"housing-director"}
    sweep(at(date(2026, 3, 30)), times=3)
    assert recipients(enquiry, "escalate-chief-executive") == {"chief-executive"}
    assert rung_messages(enquiry) == [
        "reminder",
        "chase",
        "escalate-director",
        "escalate-chief-executive",
    ]
    enquiry.refresh_from_db()
    assert enquiry.next_action_at is None
    assert enquiry.breached_on == date(2026, 3, 17)  # the first breach is kept
    events = CaseEvent.objects.filter(case_id=enquiry.pk, kind__startswith="chaser:")
    assert [e.kind for e in events] == [
        "chaser:reminder",
        "chaser:chase",
        "chaser:escalate-director",
        "chaser:escalate-chief-executive",
    ]
    assert not any(e.visible_to_raiser for e in events)


def test_repeated_sweeps_long_after_send_only_the_rung_due_now_exactly_once(org, as_of):
    """After the beat was down past every rung, the first sweep sends the last rung only and
    records the three passed over; the nine sweeps after it send nothing (issue 12, item 6)."""
    enquiry = log(org, as_of)
    late = at(date(2026, 4, 20))
    sweep(late, times=10)
    assert rung_messages(enquiry) == ["escalate-chief-executive"]
    skipped = CaseEvent.objects.get(case_id=enquiry.pk, kind="chasers_skipped")
    assert "'reminder', 'chase' and 'escalate-director' not sent" in skipped.summary
    assert not OutboxMessage.objects.filter(case_id=enquiry.pk, rung="chase").exists()


def test_firing_the_same_rung_again_is_a_no_op(org, as_of):
    enquiry = log(org, as_of)
    moment = at(date(2026, 3, 12))
    with time_machine.travel(moment, tick=False):
        first = fire_chaser("enquiries.Enquiry", enquiry.pk, moment.isoformat())
        again = fire_chaser("enquiries.Enquiry", enquiry.pk, moment.isoformat())
    assert first == "reminder"
    assert again is None
    assert rung_messages(enquiry) == ["reminder"]


def test_a_redelivered_rung_after_a_lost_save_writes_no_second_message(org, as_of):
    """The outbox key (case, cycle, rung) holds even if the case row was not moved on."""
    enquiry = log(org, as_of)
    moment = at(date(2026, 3, 12))
    sweep(moment)
    # Simulate a worker that wrote the message but whose ladder update was lost.
    type(enquiry).objects.filter(pk=enquiry.pk).update(next_rung=0, next_action_at=moment)
    sweep(moment, times=2)
    assert OutboxMessage.objects.filter(case_id=enquiry.pk, rung="reminder").count() == 1


def test_a_bank_holiday_moves_the_due_date_and_the_rungs(org, as_of):
    # Received Monday 23 March 2026: Good Friday (3 April) and Easter Monday (6 April) are not
    # working days, so ten working days run to Wednesday 8 April.
    received = as_of.replace(day=23)
    enquiry = log(org, received)
    assert enquiry.due_on == date(2026, 4, 8)
    # Two working days before 8 April, stepping over Easter Monday and Good Friday: 2 April.
    assert enquiry.next_action_at == at(date(2026, 4, 2))
    sweep(at(date(2026, 4, 2)), times=2)
    assert rung_messages(enquiry) == ["reminder"]
    sweep(at(date(2026, 4, 8), 23), times=2)
    assert rung_messages(enquiry) == ["reminder"]
    sweep(at(date(2026, 4, 9)), times=2)
    assert rung_messages(enquiry) == ["reminder", "chase"]
    enquiry.refresh_from_db()
    assert enquiry.breached_on == date(2026, 4, 9)


def test_a_pause_holds_the_ladder_and_the_reply_moves_it(org, as_of):
    enquiry = log(org, as_of)  # due 16 March; reminder 12 March
    officer = org.housing_officer.holder
    services.enquiry_request_clarification(
        enquiry=enquiry, question="Which flat?", actor=officer, as_of=at(date(2026, 3, 3), 9)
    )
    sweep(at(date(2026, 3, 12)), times=3)
    sweep(at(date(2026, 3, 17)), times=3)
    assert rung_messages(enquiry) == []
    # Paused Tuesday 3rd, reply Friday 13th: eight working days lost, due 26 March.
    enquiry = services.enquiry_reply(
        enquiry=enquiry, text="Flat 2", actor=org.raiser.person, as_of=at(date(2026, 3, 13), 9)
    )
    assert enquiry.due_on == date(2026, 3, 26)
    assert enquiry.next_action_at == at(date(2026, 3, 24))
    sweep(at(date(2026, 3, 23)), times=2)
    assert rung_messages(enquiry) == []
    sweep(at(date(2026, 3, 24)), times=2)
    assert rung_messages(enquiry) == ["reminder"]


def test_an_answered_enquiry_is_not_chased(org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_respond(
        enquiry=enquiry, response="Fixed", actor=org.housing_officer.holder, as_of=as_of
    )
    sweep(at(date(2026, 4, 30)), times=3)
    assert rung_messages(enquiry) == []


def test_escalation_gives_the_escalated_post_access(db, as_of):
    # Routed to triage, whose line (MO, CE) does not include the Housing Director.
    org = build_org(rules={"routine": (PostKind.MEMBER_SERVICES, "council")})
    enquiry = log(org, as_of)
    director = org.housing_director.holder
    assert not can(director, VIEW, enquiry)
    sweep(at(date(2026, 3, 19)), times=4)
    enquiry.refresh_from_db()
    assert recipients(enquiry, "escalate-director") == {"housing-director"}
    assert can(director, VIEW, enquiry)
    assert can(director, ACT, enquiry)


def test_reopening_starts_a_fresh_ladder(org, as_of):
    enquiry = log(org, as_of)
    sweep(at(date(2026, 3, 12)))
    enquiry = services.enquiry_respond(
        enquiry=enquiry, response="Done", actor=org.housing_officer.holder, as_of=as_of
    )
    enquiry = services.enquiry_reopen(
        enquiry=enquiry,
        reason="Not fixed",
        actor=org.raiser.person,
        as_of=at(date(2026, 3, 13), 9),
        by_member=True,
    )
    assert enquiry.status == Status.RECEIVED
    assert enquiry.due_on == date(2026, 3, 27)
    sweep(at(date(2026, 3, 25)), times=2)
    assert rung_messages(enquiry) == ["reminder", "reminder"]
    keys = set(
        OutboxMessage.objects.filter(case_id=enquiry.pk, rung="reminder").values_list(
            "key", flat=True
        )
    )
    assert keys == {
        f"enquiries.Enquiry:{enquiry.pk}:0:reminder",
        f"enquiries.Enquiry:{enquiry.pk}:1:reminder",
    }


def test_an_involved_officer_is_not_chased(org, as_of):
    enquiry = log(org, as_of, relates_to_legal_proceedings=True)
    manager = org.housing_manager
    # Placed with the manager's team (an admin's correction: passing a legal-proceedings
    # enquiry down is refused, 000 §13.5).
    enquiry.owner_post = org.housing_officer
    enquiry.save()
    access_sync(enquiry, as_of=as_of)
    services.enquiry_mark_involved(
        enquiry=enquiry, officer=manager.holder, actor=org.housing_director.holder, as_of=as_of
    )
    sweep(at(date(2026, 3, 17)), times=3)
    assert "housing-manager" not in recipients(enquiry, "chase")
