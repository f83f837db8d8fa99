"""Writes for complaints: raise, acknowledge, investigate, decide, escalate, release, determine.

Every service is keyword-only and atomic; it checks the move against `states.TRANSITIONS`,
records who, when and why (simple-history and the case timeline) in the same transaction, and
queues notifications through the outbox, sent after commit. Nothing here reads the clock:
callers pass `as_of`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from complaints import permissions as perms
from complaints.models import Complaint, Determination, QuarterlySummary
from complaints.selectors import (
    RoutePlan,
    complaint_route_plan,
    level_for,
    member_of,
    post_of,
    summary_rows,
    summary_totals,
)
from complaints.states import (
    ABOUT_AN_OFFICER,
    AWAITING_ACK,
    DETERMINATION_TARGET,
    TRANSITIONS,
    AckIntent,
    DeterminationOutcome,
    Kind,
    Outcome,
    Status,
)
from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.conflicts import Matter, conflicts_for, is_blocked
from protocol_portal.casework.permissions import grant_to_posts
from protocol_portal.casework.placing import placed
from protocol_portal.casework.receipt import Channel, receipt_check, received_text
from protocol_portal.casework.services import (
    clock_schedule,
    clock_start,
    reference_next,
)
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org import protocol_settings
from protocol_portal.org.models import (
    MONITORING_KINDS,
    Council,
    Member,
    Person,
    Post,
    PostKind,
    RoutingRule,
)
from protocol_portal.org.routing import PostRef
from protocol_portal.org.services import RoutingContext, post_for

# Joined when a complaint is read under its row lock.
LOCKED_WITH = ("council", "owner_post", "subject_post", "raiser_person")


# ---- raising -----------------------------------------------------------------------------


def _raiser_roles(kind: str, raiser: Person, council: Council):
    member, post = member_of(user=raiser, council=council), post_of(user=raiser, council=council)
    if kind in ABOUT_AN_OFFICER:
        if member is None:
            raise ValidationError(
                {"kind": f"Only a member of {council.name} can raise a concern about an officer."}
            )
        return "member", member, None
    if kind == Kind.COMPLAINT_ABOUT_MEMBER:
        if post is None:
            raise ValidationError(
                {"kind": f"Only an officer of {council.name} can complain about a member here."}
            )
        return "officer", None, post
    if member is None and post is None:
        raise ValidationError({"kind": f"You are neither a member nor an officer of {council}."})
    return ("member", member, None) if member is not None else ("officer", None, post)


def _subject(kind, council, raiser, subject_post, subject_member):
    if kind in ABOUT_AN_OFFICER:
        if subject_post is None or subject_post.council_id != council.pk:
            raise ValidationError({"subject_post": "Choose the officer the concern is about."})
        if subject_post.holder_id is None:
            raise ValidationError({"subject_post": "That post is vacant: choose the officer."})
        if subject_post.holder_id == raiser.pk:
            raise ValidationError({"subject_post": "You cannot raise a concern about yourself."})
        return subject_post.holder, subject_post, None
    if subject_member is None or subject_member.council_id != council.pk:
        raise ValidationError({"subject_member": "Choose the member the complaint is about."})
    if subject_member.person_id == raiser.pk:
        raise ValidationError({"subject_member": "You cannot complain about yourself."})
    return subject_member.person, None, subject_member


def complaint_preview(
    *,
    council: Council,
    raiser: Person,
    kind: str,
    subject_post: Post | None = None,
    subject_member: Member | None = None,
) -> tuple[RoutePlan, dict]:
    """Which route applies and why, before anything is written (the form's preview step)."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose what you are raising."})
    raised_by, raiser_member, raiser_post = _raiser_roles(kind, raiser, council)
    subject, subject_post, subject_member = _subject(
        kind, council, raiser, subject_post, subject_member
    )
    level = level_for(kind=kind, subject_post=subject_post, subject_member=subject_member)
    plan = complaint_route_plan(
        council=council,
        raised_by=raised_by,
        level=level,
        raiser=raiser,
        subject=subject,
        raiser_post=raiser_post,
        raiser_member=raiser_member,
        subject_post=subject_post,
        subject_member=subject_member,
    )
    facts = {
        "raised_by": raised_by,
        "raiser_member": raiser_member,
        "raiser_post": raiser_post,
        "subject_person": subject,
        "subject_post": subject_post,
        "subject_member": subject_member,
        "level": level,
    }
    return plan, facts


def _determination_required(plan: RoutePlan, subject_member: Member | None) -> bool:
    post = plan.handler_post
    return subject_member is not None and post is not None and post.kind in MONITORING_KINDS


def _apply_plan(complaint: Complaint, plan: RoutePlan) -> None:
    complaint.stage = plan.stage
    complaint.routed_as = plan.routed_as
    complaint.rule_key = plan.route.rule_key
    complaint.rule_source = plan.source_cited[:120]
    complaint.next_stage = plan.route.next_stage
    complaint.route_explanation = plan.explanation
    complaint.owner_post = plan.handler_post
    complaint.handler_person = plan.handler_person
    complaint.handler_member = plan.handler_member
    complaint.handler_title = plan.handler_title[:200]
    complaint.determination_required = _determination_required(plan, complaint.subject_member)
    complaint.copied_titles = list(plan.copied_titles)


def _stage_audiences(complaint: Complaint, plan: RoutePlan, *, as_of: datetime) -> None:
    """The stage's copies, and anyone passed over for a conflict (never given sight of the case,
    even as a line manager, at this stage or any later one); then the audiences follow."""
    complaint.copied_posts.set(plan.copied_posts)
    complaint.copied_people.set([m.person for m in plan.copied_members])
    complaint.passed_over.add(*plan.conflicted)
    access_sync(complaint, as_of=as_of)


def _routed_notice(complaint: Complaint, plan: RoutePlan, as_of: datetime) -> None:
    copies = [p.holder for p in plan.copied_posts] + [m.person for m in plan.copied_members]
    plumbing.tell(
        complaint,
        key=f"stage-{complaint.stage_number}:routed",
        subject=f"a complaint for you to acknowledge by {complaint.due_on:%-d %B %Y}",
        body=(
            f"{complaint.reference} ({complaint.get_level_display()}) has been routed to the "
            f"{complaint.handler_title} under {complaint.rule_source}. Acknowledge it by "
            f"{complaint.due_on:%-d %B %Y}, saying whether you will act or how long you need."
        ),
        recipients=[plan.handler_person, *copies],
        as_of=as_of,
    )


@transaction.atomic
def complaint_raise(
    *,
    council: Council,
    raiser: Person,
    kind: str,
    summary: str,
    details: str,
    as_of: datetime,
    subject_post: Post | None = None,
    subject_member: Member | None = None,
    informal_attempted: bool | None = None,
    informal_detail: str = "",
    channel: str = Channel.PORTAL,
    received_at: datetime | None = None,
    actor: Person | None = None,
) -> Complaint:
    """Raise a concern or complaint; the council's rules route it by the role of the person it is
    about, and the handler must acknowledge it in time (004 §11.3; 000 §14; 002 §105–108).
    Logged for a member by member services or an officer (`actor`), received by phone, letter,
    email or at a surgery, the clock runs from the true moment of receipt."""
    actor = actor or raiser
    received_at = receipt_check(
        council=council,
        member=Member.objects.filter(council=council, person=raiser).first(),
        on_behalf_of=raiser,
        channel=channel,
        received_at=received_at,
        actor=actor,
        as_of=as_of,
        what="complaint",
    )
    on_behalf = actor.pk != raiser.pk
    errors = {}
    if not summary.strip():
        errors["summary"] = "Say in a line what the complaint is about."
    if not details.strip():
        errors["details"] = "Describe what happened."
    if errors:
        raise ValidationError(errors)
    plan, facts = complaint_preview(
        council=council,
        raiser=raiser,
        kind=kind,
        subject_post=subject_post,
        subject_member=subject_member,
    )
    if plan.informal_first and informal_attempted is None:
        raise ValidationError(
            {
                "informal_attempted": f"Say whether you have tried to resolve it informally "
                f"first, as {plan.route.source} expects."
            }
        )
    complaint = Complaint(
        council=council,
        reference=reference_next(council=council, prefix="CMP", year=plumbing.today(as_of).year),
        kind=kind,
        raised_by=facts["raised_by"],
        level=facts["level"],
        raiser_person=raiser,
        raiser_member=facts["raiser_member"],
        raiser_post=facts["raiser_post"],
        subject_person=facts["subject_person"],
        subject_post=facts["subject_post"],
        subject_member=facts["subject_member"],
        summary=summary.strip()[:200],
        details=details.strip(),
        informal_expected=plan.informal_first,
        informal_attempted=informal_attempted if plan.informal_first else None,
        informal_detail=informal_detail.strip() if plan.informal_first else "",
        channel=channel,
        received_at=received_at,
    )
    _apply_plan(complaint, plan)
    clock_start(
        case=complaint,
        received_on=plumbing.today(received_at),
        days=plan.deadline_days,
        calendar=plan.deadline_calendar,
    )
    complaint.ack_due_on = complaint.due_on
    plumbing.save(
        complaint, actor=actor, reason="logged on the raiser's behalf" if on_behalf else "raised"
    )
    _stage_audiences(complaint, plan, as_of=as_of)
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="raised",
        summary=f"Raised {received_text(complaint)}"
        f"{f', logged by {actor}' if on_behalf else ''}; "
        f"routed to the {complaint.handler_title} ({complaint.rule_source})",
        detail=plan.explanation,
    )
    plumbing.tell_logged_for(
        complaint,
        raiser=raiser,
        actor=actor,
        as_of=as_of,
        noun="complaint",
        what=f"complaint “{complaint.summary}”",
        then=f"It is with the {complaint.handler_title}, who should acknowledge it by "
        f"{complaint.due_on:%-d %B %Y}.",
    )
    for note in plan.handler_notes:
        plumbing.event(
            complaint, actor=None, as_of=as_of, kind="routing", summary=note, to_raiser=False
        )
    _routed_notice(complaint, plan, as_of)
    return complaint


