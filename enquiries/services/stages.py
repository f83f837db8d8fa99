"""An enquiry's later stages: the council's rule names the next one (`next_stage`), as it does
for complaints, and the enquiry moves there with the stage's handler, copies and clock.

- the member still unhappy with a legal-proceedings answer: the Corporate Director, then the
  Monitoring Officer (000 §13.6);
- a dispute about access: the Chief Executive (001 §5.3.8.4; 002 §79; 004 §12.9);
- a dispute about urgency: the Deputy Chief Executive or statutory officer, who alone decides it
  (002 §30);
- an issue staff think is a complaint: a senior officer's advice first, then the Complaints Team
  (002 §76; `referrals.enquiry_refer_complaint`).

Who may see it follows from where it now is (casework.access, through `_grant_placement`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from enquiries.models import Enquiry
from enquiries.services.base import LOCKED_WITH, _due_text, _tell_member, _tell_owner
from enquiries.services.clock import _clock_run
from enquiries.services.placement import (
    Placement,
    _grant_placement,
    _involved_ids,
    _place,
    _placement,
    _reroute,
    _routed_summary,
    concerning_for,
)
from enquiries.states import TRANSITIONS, Status, Urgency
from protocol_portal.casework import plumbing
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org import routing
from protocol_portal.org.models import CalendarKind, Person, Post, PostKind
from protocol_portal.org.services import RoutingContext, post_for, rule_rows_for

URGENT = "urgent"
# Where a member may ask for the next stage: still open, or answered and still unhappy
# (000 §13.6 "If the Member remains unhappy with the action taken").
MAY_MOVE_ON = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.REFERRED_MO, Status.RESPONDED})


def stage_words(stage: str) -> str:
    """`corporate-director` → "corporate director"."""
    return stage.replace("-", " ").replace("_", " ")


def _rows(enquiry: Enquiry, rows) -> list[routing.RuleRow]:
    return rows if rows is not None else rule_rows_for(council=enquiry.council, case_type="enquiry")


def current_rule(enquiry: Enquiry, rows=None) -> routing.RuleRow | None:
    """The council's rule the enquiry is routed under now (None for a portal default)."""
    if not enquiry.route_rule_key:
        return None
    return next((row for row in _rows(enquiry, rows) if row.key == enquiry.route_rule_key), None)


def next_stage_for(enquiry: Enquiry, rows=None) -> str:
    """The stage the enquiry's rule hands on to, or "" at the last stage."""
    if enquiry.status not in MAY_MOVE_ON:
        return ""
    rule = current_rule(enquiry, rows)
    if rule is None or not rule.next_stage:
        return ""
    # The urgency dispute has its own action: the member disputes the officer's judgement,
    # which has usually taken the enquiry off the urgent rule (002 §30); so has the referral to
    # the Complaints Team after a senior officer's advice ("This is a complaint", 002 §76).
    if rule.concerning == URGENT and rule.stage == routing.FIRST_STAGE:
        return ""
    if rule.concerning == "complaint_referral":
        return ""
    return rule.next_stage


def _stage_placement(enquiry: Enquiry, concerning: str, stage: str) -> Placement:
    """The stage's rule and the post that takes it, in the enquiry's routing context."""
    ctx = RoutingContext(
        council=enquiry.council,
        directorate=enquiry.directorate,
        raiser_member=enquiry.member,
        exclude=_involved_ids(enquiry),
        service_area_slug=enquiry.service_area.slug if enquiry.service_area_id else "",
        case_type="enquiry",
    )
    return plan_enquiry_stage(ctx=ctx, concerning=concerning, stage=stage)


def plan_enquiry_stage(*, ctx: RoutingContext, concerning: str, stage: str) -> Placement:
    """The stage's rule and the post that takes it (no writes; vacant posts pass to the deputy
    or up the line; officers involved in legal proceedings are passed over, 000 §13.5)."""
    rows = rule_rows_for(council=ctx.council, case_type="enquiry")
    route = routing.resolve(rows, routing.Facts("enquiry", "member", concerning, stage))
    post = post_for(route.handler, ctx)
    if post is None:
        raise ValidationError(
            f"Nobody holds the post for the {stage_words(stage)} stage ({route.source}); "
            "ask the council's admin to fill it."
        )
    return _placement(route, post, stage)


