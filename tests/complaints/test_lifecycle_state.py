"""Stateful test of the complaint lifecycle: random sequences of handler, complainant and
chaser actions through the services never break its invariants (status agrees with the clock
fields, the timeline runs forwards, a closed or withdrawn complaint is never chased, and exactly
the protocol's audiences see it: passing it on ends the first stage's handler side's sight)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from complaints import permissions as perms
from complaints import services
from complaints.states import AWAITING_ACK, OPEN_STATUSES, AckIntent, Kind, Outcome, Status
from tests.casework.lifecycle import LIFECYCLE, TALLY, CaseMachine
from tests.complaints.factories import AS_OF, build_complaint_org

pytestmark = pytest.mark.django_db

TEXT = st.sampled_from(["", "  ", "We will look into this.", "Reasons given in full."])


class ComplaintMachine(CaseMachine):
    label = "complaints.Complaint"
    org = None  # set by the test
    start_at = AS_OF

    def start(self):
        return services.complaint_raise(
            council=self.org.council,
            raiser=self.org.complainant.person,
            kind=Kind.CONCERN_ABOUT_OFFICER,
            subject_post=self.org.officer,
            summary="Rude on the phone",
            details="Details",
            as_of=self.now,
        )

    @property
    def handler(self):
        return self.case.handler_person or self.case.owner_post.holder

    @rule(intent=st.sampled_from(AckIntent.values), message=TEXT, days=st.integers(0, 40))
    def acknowledge(self, intent, message, days):
        self.attempt(
            "acknowledge",
            lambda: services.complaint_acknowledge(
                complaint=self.case,
                actor=self.handler,
                intent=intent,
                message=message,
                outcome_due_on=self.now.date() + timedelta(days=days) if days else None,
                as_of=self.now,
            ),
        )

    @rule()
    def nominate_investigator(self):
        self.attempt(
            "investigate",
            lambda: services.complaint_nominate_investigator(
                complaint=self.case,
                actor=self.handler,
                investigator_post=self.org.manager,
                as_of=self.now,
            ),
        )

    @rule(outcome=st.sampled_from(Outcome.values), reasons=TEXT, action=st.booleans())
    def give_outcome(self, outcome, reasons, action):
        self.attempt(
            "outcome",
            lambda: services.complaint_give_outcome(
                complaint=self.case,
                actor=self.handler,
                outcome=outcome,
                reasons=reasons,
                action_taken=action,
                as_of=self.now,
            ),
        )

    @rule(choice=st.sampled_from(["satisfied", "escalate", "close", "nonsense"]))
    def complainant_responds(self, choice):
        self.attempt(
            f"respond:{choice}",
            lambda: services.complaint_respond(
                complaint=self.case,
                actor=self.org.complainant.person,
                choice=choice,
                as_of=self.now,
                reason="Not resolved",
            ),
        )

    @rule(reason=TEXT)
    def withdraw(self, reason):
        self.attempt(
            "withdraw",
            lambda: services.complaint_withdraw(
                complaint=self.case,
                actor=self.org.complainant.person,
                reason=reason,
                as_of=self.now,
            ),
        )

    @invariant()
    def status_agrees_with_clock(self):
        c = self.case
        assert (c.closed_at is None) == (c.status in OPEN_STATUSES)
        if c.status not in OPEN_STATUSES:
            assert c.next_action_at is None
            assert c.due_on is None
        if c.status in AWAITING_ACK:
            assert c.acknowledged_at is None or c.status == Status.ESCALATED
        if c.status == Status.OUTCOME_ISSUED:
            assert c.outcome
            assert c.outcome_at is not None

    @invariant()
    def exactly_the_audiences_see_it(self):
        """The first stage's handler side (the Director, their line manager, the head of HR
        copied in) until the complaint is passed on; then the Chief Executive's stage and the
        Monitoring Officer; the stage's nominated investigator; the subject never."""
        o, c = self.org, self.case
        expected = {o.director, o.ce, o.hr} if c.stage_number == 1 else {o.ce, o.mo}
        if c.investigator_post_id is not None:  # nominated at this stage (cleared when passed on)
            expected.add(o.manager)
        cast = (o.director, o.ce, o.hr, o.manager, o.mo, o.dmo, o.dce, o.officer, o.officer_2)
        seeing = {post for post in cast if perms.VIEW in perms.allowed(post.holder, c)}
        assert seeing == expected, (c.status, c.stage_number)
        assert perms.allowed(o.complainant.person, c) == {perms.VIEW, perms.RESPOND}


def test_complaint_lifecycle_keeps_its_invariants(capsys):
    ComplaintMachine.org = build_complaint_org()
    TALLY.clear()
    run_state_machine_as_test(ComplaintMachine, settings=LIFECYCLE)
    with capsys.disabled():
        print(f"\ncomplaint lifecycle: {dict(TALLY)}")
    assert TALLY["steps"] > 0