# ---- handling ----------------------------------------------------------------------------


@transaction.atomic
def complaint_acknowledge(
    *,
    complaint: Complaint,
    actor: Person,
    intent: str,
    message: str,
    outcome_due_on: date | None,
    as_of: datetime,
) -> Complaint:
    """Acknowledge, say whether you will act or how long you need (004 §11.3)."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    if not plumbing.move(complaint, Status.ACKNOWLEDGED, table=TRANSITIONS):
        return complaint
    errors = {}
    # What the acknowledgement says is the council's (`complaint_acknowledgement`): 004 §11.3
    # "whether they will take action or how long they need to investigate".
    asks = (
        protocol_settings.setting(complaint.council, "complaint_acknowledgement")
        == "action_or_time"
    )
    if (asks or intent) and intent not in AckIntent.values:
        errors["intent"] = "Say whether you will take action or need time to investigate."
    if not message.strip():
        errors["message"] = "Write the acknowledgement the complainant will read."
    if outcome_due_on is None:
        errors["outcome_due_on"] = "Give the date by which you will report the outcome."
    elif outcome_due_on < plumbing.today(as_of):
        errors["outcome_due_on"] = "The date for the outcome cannot be in the past."
    if errors:
        raise ValidationError(errors)
    complaint.status = Status.ACKNOWLEDGED
    complaint.acknowledged_at = as_of
    complaint.ack_intent = intent
    complaint.ack_message = message.strip()
    complaint.outcome_due_on = outcome_due_on
    complaint.due_on = outcome_due_on
    complaint.clock_cycle += 1
    complaint.next_rung = 0
    clock_schedule(case=complaint)
    plumbing.save(complaint, actor=actor, reason="acknowledged")
    label = {
        AckIntent.WILL_ACT: ": the handler will take action",
        AckIntent.NEEDS_TIME: ": the handler needs time to investigate",
    }.get(intent, "")
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="acknowledged",
        summary=f"Acknowledged{label}; outcome by {outcome_due_on:%-d %B %Y}",
        detail=complaint.ack_message,
    )
    plumbing.tell(
        complaint,
        key=f"stage-{complaint.stage_number}:acknowledged",
        subject="your complaint has been acknowledged",
        body=f"{complaint.ack_message}\n\nOutcome expected by {outcome_due_on:%-d %B %Y}.",
        recipients=[complaint.raiser_person],
        as_of=as_of,
    )
    return complaint


def _check_investigator(complaint: Complaint, post: Post | None) -> Post:
    if post is None or post.council_id != complaint.council_id:
        raise ValidationError({"investigator_post": "Choose a manager of this council."})
    if post.holder_id is None:
        raise ValidationError({"investigator_post": "That post is vacant."})
    if post.holder_id in (complaint.subject_person_id, complaint.raiser_person_id):
        raise ValidationError(
            {"investigator_post": "The investigator cannot be the complainant or the subject."}
        )
    matter = Matter(
        complaint.council,
        "complaint",
        people=frozenset({complaint.raiser_person_id, complaint.subject_person_id}),
    )
    found = conflicts_for(person=post.holder, matter=matter)
    if found:
        raise ValidationError(
            {
                "investigator_post": "That manager has a declared conflict: "
                + "; ".join(f"{c.reason} ({c.source})" for c in found)
            }
        )
    return post


@transaction.atomic
def complaint_nominate_investigator(
    *, complaint: Complaint, actor: Person, investigator_post: Post | None, as_of: datetime
) -> Complaint:
    """The chief officer nominates a manager to investigate (003 §67)."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    post = _check_investigator(complaint, investigator_post)
    moving = plumbing.move(complaint, Status.INVESTIGATING, table=TRANSITIONS)
    if not moving and complaint.investigator_post_id == post.pk:
        return complaint
    complaint.status = Status.INVESTIGATING
    complaint.investigator_post = post
    placed(
        complaint,
        actor=actor,
        as_of=as_of,
        reason="investigator nominated",
        kind="investigator",
        summary="A manager has been nominated to investigate (003 §67)",
    )
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="investigator-named",
        summary=f"Investigator: {post.title}",
        to_raiser=False,
    )
    plumbing.tell(
        complaint,
        key=f"stage-{complaint.stage_number}:investigator:{post.pk}",
        subject="you have been nominated to investigate",
        body=f"Please investigate {complaint.reference}; report to {complaint.handler_title}.",
        recipients=[post.holder],
        as_of=as_of,
    )
    return complaint


