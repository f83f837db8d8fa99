"""Where a member's confidence does not hold (000 §7.20): what is disclosed could damage the
council, is illegal or is maladministration, so the matter is referred for investigation to
whoever the council's rule names."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from enquiries.models import Enquiry
from enquiries.services.base import LOCKED_WITH, _tell_member, _tell_owner
from enquiries.services.placement import _routed_summary
from enquiries.services.stages import CONFIDENCE_EXCEPTION, refer_by_rule
from protocol_portal.casework import plumbing
from protocol_portal.org.models import Person

# The three grounds, in 000 §7.20's words.
CONFIDENCE_GROUNDS = {
    "damaging": "could damage the council",
    "illegal": "is illegal",
    "maladministration": "constitutes maladministration",
}


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
    moved = refer_by_rule(
        enquiry,
        CONFIDENCE_EXCEPTION,
        nobody={"ground": "The council's protocol names nobody to refer such a matter to."},
        actor=actor,
        as_of=as_of,
        why="the confidence does not hold",
    )
    if moved is None:
        return enquiry
    placement, previous, copies = moved
    words = CONFIDENCE_GROUNDS[ground]
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