def _move_to(
    enquiry: Enquiry,
    placement: Placement,
    *,
    actor: Person,
    as_of: datetime,
    why: str,
    kind: str = "next_stage",
) -> None:
    """Put the enquiry at the stage: its handler, audiences, copies and a fresh clock by the
    stage's rule; the history, the handler and the member are told."""
    previous = enquiry.owner_post
    if enquiry.status != Status.RECEIVED:
        plumbing.move(enquiry, Status.RECEIVED, table=TRANSITIONS)
    enquiry.status = Status.RECEIVED
    enquiry.responded_at = None
    enquiry.answered_working_days = None
    enquiry.accepted_at = None
    _place(enquiry, placement)
    enquiry.clock_cycle += 1
    _clock_run(
        enquiry,
        start=plumbing.today(as_of),
        days=placement.deadline_days or enquiry.council.enquiry_working_days,
        calendar=placement.deadline_calendar or CalendarKind.WORKING,
    )
    plumbing.save(enquiry, actor=actor, reason=f"moved to the {placement.stage} stage")
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    words = stage_words(placement.stage)
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind=kind,
        summary=(
            f"Moved to the {words} stage from {previous}: {_routed_summary(placement, copies)}; "
            f"due {_due_text(enquiry)}"
        ),
        detail=why.strip(),
    )
    _tell_owner(
        enquiry,
        event,
        subject=f"enquiry at the {words} stage for you",
        body=(
            f"{enquiry.reference} has moved to the {words} stage and is now with you "
            f"({placement.source}). Answer it by {_due_text(enquiry)}. Why: {why.strip()}"
        ),
        as_of=as_of,
    )
    _tell_member(
        enquiry,
        event,
        subject=f"your enquiry has moved to the {words} stage",
        body=(
            f"Your enquiry is now with the {placement.post.title} ({placement.source}). "
            f"The council will answer by {_due_text(enquiry)}."
        ),
        as_of=as_of,
    )


@transaction.atomic
def enquiry_next_stage(*, enquiry: Enquiry, reason: str, actor: Person, as_of: datetime) -> Enquiry:
    """Move the enquiry to the stage its rule names next: the member who remains unhappy
    (000 §13.6), or either side in a dispute about access (001 §5.3.8.4; 002 §79; 004 §12.9).
    At the last stage this is refused with the rule's paragraph."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not reason.strip():
        raise ValidationError({"reason": "Say why it should go to the next stage."})
    if enquiry.status not in MAY_MOVE_ON:
        raise TransitionError(
            f"An enquiry that is {enquiry.get_status_display().lower()} cannot move on a stage."
        )
    stage = next_stage_for(enquiry)
    if not stage:
        rule = current_rule(enquiry)
        source = rule.source if rule else enquiry.route_source or "the council's protocol"
        raise ValidationError(
            {
                "reason": f"This is the last stage under {source}: the protocol names no "
                "further stage for this enquiry."
            }
        )
    rule = current_rule(enquiry)
    concerning = rule.concerning if rule.concerning != routing.ANY else enquiry.concerning
    placement = _stage_placement(enquiry, concerning, stage)
    _move_to(enquiry, placement, actor=actor, as_of=as_of, why=reason)
    return enquiry


# --------------------------------------------------------------------------- urgency (002 §30)


def urgent_rule(enquiry: Enquiry, rows=None) -> routing.RuleRow | None:
    """The council's own first-stage rule for urgent enquiries, if it has one."""
    rows = _rows(enquiry, rows)
    try:
        route = routing.resolve(rows, routing.Facts("enquiry", "member", URGENT))
    except routing.RoutingError:
        return None
    row = next((r for r in rows if r.key == route.rule_key), None)
    return row if row is not None and row.concerning == URGENT else None