@transaction.atomic
def complaint_give_outcome(
    *,
    complaint: Complaint,
    actor: Person,
    outcome: str,
    reasons: str,
    action_taken: bool | None,
    as_of: datetime,
    disciplinary_notes: str = "",
) -> Complaint:
    """Give the outcome with reasons; the member is told whether action was taken, never the
    disciplinary detail (004 §11.4–11.5)."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    if not plumbing.move(complaint, Status.OUTCOME_ISSUED, table=TRANSITIONS):
        return complaint
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome."
    if not reasons.strip():
        errors["reasons"] = "Give the reasons for the outcome."
    if action_taken is None:
        errors["action_taken"] = "Say whether action has been taken (004 §11.4)."
    if errors:
        raise ValidationError(errors)
    complaint.status = Status.OUTCOME_ISSUED
    complaint.outcome = outcome
    complaint.outcome_reasons = reasons.strip()
    complaint.action_taken = action_taken
    complaint.outcome_at = as_of
    if disciplinary_notes.strip():
        complaint.disciplinary_notes = disciplinary_notes.strip()
    plumbing.clock_stop(complaint, keep_due=False)
    plumbing.save(complaint, actor=actor, reason="outcome given")
    taken = "yes" if action_taken else "no"
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="outcome",
        summary=f"Outcome: {Outcome(outcome).label}. Action taken: {taken}",
        detail=complaint.outcome_reasons,
    )
    plumbing.tell(
        complaint,
        key=f"stage-{complaint.stage_number}:outcome",
        subject="the outcome of your complaint",
        body=(
            f"Outcome: {Outcome(outcome).label}. Action taken: {'yes' if action_taken else 'no'}."
            f"\n\n{complaint.outcome_reasons}"
        ),
        # The stage's copies hear the outcome too: "The outcome must be reported to the officer
        # who notified them of the complaint along with their line manager" (002 §25).
        recipients=[
            complaint.raiser_person,
            *(p.holder for p in complaint.copied_posts.all() if p.holder_id),
            *complaint.copied_people.all(),
        ],
        as_of=as_of,
    )
    if (
        _next_when_upheld(complaint)
        and complaint.next_stage
        and outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)
    ):
        # "In the event of a complaint being upheld, the matter will be referred to the chief
        # executive" (003 §66): the upholding moves it on, not the complainant.
        plumbing.move(complaint, Status.ESCALATED, table=TRANSITIONS)
        _reroute(
            complaint,
            _next_plan(complaint, complaint.next_stage),
            actor=actor,
            as_of=as_of,
            why=f"The complaint was {Outcome(outcome).label.lower()} ({complaint.rule_source}).",
        )
    return complaint


def _next_when_upheld(complaint: Complaint) -> bool:
    """Whether the rule's next stage follows an upheld outcome rather than the complainant's
    dissatisfaction (`next_stage_when_upheld` setting; 003 §66)."""
    keys = protocol_settings.setting(complaint.council, "next_stage_when_upheld")
    return complaint.rule_key in keys


@transaction.atomic
def complaint_note_disciplinary(
    *, complaint: Complaint, actor: Person, notes: str, as_of: datetime
) -> Complaint:
    """Keep disciplinary notes where only handler-side roles see them (004 §11.5)."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    if not notes.strip():
        raise ValidationError({"notes": "Write the notes."})
    if complaint.disciplinary_notes == notes.strip():
        return complaint
    complaint.disciplinary_notes = notes.strip()
    plumbing.save(complaint, actor=actor, reason="disciplinary notes")
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="disciplinary",
        summary="Disciplinary notes updated",
        to_raiser=False,
    )
    return complaint


