"""What the member does: reply, and share the enquiry with another member."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enquiries.models import CopyReason, Enquiry, EnquiryCopy
from enquiries.services.base import LOCKED_WITH, _due_text, _tell_owner
from enquiries.states import TRANSITIONS, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.services import clock_resume
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org.models import Member, Person


@transaction.atomic
def enquiry_reply(*, enquiry: Enquiry, text: str, actor: Person, as_of: datetime) -> Enquiry:
    """The member answers the clarification request; the clock resumes, the due date moving by
    the working days it stood still. A repeated (double-submitted) reply is ignored."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not text.strip():
        raise ValidationError({"text": "Write your reply."})
    if enquiry.status != Status.AWAITING_MEMBER:
        if enquiry.status == Status.IN_PROGRESS:
            return enquiry
        raise TransitionError("No clarification has been asked for.")
    plumbing.move(enquiry, Status.IN_PROGRESS, table=TRANSITIONS)
    enquiry.status = Status.IN_PROGRESS
    lost = clock_resume(case=enquiry, on=plumbing.today(as_of))
    enquiry.clock_paused_days += lost
    plumbing.save(enquiry, actor=actor, reason="member replied")
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="member_replied",
        summary=f"The member replied; the clock resumed, due {_due_text(enquiry)}",
        detail=text.strip(),
    )
    _tell_owner(enquiry, event, subject="the member replied", body=text.strip(), as_of=as_of)
    return enquiry


@transaction.atomic
def enquiry_share_with_member(
    *, enquiry: Enquiry, member: Member, actor: Person, as_of: datetime
) -> EnquiryCopy:
    """Copy another member in — only with the requester's own permission, shown on the enquiry
    (002 §85, §40; 004 §12.7). Nobody else can give that permission."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if actor.pk != enquiry.member.person_id:
        raise PermissionDenied("Only the member who raised the enquiry can copy others in.")
    if member.council_id != enquiry.council_id or member.pk == enquiry.member_id:
        raise ValidationError({"member": "Choose another member of your council."})
    copy, created = EnquiryCopy.objects.get_or_create(
        enquiry=enquiry,
        member=member,
        defaults={"reason": CopyReason.REQUESTER, "permitted_by": actor, "created_at": as_of},
    )
    if not created:
        return copy
    access_sync(enquiry, as_of=as_of)
    plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="copied",
        summary=f"Copied to {member} with the requester's permission",
    )
    plumbing.tell(
        enquiry,
        key=f"copy:{member.pk}",
        subject="an enquiry shared with you",
        body=f"{enquiry.member} has shared their enquiry “{enquiry.subject}” with you.",
        recipients=[member.person],
        as_of=as_of,
    )
    return copy
