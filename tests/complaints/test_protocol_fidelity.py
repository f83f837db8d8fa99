"""Southwark's complaints stages as 003 §66 and §69–70 say (issue 13), on the real council file
(fixtures/councils/southwark.yaml, demo people).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from complaints import permissions as perms
from complaints import services
from complaints.states import Kind, Outcome
from protocol_portal.org.models import Member, MemberRoleKind
from tests.complaints.factories import AS_OF
from tests.complaints.test_councils import a_member, load, post

pytestmark = pytest.mark.django_db


def _outcome(complaint, outcome: str):
    complaint = services.complaint_acknowledge(
        complaint=complaint,
        actor=complaint.handler_person,
        intent="will_act",
        message="Received.",
        outcome_due_on=(AS_OF + timedelta(days=14)).date(),
        as_of=AS_OF + timedelta(days=1),
    )
    return services.complaint_give_outcome(
        complaint=complaint,
        actor=complaint.handler_person,
        outcome=outcome,
        reasons="Considered.",
        action_taken=outcome != Outcome.NOT_UPHELD,
        as_of=AS_OF + timedelta(days=2),
    )


def test_a_complaint_about_the_chief_executive_gets_their_own_written_response_first():
    # "Where a complaint relates to the chief executive ... The chief executive will provide
    # the member with a written response to their complaint" (003 §69). "If the member remains
    # dissatisfied with the response of the chief executive s/he will notify the monitoring
    # officer and the head of human resources" (§70).
    council = load("southwark")
    chief_executive = post(council, "chief-executive")
    member = a_member(council)
    complaint = services.complaint_raise(
        council=council,
        raiser=member.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=chief_executive,
        summary="The chief executive's letter",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.stage == "first"
    assert complaint.owner_post == chief_executive
    assert "003 §69" in complaint.rule_source
    assert perms.can(chief_executive.holder, perms.ACT, complaint)
    complaint = _outcome(complaint, Outcome.NOT_UPHELD)
    complaint = services.complaint_respond(
        complaint=complaint, actor=member.person, choice="escalate", as_of=AS_OF + timedelta(3)
    )
    assert complaint.stage == "leader-report"
    assert complaint.owner_post.slug == "director-of-legal-and-democratic-services"
    assert "003 §70" in complaint.rule_source
    # The §70 report is no longer the chief executive's to see.
    assert not perms.can(chief_executive.holder, perms.VIEW, complaint)


def _officer_complaint(council):
    member = (
        Member.objects.filter(council=council, group__isnull=False)
        .exclude(roles__kind__in=[MemberRoleKind.GROUP_LEADER, MemberRoleKind.LEADER])
        .order_by("pk")
        .first()
    )
    return services.complaint_raise(
        council=council,
        raiser=post(council, "housing-officer").holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=member,
        summary="Shouted at in a meeting",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )


def test_an_officers_complaint_goes_to_the_chief_executive_when_upheld():
    # "In the event of a complaint being upheld, the matter will be referred to the chief
    # executive. A local solution may be found after discussion with the leader of the council
    # and the leader and/or whip of the group concerned" (003 §66).
    council = load("southwark")
    complaint = _officer_complaint(council)
    assert complaint.stage == "first"
    complaint = _outcome(complaint, Outcome.UPHELD)
    assert complaint.stage == "chief-executive"
    assert complaint.owner_post.slug == "chief-executive"
    group = complaint.subject_member.group
    told = {p.pk for p in complaint.copied_people.all()}
    leaders = Member.objects.filter(council=council, roles__kind=MemberRoleKind.LEADER)
    assert leaders.exists()
    assert {m.person_id for m in leaders} <= told
    group_posts = Member.objects.filter(
        group=group, roles__kind__in=[MemberRoleKind.GROUP_LEADER, MemberRoleKind.WHIP]
    ).exclude(pk=complaint.subject_member_id)
    assert group_posts.exists()
    assert {m.person_id for m in group_posts} <= told


def test_an_officers_dissatisfaction_does_not_take_it_to_the_chief_executive():
    council = load("southwark")
    complaint = _officer_complaint(council)
    complaint = _outcome(complaint, Outcome.NOT_UPHELD)
    with pytest.raises(ValidationError, match="upheld"):
        services.complaint_respond(
            complaint=complaint,
            actor=complaint.raiser_person,
            choice="escalate",
            as_of=AS_OF + timedelta(days=3),
        )
    complaint.refresh_from_db()
    assert complaint.stage == "first"


def _member_complaint_about(council, subject_slug: str):
    return services.complaint_raise(
        council=council,
        raiser=a_member(council).person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=post(council, subject_slug),
        summary="The handling of my enquiry",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )


def _escalate(complaint, days: int = 3):
    return services.complaint_respond(
        complaint=complaint,
        actor=complaint.raiser_person,
        choice="escalate",
        as_of=AS_OF + timedelta(days=days),
    )


def test_the_leader_report_does_not_follow_a_complaint_about_an_officer():
    # §70 begins "If the member remains dissatisfied with the response of the chief executive",
    # the written response §69 gives to "a complaint [that] relates to the chief executive".
    # A complaint about an ordinary officer goes to the chief officer (§67), then, as one about
    # the chief officer's handling, to the chief executive (§68), whose informal review and
    # consideration of a formal process is the last stage the protocol gives it.
    council = load("southwark")
    complaint = _member_complaint_about(council, "housing-officer")
    assert "003 §67" in complaint.rule_source
    complaint = _outcome(complaint, Outcome.NOT_UPHELD)
    complaint = _escalate(complaint)
    assert complaint.stage == "chief-executive"
    assert "003 §68" in complaint.rule_source
    complaint.refresh_from_db()
    complaint = services.complaint_acknowledge(
        complaint=complaint,
        actor=complaint.handler_person,
        intent="will_act",
        message="Received.",
        outcome_due_on=(AS_OF + timedelta(days=20)).date(),
        as_of=AS_OF + timedelta(days=4),
    )
    complaint = services.complaint_give_outcome(
        complaint=complaint,
        actor=complaint.handler_person,
        outcome=Outcome.NOT_UPHELD,
        reasons="Reviewed.",
        action_taken=False,
        as_of=AS_OF + timedelta(days=5),
    )
    with pytest.raises(ValidationError, match="final stage"):
        _escalate(complaint, days=6)
    complaint.refresh_from_db()
    assert complaint.stage == "chief-executive"


def test_the_leader_report_does_not_follow_a_complaint_about_a_chief_officer():
    # §68: a complaint about a chief officer goes to the chief executive, who, if it is not
    # resolved or is serious, "will consider whether any formal process ... is appropriate".
    # §70's report to the leader is for dissatisfaction with the chief executive's own response
    # to a complaint about the chief executive (§69).
    council = load("southwark")
    complaint = _member_complaint_about(council, "strategic-director-housing")
    assert "003 §68" in complaint.rule_source
    complaint = _outcome(complaint, Outcome.NOT_UPHELD)
    with pytest.raises(ValidationError, match="final stage"):
        _escalate(complaint)
    complaint.refresh_from_db()
    assert complaint.stage == "first"


def _chief_executive_related_to(council, subject_slug: str):
    from datetime import date

    from interests import services as interests

    interests.relationship_declare(
        council=council,
        declarer=post(council, "chief-executive").holder,
        other_person=post(council, subject_slug).holder,
        nature="family",
        since=date(2020, 1, 1),
        details="Sibling.",
        as_of=AS_OF,
    )


@pytest.mark.parametrize(
    ("subject_slug", "reviewer_slug"),
    [
        ("strategic-director-housing", "director-of-legal-and-democratic-services"),
        # The complaint is about the monitoring officer: the deputy acts for the post.
        ("director-of-legal-and-democratic-services", "head-of-legal-services"),
    ],
)
def test_a_chief_executive_who_cannot_act_under_68_is_replaced_by_the_monitoring_officer(
    subject_slug, reviewer_slug
):
    # "Where the complaint relates to a chief officer or monitoring officer, the complaint may
    # be referred to the chief executive for an informal review" (003 §68): "may", so a chief
    # executive who cannot act (here: a declared family relationship with the chief officer)
    # is replaced by the monitoring officer, to whom officers have recourse (§66) and who takes
    # what the chief executive cannot answer (§70). Never a case with nobody to handle it.
    council = load("southwark")
    _chief_executive_related_to(council, subject_slug)
    complaint = _member_complaint_about(council, subject_slug)
    assert complaint.owner_post.slug == reviewer_slug
    assert complaint.stage == "first"
    assert "003 §68" in complaint.rule_source
    assert "cannot act on it" in complaint.route_explanation
    assert "003 §68; 003 §66; 003 §70" in complaint.route_explanation
    assert "family" not in complaint.route_explanation
    # No stage is added: §70's report still follows only a complaint about the chief executive.
    assert "This is the final stage" in complaint.route_explanation


def test_the_chief_executive_review_of_an_officer_complaint_has_a_stand_in_too():
    # §67 then §68: the chief officer's handling goes to the chief executive; if the chief
    # executive cannot act, the monitoring officer reviews it (003 §68 "may", §66, §70).
    council = load("southwark")
    complaint = _member_complaint_about(council, "housing-officer")
    _chief_executive_related_to(council, "housing-officer")
    complaint = _outcome(complaint, Outcome.NOT_UPHELD)
    complaint = _escalate(complaint)
    assert complaint.stage == "chief-executive"
    assert complaint.owner_post.slug == "director-of-legal-and-democratic-services"