def _reroute(complaint: Complaint, plan: RoutePlan, *, actor, as_of, why: str) -> None:
    """Move to a new stage: new handler, new acknowledgement deadline; the old handler, their
    managers, investigator and copies no longer see the case (casework.access)."""
    # The new stage's handler nominates their own investigator, if any (003 §67).
    complaint.investigator_post = None
    complaint.status = Status.ESCALATED
    complaint.stage_number += 1
    _apply_plan(complaint, plan)
    complaint.acknowledged_at = None
    complaint.ack_intent = ""
    complaint.outcome_due_on = None
    plumbing.clock_restart(
        complaint,
        on=plumbing.today(as_of),
        days=plan.deadline_days,
        calendar=plan.deadline_calendar,
    )
    complaint.ack_due_on = complaint.due_on
    plumbing.save(complaint, actor=actor, reason=f"escalated to {plan.stage}")
    _stage_audiences(complaint, plan, as_of=as_of)
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="escalated",
        summary=(
            f"Escalated to the {plan.stage.replace('-', ' ')} stage: the {complaint.handler_title} "
            f"({complaint.rule_source}); acknowledge by {complaint.due_on:%-d %B %Y}"
        ),
        detail=f"{why}\n\n{plan.explanation}".strip(),
    )
    for note in plan.handler_notes:
        plumbing.event(
            complaint, actor=None, as_of=as_of, kind="routing", summary=note, to_raiser=False
        )
    _routed_notice(complaint, plan, as_of)


