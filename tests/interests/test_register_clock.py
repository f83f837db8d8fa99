"""The register of interests' clock: 28 calendar days beginning with the day of taking office
(Localism Act 2011 s.30(1)), changes within 28 days, annual re-confirmation, and reminders fired
exactly once by the kernel's chaser sweep."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from interests import services
from interests.models import InterestCategory, RegisterReturn, ReturnKind
from interests.states import ReturnStatus
from protocol_portal.casework.chasers import chaser_fire
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.services import local_morning
from protocol_portal.casework.tasks import fire_chaser, sweep_due_chasers
from protocol_portal.org.models import ChaserRung
from tests.interests.conftest import LONDON
from tests.interests.factories import add_ladder, add_member

pytestmark = pytest.mark.django_db
SPEC = "interests.RegisterReturn"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def messages_for(ret: RegisterReturn) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(key__startswith=f"{SPEC}:{ret.pk}:").values_list(
            "rung", flat=True
        )
    )


def recipients(ret, rung) -> set[str]:
    message = OutboxMessage.objects.get(key__startswith=f"{SPEC}:{ret.pk}:", rung=rung)
    return set(message.recipients.values_list("username", flat=True))


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("took_office", "due"),
    [
        (date(2026, 5, 8), date(2026, 6, 4)),  # day 1 is 8 May, day 28 is 4 June
        (date(2026, 2, 1), date(2026, 2, 28)),  # February, not a leap year
        (date(2028, 2, 1), date(2028, 2, 28)),  # leap year: day 28 is still 28 February
        (date(2026, 12, 20), date(2027, 1, 16)),  # across the year end and bank holidays
    ],
)
def test_a_new_member_registers_within_28_days_beginning_with_taking_office(org, took_office, due):
    member = add_member(org, "newbie", took_office_on=took_office)
    ret = services.register_return_open_initial(member=member, as_of=at(took_office))
    assert (ret.received_on, ret.due_on) == (took_office, due)
    assert (ret.due_on - ret.trigger_on).days + 1 == 28
    assert ret.kind == ReturnKind.INITIAL
    assert ret.status == ReturnStatus.OPEN
    assert ret.owner_post == org.posts["mo"]


def test_a_change_is_registered_within_28_days_of_becoming_aware(org):
    member = org.members["red_member"]
    ret = services.register_return_open(
        member=member,
        kind=ReturnKind.CHANGE,
        trigger_on=date(2026, 6, 1),
        as_of=at(date(2026, 6, 2)),
    )
    assert ret.due_on == date(2026, 6, 28)


def test_confirming_opens_the_annual_reconfirmation_a_year_on(org):
    member = add_member(org, "newbie", took_office_on=date(2026, 5, 8))
    ret = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))
    services.register_return_submit(ret=ret, actor=member.person, as_of=at(date(2026, 5, 20)))
    annual = RegisterReturn.objects.get(member=member, kind=ReturnKind.ANNUAL)
    assert annual.due_on == date(2027, 6, 4)
    assert annual.trigger_on == date(2027, 5, 8)
    assert annual.status == ReturnStatus.OPEN
    ret.refresh_from_db()
    assert (ret.status, ret.breached_on, ret.next_action_at) == (ReturnStatus.SUBMITTED, None, None)


def test_a_29_february_deadline_reconfirms_on_28_february(org):
    member = add_member(org, "leap", took_office_on=date(2028, 2, 2))
    ret = services.register_return_open_initial(member=member, as_of=at(date(2028, 2, 3)))
    assert ret.due_on == date(2028, 2, 29)
    services.register_return_submit(ret=ret, actor=member.person, as_of=at(date(2028, 2, 10)))
    annual = RegisterReturn.objects.get(member=member, kind=ReturnKind.ANNUAL)
    assert annual.due_on == date(2029, 2, 28)


def test_a_change_return_does_not_start_another_annual_cycle(org):
    member = org.members["red_member"]
    ret = services.register_return_open(
        member=member,
        kind=ReturnKind.CHANGE,
        trigger_on=date(2026, 6, 1),
        as_of=at(date(2026, 6, 2)),
    )
    services.register_return_submit(ret=ret, actor=member.person, as_of=at(date(2026, 6, 3)))
    assert not RegisterReturn.objects.filter(member=member, kind=ReturnKind.ANNUAL).exists()


def test_confirming_late_records_the_breach(org):
    member = add_member(org, "late", took_office_on=date(2026, 5, 8))
    ret = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))
    services.register_return_submit(ret=ret, actor=member.person, as_of=at(date(2026, 6, 5)))
    assert ret.breached_on == date(2026, 6, 5)


def test_confirming_on_the_last_day_is_in_time(org):
    member = add_member(org, "ontime", took_office_on=date(2026, 5, 8))
    ret = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))
    services.register_return_submit(ret=ret, actor=member.person, as_of=at(date(2026, 6, 4), 23))
    assert ret.breached_on is None


def test_an_interest_registered_after_28_days_is_marked_late(org):
    member = org.members["red_member"]
    kwargs = {
        "member": member,
        "actor": member.person,
        "category": InterestCategory.LAND,
        "description": "Home",
        "as_of": at(date(2026, 6, 28)),
    }
    on_time = services.interest_register(**kwargs, became_aware_on=date(2026, 6, 1))
    late = services.interest_register(**kwargs, became_aware_on=date(2026, 5, 31))
    assert (on_time.late, late.late) == (False, True)


def test_opening_the_same_return_twice_is_a_no_op(org):
    member = add_member(org, "twice", took_office_on=date(2026, 5, 8))
    first = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))
    again = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 9)))
    assert first.pk == again.pk
    assert OutboxMessage.objects.filter(key=f"register-return:{first.pk}:opened").count() == 1


def test_the_new_member_scan_opens_each_return_once(org):
    org.members["red_member"].took_office_on = date(2026, 5, 8)
    org.members["red_member"].save()
    add_member(org, "ancient", took_office_on=date(2019, 5, 8))
    from interests.tasks import open_new_member_returns

    with time_machine.travel(at(date(2026, 5, 10)), tick=False):
        assert open_new_member_returns() == 1
        assert open_new_member_returns() == 0
    assert RegisterReturn.objects.filter(kind=ReturnKind.INITIAL).count() == 1
    assert RegisterReturn.objects.get().member == org.members["red_member"]


# ---------------------------------------------------------------- reminders and chasers


@pytest.fixture
def ladder(org):
    # A council's own rungs; offsets within one Monday-Friday week of the due date.
    return add_ladder(
        org.council,
        [("reminder", -3, ["raiser"]), ("overdue", 1, ["raiser", "monitoring_officer"])],
    )


@pytest.fixture
def due_thursday(org, ladder):
    member = add_member(org, "newbie", took_office_on=date(2026, 5, 8))
    return services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))


def test_the_first_reminder_is_scheduled_at_seven_on_its_day(due_thursday):
    assert due_thursday.due_on == date(2026, 6, 4)
    assert due_thursday.next_action_at == local_morning(date(2026, 6, 1))


def test_nothing_is_sent_before_the_reminder_is_due(due_thursday):
    assert sweep_due_chasers(as_of=at(date(2026, 6, 1), 6).isoformat()) == 0
    assert messages_for(due_thursday) == []


def test_the_reminder_goes_to_the_member_once_however_often_the_sweep_runs(due_thursday, org):
    moment = at(date(2026, 6, 1), 7).isoformat()
    with time_machine.travel(at(date(2030, 1, 1)), tick=False):  # the wall clock is ignored
        assert sweep_due_chasers(as_of=moment) == 1
        assert sweep_due_chasers(as_of=moment) == 0
        assert fire_chaser(SPEC, due_thursday.pk, moment) is None  # redelivered task
    assert messages_for(due_thursday) == ["reminder"]
    assert recipients(due_thursday, "reminder") == {org.members["newbie"].person.username}
    due_thursday.refresh_from_db()
    assert due_thursday.next_action_at == local_morning(date(2026, 6, 5))
    assert due_thursday.breached_on is None


def test_the_overdue_chaser_copies_the_monitoring_officer_and_records_the_breach(due_thursday, org):
    for day in (date(2026, 6, 1), date(2026, 6, 5)):
        sweep_due_chasers(as_of=at(day, 7).isoformat())
    assert messages_for(due_thursday) == ["overdue", "reminder"]
    assert recipients(due_thursday, "overdue") == {
        org.members["newbie"].person.username,
        org.person("mo").username,
    }
    due_thursday.refresh_from_db()
    assert due_thursday.breached_on == date(2026, 6, 5)
    assert due_thursday.next_action_at is None
    assert CaseEvent.objects.filter(case_id=due_thursday.pk, kind="chaser:overdue").count() == 1


def test_two_workers_firing_the_same_rung_send_it_once(due_thursday):
    moment = at(date(2026, 6, 1), 7)
    spec = spec_for(SPEC)
    assert chaser_fire(spec=spec, pk=due_thursday.pk, as_of=moment) == "reminder"
    assert chaser_fire(spec=spec, pk=due_thursday.pk, as_of=moment) is None
    assert OutboxMessage.objects.filter(rung="reminder").count() == 1


def test_confirming_in_time_stops_the_chasers(due_thursday, org):
    sweep_due_chasers(as_of=at(date(2026, 6, 1), 7).isoformat())
    member = org.members["newbie"]
    services.register_return_submit(
        ret=due_thursday, actor=member.person, as_of=at(date(2026, 6, 2))
    )
    sweep_due_chasers(as_of=at(date(2026, 6, 30), 7).isoformat())
    assert messages_for(due_thursday) == ["reminder"]


def test_without_rungs_in_its_file_a_council_gets_the_documented_default_ladder(org):
    assert not ChaserRung.objects.filter(council=org.council, case_type="interest").exists()
    member = add_member(org, "newbie", took_office_on=date(2026, 5, 8))
    ret = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))
    rungs = ChaserRung.objects.filter(council=org.council, case_type="interest").order_by("order")
    assert [(r.key, r.offset_working_days, r.notify) for r in rungs] == [
        ("reminder", -7, ["raiser"]),
        ("overdue", 1, ["raiser", "monitoring_officer"]),
    ]
    assert all("default" in r.source for r in rungs)
    # Each rung at its moment (a sweep that ran only after both would send just the overdue
    # one and record the reminder as skipped: casework/chasers.py).
    sweep_due_chasers(as_of=ret.next_action_at.isoformat())
    for _ in range(3):
        sweep_due_chasers(as_of=at(date(2026, 7, 1), 7).isoformat())
    assert messages_for(ret) == ["overdue", "reminder"]


def test_the_default_ladder_is_written_once_per_council(org):
    services.interest_ladder_ensure(council=org.council)
    services.interest_ladder_ensure(council=org.council)
    assert ChaserRung.objects.filter(council=org.council, case_type="interest").count() == 2


def test_the_default_reminder_falls_seven_calendar_days_before_the_deadline(org):
    member = add_member(org, "newbie", took_office_on=date(2026, 5, 8))
    ret = services.register_return_open_initial(member=member, as_of=at(date(2026, 5, 8)))
    assert ret.next_action_at == local_morning(ret.due_on - timedelta(days=7))
