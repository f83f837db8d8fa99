"""The two closing steps of a case service (`casework.placing`): saved with who and why, the
audiences derived again when somebody is placed, and the line on the timeline.

An enquiry is the case these run on; the steps themselves name no case app.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from protocol_portal.casework.access import can
from protocol_portal.casework.placing import placed, recorded
from protocol_portal.casework.services import timeline_for
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


def test_recorded_saves_with_who_and_why_and_adds_the_timeline_line(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    later = as_of + timedelta(hours=1)
    enquiry.subject = "Boiler, again"
    line = recorded(
        enquiry,
        actor=officer,
        as_of=later,
        reason="subject corrected",
        kind="note",
        summary="Subject corrected",
        detail="It was the boiler.",
        to_raiser=False,
    )
    latest = enquiry.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (officer, "subject corrected")
    assert latest.subject == "Boiler, again"
    assert (line.kind, line.summary, line.detail, line.at) == (
        "note",
        "Subject corrected",
        "It was the boiler.",
        later,
    )
    assert line in timeline_for(case=enquiry)
    assert line not in timeline_for(case=enquiry, raiser_view=True)


def test_placed_with_a_reason_saves_then_moves_who_sees_the_case(org, as_of):
    enquiry = log(org, as_of)
    before = enquiry.owner_post
    new_post = org.housing_officer_2 if before != org.housing_officer_2 else org.housing_officer
    manager = org.housing_manager.holder
    enquiry.owner_post = new_post
    line = placed(
        enquiry,
        actor=manager,
        as_of=as_of,
        reason="reassigned: leave",
        kind="reassigned",
        summary=f"Passed to {new_post}",
    )
    assert enquiry.history.latest().history_change_reason == "reassigned: leave"
    assert can(new_post.holder, "view_enquiry", enquiry)
    if before is not None and before.holder is not None:
        assert not can(before.holder, "view_enquiry", enquiry)
    assert line in timeline_for(case=enquiry, raiser_view=True)


def test_placed_without_a_reason_writes_no_history_row(org, as_of):
    enquiry = log(org, as_of)
    rows = enquiry.history.count()
    line = placed(enquiry, actor=None, as_of=as_of, kind="involved", summary="Nothing moved")
    assert enquiry.history.count() == rows
    assert line.summary == "Nothing moved"
