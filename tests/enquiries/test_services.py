"""Logging, routing, the clock and every transition of a member enquiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from enquiries import services
from enquiries.models import CopyReason, Enquiry, WardNotice
from enquiries.permissions import ACT, ATTACHMENTS, FOLLOW_UP, VIEW, can
from enquiries.states import TRANSITIONS, Status
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org.models import PostKind
from protocol_portal.org.services import closure_day_add, post_set_holder
from tests.conftest import build_org
from tests.enquiries.helpers import log, messages_to
from tests.factories import (
    MemberRoleFactory,
    RoutingRuleFactory,
    ServiceAreaFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ logging and acknowledgement


def test_logging_routes_starts_the_clock_and_acknowledges(org, as_of):
    enquiry = log(org, as_of)
    assert enquiry.reference == "TES-ENQ-2026-00001"
    assert enquiry.status == Status.RECEIVED
    assert enquiry.owner_post == org.housing_officer
    assert enquiry.received_on == date(2026, 3, 2)
    # Day 0 is receipt; ten working days on is Monday 16 March.
    assert enquiry.due_on == date(2026, 3, 16)
    assert enquiry.route_rule_key == "enquiry-routine"
    [ack] = [m for m in messages_to(org.raiser.person, case=enquiry) if m.key.endswith(":ack")]
    assert enquiry.reference in ack.subject
    assert org.housing_officer.title in ack.body
    assert "16 March 2026" in ack.body
    assert messages_to(org.housing_officer.holder, case=enquiry)


def test_urgent_needs_a_reason(org, as_of):
    with pytest.raises(ValidationError) as info:
        log(org, as_of, urgency="urgent", urgency_reason="  ")
    assert "urgency_reason" in info.value.message_dict
    assert not Enquiry.objects.exists()


def test_service_area_and_ward_must_belong_to_the_members_council(org, as_of):
    foreign_area = ServiceAreaFactory()
    foreign_ward = WardFactory()
    with pytest.raises(ValidationError) as info:
        log(org, as_of, service_area=foreign_area, ward=foreign_ward)
    assert set(info.value.message_dict) == {"service_area", "ward"}


# ------------------------------------------------------------------ routing


ROUTES = {
    "routine": "housing_officer",
    "policy": "housing_director",
    "urgent": "housing_manager",
    "cross_directorate": "ce",
    "legal_proceedings": "mo",
}
DISTINCT_RULES = {
    "routine": (PostKind.OFFICER, "case_directorate"),
    "policy": (PostKind.DIRECTOR, "case_directorate"),
    "urgent": (PostKind.MANAGER, "case_directorate"),
    "cross_directorate": (PostKind.CHIEF_EXECUTIVE, "council"),
    "legal_proceedings": (PostKind.MONITORING_OFFICER, "council"),
}
FLAGS = {
    "routine": {},
    "policy": {"is_policy": True},
    "urgent": {"urgency": "urgent", "urgency_reason": "Tenant without heating"},
    "cross_directorate": {"is_cross_directorate": True},
    "legal_proceedings": {"relates_to_legal_proceedings": True},
}


@pytest.mark.parametrize("concerning", list(ROUTES))
def test_each_concerning_value_follows_the_councils_rule(db, as_of, concerning):
    org = build_org(rules=DISTINCT_RULES)
    enquiry = log(org, as_of, **FLAGS[concerning])
    assert enquiry.concerning == concerning
    assert enquiry.owner_post == getattr(org, ROUTES[concerning])
    assert enquiry.route_rule_key == f"enquiry-{concerning.replace('_', '-')}"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({**FLAGS["legal_proceedings"], **FLAGS["urgent"], **FLAGS["policy"]}, "legal_proceedings"),
        ({**FLAGS["urgent"], **FLAGS["cross_directorate"], **FLAGS["policy"]}, "urgent"),
        ({**FLAGS["cross_directorate"], **FLAGS["policy"]}, "cross_directorate"),
        (FLAGS["policy"], "policy"),
    ],
)
def test_precedence_when_several_flags_are_set(db, as_of, flags, expected):
    org = build_org(rules=DISTINCT_RULES)
    enquiry = log(org, as_of, **flags)
    assert enquiry.concerning == expected
    assert enquiry.owner_post == getattr(org, ROUTES[expected])


def test_a_flag_without_a_rule_falls_to_the_next_one_down(db, as_of):
    org = build_org(rules={"routine": (PostKind.MEMBER_SERVICES, "council")})
    enquiry = log(org, as_of, **FLAGS["urgent"])
    assert enquiry.concerning == "urgent"
    assert enquiry.owner_post == org.triage


def test_a_catch_all_rule_does_not_take_legal_proceedings_from_the_director(db, as_of):
    org = build_org(rules={"any": (PostKind.MEMBER_SERVICES, "council")})
    routine = log(org, as_of)
    legal = log(org, as_of, subject="Eviction case", **FLAGS["legal_proceedings"])
    assert routine.owner_post == org.triage
    assert legal.owner_post == org.housing_director
    # A portal default cites "default", never another protocol's paragraph (audit, bad citation
    # 6: Hackney, Southwark and Part 5.3 legal-proceedings enquiries cited "000 §13.5").
    assert legal.route_source == "default"


@pytest.mark.parametrize("protocol", ["001", "003", "004"])
def test_a_portal_default_route_cites_default_not_another_councils_paragraph(db, as_of, protocol):
    org = build_org(rules={"any": (PostKind.MEMBER_SERVICES, "council")})
    org.council.protocol = protocol
    org.council.save()
    legal = log(org, as_of, subject="Eviction case", **FLAGS["legal_proceedings"])
    assert (legal.owner_post, legal.route_source) == (org.housing_director, "default")
    assert services.SPECIAL_DEFAULTS.keys() == {
        "legal_proceedings",
        "access_in_doubt",
        "complaint_referral",
    }
    assert {source for _, source in services.SPECIAL_DEFAULTS.values()} == {"default"}


def test_rule_deadline_sets_the_due_date(db, as_of):
    org = build_org(rules={})
    RoutingRuleFactory(
        council=org.council,
        key="r",
        concerning="routine",
        handler_kind=PostKind.OFFICER,
        handler_of="case_directorate",
        deadline_days=5,
        source="test",
    )
    enquiry = log(org, as_of)
    assert enquiry.due_on == date(2026, 3, 9)


def test_council_limit_applies_when_the_rule_has_no_deadline(db, as_of):
    org = build_org(rules={})
    org.council.enquiry_working_days = 3
    org.council.save()
    RoutingRuleFactory(
        council=org.council,
        key="r",
        concerning="routine",
        handler_kind=PostKind.OFFICER,
        handler_of="case_directorate",
        deadline_days=None,
        source="test",
    )
    assert log(org, as_of).due_on == date(2026, 3, 5)


def test_a_vacant_post_passes_to_its_line_manager(org, as_of):
    post_set_holder(post=org.housing_officer, holder=None)
    post_set_holder(post=org.housing_officer_2, holder=None)
    enquiry = log(org, as_of)
    assert enquiry.owner_post == org.housing_manager


def test_copies_from_the_rule_are_recorded_and_may_view(db, as_of):
    org = build_org(rules={})
    leader = MemberRoleFactory(member=org.colleague, kind="group_leader")
    RoutingRuleFactory(
        council=org.council,
        key="r",
        concerning="routine",
        handler_kind=PostKind.OFFICER,
        handler_of="case_directorate",
        copied=[
            {"kind": "director", "of": "case_directorate"},
            {"kind": "group_leader", "of": "raiser_group"},
        ],
        source="002 §85",
    )
    enquiry = log(org, as_of)
    copies = {(c.post_id, c.member_id, c.reason) for c in enquiry.copies.all()}
    assert copies == {
        (org.housing_director.pk, None, CopyReason.RULE),
        (None, leader.member.pk, CopyReason.RULE),
    }
    assert can(org.colleague.person, VIEW, enquiry)
    assert not can(org.colleague.person, ATTACHMENTS, enquiry)
    routed = CaseEvent.objects.get(case_id=enquiry.pk, kind="routed")
    assert "copied to" in routed.summary
    assert routed.visible_to_raiser


# ------------------------------------------------------------------ legal proceedings


def test_an_involved_officer_is_never_the_handler(org, as_of):
    enquiry = log(org, as_of, **FLAGS["legal_proceedings"])
    assert enquiry.owner_post == org.housing_director
    director = org.housing_director.holder
    enquiry = services.enquiry_mark_involved(
        enquiry=enquiry, officer=director, actor=org.triage.holder, as_of=as_of
    )
    assert enquiry.owner_post == org.ce
    with pytest.raises(ValidationError, match="involved"):
        services.enquiry_reassign(
            enquiry=enquiry,
            to_post=org.housing_director,
            reason="back to the director",
            actor=org.ce.holder,
            as_of=as_of,
        )
    # Marking twice is a no-op.
    again = services.enquiry_mark_involved(
        enquiry=enquiry, officer=director, actor=org.triage.holder, as_of=as_of
    )
    assert again.owner_post == org.ce
    assert CaseEvent.objects.filter(case_id=enquiry.pk, kind="involved").count() == 1


def test_setting_the_legal_flag_later_reroutes_to_the_director(org, as_of):
    enquiry = log(org, as_of)
    assert enquiry.owner_post == org.housing_officer
    enquiry = services.enquiry_set_flags(
        enquiry=enquiry,
        actor=org.housing_officer.holder,
        as_of=as_of,
        relates_to_legal_proceedings=True,
    )
    assert enquiry.concerning == "legal_proceedings"
    assert enquiry.owner_post == org.housing_director
    assert can(org.housing_director.holder, ACT, enquiry)


# ------------------------------------------------------------------ wards and copies


def test_members_of_the_other_ward_are_told_but_cannot_read_it(org, as_of):
    # A council whose protocol has the ward told who is involved (002 §34).
    org.council.protocol_settings = {"ward_notice": {"value": "named", "source": "002 §34"}}
    org.council.save()
    enquiry = log(org, as_of, ward=org.south)
    assert enquiry.about_other_ward
    told = set(WardNotice.objects.filter(enquiry=enquiry).values_list("member", flat=True))
    assert told == {org.opponent.pk, org.south_member.pk}
    for member in (org.opponent, org.south_member):
        [notice] = messages_to(member.person, case=enquiry)
        assert "South" in notice.body
        assert enquiry.description not in notice.body
        assert not can(member.person, VIEW, enquiry)
    event = CaseEvent.objects.get(case_id=enquiry.pk, kind="ward_told")
    assert event.visible_to_raiser
    assert not messages_to(org.colleague.person, case=enquiry)


def test_own_ward_tells_nobody(org, as_of):
    enquiry = log(org, as_of)
    assert not enquiry.about_other_ward
    assert not WardNotice.objects.filter(enquiry=enquiry).exists()


def test_a_copy_needs_the_requesters_permission(org, as_of):
    enquiry = log(org, as_of, ward=org.south)
    with pytest.raises(PermissionDenied):
        services.enquiry_share_with_member(
            enquiry=enquiry, member=org.south_member, actor=org.housing_officer.holder, as_of=as_of
        )
    assert not can(org.south_member.person, VIEW, enquiry)
    copy = services.enquiry_share_with_member(
        enquiry=enquiry, member=org.south_member, actor=org.raiser.person, as_of=as_of
    )
    assert copy.reason == CopyReason.REQUESTER
    assert copy.permitted_by == org.raiser.person
    assert can(org.south_member.person, VIEW, enquiry)
    assert not can(org.south_member.person, ACT, enquiry)
    assert not can(org.south_member.person, FOLLOW_UP, enquiry)
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.south_member, actor=org.raiser.person, as_of=as_of
    )
    assert enquiry.copies.count() == 1


# ------------------------------------------------------------------ transitions


def test_table_has_an_entry_for_every_status():
    assert set(TRANSITIONS) == set(Status.values)


def test_accept_then_accept_again_is_a_no_op(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    enquiry = services.enquiry_accept(enquiry=enquiry, actor=officer, as_of=as_of)
    assert enquiry.status == Status.IN_PROGRESS
    again = services.enquiry_accept(enquiry=enquiry, actor=officer, as_of=as_of + timedelta(1))
    assert again.accepted_at == as_of
    assert CaseEvent.objects.filter(case_id=enquiry.pk, kind="accepted").count() == 1


def test_history_records_the_actor_and_reason(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    services.enquiry_accept(enquiry=enquiry, actor=officer, as_of=as_of)
    latest = Enquiry.history.filter(id=enquiry.pk).order_by("-history_id").first()
    assert latest.history_user == officer
    assert latest.history_change_reason == "accepted"
    assert latest.status == Status.IN_PROGRESS


def test_a_closed_enquiry_cannot_be_accepted(org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_close(enquiry=enquiry, actor=org.housing_officer.holder, as_of=as_of)
    with pytest.raises(TransitionError):
        services.enquiry_accept(enquiry=enquiry, actor=org.housing_officer.holder, as_of=as_of)


def test_clarification_pauses_and_the_reply_resumes_the_clock(org, as_of):
    enquiry = log(org, as_of)  # due Monday 16 March
    officer = org.housing_officer.holder
    enquiry = services.enquiry_request_clarification(
        enquiry=enquiry, question="Which flat?", actor=officer, as_of=as_of + timedelta(days=1)
    )
    assert enquiry.status == Status.AWAITING_MEMBER
    assert enquiry.next_action_at is None
    [asked] = [m for m in messages_to(org.raiser.person, case=enquiry) if "clarify" in m.subject]
    assert "Which flat?" in asked.body
    # A repeat is a no-op; accepting while waiting is refused.
    services.enquiry_request_clarification(
        enquiry=enquiry, question="Again?", actor=officer, as_of=as_of + timedelta(days=1)
    )
    with pytest.raises(TransitionError):
        services.enquiry_accept(enquiry=enquiry, actor=officer, as_of=as_of)
    # Paused Tuesday 3rd, reply Friday 6th: three working days lost.
    enquiry = services.enquiry_reply(
        enquiry=enquiry, text="Flat 2", actor=org.raiser.person, as_of=as_of + timedelta(days=4)
    )
    assert enquiry.status == Status.IN_PROGRESS
    assert enquiry.due_on == date(2026, 3, 19)
    assert enquiry.clock_paused_days == 3
    assert enquiry.next_action_at is not None
    # A double-submitted reply changes nothing.
    same = services.enquiry_reply(
        enquiry=enquiry, text="Flat 2", actor=org.raiser.person, as_of=as_of + timedelta(days=4)
    )
    assert same.due_on == date(2026, 3, 19)
    assert CaseEvent.objects.filter(case_id=enquiry.pk, kind="member_replied").count() == 1


def test_a_reply_nobody_asked_for_is_refused(org, as_of):
    enquiry = log(org, as_of)
    with pytest.raises(TransitionError):
        services.enquiry_reply(enquiry=enquiry, text="hello", actor=org.raiser.person, as_of=as_of)


def test_respond_stops_the_clock_and_tells_the_member(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    enquiry = services.enquiry_respond(
        enquiry=enquiry,
        response="Repair booked for Tuesday.",
        actor=officer,
        as_of=as_of + timedelta(days=2),
    )
    assert enquiry.status == Status.RESPONDED
    assert enquiry.next_action_at is None
    assert any("Repair booked" in m.body for m in messages_to(org.raiser.person, case=enquiry))
    again = services.enquiry_respond(
        enquiry=enquiry, response="Different", actor=officer, as_of=as_of + timedelta(days=3)
    )
    assert again.responded_at == as_of + timedelta(days=2)


@pytest.mark.parametrize("field", ["response", "question"])
def test_empty_text_is_refused(org, as_of, field):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    act = {
        "response": lambda: services.enquiry_respond(
            enquiry=enquiry, response=" ", actor=officer, as_of=as_of
        ),
        "question": lambda: services.enquiry_request_clarification(
            enquiry=enquiry, question="", actor=officer, as_of=as_of
        ),
    }[field]
    with pytest.raises(ValidationError) as info:
        act()
    assert field in info.value.message_dict
    enquiry.refresh_from_db()
    assert enquiry.status == Status.RECEIVED


def test_member_reopens_within_the_window_with_a_fresh_clock(org, as_of):
    enquiry = log(org, as_of)
    enquiry = services.enquiry_respond(
        enquiry=enquiry, response="Done", actor=org.housing_officer.holder, as_of=as_of
    )
    later = as_of + timedelta(days=7)  # Monday 9 March
    enquiry = services.enquiry_reopen(
        enquiry=enquiry, reason="Not fixed", actor=org.raiser.person, as_of=later, by_member=True
    )
    assert enquiry.status == Status.RECEIVED
    assert enquiry.clock_cycle == 1
    assert enquiry.received_on == date(2026, 3, 2)
    assert enquiry.due_on == date(2026, 3, 23)
    assert enquiry.next_rung == 0


def test_member_cannot_reopen_after_the_window(org, as_of):
    org.council.enquiry_reopen_window_days = 5
    org.council.save()
    enquiry = log(org, as_of)
    enquiry = services.enquiry_close(enquiry=enquiry, actor=org.housing_officer.holder, as_of=as_of)
    with pytest.raises(ValidationError, match="9 March 2026"):
        services.enquiry_reopen(
            enquiry=enquiry,
            reason="Still broken",
            actor=org.raiser.person,
            as_of=as_of + timedelta(days=8),
            by_member=True,
        )
    # An officer may still reopen it.
    reopened = services.enquiry_reopen(
        enquiry=enquiry,
        reason="Found more",
        by_member=False,
        actor=org.housing_officer.holder,
        as_of=as_of + timedelta(days=8),
    )
    assert reopened.status == Status.RECEIVED


def test_reopening_an_open_enquiry_is_a_no_op(org, as_of):
    enquiry = log(org, as_of)
    same = services.enquiry_reopen(
        enquiry=enquiry, reason="?", actor=org.raiser.person, as_of=as_of, by_member=True
    )
    assert same.clock_cycle == 0


def test_reassign_needs_a_reason_and_gives_the_new_post_access(org, as_of):
    enquiry = log(org, as_of)
    with pytest.raises(ValidationError) as info:
        services.enquiry_reassign(
            enquiry=enquiry,
            to_post=org.env_officer,
            reason="",
            actor=org.triage.holder,
            as_of=as_of,
        )
    assert "reason" in info.value.message_dict
    assert not can(org.env_officer.holder, VIEW, enquiry)
    enquiry = services.enquiry_reassign(
        enquiry=enquiry,
        to_post=org.env_officer,
        reason="It is about bins",
        actor=org.triage.holder,
        as_of=as_of,
    )
    assert enquiry.owner_post == org.env_officer
    assert can(org.env_officer.holder, ACT, enquiry)
    assert can(org.env_director.holder, ACT, enquiry)


def test_bulk_reassign_moves_each_once(org, as_of):
    first, second = log(org, as_of), log(org, as_of, subject="Damp in flat 3")
    moved = services.enquiries_bulk_reassign(
        enquiries=[first, second],
        to_post=org.housing_officer_2,
        reason="Leave cover",
        actor=org.housing_manager.holder,
        as_of=as_of,
    )
    assert moved == 2
    assert set(Enquiry.objects.values_list("owner_post", flat=True)) == {org.housing_officer_2.pk}
    assert (
        services.enquiries_bulk_reassign(
            enquiries=[first],
            to_post=org.housing_officer_2,
            reason="Again",
            actor=org.housing_manager.holder,
            as_of=as_of,
        )
        == 0
    )


def test_complaint_referral_goes_to_the_complaints_team_and_tells_the_member(org, as_of):
    enquiry = log(org, as_of)
    enquiry = services.enquiry_refer_complaint(
        enquiry=enquiry, note="Resident complains", actor=org.housing_officer.holder, as_of=as_of
    )
    assert enquiry.status == Status.REFERRED_COMPLAINT
    assert enquiry.owner_post == org.complaints
    assert enquiry.next_action_at is None
    assert can(org.complaints.holder, ACT, enquiry)
    assert any("complaint" in m.subject for m in messages_to(org.raiser.person, case=enquiry))
    with pytest.raises(TransitionError):
        services.enquiry_reopen(
            enquiry=enquiry, reason="no", actor=org.raiser.person, as_of=as_of, by_member=True
        )


def test_foi_starts_a_twenty_day_clock_on_the_foi_calendar(org, as_of):
    # Decided Thursday 26 March 2026: Good Friday and Easter Monday are not FOI working days.
    moment = as_of.replace(day=26)
    enquiry = log(org, moment)
    enquiry = services.enquiry_refer_foi(
        enquiry=enquiry, note="Asks for documents", actor=org.housing_officer.holder, as_of=moment
    )
    assert enquiry.status == Status.FOI
    assert enquiry.clock_calendar == "foi"
    assert enquiry.due_on == date(2026, 4, 27)
    assert enquiry.clock_cycle == 1
    assert any(
        "Freedom of Information" in m.body for m in messages_to(org.raiser.person, case=enquiry)
    )


def test_access_in_doubt_goes_to_the_monitoring_officer(org, as_of):
    enquiry = log(org, as_of)
    enquiry = services.enquiry_refer_access(
        enquiry=enquiry, note="Third-party data", actor=org.housing_officer.holder, as_of=as_of
    )
    assert enquiry.status == Status.REFERRED_MO
    assert enquiry.owner_post == org.mo
    assert can(org.mo.holder, ACT, enquiry)
    enquiry = services.enquiry_accept(enquiry=enquiry, actor=org.mo.holder, as_of=as_of)
    assert enquiry.status == Status.IN_PROGRESS


ACTIONS = {
    "accept": lambda e, o, t: services.enquiry_accept(enquiry=e, actor=o, as_of=t),
    "clarify": lambda e, o, t: services.enquiry_request_clarification(
        enquiry=e, question="?", actor=o, as_of=t
    ),
    "respond": lambda e, o, t: services.enquiry_respond(enquiry=e, response="A", actor=o, as_of=t),
    "close": lambda e, o, t: services.enquiry_close(enquiry=e, actor=o, as_of=t),
    "complaint": lambda e, o, t: services.enquiry_refer_complaint(
        enquiry=e, note="", actor=o, as_of=t
    ),
    "foi": lambda e, o, t: services.enquiry_refer_foi(enquiry=e, note="", actor=o, as_of=t),
    "access": lambda e, o, t: services.enquiry_refer_access(enquiry=e, note="", actor=o, as_of=t),
}
TARGET = {
    "accept": Status.IN_PROGRESS,
    "clarify": Status.AWAITING_MEMBER,
    "respond": Status.RESPONDED,
    "close": Status.CLOSED,
    "complaint": Status.REFERRED_COMPLAINT,
    "foi": Status.FOI,
    "access": Status.REFERRED_MO,
}
SETUP = {
    Status.RECEIVED: [],
    Status.IN_PROGRESS: ["accept"],
    Status.AWAITING_MEMBER: ["clarify"],
    Status.RESPONDED: ["respond"],
    Status.CLOSED: ["close"],
    Status.REFERRED_COMPLAINT: ["complaint"],
    Status.FOI: ["foi"],
    Status.REFERRED_MO: ["access"],
}


@pytest.mark.parametrize("start", list(SETUP))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_from_every_status_obeys_the_table(org, as_of, start, action):
    enquiry = log(org, as_of)
    officer = org.triage.holder
    for step in SETUP[start]:
        enquiry = ACTIONS[step](enquiry, officer, as_of)
    assert enquiry.status == start
    target = TARGET[action]
    blocked_accept = action == "accept" and start == Status.AWAITING_MEMBER
    if start == target:
        events = CaseEvent.objects.filter(case_id=enquiry.pk).count()
        assert ACTIONS[action](enquiry, officer, as_of).status == start
        assert CaseEvent.objects.filter(case_id=enquiry.pk).count() == events
    elif target in TRANSITIONS[start] and not blocked_accept:
        assert ACTIONS[action](enquiry, officer, as_of).status == target
    else:
        with pytest.raises(TransitionError):
            ACTIONS[action](enquiry, officer, as_of)
        enquiry.refresh_from_db()
        assert enquiry.status == start


# ------------------------------------------------------------------ calendar changes


def test_a_closure_day_moves_open_enquiries_not_yet_due(org, as_of):
    open_one = log(org, as_of)  # due 16 March
    answered = log(org, as_of, subject="Damp")
    services.enquiry_respond(
        enquiry=answered, response="Done", actor=org.triage.holder, as_of=as_of
    )
    # The listener reads the clock at its boundary: freeze it at as_of.
    with time_machine.travel(as_of, tick=False):
        _, changed = closure_day_add(
            council=org.council, day=date(2026, 3, 10), reason="Staff day", actor=None
        )
    open_one.refresh_from_db()
    answered.refresh_from_db()
    assert changed == 1
    assert open_one.due_on == date(2026, 3, 17)
    assert answered.due_on == date(2026, 3, 16)
    event = CaseEvent.objects.get(case_id=open_one.pk, kind="due_recomputed")
    assert "17 March 2026" in event.summary


def test_recompute_leaves_enquiries_already_past_due(org, as_of):
    enquiry = log(org, as_of)
    changed = services.enquiries_recompute_for_calendar(
        council=org.council,
        day=date(2026, 3, 10),
        why="test",
        actor=None,
        as_of=as_of + timedelta(days=20),
    )
    assert changed == 0
    enquiry.refresh_from_db()
    assert enquiry.due_on == date(2026, 3, 16)


# ------------------------------------------------------------------ duplicates


def test_a_similar_open_enquiry_is_found(org, as_of):
    from enquiries.selectors import possible_duplicates

    first = log(org, as_of, subject="Broken boiler at 4 Elm Street")
    assert possible_duplicates(
        member=org.raiser, service_area_id=org.repairs.pk, subject="Boiler broken, 4 Elm St"
    ) == [first]
    assert (
        possible_duplicates(
            member=org.raiser, service_area_id=org.repairs.pk, subject="Overgrown hedge in park"
        )
        == []
    )
    assert (
        possible_duplicates(
            member=org.raiser, service_area_id=org.waste.pk, subject="Broken boiler at 4 Elm Street"
        )
        == []
    )
    assert (
        possible_duplicates(
            member=org.colleague,
            service_area_id=org.repairs.pk,
            subject="Broken boiler at 4 Elm Street",
        )
        == []
    )


def test_no_outbox_message_is_written_twice(org, as_of):
    log(org, as_of)
    keys = list(OutboxMessage.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
