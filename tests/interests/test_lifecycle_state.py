"""Stateful tests of the interests lifecycles: a declared relationship (decide, end, withdraw)
and a register return (the 28-day clock, its chasers, submission), driven by random sequences
of actions through the services, never break their invariants."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from interests import services
from interests.models import Nature, ReturnKind
from interests.states import RelationshipStatus, ReturnStatus
from tests.casework.lifecycle import LIFECYCLE, TALLY, CaseMachine
from tests.interests.conftest import AS_OF
from tests.interests.factories import add_relationship_rules, build_org

pytestmark = pytest.mark.django_db

TEXT = st.sampled_from(["", "  ", "Not on the housing appointments panel."])
ACTIVE = (RelationshipStatus.DECLARED, RelationshipStatus.DECIDED)


class RelationshipMachine(CaseMachine):
    label = "interests.Relationship"
    org = None  # set by the test
    start_at = AS_OF

    def start(self):
        return services.relationship_declare(
            council=self.org.council,
            declarer=self.org.person("red_member"),
            other_person=self.org.person("officer_housing"),
            nature=Nature.PARTNER,
            since=date(2024, 1, 1),
            details="",
            as_of=self.now,
        )

    @rule(decision=TEXT, mitigations=TEXT)
    def decide(self, decision, mitigations):
        self.attempt(
            "decide",
            lambda: services.relationship_decide(
                relationship=self.case,
                actor=self.org.person("ce"),
                decision=decision,
                mitigations=mitigations,
                as_of=self.now,
            ),
        )

    @rule(reason=TEXT)
    def end(self, reason):
        self.attempt(
            "end",
            lambda: services.relationship_end(
                relationship=self.case,
                actor=self.org.person("red_member"),
                reason=reason,
                as_of=self.now,
            ),
        )

    @rule(reason=TEXT)
    def withdraw(self, reason):
        self.attempt(
            "withdraw",
            lambda: services.relationship_withdraw(
                relationship=self.case,
                actor=self.org.person("red_member"),
                reason=reason,
                as_of=self.now,
            ),
        )

    @invariant()
    def status_agrees_with_fields(self):
        r = self.case
        assert (r.closed_at is None) == (r.status in ACTIVE)
        assert (r.ended_on is not None) == (r.status == RelationshipStatus.ENDED)
        if r.status == RelationshipStatus.DECIDED:
            assert r.decision.strip()
            assert r.decided_at is not None


class ReturnMachine(CaseMachine):
    label = "interests.RegisterReturn"
    org = None  # set by the test
    start_at = AS_OF

    def start(self):
        return services.register_return_open(
            member=self.org.members["red_member"],
            kind=ReturnKind.CHANGE,
            trigger_on=date(2026, 6, 1),
            as_of=self.now,
        )

    @rule()
    def submit(self):
        self.attempt(
            "submit",
            lambda: services.register_return_submit(
                ret=self.case, actor=self.org.person("red_member"), as_of=self.now
            ),
        )

    @invariant()
    def status_agrees_with_clock(self):
        r = self.case
        assert (r.closed_at is None) == (r.status == ReturnStatus.OPEN)
        if r.status == ReturnStatus.SUBMITTED:
            assert r.submitted_at is not None
            assert r.next_action_at is None
        if r.breached_on is not None:
            assert r.breached_on > r.due_on, "breached only after the deadline"


def test_relationship_lifecycle_keeps_its_invariants(capsys):
    org = build_org(slug="testshire", protocol="001")
    add_relationship_rules(org)
    RelationshipMachine.org = org
    TALLY.clear()
    run_state_machine_as_test(RelationshipMachine, settings=LIFECYCLE)
    with capsys.disabled():
        print(f"\nrelationship lifecycle: {dict(TALLY)}")
    assert TALLY["steps"] > 0


def test_register_return_lifecycle_keeps_its_invariants(capsys):
    ReturnMachine.org = build_org(slug="testshire", protocol="001")
    TALLY.clear()
    run_state_machine_as_test(ReturnMachine, settings=LIFECYCLE)
    with capsys.disabled():
        print(f"\nregister return lifecycle: {dict(TALLY)}")
    assert TALLY["steps"] > 0