def _next_plan(complaint: Complaint, stage: str) -> RoutePlan:
    return complaint_route_plan(
        council=complaint.council,
        raised_by=complaint.raised_by,
        level=complaint.level,
        routed_as=complaint.routed_as,
        raiser=complaint.raiser_person,
        subject=complaint.subject_person,
        raiser_post=complaint.raiser_post,
        raiser_member=complaint.raiser_member,
        subject_post=complaint.subject_post,
        subject_member=complaint.subject_member,
        stage=stage,
    )


RESPONSES = ("satisfied", "escalate", "close")


@transaction.atomic
def complaint_respond(
    *, complaint: Complaint, actor: Person, choice: str, as_of: datetime, reason: str = ""
) -> Complaint:
    """The complainant is satisfied (closed), escalates to the rule's next stage (004 §11.6,
    003 §70), or closes it dissatisfied where the protocol has no further stage."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    if choice not in RESPONSES:
        raise ValidationError({"choice": "Say whether you are satisfied."})
    if choice == "escalate":
        if not plumbing.move(complaint, Status.ESCALATED, table=TRANSITIONS):
            return complaint
        if complaint.status != Status.OUTCOME_ISSUED and complaint.breached_on is None:
            raise ValidationError(
                {
                    "choice": "You can escalate once the outcome has been given, or if the "
                    "deadline has been missed."
                }
            )
        if complaint.next_stage and _next_when_upheld(complaint):
            raise ValidationError(
                {
                    "choice": f"Under {complaint.rule_source} the next stage follows only when "
                    "the complaint is upheld, not at the complainant's request. You can close "
                    "it and record that you are not satisfied."
                }
            )
        if not complaint.next_stage:
            raise ValidationError(
                {
                    "choice": f"This is the final stage under {complaint.rule_source}: the "
                    "protocol has no further stage to escalate to. You can close it and record "
                    "that you are not satisfied."
                }
            )
        complaint.satisfied = False
        _reroute(
            complaint,
            _next_plan(complaint, complaint.next_stage),
            actor=actor,
            as_of=as_of,
            why=reason.strip() or "The complainant is not satisfied.",
        )
        return complaint
    complaint.satisfied = choice == "satisfied"  # saved only if it closes now
    plumbing.close(
        complaint,
        Status.CLOSED,
        table=TRANSITIONS,
        actor=actor,
        as_of=as_of,
        kind="closed",
        summary="Closed: the complainant is "
        + ("satisfied" if complaint.satisfied else "not satisfied, and no further stage applies"),
        detail=reason.strip(),
        keep_due=False,
    )
    return complaint


@transaction.atomic
def complaint_withdraw(
    *, complaint: Complaint, actor: Person, reason: str, as_of: datetime
) -> Complaint:
    """The complainant withdraws the complaint."""
    return plumbing.withdraw(
        complaint,
        Status.WITHDRAWN,
        table=TRANSITIONS,
        related=LOCKED_WITH,
        actor=actor,
        reason=reason,
        as_of=as_of,
        keep_due=False,
    )


@transaction.atomic
def complaint_release_to_subject(
    *, complaint: Complaint, actor: Person, text: str, as_of: datetime
) -> Complaint:
    """Tell the person complained about what natural justice requires, when the handler
    decides to (000 §5 'As a Member' a; 003 §67)."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    if not text.strip():
        raise ValidationError({"text": "Write what the person concerned should be told."})
    if complaint.released_to_subject and complaint.subject_release_text == text.strip():
        return complaint
    complaint.released_to_subject = True
    complaint.subject_release_text = text.strip()
    complaint.released_at = as_of
    placed(
        complaint,
        actor=actor,
        as_of=as_of,
        reason="released to subject",
        kind="released",
        summary="Information released to the person concerned",
        to_raiser=False,
    )
    plumbing.tell(
        complaint,
        key=f"released:{as_of.isoformat()}",
        subject="a complaint about you",
        body=complaint.subject_release_text,
        recipients=[complaint.subject_person],
        as_of=as_of,
    )
    return complaint


