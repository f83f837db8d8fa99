"""What an officer may say about the request itself: it is not for member services (004 §2.2.7),
or the extra work it asks for needs someone's authority first (004 §10.1.2)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from enquiries.models import Enquiry
from enquiries.services.base import LOCKED_WITH, _due_text, _tell_member, _tell_owner
from enquiries.services.placement import _routed_summary
from enquiries.services.stages import INAPPROPRIATE, refer_by_rule
from enquiries.states import TRANSITIONS, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.placing import recorded
from protocol_portal.casework.services import clock_pause, clock_resume
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org import protocol_settings
from protocol_portal.org.models import Person

# Whose authority additional work may need (004 §10.1.2, in its words).
AUTHORITIES = {
    "senior_officers": "senior officers",
    "cabinet": "the Cabinet",
    "council": "Council",
    "committee": "a committee or commission",
}


# --------------------------------------------------------------------------- 004 §2.2.7


@transaction.atomic
def enquiry_refer_inappropriate(
    *, enquiry: Enquiry, reason: str, actor: Person, as_of: datetime
) -> Enquiry:
    """Member services refer a request that is not for a member in their council role (a
    person, business or party political matter) to their service head, as the council's rule
    names (004 §2.2.7); the member is told why."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the request is not one member services can help with."}
        )
    moved = refer_by_rule(
        enquiry,
        INAPPROPRIATE,
        nobody={
            "reason": "The council's protocol names nobody to refer inappropriate requests to."
        },
        actor=actor,
        as_of=as_of,
        why="referred as an inappropriate request",
    )
    if moved is None:
        return enquiry
    placement, previous, copies = moved
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="referred_inappropriate",
        summary=(
            f"Referred by {previous} as a request outside the member's council role: "
            f"{_routed_summary(placement, copies)}"
        ),
        detail=reason.strip(),
    )
    _tell_owner(
        enquiry,
        event,
        subject="an inappropriate request referred to you",
        body=f"Member services have referred {enquiry.reference} to you ({placement.source}): "
        f"{reason.strip()}",
        as_of=as_of,
    )
    _tell_member(
        enquiry,
        event,
        subject="your request has been referred",
        body=(
            "Member services officers assist councillors only in their role as council members, "
            "not with any person, business or party political matter, so your request has been "
            f"referred to the {placement.post.title} ({placement.source}): {reason.strip()}"
        ),
        as_of=as_of,
    )
    return enquiry


# --------------------------------------------------------------------------- 004 §10.1.2


def authority_mode(council) -> str:
    return protocol_settings.setting(council, "extra_work_authority")


@transaction.atomic
def enquiry_needs_authority(
    *, enquiry: Enquiry, authority: str, note: str, actor: Person, as_of: datetime
) -> Enquiry:
    """The officer says the additional work asked for needs the authority of senior officers,
    the Cabinet, Council or a committee (004 §10.1.2). The enquiry awaits it; the clock runs,
    or stands still where the council's `extra_work_authority` setting says pause_clock."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    mode = authority_mode(enquiry.council)
    if mode == "not_offered":
        raise ValidationError({"authority": "The council's protocol does not provide for this."})
    if authority not in AUTHORITIES:
        raise ValidationError({"authority": "Choose whose authority the work needs."})
    if not note.strip():
        raise ValidationError({"note": "Say what additional work needs authority."})
    if not plumbing.move(enquiry, Status.AWAITING_AUTHORITY, table=TRANSITIONS):
        return enquiry
    enquiry.status = Status.AWAITING_AUTHORITY
    enquiry.authority_from = authority
    if mode == "pause_clock":
        clock_pause(case=enquiry, on=plumbing.today(as_of))
    source = protocol_settings.setting_source(enquiry.council, "extra_work_authority")
    who = AUTHORITIES[authority]
    paused = " (the clock is paused)" if mode == "pause_clock" else ""
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="awaiting authority",
        kind="awaiting_authority",
        summary=f"The officer says the additional work needs the authority of {who}{paused} "
        f"({source})",
        detail=note.strip(),
    )
    _tell_member(
        enquiry,
        event,
        subject="the work you asked for needs authority",
        body=(
            f"The officer says the additional work you asked for needs the authority of {who} "
            f"({source}): {note.strip()}"
        ),
        as_of=as_of,
    )
    return enquiry


@transaction.atomic
def enquiry_authority_decided(
    *, enquiry: Enquiry, given: bool, note: str, actor: Person, as_of: datetime
) -> Enquiry:
    """The authority has answered: the work goes on (or the member is then answered that it was
    refused); a paused clock resumes, moving the due date by the days it stood still."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if enquiry.status != Status.AWAITING_AUTHORITY:
        raise TransitionError("The enquiry is not awaiting authority.")
    if not note.strip():
        raise ValidationError({"note": "Say what was decided."})
    plumbing.move(enquiry, Status.IN_PROGRESS, table=TRANSITIONS)
    who = AUTHORITIES.get(enquiry.authority_from, "the authority")
    enquiry.status = Status.IN_PROGRESS
    enquiry.authority_from = ""
    if enquiry.clock_paused_on is not None:
        enquiry.clock_paused_days += clock_resume(case=enquiry, on=plumbing.today(as_of))
    verdict = "given" if given else "refused"
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="authority decided",
        kind="authority_decided",
        summary=f"Authority for the additional work {verdict} by {who}; due {_due_text(enquiry)}",
        detail=note.strip(),
    )
    _tell_member(
        enquiry,
        event,
        subject=f"authority for the work {verdict}",
        body=f"Authority for the additional work was {verdict} by {who}: {note.strip()}",
        as_of=as_of,
    )
    _tell_owner(enquiry, event, subject=f"authority {verdict}", body=note.strip(), as_of=as_of)
    return enquiry
