"""Stateful tests of the interests lifecycles: a declared relationship (decide, end, withdraw),
a register return (the 28-day clock, its chasers, submission), a notice of acting against the
council (acknowledge, withdraw) and a request for advice (advise, withdraw), driven by random
sequences of actions through the services, never break their invariants."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from interests import services
from interests.models import Nature, ReturnKind
from interests.states import AdviceStatus, NoticeStatus, RelationshipStatus, ReturnStatus
from protocol_portal.casework.models import CaseEvent, OutboxMessage
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


def _count(model, case, **filters) -> int:
    kind = ContentType.objects.get_for_model(case)
    return model.objects.filter(case_type=kind, case_id=case.pk, **filters).count()


class _Terminal:
    """An ended case (acknowledged, advised, withdrawn) never changes status again, and the
    event and message of the step that ended it exist once."""

    open_status = ""
    terminal = None

    @invariant()
    def an_end_is_final(self):
        status = self.case.status
        if self.terminal is None and status != self.open_status:
            self.terminal = status
        assert self.terminal in (None, status), f"{self.terminal} became {status}"
        assert (self.case.closed_at is None) == (status == self.open_status)
        if self.terminal is not None:
            assert _count(CaseEvent, self.case, kind=self.terminal) == 1


class NoticeMachine(_Terminal, CaseMachine):
    label = "interests.ActingAgainstNotice"
    org = None  # set by the test
    start_at = AS_OF
    open_status = NoticeStatus.SUBMITTED

    def start(self):
        self.terminal = None
        return services.acting_against_notify(
            member=self.org.members["red_member"],
            actor=self.org.person("red_member"),
            acting_party="self",
            capacity="private",
            action="Appeal against a planning decision",
            as_of=self.now,
        )

    @rule(response=TEXT)
    def acknowledge(self, response):
        self.attempt(
            "acknowledge",
            lambda: services.acting_against_acknowledge(
                notice=self.case, actor=self.org.person("mo"), response=response, as_of=self.now
            ),
        )

    @rule()
    def withdraw(self):
        self.attempt(
            "withdraw",
            lambda: services.acting_against_withdraw(
                notice=self.case, actor=self.org.person("red_member"), as_of=self.now
            ),
        )

    @invariant()
    def acknowledgement_is_recorded(self):
        n = self.case
        acknowledged = n.status == NoticeStatus.ACKNOWLEDGED
        assert (n.acknowledged_at is not None) == acknowledged
        assert (n.acknowledged_by_id is not None) == acknowledged
        assert _count(OutboxMessage, n, rung="acknowledged") == int(acknowledged)


class AdviceMachine(_Terminal, CaseMachine):
    label = "interests.AdviceRequest"
    org = None  # set by the test
    start_at = AS_OF
    open_status = AdviceStatus.REQUESTED

    def start(self):
        self.terminal = None
        return services.advice_request(
            council=self.org.council,
            requester=self.org.person("red_member"),
            question="Must I declare my partner's job?",
            as_of=self.now,
        )

    @rule(advice=TEXT)
    def advise(self, advice):
        self.attempt(
            "advise",
            lambda: services.advice_give(
                request=self.case, actor=self.org.person("mo"), advice=advice, as_of=self.now
            ),
        )

    @rule()
    def withdraw(self):
        self.attempt(
            "withdraw",
            lambda: services.advice_withdraw(
                request=self.case, actor=self.org.person("red_member"), as_of=self.now
            ),
        )

    @invariant()
    def advice_is_recorded(self):
        a = self.case
        advised = a.status == AdviceStatus.ADVISED
        assert bool(a.advice.strip()) == advised, "advice only when advised, never blank"
        assert (a.advised_at is not None) == advised
        assert _count(OutboxMessage, a, rung="advised") == int(advised)


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


@pytest.mark.parametrize("machine", [NoticeMachine, AdviceMachine], ids=["notice", "advice"])
def test_notice_and_advice_lifecycles_keep_their_invariants(machine, capsys):
    machine.org = build_org(slug="testshire", protocol="002")
    TALLY.clear()
    run_state_machine_as_test(machine, settings=LIFECYCLE)
    with capsys.disabled():
        print(f"\n{machine.label} lifecycle: {dict(TALLY)}")
    assert TALLY["steps"] > 0
    assert TALLY["withdraw"] > 0