def urgency_dispute_stage(enquiry: Enquiry, rows=None) -> str:
    """The stage a dispute about urgency goes to under the council's urgent rule, or ""."""
    row = urgent_rule(enquiry, rows)
    return row.next_stage if row is not None else ""


def in_urgency_dispute(enquiry: Enquiry, rows=None) -> bool:
    rule = current_rule(enquiry, rows)
    return bool(
        rule is not None and rule.concerning == URGENT and rule.stage != routing.FIRST_STAGE
    )


def may_dispute_urgency(enquiry: Enquiry, rows=None) -> bool:
    """The council's protocol has a dispute stage, the member asked for urgency (a reason is on
    record), the enquiry is open, and no dispute is under way nor decided."""
    if not (
        enquiry.is_open
        and enquiry.status != Status.AWAITING_MEMBER
        and enquiry.urgency_reason.strip()
    ):
        return False
    rows = _rows(enquiry, rows)
    return (
        not in_urgency_dispute(enquiry, rows)
        and bool(urgency_dispute_stage(enquiry, rows))
        and not urgency_decided(enquiry)
    )


@dataclass(frozen=True)
class StageOffers:
    """What the enquiry's page offers about stages (one read of the council's rules)."""

    next_stage: str
    may_dispute_urgency: bool
    in_urgency_dispute: bool
    # The council has a rule for requests member services may not help with (004 §2.2.7).
    may_refer_inappropriate: bool = False
    # The council has a rule for a confidence that does not hold (000 §7.20).
    may_refer_confidence: bool = False


# First-stage rules an officer's referral follows (their handler and copies are council data).
INAPPROPRIATE = "inappropriate_request"  # 004 §2.2.7: not for member services
CONFIDENCE_EXCEPTION = "confidence_exception"  # 000 §7.20: the confidence does not hold


def referral_rule(rows, concerning: str) -> routing.RuleRow | None:
    """The council's first-stage enquiry rule for `concerning`, if its protocol has one."""
    return next(
        (r for r in rows if r.concerning == concerning and r.stage == routing.FIRST_STAGE), None
    )


def refer_by_rule(
    enquiry: Enquiry, concerning: str, *, nobody: dict[str, str], actor, as_of, why: str
) -> tuple[Placement, Post | None, list[str]] | None:
    """Move an open (locked) enquiry to the handler of the council's first-stage rule for
    `concerning`, its copies copied in and access following; the placement, the post it came
    from and the copies named, or None when it is already there. A council without the rule
    refuses with `nobody` (no per-council test in Python)."""
    if not enquiry.is_open or enquiry.status == Status.AWAITING_MEMBER:
        raise TransitionError("Only an open enquiry can be referred.")
    rule = referral_rule(rule_rows_for(council=enquiry.council, case_type="enquiry"), concerning)
    if rule is None:
        raise ValidationError(nobody)
    if enquiry.route_rule_key == rule.key:
        return None
    placement = _stage_placement(enquiry, concerning, routing.FIRST_STAGE)
    previous = enquiry.owner_post
    _place(enquiry, placement)
    plumbing.save(enquiry, actor=actor, reason=why)
    return placement, previous, _grant_placement(enquiry, placement, as_of=as_of)