# ---- Monitoring Officer's determinations -------------------------------------------------


def _determination_errors(outcome: str, reasons: str, with_chief_executive: bool) -> dict:
    errors = {}
    if outcome not in DeterminationOutcome.values:
        errors["outcome"] = "Choose the determination."
    if not reasons.strip():
        errors["reasons"] = "Give the reasons for the determination."
    if outcome == DeterminationOutcome.WHIP_AND_LEADER and not with_chief_executive:
        errors["with_chief_executive"] = (
            "The Monitoring Officer refers to the party whip and leader in conjunction with "
            "the Chief Executive (004 §15.5): confirm the Chief Executive agrees."
        )
    return errors


def _referral_stage(complaint: Complaint, word: str) -> str | None:
    stages = [complaint.next_stage] if word in complaint.next_stage else []
    stages += sorted(
        set(
            RoutingRule.objects.filter(
                council=complaint.council, case_type="complaint", stage__contains=word
            ).values_list("stage", flat=True)
        )
    )
    for stage in stages:
        try:
            return stage if _next_plan(complaint, stage) else None
        except ValidationError:
            continue
    return None


def _apply_determination(complaint: Complaint, det: Determination, *, actor, as_of) -> None:
    target = DETERMINATION_TARGET[det.outcome]
    word = "standards" if det.outcome == DeterminationOutcome.STANDARDS_COMMITTEE else "whip"
    stage = _referral_stage(complaint, word) if target == Status.ESCALATED else None
    if target == Status.ESCALATED and stage is None:
        # No stage for the referral in the council's rules: record it as the outcome.
        target = Status.OUTCOME_ISSUED
    try:
        moving = plumbing.move(complaint, target, table=TRANSITIONS)
    except TransitionError as exc:
        raise ValidationError(
            f"The complaint is now '{complaint.get_status_display()}', so this determination "
            "cannot take effect."
        ) from exc
    if not moving:
        return
    if target == Status.ESCALATED:
        _reroute(
            complaint,
            _next_plan(complaint, stage),
            actor=actor,
            as_of=as_of,
            why=f"Determination: {det.get_outcome_display()}.",
        )
        return
    complaint.status = target
    if target == Status.OUTCOME_ISSUED:
        complaint.outcome_reasons = det.reasons
        complaint.outcome_at = as_of
        plumbing.clock_stop(complaint, keep_due=False)
    plumbing.save(complaint, actor=actor, reason=f"determination: {det.outcome}")


