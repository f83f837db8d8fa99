"""Chasers after a missed sweep (issue 12, item 6): when the beat was down past several rungs'
moments, the next sweep sends only the rung due now, writes the ones passed over on the case's
timeline as skipped, and no later sweep sends them; the batch path and the single-case path
alike, with the clock frozen."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from enquiries.models import Enquiry
from protocol_portal.casework.chasers import SKIPPED_KIND, chaser_fire, chasers_fire
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.tasks import sweep_due_chasers
from protocol_portal.org.models import ChaserRung
from tests.conftest import LONDON, build_org
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday; enquiries logged now are due 16 March
# The three rungs left on the ladder: reminder 12 March, chase 17 March, Director 19 March.
PAST_THIRD = datetime(2026, 3, 20, 7, 0, tzinfo=LONDON)
MUCH_LATER = datetime(2026, 6, 1, 7, 0, tzinfo=LONDON)
SPEC = "enquiries.Enquiry"


@pytest.fixture
def org(db):
    org = build_org()
    # A three-rung ladder: reminder, chase, escalate to the Director.
    ChaserRung.objects.filter(
        council=org.council, case_type="enquiry", key="escalate-chief-executive"
    ).delete()
    return org


def _messages(case) -> list[tuple[str, set[str]]]:
    return [
        (m.rung, set(m.recipients.values_list("username", flat=True)))
        for m in OutboxMessage.objects.filter(case_id=case.pk).exclude(rung="").order_by("pk")
    ]


def _chaser_lines(case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case_id=case.pk).filter(kind__startswith="chaser").order_by("pk")
    )


def _assert_only_the_third_rung_sent(case, org) -> None:
    assert _messages(case) == [("escalate-director", {org.housing_director.holder.username})]
    skipped, sent = _chaser_lines(case)
    assert sent.kind == "chaser:escalate-director"
    assert skipped.kind == SKIPPED_KIND
    assert skipped.summary == (
        "Chaser steps 'reminder' and 'chase' not sent: the reminder sweep did not run when they "
        "were due, so only 'escalate-director', due now, was sent"
    )
    assert "'reminder' was due 12 March 2026 07:00" in skipped.detail
    assert "'chase' was due 17 March 2026 07:00" in skipped.detail
    assert not skipped.visible_to_raiser
    case.refresh_from_db()
    assert case.next_rung == 3
    assert case.next_action_at is None  # the ladder is done
    assert case.breached_on == date(2026, 3, 17)  # still breached the day after it was due


def _sweep_again_sends_nothing(cases, org) -> None:
    before = (OutboxMessage.objects.count(), CaseEvent.objects.count())
    spec = spec_for(SPEC)
    for moment in (PAST_THIRD, MUCH_LATER):
        with time_machine.travel(moment, tick=False):
            assert chasers_fire(spec=spec, pks=[c.pk for c in cases], as_of=moment) == {}
            for case in cases:
                assert chaser_fire(spec=spec, pk=case.pk, as_of=moment) is None
            sweep_due_chasers(moment.isoformat())
    assert (OutboxMessage.objects.count(), CaseEvent.objects.count()) == before
    # The skipped rungs were never written to the outbox, so nothing can send them later.
    assert not OutboxMessage.objects.filter(rung__in=["reminder", "chase"]).exists()


def test_a_batch_after_a_missed_sweep_sends_only_the_rung_due_now(org):
    cases = [log(org, AS_OF, subject=f"Leak at {n} Elm Street") for n in range(3)]
    with time_machine.travel(PAST_THIRD, tick=False):
        fired = chasers_fire(spec=spec_for(SPEC), pks=[c.pk for c in cases], as_of=PAST_THIRD)
    assert fired == dict.fromkeys((c.pk for c in cases), "escalate-director")
    for case in cases:
        _assert_only_the_third_rung_sent(case, org)
    _sweep_again_sends_nothing(cases, org)


def test_one_case_after_a_missed_sweep_sends_only_the_rung_due_now(org):
    case = log(org, AS_OF)
    with time_machine.travel(PAST_THIRD, tick=False):
        assert chaser_fire(spec=spec_for(SPEC), pk=case.pk, as_of=PAST_THIRD) == (
            "escalate-director"
        )
    _assert_only_the_third_rung_sent(case, org)
    _sweep_again_sends_nothing([case], org)


def test_the_beat_sweep_after_an_outage_sends_only_the_rung_due_now(org):
    """Through the Celery sweep (tasks run eagerly in tests), as the beat would run it."""
    case = log(org, AS_OF)
    with time_machine.travel(PAST_THIRD, tick=False):
        assert sweep_due_chasers(PAST_THIRD.isoformat()) == 1
    _assert_only_the_third_rung_sent(case, org)
    _sweep_again_sends_nothing([case], org)


def test_a_sweep_missed_after_the_first_rung_skips_only_the_one_passed_over(org):
    case = log(org, AS_OF)
    reminder = datetime(2026, 3, 12, 7, 0, tzinfo=LONDON)
    with time_machine.travel(reminder, tick=False):
        assert chaser_fire(spec=spec_for(SPEC), pk=case.pk, as_of=reminder) == "reminder"
    with time_machine.travel(PAST_THIRD, tick=False):
        assert chaser_fire(spec=spec_for(SPEC), pk=case.pk, as_of=PAST_THIRD) == (
            "escalate-director"
        )
    assert [rung for rung, _ in _messages(case)] == ["reminder", "escalate-director"]
    lines = _chaser_lines(case)
    assert [e.kind for e in lines] == ["chaser:reminder", SKIPPED_KIND, "chaser:escalate-director"]
    assert lines[1].summary.startswith(
        "Chaser step 'chase' not sent: the reminder sweep did not run when it was due"
    )
    assert Enquiry.objects.get(pk=case.pk).next_rung == 3


def test_a_sweep_on_time_skips_nothing(org):
    case = log(org, AS_OF)
    for day in (12, 17, 19):
        moment = datetime(2026, 3, day, 7, 0, tzinfo=LONDON)
        with time_machine.travel(moment, tick=False):
            assert chaser_fire(spec=spec_for(SPEC), pk=case.pk, as_of=moment) is not None
    assert [rung for rung, _ in _messages(case)] == ["reminder", "chase", "escalate-director"]
    assert not CaseEvent.objects.filter(kind=SKIPPED_KIND).exists()
