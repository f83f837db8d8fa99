"""Shared harness for the stateful lifecycle tests (tests/*/test_lifecycle_state.py).

A `CaseMachine` drives one case through random sequences of service calls with the clock moving
forward, inside a savepoint that is rolled back after each sequence. After every step the kernel
invariants are checked; each case type adds its own status rules.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from protocol_portal.casework.chasers import chaser_fire
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.transitions import TransitionError

# Refusals the services may answer an illegal or incomplete action with (loud on conflict).
REFUSALS = (TransitionError, ValidationError, PermissionDenied)

# Modest by default; HYPOTHESIS_PROFILE=ci-deep runs the calendar, not these, harder.
LIFECYCLE = settings(
    max_examples=12,
    stateful_step_count=14,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

TALLY: Counter[str] = Counter()


class CaseMachine(RuleBasedStateMachine):
    """Subclasses set `label` and `start` (returns the case) and add rules and invariants."""

    label = ""
    start_at: datetime

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.now = self.start_at
        self.case = self.start()
        TALLY["sequences"] += 1

    def start(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def attempt(self, name: str, action) -> bool:
        """Run one service call; a refusal must leave the case exactly as it was."""
        before = self._snapshot()
        try:
            with transaction.atomic():
                action()
        except REFUSALS:
            TALLY["refused"] += 1
            self.case.refresh_from_db()
            assert self._snapshot() == before, f"{name} was refused but changed the case"
            return False
        TALLY[name] += 1
        TALLY["steps"] += 1
        self.case.refresh_from_db()
        return True

    def _snapshot(self) -> dict:
        row = type(self.case).objects.filter(pk=self.case.pk).values().get()
        row.pop("updated_at", None)
        return row

    # An hour, a day, a long weekend, a week, a fortnight: enough to reach every rung.
    @rule(hours=st.sampled_from([1, 24, 72, 24 * 7, 24 * 15]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(wait=st.booleans())
    def sweep(self, wait: bool) -> None:
        """Beat's sweep now, or once time has run on to the next rung: fire it if it is due."""
        due = self.case.next_action_at
        if wait and due is not None and due > self.now:
            self.now = due
        if due is not None and due <= self.now:
            self.attempt(
                "chaser",
                lambda: chaser_fire(spec=spec_for(self.label), pk=self.case.pk, as_of=self.now),
            )

    @invariant()
    def kernel_invariants(self) -> None:
        case = self.case
        case.refresh_from_db()
        if case.due_on is not None:
            assert case.due_on >= case.received_on
        if case.closed_at is not None:
            assert case.next_action_at is None, "a closed case is never chased"
        if case.clock_paused_on is not None:
            assert case.next_action_at is None, "a paused case is never chased"
        events = list(
            CaseEvent.objects.filter(
                case_type=ContentType.objects.get_for_model(case), case_id=case.pk
            ).order_by("pk")
        )
        moments = [e.at for e in events]
        assert moments == sorted(moments), "the timeline runs forwards"
        rungs = list(
            OutboxMessage.objects.filter(
                case_type=ContentType.objects.get_for_model(case), case_id=case.pk
            )
            .exclude(rung="")
            .values_list("key", flat=True)
        )
        assert len(rungs) == len(set(rungs)), "each rung once per clock cycle"
