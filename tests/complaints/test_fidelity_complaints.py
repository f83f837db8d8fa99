"""Complaint paragraphs of issue 13 on the real council files (demo people), written from the
protocol texts: 002 §25 (the group leader's outcome reaches the officer and their line manager),
001 §5.3.3.2 (an officer's self-serving approach is reported to the Chief Executive).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaints import services
from complaints.states import Kind, Outcome
from protocol_portal.casework.models import Notice
from protocol_portal.org.models import Member, MemberRoleKind
from tests.complaints.factories import AS_OF
from tests.complaints.test_councils import a_member, load, post

pytestmark = pytest.mark.django_db


def _outcome(complaint, outcome: str, day: int):
    complaint = services.complaint_acknowledge(
        complaint=complaint,
        actor=complaint.handler_person,
        intent="will_act",
        message="Received.",
        outcome_due_on=(AS_OF + timedelta(days=day + 14)).date(),
        as_of=AS_OF + timedelta(days=day),
    )
    return services.complaint_give_outcome(
        complaint=complaint,
        actor=complaint.handler_person,
        outcome=outcome,
        reasons="Considered.",
        action_taken=False,
        as_of=AS_OF + timedelta(days=day + 1),
    )


def _told(complaint, stage_number: int) -> set[int]:
    return set(
        Notice.objects.filter(
            message__key__endswith=f":{complaint.pk}:stage-{stage_number}:outcome"
        ).values_list("person_id", flat=True)
    )


@pytest.mark.parametrize("slug", ["south-oxfordshire", "vale-of-white-horse"])
def test_the_group_leaders_outcome_reaches_the_officer_and_their_line_manager(slug):
    # "In the event of a complaint being made to them under this protocol, a group leader will
    # seek to actively consider the complaint and achieve a satisfactory outcome. The outcome
    # must be reported to the officer who notified them of the complaint along with their line
    # manager" (002 §25); the line manager raises it with the member's group leader (§107).
    council = load(slug)
    officer = post(council, "planning-officer")
    line_manager = officer.line_manager
    member = (
        Member.objects.filter(council=council, group__isnull=False)
        .exclude(roles__kind__in=[MemberRoleKind.GROUP_LEADER, MemberRoleKind.LEADER])
        .order_by("pk")
        .first()
    )
    complaint = services.complaint_raise(
        council=council,
        raiser=officer.holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=member,
        summary="Spoken to rudely",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.owner_post == line_manager  # §107
    complaint = _outcome(complaint, Outcome.NOT_UPHELD, day=1)
    complaint = services.complaint_respond(
        complaint=complaint,
        actor=officer.holder,
        choice="escalate",
        as_of=AS_OF + timedelta(days=3),
    )
    assert complaint.stage == "group-leader"
    assert complaint.handler_member.group_id == member.group_id
    assert line_manager in complaint.copied_posts.all()
    assert "002 §107, §109, §25" in complaint.rule_source
    complaint = _outcome(complaint, Outcome.RESOLVED_INFORMALLY, day=4)
    assert {officer.holder_id, line_manager.holder_id} <= _told(complaint, 2)


def test_an_officers_self_serving_approach_is_reported_to_the_chief_executive():
    # "An officer must not seek to influence a member to do something that may be advantageous
    # to the officer personally or professionally or injurious to another officer. Any
    # approaches of this nature should be reported to the Chief Executive" (001 §5.3.3.2),
    # where a concern about an officer's courtesy, conduct or capability goes to the relevant
    # Director (§5.3.3.3).
    council = load("part-5-3")
    member = a_member(council)
    officer = post(council, "housing-officer")
    approach = services.complaint_raise(
        council=council,
        raiser=member.person,
        kind=Kind.OFFICER_APPROACH,
        subject_post=officer,
        summary="Asked me to back his regrading",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert approach.owner_post.slug == "chief-executive"
    assert "001 §5.3.3.2" in approach.rule_source
    concern = services.complaint_raise(
        council=council,
        raiser=member.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=officer,
        summary="Rude on the phone",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert concern.owner_post.kind == "director"
    assert "001 §5.3.3.3" in concern.rule_source


def test_where_a_protocol_names_no_route_for_an_approach_it_is_a_concern_about_the_officer():
    # Southwark's protocol has no paragraph like 001 §5.3.3.2: the officer route (003 §67).
    council = load("southwark")
    complaint = services.complaint_raise(
        council=council,
        raiser=a_member(council).person,
        kind=Kind.OFFICER_APPROACH,
        subject_post=post(council, "housing-officer"),
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.routed_as == "officer"
    assert "003 §67" in complaint.rule_source
