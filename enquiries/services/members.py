"""What the member does: reply, and share the enquiry with another member."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enquiries import confidentiality
from enquiries.models import CopyReason, Enquiry, EnquiryCopy
from enquiries.services.base import LOCKED_WITH, _due_text, _tell_owner
from enquiries.states import TRANSITIONS, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.placing import placed, recorded
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
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="member replied",
        kind="member_replied",
        summary=f"The member replied; the clock resumed, due {_due_text(enquiry)}",
        detail=text.strip(),
    )
    _tell_owner(enquiry, event, subject="the member replied", body=text.strip(), as_of=as_of)
    return enquiry


def _parties(enquiry: Enquiry, actor: Person) -> tuple[bool, bool]:
    """(raised it, may act on it): the two parties to the correspondence, as the kernel's
    audiences say (the member who raised it; an officer handling it, their managers, triage)."""
    from enquiries.permissions import ACT, can

    raiser = actor.pk == enquiry.member.person_id
    return raiser, (not raiser and can(actor, ACT, enquiry))


@transaction.atomic
def enquiry_share_with_member(
    *, enquiry: Enquiry, member: Member, actor: Person, as_of: datetime
) -> EnquiryCopy:
    """Copy another member in, as the council's `confidentiality` setting says
    (enquiries/confidentiality): always the member who raised it (002 §85, §40; 004 §12.7);
    an officer handling it where the protocol lets correspondence be shared unless agreed
    confidential (001 §5.3.9.2) or released by either party (004 §14.2). The copy reads the
    enquiry, never the resident's reference or documents, and is shown on the enquiry."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    raiser, officer = _parties(enquiry, actor)
    refusal = confidentiality.copy_refusal(enquiry, raiser=raiser, officer=officer)
    if refusal:
        raise PermissionDenied(refusal)
    if member.council_id != enquiry.council_id or member.pk == enquiry.member_id:
        raise ValidationError({"member": "Choose another member of the council."})
    copy, created = EnquiryCopy.objects.get_or_create(
        enquiry=enquiry,
        member=member,
        defaults={
            "reason": CopyReason.REQUESTER if raiser else CopyReason.OFFICER,
            "source": "" if raiser else confidentiality.source(enquiry.council)[:100],
            "permitted_by": actor,
            "created_at": as_of,
        },
    )
    if not created:
        return copy
    released = ""
    if (
        not raiser
        and enquiry.kept_confidential
        and confidentiality.mode(enquiry.council) == confidentiality.EITHER_MAY_RELEASE
    ):
        # 004 §14.2: the officer sharing it is the officer "indicating otherwise".
        enquiry.kept_confidential = False
        plumbing.save(enquiry, actor=actor, reason="released from confidence by sharing it")
        released = "; this releases it from confidence"
    placed(
        enquiry,
        actor=actor,
        as_of=as_of,
        kind="copied",
        summary=(
            f"Copied to {member} with the requester's permission"
            if raiser
            else f"Shared with {member} by {actor} "
            f"({confidentiality.source(enquiry.council)}){released}"
        ),
    )
    plumbing.tell(
        enquiry,
        key=f"copy:{member.pk}",
        subject="an enquiry shared with you",
        body=f"{actor if not raiser else enquiry.member} has shared "
        f"{'their' if raiser else f'{enquiry.member}’s'} enquiry “{enquiry.subject}” with you.",
        recipients=[member.person],
        as_of=as_of,
    )
    if not raiser:
        plumbing.tell(
            enquiry,
            key=f"shared:{member.pk}",
            subject="your enquiry was shared",
            body=f"{actor} shared your enquiry “{enquiry.subject}” with {member} "
            f"({confidentiality.source(enquiry.council)}). They can read it, but not the "
            "resident's reference or documents.",
            recipients=[enquiry.member.person],
            as_of=as_of,
        )
    return copy


@transaction.atomic
def enquiry_set_confidential(
    *, enquiry: Enquiry, keep: bool, actor: Person, as_of: datetime
) -> Enquiry:
    """Keep the enquiry confidential, or release it from confidence, as the council's setting
    says: the member asks for, or gives up, the agreement that it be kept confidential (001
    §5.3.9.2); the member or the officer releases it (004 §14.2), for good."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    raiser, officer = _parties(enquiry, actor)
    refusal = confidentiality.release_refusal(enquiry, raiser=raiser, officer=officer, keep=keep)
    if refusal:
        raise PermissionDenied(refusal)
    if enquiry.kept_confidential == keep:
        return enquiry
    enquiry.kept_confidential = keep
    cited = confidentiality.source(enquiry.council)
    recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="kept confidential" if keep else "released",
        kind="confidentiality",
        summary=(
            f"{actor} asked for this enquiry to be kept confidential ({cited})"
            if keep
            else f"{actor} released this enquiry from confidence ({cited})"
        ),
    )
    return enquiry