@transaction.atomic
def determination_issue(
    *,
    complaint: Complaint,
    actor: Person,
    outcome: str,
    reasons: str,
    as_of: datetime,
    with_chief_executive: bool = False,
) -> Determination:
    """The Monitoring Officer determines a report about a member's conduct, with reasons
    (004 §15.2, §15.4, §15.5). Once issued it is never edited, only superseded."""
    complaint = plumbing.locked(complaint, *LOCKED_WITH)
    errors = _determination_errors(outcome, reasons, with_chief_executive)
    if errors:
        raise ValidationError(errors)
    if not complaint.determination_required:
        raise ValidationError("This complaint is not one the Monitoring Officer determines.")
    if complaint.status in AWAITING_ACK:
        raise ValidationError("Acknowledge the complaint before determining it (004 §11.3).")
    if complaint.determinations.filter(superseded_at__isnull=True).exists():
        raise ValidationError(
            "A determination has already been issued: supersede it, giving the reason."
        )
    det = Determination(
        complaint=complaint,
        outcome=outcome,
        reasons=reasons.strip(),
        with_chief_executive=with_chief_executive,
        issued_at=as_of,
        issued_by=actor,
    )
    det._history_user = actor
    det.save()
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="determination",
        summary=f"Monitoring Officer's determination: {det.get_outcome_display()}",
        detail=det.reasons,
    )
    _apply_determination(complaint, det, actor=actor, as_of=as_of)
    plumbing.tell(
        complaint,
        key=f"determination:{det.pk}",
        subject="the Monitoring Officer's determination",
        body=f"{det.get_outcome_display()}.\n\n{det.reasons}",
        recipients=[complaint.raiser_person],
        as_of=as_of,
    )
    return det