def stage_offers(enquiry: Enquiry, *, officer: bool = False) -> StageOffers:
    """Reads the council's rules only when one of them could apply: the enquiry's rule names a
    next stage, the member asked for urgency, member services hold it, or an officer sees an
    open enquiry (which a referral rule may apply to)."""
    member_services = (
        enquiry.owner_post is not None and enquiry.owner_post.kind == PostKind.MEMBER_SERVICES
    )
    open_to_refer = enquiry.status in (Status.RECEIVED, Status.IN_PROGRESS)
    # The page's query brings the council's 000 §7.20 rule key with the enquiry.
    annotated = hasattr(enquiry, "confidence_rule_key")
    wanted = bool(
        enquiry.next_stage
        or enquiry.urgency_reason.strip()
        or member_services
        or (officer and open_to_refer and not annotated)
    )
    rows = rule_rows_for(council=enquiry.council, case_type="enquiry") if wanted else []
    inappropriate = referral_rule(rows, INAPPROPRIATE)
    if annotated:
        confidence_key = enquiry.confidence_rule_key
    else:
        confidence = referral_rule(rows, CONFIDENCE_EXCEPTION)
        confidence_key = confidence.key if confidence else None
    return StageOffers(
        next_stage=next_stage_for(enquiry, rows),
        may_dispute_urgency=may_dispute_urgency(enquiry, rows),
        in_urgency_dispute=in_urgency_dispute(enquiry, rows),
        may_refer_inappropriate=bool(
            member_services
            and inappropriate
            and enquiry.route_rule_key != inappropriate.key
            and enquiry.status in (Status.RECEIVED, Status.IN_PROGRESS)
        ),
        may_refer_confidence=bool(
            officer
            and open_to_refer
            and confidence_key
            and enquiry.route_rule_key != confidence_key
        ),
    )


@transaction.atomic
def enquiry_dispute_urgency(
    *, enquiry: Enquiry, reason: str, actor: Person, as_of: datetime
) -> Enquiry:
    """Either side refers a dispute about urgency to the stage the council's urgent rule names
    (002 §30: "Any dispute as to urgency should be referred to the Deputy Chief Executive or
    relevant statutory officer"). Neither side can then change the urgency: its handler
    decides (`enquiry_decide_urgency`)."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not reason.strip():
        raise ValidationError({"reason": "Say what the dispute about urgency is."})
    if not may_dispute_urgency(enquiry):
        raise ValidationError(
            {
                "reason": "There is no dispute about urgency to refer: the member did not ask "
                "for it to be urgent, a dispute is already under way, or the council's "
                "protocol has no stage for one."
            }
        )
    placement = _stage_placement(enquiry, URGENT, urgency_dispute_stage(enquiry))
    _move_to(enquiry, placement, actor=actor, as_of=as_of, why=reason, kind="urgency_disputed")
    return enquiry


@transaction.atomic
def enquiry_decide_urgency(
    *, enquiry: Enquiry, urgent: bool, reason: str, actor: Person, as_of: datetime
) -> Enquiry:
    """The dispute stage's handler decides whether the matter is urgent (002 §30); the enquiry
    goes back to the council's first-stage route for what was decided, and the decision
    stands."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not in_urgency_dispute(enquiry):
        raise TransitionError("There is no dispute about urgency to decide.")
    owner = enquiry.owner_post
    if owner is None or owner.holder_id != actor.pk:
        raise ValidationError(
            {"urgent": f"Only the {owner} decides the dispute about urgency (002 §30)."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why."})
    enquiry.urgency = Urgency.URGENT if urgent else Urgency.ROUTINE
    enquiry.concerning = concerning_for(
        relates_to_legal_proceedings=enquiry.relates_to_legal_proceedings,
        urgency=enquiry.urgency,
        is_cross_directorate=enquiry.is_cross_directorate,
        is_policy=enquiry.is_policy,
        is_complex=enquiry.is_complex,
        is_protocol_advice=enquiry.is_protocol_advice,
        council=enquiry.council,
    )
    verdict = "urgent" if urgent else "not urgent"
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="urgency_decided",
        summary=f"The {owner} decided the matter is {verdict} ({enquiry.route_source})",
        detail=reason.strip(),
    )
    _tell_member(
        enquiry,
        event,
        subject=f"the dispute about urgency: {verdict}",
        body=f"The {owner} has decided the matter is {verdict}: {reason.strip()}",
        as_of=as_of,
    )
    _reroute(enquiry, actor=actor, as_of=as_of, why=f"Urgency decided: {verdict}")
    return enquiry


def urgency_decided(enquiry: Enquiry) -> bool:
    """Whether a dispute about urgency has been decided: the decision stands (002 §30)."""
    from protocol_portal.casework.models import CaseEvent

    return CaseEvent.objects.filter(
        case_type__app_label="enquiries",
        case_type__model="enquiry",
        case_id=enquiry.pk,
        kind="urgency_decided",
    ).exists()
