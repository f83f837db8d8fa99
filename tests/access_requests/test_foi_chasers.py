"""FOI requests are chased: the handler is reminded five FOI working days before the response is
due, exactly once however often the sweep runs; past the due date the handler and their line
manager are chased and the Monitoring Officer is told (fixtures/councils/*.yaml, "default")."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from access_requests import services
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.services import local_morning
from protocol_portal.casework.tasks import sweep_due_chasers
from protocol_portal.org.models import ChaserRung
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, LONDON, load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", h.SLUGS)
def test_every_council_has_an_foi_ladder(slug):
    council = load(slug)
    rungs = ChaserRung.objects.filter(council=council, case_type="foi").order_by("order")
    assert [(r.key, r.offset_working_days, r.notify) for r in rungs] == [
        ("reminder", -5, ["assignee"]),
        ("chase", 1, ["assignee", "assignee_line_manager"]),
        ("escalate-monitoring-officer", 3, ["monitoring_officer"]),
    ]


def test_an_foi_request_gets_its_reminder_exactly_once(frozen):
    # The clock is frozen at AS_OF (Monday 2 March 2026) and moved only by the sweeps below.
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council,
        requester=member.person,
        ask=h.group_ask(council),
        as_of=AS_OF,
        wants_foi=True,
    )
    foi = request.foi
    # Monday 2 March + 20 FOI working days, skipping St Patrick's Day (a bank holiday in Northern
    # Ireland, so excluded by FOIA s.10(6)): Tuesday 31 March.
    assert foi.due_on == date(2026, 3, 31)
    # Five FOI working days before: Tuesday 24 March, 07:00.
    assert foi.next_action_at == local_morning(date(2026, 3, 24))
    key = f"access_requests.FoiRequest:{foi.pk}:"

    def sent() -> list[str]:
        return sorted(
            OutboxMessage.objects.filter(key__startswith=key, rung__gt="").values_list(
                "rung", flat=True
            )
        )

    with time_machine.travel(datetime(2026, 3, 24, 6, 55, tzinfo=LONDON), tick=False):
        sweep_due_chasers()
    assert sent() == []
    with time_machine.travel(datetime(2026, 3, 24, 7, 5, tzinfo=LONDON), tick=False):
        sweep_due_chasers()
        sweep_due_chasers()  # exactly once however often the sweep runs
    with time_machine.travel(datetime(2026, 3, 31, 16, 0, tzinfo=LONDON), tick=False):
        sweep_due_chasers()
    assert sent() == ["reminder"]
    reminder = OutboxMessage.objects.get(key__startswith=key, rung="reminder")
    assert list(reminder.recipients.values_list("pk", flat=True)) == [foi.owner_post.holder_id]