@transaction.atomic
def determination_supersede(
    *,
    determination: Determination,
    actor: Person,
    outcome: str,
    reasons: str,
    why: str,
    as_of: datetime,
    with_chief_executive: bool = False,
) -> Determination:
    """Replace an issued determination with a new one, recording why; the old one stays as it
    was, marked superseded."""
    old = Determination.objects.select_for_update().get(pk=determination.pk)
    errors = _determination_errors(outcome, reasons, with_chief_executive)
    if not why.strip():
        errors["why"] = "Say why the determination is being superseded."
    if errors:
        raise ValidationError(errors)
    if old.superseded_at is not None:
        raise ValidationError("That determination has already been superseded.")
    complaint = plumbing.locked(old.complaint, *LOCKED_WITH)
    Determination.objects.filter(pk=old.pk).update(
        superseded_at=as_of, superseded_reason=why.strip()
    )
    new = Determination(
        complaint=complaint,
        outcome=outcome,
        reasons=reasons.strip(),
        with_chief_executive=with_chief_executive,
        issued_at=as_of,
        issued_by=actor,
    )
    new._history_user = actor
    new.save()
    Determination.objects.filter(pk=old.pk).update(superseded_by=new)
    # The issued row refuses save(), so record its superseded state in its own history here:
    # who, when and why, as a tracked save would have.
    old.refresh_from_db()
    Determination.history.bulk_history_create(
        [old],
        update=True,
        default_user=actor,
        default_change_reason=f"superseded: {why.strip()}",
        default_date=as_of,
    )
    plumbing.event(
        complaint,
        actor=actor,
        as_of=as_of,
        kind="determination-superseded",
        summary=(
            f"Determination superseded: {old.get_outcome_display()} → {new.get_outcome_display()}"
        ),
        detail=f"Why: {why.strip()}\n\n{new.reasons}",
    )
    _apply_determination(complaint, new, actor=actor, as_of=as_of)
    return new


# ---- chasers and the quarterly summary ---------------------------------------------------


def complaint_on_rung(case, rung, posts, as_of: datetime) -> None:
    """A late stage is chased up the ladder: past the due date it is marked breached and the
    posts chased (e.g. the Chief Executive, 004 §11.6) may see the complaint."""
    if rung.offset_working_days > 0 and case.breached_on is None:
        case.breached_on = plumbing.today(as_of)
    matter = Matter(
        case.council,
        "complaint",
        people=frozenset({case.raiser_person_id, case.subject_person_id}),
    )
    # Posts barred on the case (the subject's, anyone passed over) are never added; nor is a
    # post whose holder has a blocking conflict with the complainant or the subject.
    reached = [
        p
        for p in posts
        if p is not None and (p.holder is None or not is_blocked(person=p.holder, matter=matter))
    ]
    perms.escalated_to(case, reached, as_of=as_of)


@transaction.atomic
def summary_generate(
    *, council: Council, start: date, end: date, as_of: datetime
) -> QuarterlySummary:
    """Write (or rewrite) the quarter's summary of alleged breaches for the Standards Committee
    (004 §15.4), visible to the Monitoring Officer and the Chief Executive."""
    if end < start:
        raise ValidationError({"quarter": "The quarter ends before it starts."})
    rows = summary_rows(council=council, start=start, end=end)
    summary, _ = QuarterlySummary.objects.update_or_create(
        council=council,
        quarter_start=start,
        defaults={
            "quarter_end": end,
            "generated_at": as_of,
            "rows": rows,
            "totals": summary_totals(rows),
        },
    )
    ctx = RoutingContext(council=council)
    readers = [
        post_for(PostRef(kind, "council"), ctx)
        for kind in (
            PostKind.MONITORING_OFFICER,
            PostKind.DEPUTY_MONITORING_OFFICER,
            PostKind.CHIEF_EXECUTIVE,
        )
    ]
    grant_to_posts([perms.VIEW_SUMMARY], [p for p in readers if p is not None], summary)
    return summary
