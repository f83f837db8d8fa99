"""Raising, routing, stages, deadlines, escalation, conflicts and determinations."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints import services
from complaints.models import Complaint, Determination, IssuedDeterminationError
from complaints.states import AckIntent, DeterminationOutcome, Kind, Level, Outcome, Status
from protocol_portal.casework.conflicts import Conflict, register_checker, unregister_checker
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.transitions import TransitionError
from tests.complaints.factories import AS_OF, INFORMAL_CE, INFORMAL_OFFICER

pytestmark = pytest.mark.django_db


def raise_about_officer(o, post=None, **extra):
    return services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=post or o.officer,
        summary="Rude on the phone",
        details="The officer was rude when I rang about a constituent's repairs.",
        as_of=AS_OF,
        **extra,
    )


def acknowledge(o, complaint, *, by=None, on=None, due=date(2026, 3, 20)):
    return services.complaint_acknowledge(
        complaint=complaint,
        actor=by or o.director.holder,
        intent=AckIntent.NEEDS_TIME,
        message="I will look into this.",
        outcome_due_on=due,
        as_of=on or AS_OF + timedelta(days=1),
    )


def give_outcome(o, complaint, *, by=None, on=None):
    return services.complaint_give_outcome(
        complaint=complaint,
        actor=by or o.director.holder,
        outcome=Outcome.UPHELD,
        reasons="The call fell short of our standards.",
        action_taken=True,
        disciplinary_notes="Verbal warning given at a hearing.",
        as_of=on or AS_OF + timedelta(days=2),
    )


# ---- raising and routing ----------------------------------------------------------------


def test_member_concern_about_officer_goes_to_the_director_of_their_service(corg):
    complaint = raise_about_officer(corg)
    assert complaint.reference == "COM-CMP-2026-00001"
    assert complaint.level == Level.OFFICER
    assert complaint.owner_post == corg.director
    assert complaint.handler_person == corg.director.holder
    assert list(complaint.copied_posts.all()) == [corg.hr]
    assert complaint.status == Status.RECEIVED
    assert "T §1" in complaint.route_explanation
    assert complaint.history.first().history_user == corg.complainant.person


def test_acknowledgement_is_due_in_three_calendar_days(corg):
    complaint = raise_about_officer(corg)
    # Monday 2 March + 3 calendar days = Thursday 5 March; chaser reminder one working day before.
    assert complaint.ack_due_on == date(2026, 3, 5)
    assert complaint.due_on == date(2026, 3, 5)
    assert complaint.next_action_at.date() == date(2026, 3, 4)
    assert complaint.next_action_at.hour == 7


def test_council_default_applies_when_the_rule_has_no_deadline(corg):
    rule = corg.rules["director"]
    rule.deadline_days = None
    rule.save()
    corg.council.complaint_ack_days = 2
    corg.council.complaint_ack_calendar = "working"
    corg.council.save()
    complaint = raise_about_officer(corg, post=corg.director)
    # Friday-free week: Monday + 2 working days = Wednesday.
    assert complaint.due_on == date(2026, 3, 4)


def test_concern_about_a_director_goes_to_the_chief_executive(corg):
    complaint = raise_about_officer(corg, post=corg.director)
    assert complaint.level == Level.DIRECTOR
    assert complaint.owner_post == corg.ce


def test_deputy_chief_executive_counts_as_director_level(corg):
    complaint = raise_about_officer(corg, post=corg.dce)
    assert complaint.level == Level.DIRECTOR
    assert complaint.owner_post == corg.ce


def test_the_chief_executive_never_handles_a_complaint_about_themselves(corg):
    complaint = raise_about_officer(corg, post=corg.ce, informal_attempted=True)
    assert complaint.level == Level.CHIEF_EXECUTIVE
    assert complaint.owner_post == corg.dce  # the post that acts for the CE
    assert complaint.handler_person != corg.ce.holder
    assert "is the person the complaint is about" in complaint.route_explanation
    assert list(complaint.copied_posts.all()) == [corg.mo]


def test_informal_first_must_be_answered_and_is_recorded(corg):
    with pytest.raises(ValidationError) as caught:
        raise_about_officer(corg, post=corg.ce)
    assert "informal_attempted" in caught.value.message_dict
    assert Complaint.objects.count() == 0
    complaint = raise_about_officer(
        corg, post=corg.ce, informal_attempted=False, informal_detail="Leader unavailable."
    )
    assert complaint.informal_expected == INFORMAL_CE
    assert complaint.informal_attempted is False
    assert complaint.informal_detail == "Leader unavailable."


def test_officer_complaint_about_a_member_goes_to_the_monitoring_officer(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.officer.holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=corg.blue_member,
        summary="Shouted at me",
        details="In the lobby.",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.raised_by == "officer"
    assert complaint.level == Level.MEMBER
    assert complaint.owner_post == corg.mo
    assert complaint.determination_required is True
    assert complaint.informal_expected == INFORMAL_OFFICER


def test_officer_complaint_about_a_group_leader_uses_its_own_rule(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.officer.holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=corg.blue_leader,
        summary="x",
        details="y",
        as_of=AS_OF,
    )
    assert complaint.level == Level.GROUP_LEADER
    assert complaint.owner_post == corg.ce


def test_a_level_without_a_rule_falls_back_and_says_so(corg):
    corg.rules["group_leader"].delete()
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.officer.holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=corg.blue_leader,
        summary="x",
        details="y",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.level == Level.GROUP_LEADER
    assert complaint.routed_as == Level.MEMBER
    assert complaint.owner_post == corg.mo
    assert "names no separate route" in complaint.route_explanation


def test_officer_reports_a_code_of_conduct_breach_to_the_monitoring_officer(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=corg.red_whip,
        summary="Misused resources",
        details="Details.",
        as_of=AS_OF,
    )
    assert complaint.level == Level.CODE_OF_CONDUCT
    assert complaint.owner_post == corg.mo
    assert complaint.determination_required


@pytest.mark.parametrize(
    ("kind", "who", "field", "message"),
    [
        (Kind.CONCERN_ABOUT_OFFICER, "officer", "kind", "Only a member"),
        (Kind.COMPLAINT_ABOUT_MEMBER, "member", "kind", "Only an officer"),
        (Kind.CONCERN_ABOUT_OFFICER, "member-no-subject", "subject_post", "Choose the officer"),
        (Kind.COMPLAINT_ABOUT_MEMBER, "self", "subject_member", "yourself"),
        ("nonsense", "member", "kind", "Choose what"),
    ],
)
def test_bad_raises_are_refused_with_the_field_and_reason(corg, kind, who, field, message):
    raiser = corg.officer.holder if who in ("officer", "self") else corg.complainant.person
    subject_post = None if who == "member-no-subject" else corg.officer_2
    subject_member = corg.blue_member
    if who == "self":
        from tests.factories import MemberFactory

        subject_member = MemberFactory(council=corg.council, person=raiser)
    with pytest.raises(ValidationError) as caught:
        services.complaint_raise(
            council=corg.council,
            raiser=raiser,
            kind=kind,
            subject_post=subject_post,
            subject_member=subject_member,
            summary="s",
            details="d",
            as_of=AS_OF,
        )
    assert message in " ".join(caught.value.message_dict[field])


def test_empty_summary_and_details_are_refused(corg):
    with pytest.raises(ValidationError) as caught:
        services.complaint_raise(
            council=corg.council,
            raiser=corg.complainant.person,
            kind=Kind.CONCERN_ABOUT_OFFICER,
            subject_post=corg.officer,
            summary=" ",
            details="",
            as_of=AS_OF,
        )
    assert set(caught.value.message_dict) == {"summary", "details"}


def test_no_rule_at_all_gives_a_clear_refusal(corg):
    for rule in corg.rules.values():
        rule.delete()
    with pytest.raises(ValidationError, match="names no route"):
        raise_about_officer(corg)


# ---- conflicts --------------------------------------------------------------------------


@pytest.fixture
def director_conflicted(corg):
    def checker(person, matter):
        if person.pk == corg.director.holder_id and corg.complainant.person_id in matter.people:
            return [
                Conflict(
                    person.pk, "declared a close friendship with the complainant", "T §10", True
                )
            ]
        return []

    register_checker(checker)
    yield checker
    unregister_checker(checker)


@pytest.fixture
def nobody_conflicted(corg):
    calls = []

    def checker(person, matter):
        calls.append(person.pk)
        return []

    register_checker(checker)
    yield calls
    unregister_checker(checker)


def test_a_conflicted_handler_is_passed_over_to_the_line_manager(corg, director_conflicted):
    complaint = raise_about_officer(corg)
    assert complaint.owner_post == corg.ce  # the Director's line manager acts
    notes = CaseEvent.objects.filter(case_id=complaint.pk, kind="routing")
    assert notes.count() == 1
    assert not notes.get().visible_to_raiser
    assert "close friendship" in notes.get().summary
    assert "friendship" not in complaint.route_explanation


def test_a_handler_without_conflict_is_kept(corg, nobody_conflicted):
    complaint = raise_about_officer(corg)
    assert complaint.owner_post == corg.director
    assert corg.director.holder_id in nobody_conflicted


def test_a_conflicted_investigator_is_refused(corg, director_conflicted):
    complaint = raise_about_officer(corg)
    acknowledge(corg, complaint, by=corg.ce.holder)
    with pytest.raises(ValidationError) as caught:
        services.complaint_nominate_investigator(
            complaint=complaint,
            actor=corg.ce.holder,
            investigator_post=corg.director,
            as_of=AS_OF,
        )
    assert "declared conflict" in caught.value.message_dict["investigator_post"][0]


# ---- stages and transitions -------------------------------------------------------------


def test_acknowledging_moves_the_clock_to_the_outcome_date(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.outcome_due_on == date(2026, 3, 20)
    assert complaint.due_on == date(2026, 3, 20)
    assert complaint.clock_cycle == 1
    assert complaint.next_rung == 0
    assert complaint.next_action_at.date() == date(2026, 3, 19)
    assert complaint.history.first().history_user == corg.director.holder


def test_acknowledging_twice_is_a_no_op(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    events = CaseEvent.objects.count()
    again = acknowledge(corg, complaint, due=date(2026, 4, 30))
    assert again.outcome_due_on == date(2026, 3, 20)
    assert CaseEvent.objects.count() == events


def test_acknowledgement_needs_a_future_date_and_a_message(corg):
    complaint = raise_about_officer(corg)
    with pytest.raises(ValidationError) as caught:
        services.complaint_acknowledge(
            complaint=complaint,
            actor=corg.director.holder,
            intent="maybe",
            message=" ",
            outcome_due_on=date(2026, 3, 1),
            as_of=AS_OF,
        )
    assert set(caught.value.message_dict) == {"intent", "message", "outcome_due_on"}


def test_nominating_an_investigator(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    complaint = services.complaint_nominate_investigator(
        complaint=complaint,
        actor=corg.director.holder,
        investigator_post=corg.manager,
        as_of=AS_OF,
    )
    assert complaint.status == Status.INVESTIGATING
    assert complaint.investigator_post == corg.manager
    events = CaseEvent.objects.count()
    services.complaint_nominate_investigator(
        complaint=complaint,
        actor=corg.director.holder,
        investigator_post=corg.manager,
        as_of=AS_OF,
    )
    assert CaseEvent.objects.count() == events


def test_the_subject_cannot_investigate_themselves(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    with pytest.raises(ValidationError):
        services.complaint_nominate_investigator(
            complaint=complaint,
            actor=corg.director.holder,
            investigator_post=corg.officer,
            as_of=AS_OF,
        )


def test_outcome_before_acknowledgement_is_refused(corg):
    complaint = raise_about_officer(corg)
    with pytest.raises(TransitionError, match="cannot become"):
        give_outcome(corg, complaint)


def test_outcome_stops_the_clock_and_is_idempotent(corg):
    complaint = give_outcome(corg, acknowledge(corg, raise_about_officer(corg)))
    assert complaint.status == Status.OUTCOME_ISSUED
    assert complaint.next_action_at is None
    assert complaint.due_on is None
    assert complaint.action_taken is True
    again = services.complaint_give_outcome(
        complaint=complaint,
        actor=corg.director.holder,
        outcome=Outcome.NOT_UPHELD,
        reasons="changed",
        action_taken=False,
        as_of=AS_OF,
    )
    assert again.outcome == Outcome.UPHELD


def test_outcome_needs_reasons_and_whether_action_was_taken(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    with pytest.raises(ValidationError) as caught:
        services.complaint_give_outcome(
            complaint=complaint,
            actor=corg.director.holder,
            outcome="",
            reasons="",
            action_taken=None,
            as_of=AS_OF,
        )
    assert set(caught.value.message_dict) == {"outcome", "reasons", "action_taken"}


def test_satisfied_complainant_closes_it_and_repeat_is_a_no_op(corg):
    complaint = give_outcome(corg, acknowledge(corg, raise_about_officer(corg)))
    closed = services.complaint_respond(
        complaint=complaint, actor=corg.complainant.person, choice="satisfied", as_of=AS_OF
    )
    assert (closed.status, closed.satisfied) == (Status.CLOSED, True)
    assert closed.closed_at == AS_OF
    again = services.complaint_respond(
        complaint=closed, actor=corg.complainant.person, choice="satisfied", as_of=AS_OF
    )
    assert again.closed_at == AS_OF
    with pytest.raises(TransitionError):
        services.complaint_respond(
            complaint=closed, actor=corg.complainant.person, choice="escalate", as_of=AS_OF
        )


def test_escalation_on_dissatisfaction_reroutes_with_a_new_deadline(corg):
    complaint = give_outcome(corg, acknowledge(corg, raise_about_officer(corg)))
    later = AS_OF + timedelta(days=4)  # Friday 6 March
    escalated = services.complaint_respond(
        complaint=complaint,
        actor=corg.complainant.person,
        choice="escalate",
        reason="Nothing changed.",
        as_of=later,
    )
    assert escalated.status == Status.ESCALATED
    assert escalated.stage == "chief-executive"
    assert escalated.stage_number == 2
    assert escalated.owner_post == corg.ce
    # Stage rule: 5 working days from Friday 6 March = Friday 13 March.
    assert escalated.due_on == date(2026, 3, 13)
    assert escalated.ack_due_on == date(2026, 3, 13)
    assert escalated.clock_cycle == 2
    assert escalated.satisfied is False
    assert escalated.next_stage == ""
    from complaints import permissions as perms

    # Passed on: the first stage's handler no longer sees it, let alone acts (issue 12).
    assert not perms.can(corg.director.holder, perms.ACT, escalated)
    assert not perms.can(corg.director.holder, perms.VIEW, escalated)
    assert perms.can(corg.ce.holder, perms.ACT, escalated)
    # Repeating the escalation changes nothing.
    again = services.complaint_respond(
        complaint=escalated, actor=corg.complainant.person, choice="escalate", as_of=later
    )
    assert again.stage_number == 2


def test_the_final_stage_cannot_escalate_but_can_close_dissatisfied(corg):
    complaint = raise_about_officer(corg, post=corg.director)  # final stage rule
    complaint = give_outcome(
        corg, acknowledge(corg, complaint, by=corg.ce.holder), by=corg.ce.holder
    )
    with pytest.raises(ValidationError, match="final stage"):
        services.complaint_respond(
            complaint=complaint, actor=corg.complainant.person, choice="escalate", as_of=AS_OF
        )
    closed = services.complaint_respond(
        complaint=complaint, actor=corg.complainant.person, choice="close", as_of=AS_OF
    )
    assert (closed.status, closed.satisfied) == (Status.CLOSED, False)


def test_escalation_before_the_outcome_needs_a_missed_deadline(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    with pytest.raises(ValidationError, match="once the outcome"):
        services.complaint_respond(
            complaint=complaint, actor=corg.complainant.person, choice="escalate", as_of=AS_OF
        )
    fresh = raise_about_officer(corg, post=corg.officer_2)
    Complaint.objects.filter(pk=fresh.pk).update(breached_on=date(2026, 3, 6))
    fresh.refresh_from_db()
    escalated = services.complaint_respond(
        complaint=fresh, actor=corg.complainant.person, choice="escalate", as_of=AS_OF
    )
    assert escalated.stage == "chief-executive"


def test_withdrawing_closes_and_cannot_be_undone(corg):
    complaint = services.complaint_withdraw(
        complaint=raise_about_officer(corg),
        actor=corg.complainant.person,
        reason="Sorted",
        as_of=AS_OF,
    )
    assert complaint.status == Status.WITHDRAWN
    assert complaint.next_action_at is None
    with pytest.raises(TransitionError):
        acknowledge(corg, complaint)


def test_release_to_subject_is_recorded_once(corg):
    complaint = raise_about_officer(corg)
    released = services.complaint_release_to_subject(
        complaint=complaint,
        actor=corg.director.holder,
        text="An allegation of rudeness.",
        as_of=AS_OF,
    )
    assert released.released_to_subject
    messages = OutboxMessage.objects.filter(key__contains=":released:").count()
    services.complaint_release_to_subject(
        complaint=released,
        actor=corg.director.holder,
        text="An allegation of rudeness.",
        as_of=AS_OF + timedelta(hours=1),
    )
    assert OutboxMessage.objects.filter(key__contains=":released:").count() == messages
    with pytest.raises(ValidationError):
        services.complaint_release_to_subject(
            complaint=released, actor=corg.director.holder, text="", as_of=AS_OF
        )


# ---- determinations ---------------------------------------------------------------------


def code_report(o, subject=None):
    complaint = services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=subject or o.red_whip,
        summary="Misused resources",
        details="Details.",
        as_of=AS_OF,
    )
    return acknowledge(o, complaint, by=o.mo.holder)


def determine(o, complaint, outcome=DeterminationOutcome.NO_FURTHER_ACTION, **extra):
    return services.determination_issue(
        complaint=complaint,
        actor=o.mo.holder,
        outcome=outcome,
        reasons="No evidence.",
        as_of=AS_OF + timedelta(days=3),
        **extra,
    )


def test_determination_gives_the_outcome(corg):
    complaint = code_report(corg)
    det = determine(corg, complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.OUTCOME_ISSUED
    assert complaint.outcome_reasons == "No evidence."
    assert det.is_active
    assert det.history.first().history_user == corg.mo.holder


def test_determination_must_follow_acknowledgement(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=corg.red_whip,
        summary="s",
        details="d",
        as_of=AS_OF,
    )
    with pytest.raises(ValidationError, match="Acknowledge"):
        determine(corg, complaint)


def test_a_second_determination_must_supersede(corg):
    complaint = code_report(corg)
    determine(corg, complaint, DeterminationOutcome.INVESTIGATION)
    with pytest.raises(ValidationError, match="supersede"):
        determine(corg, complaint)


def test_an_issued_determination_cannot_be_edited_or_deleted(corg):
    det = determine(corg, code_report(corg))
    det.reasons = "Rewritten after the fact."
    with pytest.raises(IssuedDeterminationError):
        det.save()
    with pytest.raises(IssuedDeterminationError):
        Determination.objects.filter(pk=det.pk).update(reasons="Sneaky")
    with pytest.raises(IssuedDeterminationError):
        Determination.objects.get(pk=det.pk).delete()
    with pytest.raises(IssuedDeterminationError):
        Determination.objects.all().delete()
    assert Determination.objects.get(pk=det.pk).reasons == "No evidence."


def test_the_database_allows_one_active_determination_per_complaint(corg):
    det = determine(corg, code_report(corg))
    clone = Determination(
        complaint=det.complaint,
        outcome=det.outcome,
        reasons="again",
        issued_at=AS_OF,
        issued_by=corg.mo.holder,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Determination.objects.bulk_create([clone])


def test_superseding_records_the_reason_and_keeps_the_old_one(corg):
    complaint = code_report(corg)
    old = determine(corg, complaint, DeterminationOutcome.INVESTIGATION)
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING
    new = services.determination_supersede(
        determination=old,
        actor=corg.mo.holder,
        outcome=DeterminationOutcome.INFORMAL_RESOLUTION,
        reasons="Both agreed an apology.",
        why="The parties settled.",
        as_of=AS_OF,
    )
    old.refresh_from_db()
    assert old.superseded_by == new
    assert old.superseded_reason == "The parties settled."
    assert old.reasons == "No evidence."
    assert new.is_active
    assert not old.is_active
    complaint.refresh_from_db()
    assert complaint.status == Status.OUTCOME_ISSUED
    with pytest.raises(ValidationError, match="already been superseded"):
        services.determination_supersede(
            determination=old,
            actor=corg.mo.holder,
            outcome=DeterminationOutcome.INVESTIGATION,
            reasons="r",
            why="w",
            as_of=AS_OF,
        )


def test_superseding_needs_a_reason(corg):
    old = determine(corg, code_report(corg))
    with pytest.raises(ValidationError) as caught:
        services.determination_supersede(
            determination=old,
            actor=corg.mo.holder,
            outcome=DeterminationOutcome.INVESTIGATION,
            reasons="r",
            why=" ",
            as_of=AS_OF,
        )
    assert "why" in caught.value.message_dict


def test_referral_to_the_standards_committee_moves_the_stage(corg):
    complaint = code_report(corg)
    determine(corg, complaint, DeterminationOutcome.STANDARDS_COMMITTEE)
    complaint.refresh_from_db()
    assert complaint.status == Status.ESCALATED
    assert complaint.stage == "standards-committee"
    assert complaint.handler_person == corg.standards_chair.person
    assert complaint.owner_post is None
    assert complaint.handler_title == "Chair of the Standards Committee"


def test_referral_to_whip_and_leader_needs_the_chief_executive(corg):
    complaint = code_report(corg, subject=corg.complainant)
    with pytest.raises(ValidationError) as caught:
        determine(corg, complaint, DeterminationOutcome.WHIP_AND_LEADER)
    assert "with_chief_executive" in caught.value.message_dict
    determine(corg, complaint, DeterminationOutcome.WHIP_AND_LEADER, with_chief_executive=True)
    complaint.refresh_from_db()
    assert complaint.stage == "party-whip"
    assert complaint.handler_person == corg.red_whip.person
    assert list(complaint.copied_people.all()) == [corg.red_leader.person]


def test_whip_referral_about_the_whip_is_recorded_as_the_outcome(corg):
    complaint = code_report(corg)  # about the Red whip: nobody else can take the whip stage
    determine(corg, complaint, DeterminationOutcome.WHIP_AND_LEADER, with_chief_executive=True)
    complaint.refresh_from_db()
    assert complaint.stage == "first"
    assert complaint.status == Status.OUTCOME_ISSUED


def test_determinations_only_for_member_conduct(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    with pytest.raises(ValidationError, match="not one the Monitoring Officer determines"):
        determine(corg, complaint)


def test_the_timeline_tells_the_complainant_what_the_handler_said(corg):
    complaint = acknowledge(corg, raise_about_officer(corg))
    line = CaseEvent.objects.get(case_id=complaint.pk, kind="acknowledged")
    assert line.summary == (
        "Acknowledged: the handler needs time to investigate; outcome by 20 March 2026"
    )
    assert line.visible_to_raiser
