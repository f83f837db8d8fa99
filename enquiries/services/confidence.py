"""Where a member's confidence does not hold (000 §7.20): what is disclosed could damage the
council, is illegal or is maladministration, so the matter is referred for investigation to
whoever the council's rule names."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from enquiries.models import Enquiry
from enquiries.services.base import LOCKED_WITH, _tell_member, _tell_owner
from enquiries.services.placement import _grant_placement, _place, _routed_summary
from enquiries.services.stages import _stage_placement
from enquiries.states import Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org import routing
from protocol_portal.org.models import Person
from protocol_portal.org.services import rule_rows_for

CONFIDENCE_EXCEPTION = "confidence_exception"
# The three grounds, in 000 §7.20's words.
CONFIDENCE_GROUNDS = {
    "damaging": "could damage the council",
    "illegal": "is illegal",
    "maladministration": "constitutes maladministration",
}


def confidence_rule(council) -> routing.RuleRow | None:
    """The council's rule for a confidence that does not hold, if its protocol has one."""
    rows = rule_rows_for(council=council, case_type="enquiry")
    return next(
        (
            r
            for r in rows
            if r.concerning == CONFIDENCE_EXCEPTION and r.stage == routing.FIRST_STAGE
        ),
        None,
    )


@transaction.atomic
def enquiry_confidence_exception(
    *, enquiry: Enquiry, ground: str, reason: str, actor: Person, as_of: datetime
) -> Enquiry:
    """The officer records that the member's confidence does not hold (000 §7.20) on one of its
    three grounds; the enquiry goes to the handler the council's rule names, its copies are
    copied in, access follows, and the member is told."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if ground not in CONFIDENCE_GROUNDS:
        raise ValidationError({"ground": "Choose why the confidence does not hold."})
    if not reason.strip():
        raise ValidationError({"reason": "Say what was disclosed and why it is referred."})
    if not enquiry.is_open or enquiry.status == Status.AWAITING_MEMBER:
        raise TransitionError("Only an open enquiry can be referred.")
    rule = confidence_rule(enquiry.council)
    if rule is None:
        raise ValidationError(
            {"ground": "The council's protocol names nobody to refer such a matter to."}
        )
    if enquiry.route_rule_key == rule.key:
        return enquiry
    words = CONFIDENCE_GROUNDS[ground]
    placement = _stage_placement(enquiry, CONFIDENCE_EXCEPTION, routing.FIRST_STAGE)
    previous = enquiry.owner_post
    _place(enquiry, placement)
    plumbing.save(enquiry, actor=actor, reason="the confidence does not hold")
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="confidence_exception",
        summary=(
            f"The confidence does not hold: what was disclosed {words} ({placement.source}). "
            f"Referred by {previous}: {_routed_summary(placement, copies)}"
        ),
        detail=reason.strip(),
    )
    _tell_owner(
        enquiry,
        event,
        subject="a matter referred to you for investigation",
        body=(
            f"{enquiry.reference} has been referred to you because what was disclosed {words} "
            f"({placement.source}), for investigation and action as appropriate: {reason.strip()}"
        ),
        as_of=as_of,
    )
    _tell_member(
        enquiry,
        event,
        subject="your enquiry has been referred",
        body=(
            "Officers keep what you ask them in confidence, but not where it concerns something "
            "that could damage the council, is illegal or is maladministration. The officer "
            f"considers that what was disclosed {words}, so it has been referred to the "
            f"{placement.post.title} for investigation and action as appropriate"
            + (f", with {', '.join(copies)} copied in" if copies else "")
            + f" ({placement.source})."
        ),
        as_of=as_of,
    )
    return enquiry
