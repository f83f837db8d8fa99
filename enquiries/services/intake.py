"""Logging an enquiry: checked, referenced, routed, its clock started, the ward told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from enquiries import confidentiality
from enquiries.models import Channel, Enquiry, EnquiryAttachment
from enquiries.receipt import receipt_errors, received_text
from enquiries.services.base import _due_text
from enquiries.services.clock import _clock_run
from enquiries.services.placement import (
    _grant_placement,
    _place,
    _routed_summary,
    _ward_members_tell,
    concerning_for,
    optional_flags_check,
    route_enquiry,
)
from enquiries.states import Urgency
from protocol_portal.casework import plumbing
from protocol_portal.casework.files import attachment_check
from protocol_portal.casework.services import holders, reference_next
from protocol_portal.org.models import CalendarKind, Member, Person, ServiceArea, Ward


def _validate_new(
    *,
    member: Member,
    service_area: ServiceArea,
    ward: Ward,
    subject: str,
    description: str,
    urgency: str,
    urgency_reason: str,
) -> None:
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Enter a subject."
    if not description.strip():
        errors["description"] = "Describe what the resident needs."
    if service_area.council_id != member.council_id:
        errors["service_area"] = "Choose a service area of your council."
    if ward.council_id != member.council_id:
        errors["ward"] = "Choose a ward of your council."
    if urgency not in Urgency.values:
        errors["urgency"] = "Choose routine or urgent."
    elif urgency == Urgency.URGENT and not urgency_reason.strip():
        errors["urgency_reason"] = "Say why the enquiry is urgent."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enquiry_create(
    *,
    member: Member,
    subject: str,
    description: str,
    service_area: ServiceArea,
    ward: Ward,
    resident_reference: str = "",
    urgency: str = Urgency.ROUTINE,
    urgency_reason: str = "",
    relates_to_legal_proceedings: bool = False,
    about_other_ward: bool = False,
    is_policy: bool = False,
    is_cross_directorate: bool = False,
    is_complex: bool = False,
    is_protocol_advice: bool = False,
    keep_confidential: bool | None = None,
    attachments: Sequence[UploadedFile] = (),
    channel: str = Channel.PORTAL,
    received_at: datetime | None = None,
    actor: Person,
    as_of: datetime,
) -> Enquiry:
    """Log a member's enquiry, route it by the council's rules, start its clock and send the
    acknowledgement: reference, owner and due date (000 §7.1; 004 §12.2). Received by email,
    phone, letter or at a surgery, the clock runs from the true moment of receipt."""
    received_at = received_at or as_of
    errors = receipt_errors(member=member, received_at=received_at, as_of=as_of)
    if channel not in Channel.values:
        errors["channel"] = "Choose how the enquiry was received."
    if errors:
        raise ValidationError(errors)
    _validate_new(
        member=member,
        service_area=service_area,
        ward=ward,
        subject=subject,
        description=description,
        urgency=urgency,
        urgency_reason=urgency_reason,
    )
    # Only where the council's protocol has the flag (002 §31; 004 §17.1).
    optional_flags_check(
        member.council, {"is_complex": is_complex, "is_protocol_advice": is_protocol_advice}
    )
    for upload in attachments:
        try:
            attachment_check(upload)
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from exc
    council = member.council
    today = plumbing.today(as_of)
    received_on = plumbing.today(received_at)
    enquiry = Enquiry(
        reference=reference_next(council=council, prefix=Enquiry.REFERENCE_PREFIX, year=today.year),
        council=council,
        member=member,
        subject=subject.strip(),
        description=description.strip(),
        service_area=service_area,
        directorate=service_area.directorate,
        ward=ward,
        resident_reference=resident_reference.strip(),
        urgency=urgency,
        urgency_reason=urgency_reason.strip() if urgency == Urgency.URGENT else "",
        relates_to_legal_proceedings=relates_to_legal_proceedings,
        # A ward other than the member's own is noticed even if they did not tick it.
        about_other_ward=about_other_ward
        or (member.ward_id is not None and member.ward_id != ward.pk),
        is_policy=is_policy,
        is_cross_directorate=is_cross_directorate,
        is_complex=is_complex,
        is_protocol_advice=is_protocol_advice,
        # 001 §5.3.9.2: shared unless agreed confidential; elsewhere confidential (004 §14.2).
        kept_confidential=confidentiality.starts_confidential(member.council, keep_confidential),
        received_on=received_on,
        received_at=received_at,
        channel=channel,
    )
    enquiry.concerning = concerning_for(
        relates_to_legal_proceedings=relates_to_legal_proceedings,
        urgency=urgency,
        is_cross_directorate=is_cross_directorate,
        is_policy=is_policy,
        is_complex=enquiry.is_complex,
        is_protocol_advice=enquiry.is_protocol_advice,
        council=council,
    )
    placement = route_enquiry(enquiry=enquiry, concerning=enquiry.concerning)
    _place(enquiry, placement)
    _clock_run(
        enquiry,
        start=received_on,
        days=placement.deadline_days or council.enquiry_working_days,
        calendar=placement.deadline_calendar if placement.deadline_days else CalendarKind.WORKING,
    )
    on_behalf = actor.pk != member.person_id
    plumbing.save(
        enquiry,
        actor=actor,
        reason="logged on the member's behalf" if on_behalf else "logged by the member",
    )
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    for upload in attachments:
        _attachment_store(enquiry, upload, actor=actor, as_of=as_of)
    plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="received",
        summary=f"Enquiry received from {member} {received_text(enquiry)}"
        f"{f', logged by {actor}' if on_behalf else ''}; due {_due_text(enquiry)}",
        detail=enquiry.description,
    )
    plumbing.event(
        enquiry,
        as_of=as_of,
        actor=None,
        kind="routed",
        summary=_routed_summary(placement, copies),
        detail=placement.note,
    )
    owner = placement.post
    plumbing.tell(
        enquiry,
        key="ack",
        subject="enquiry received",
        body=(
            f"Thank you. Your enquiry “{enquiry.subject}”, received {received_text(enquiry)}"
            f"{f' and logged for you by {actor}' if on_behalf else ''}, "
            f"has the reference {enquiry.reference}. "
            f"It is with {owner.title}"
            f"{f' ({owner.holder})' if owner.holder_id else ''}, "
            f"and the council aims to answer by {_due_text(enquiry)}."
        ),
        recipients=[member.person],
        as_of=as_of,
    )
    plumbing.tell(
        enquiry,
        key="new",
        subject="new member enquiry",
        body=f"{member} logged “{enquiry.subject}”; due {_due_text(enquiry)}.",
        recipients=holders([owner]),
        as_of=as_of,
    )
    if enquiry.about_other_ward:
        _ward_members_tell(enquiry, as_of=as_of)
    return enquiry


def _attachment_store(enquiry, upload: UploadedFile, *, actor, as_of) -> EnquiryAttachment:
    content_type = attachment_check(upload)
    attachment = EnquiryAttachment(
        enquiry=enquiry,
        original_name=(upload.name or "attachment")[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=as_of,
    )
    attachment.file.save(upload.name or "attachment", upload, save=False)
    attachment.save()
    return attachment
