"""Stateful test of the enquiry lifecycle: random sequences of officer, member and chaser
actions through the services never break its invariants (status agrees with the clock fields,
the timeline runs forwards, a closed or paused enquiry is never chased, each rung once)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from enquiries import services, tallies
from enquiries.states import CLOCK_RUNNING, OPEN, Status
from tests.casework.lifecycle import LIFECYCLE, TALLY, CaseMachine
from tests.conftest import LONDON, build_org
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

TEXT = st.sampled_from(["", "  ", "Please see the attached.", "Done — fixed on Tuesday."])


class EnquiryMachine(CaseMachine):
    label = "enquiries.Enquiry"
    org = None  # set by the test
    start_at = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)

    def start(self):
        return log(self.org, self.now)

    @property
    def officer(self):
        return self.case.owner_post.holder

    @rule()
    def accept(self):
        self.attempt(
            "accept",
            lambda: services.enquiry_accept(enquiry=self.case, actor=self.officer, as_of=self.now),
        )

    @rule(question=TEXT)
    def ask_member(self, question):
        self.attempt(
            "clarify",
            lambda: services.enquiry_request_clarification(
                enquiry=self.case, question=question, actor=self.officer, as_of=self.now
            ),
        )

    @rule(text=TEXT)
    def member_replies(self, text):
        self.attempt(
            "reply",
            lambda: services.enquiry_reply(
                enquiry=self.case, text=text, actor=self.org.raiser.person, as_of=self.now
            ),
        )

    @rule(text=TEXT)
    def respond(self, text):
        self.attempt(
            "respond",
            lambda: services.enquiry_respond(
                enquiry=self.case, response=text, actor=self.officer, as_of=self.now
            ),
        )

    @rule()
    def close(self):
        self.attempt(
            "close",
            lambda: services.enquiry_close(
                enquiry=self.case, reason="Resolved", actor=self.officer, as_of=self.now
            ),
        )

    @rule(reason=TEXT)
    def member_reopens(self, reason):
        self.attempt(
            "reopen",
            lambda: services.enquiry_reopen(
                enquiry=self.case,
                reason=reason,
                actor=self.org.raiser.person,
                as_of=self.now,
                by_member=True,
            ),
        )

    @rule(second=st.booleans())
    def reassign(self, second):
        to = self.org.housing_officer_2 if second else self.org.housing_officer
        self.attempt(
            "reassign",
            lambda: services.enquiry_reassign(
                enquiry=self.case,
                to_post=to,
                reason="Workload",
                actor=self.org.housing_manager.holder,
                as_of=self.now,
            ),
        )

    @invariant()
    def the_dashboard_totals_follow(self):
        """PostgreSQL's stored totals (enquiries.tallies) equal a count made afresh."""
        if tallies.kept():
            assert tallies.differences() == []

    @invariant()
    def status_agrees_with_clock(self):
        e = self.case
        assert (e.closed_at is not None) == (e.status == Status.CLOSED)
        assert (e.clock_paused_on is not None) == (e.status == Status.AWAITING_MEMBER)
        if e.status not in CLOCK_RUNNING:
            assert e.next_action_at is None, f"{e.status} enquiry is still being chased"
        elif e.next_rung < len(self.org.ladder):
            assert e.next_action_at is not None, "a running clock has its next rung scheduled"
        if e.status in OPEN:
            assert e.owner_post_id is not None
            assert e.due_on is not None


def test_enquiry_lifecycle_keeps_its_invariants(capsys):
    EnquiryMachine.org = build_org()
    TALLY.clear()
    run_state_machine_as_test(EnquiryMachine, settings=LIFECYCLE)
    with capsys.disabled():
        print(f"\nenquiry lifecycle: {dict(TALLY)}")
    assert TALLY["steps"] > 0


def test_closing_while_awaiting_the_member_ends_the_pause(as_of):
    """Found by the state machine: closed mid-clarification, then reopened, the enquiry still
    counted as paused and was never chased."""
    org = build_org()
    enquiry = log(org, as_of)
    officer = enquiry.owner_post.holder
    services.enquiry_request_clarification(
        enquiry=enquiry, question="Which flat?", actor=officer, as_of=as_of
    )
    services.enquiry_close(enquiry=enquiry, reason="No reply", actor=officer, as_of=as_of)
    enquiry.refresh_from_db()
    assert enquiry.clock_paused_on is None
    services.enquiry_reopen(
        enquiry=enquiry,
        reason="Flat 3",
        actor=org.raiser.person,
        as_of=as_of + timedelta(hours=1),
        by_member=True,
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Status.RECEIVED
    assert enquiry.clock_paused_on is None
    assert enquiry.next_action_at is not None
