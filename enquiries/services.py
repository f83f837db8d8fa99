"""Every write to an enquiry: keyword-only, atomic, the actor and reason recorded (STYLE 2, 5).

Views, forms, serializers and tasks call these; none of them writes. Each takes `as_of`, the
moment the action happens, and never reads the clock itself (STYLE 9).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from enquiries import permissions
from enquiries.models import (
    Channel,
    CopyReason,
    Enquiry,
    EnquiryAttachment,
    EnquiryCopy,
    WardNotice,
)
from enquiries.receipt import receipt_errors, received_text
from enquiries.states import (
    CLOCK_RUNNING,
    CONCERNING_PRECEDENCE,
    TRANSITIONS,
    Status,
    Urgency,
)
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.files import attachment_check
from protocol_portal.casework.models import CaseEvent
from protocol_portal.casework.services import (
    clock_pause,
    clock_resume,
    clock_schedule,
    clock_start,
    event_record,
    holders,
    outbox_write,
    reference_next,
)
from protocol_portal.casework.transitions import TransitionError, check_transition
from protocol_portal.org import routing
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import (
    CalendarKind,
    ChaserRung,
    Council,
    Member,
    Person,
    Post,
    PostKind,
    ServiceArea,
    Ward,
)
from protocol_portal.org.services import (
    RoutingContext,
    members_for,
    post_for,
    rule_rows_for,
)

LABEL = "enquiries.Enquiry"

# Where the portal sends these when the council has no rule naming them: a catch-all ("any")
# rule was not written with them in mind, and each carries a protocol duty of its own.
SPECIAL_DEFAULTS: dict[str, tuple[routing.PostRef, str]] = {
    "legal_proceedings": (
        routing.PostRef(PostKind.DIRECTOR, "case_directorate"),
        "000 §13.5 (portal default)",
    ),
    "access_in_doubt": (
        routing.PostRef(PostKind.MONITORING_OFFICER, "council"),
        "000 §7.2b (portal default)",
    ),
    "complaint_referral": (
        routing.PostRef(PostKind.COMPLAINTS_TEAM, "council"),
        "002 §76 (portal default)",
    ),
}
# When nothing else resolves to a held post.
LAST_RESORT = (
    routing.PostRef(PostKind.MEMBER_SERVICES, "council"),
    routing.PostRef(PostKind.CHIEF_EXECUTIVE, "council"),
)


class EnquiryRoutingError(LookupError):
    """No post can take the enquiry (every candidate vacant or excluded)."""


@dataclass(frozen=True)
class Placement:
    """Where an enquiry goes and why."""

    post: Post
    rule_key: str
    source: str
    note: str
    deadline_days: int | None
    deadline_calendar: str
    copied: tuple[routing.PostRef, ...] = ()


# --------------------------------------------------------------------------- helpers


def _today(as_of: datetime) -> date:
    return timezone.localdate(as_of)


def _locked(enquiry: Enquiry) -> Enquiry:
    """Re-read the enquiry under a row lock so concurrent actions and chasers serialise."""
    return (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("council", "member__person", "owner_post", "directorate")
        .get(pk=enquiry.pk)
    )


def _save(enquiry: Enquiry, *, actor: Person | None, reason: str) -> None:
    enquiry._history_user = actor
    enquiry._change_reason = reason[:100]
    enquiry.save()


def _move(enquiry: Enquiry, target: str) -> bool:
    return check_transition(table=TRANSITIONS, current=enquiry.status, target=target)


def _event(enquiry, *, as_of, actor, kind, summary, detail="", visible=True) -> CaseEvent:
    return event_record(
        case=enquiry,
        at=as_of,
        actor=actor,
        kind=kind,
        summary=summary,
        detail=detail,
        visible_to_raiser=visible,
    )


def _tell(enquiry, *, key: str, subject: str, body: str, people, as_of) -> None:
    outbox_write(
        key=f"{LABEL}:{enquiry.pk}:{key}",
        council=enquiry.council,
        case=enquiry,
        subject=f"{enquiry.reference}: {subject}",
        body=body,
        recipients=[p for p in people if p is not None],
        at=as_of,
    )


def _tell_member(enquiry, event: CaseEvent, *, subject: str, body: str, as_of) -> None:
    _tell(
        enquiry,
        key=f"member:{event.pk}",
        subject=subject,
        body=body,
        people=[enquiry.member.person],
        as_of=as_of,
    )


def _tell_owner(enquiry, event: CaseEvent, *, subject: str, body: str, as_of) -> None:
    people = holders([enquiry.owner_post])
    if people:
        _tell(
            enquiry,
            key=f"owner:{event.pk}",
            subject=subject,
            body=body,
            people=people,
            as_of=as_of,
        )


def _due_text(enquiry: Enquiry) -> str:
    return f"{enquiry.due_on:%d %B %Y}" if enquiry.due_on else "not set"


# --------------------------------------------------------------------------- routing


def concerning_for(
    *,
    relates_to_legal_proceedings: bool,
    urgency: str,
    is_cross_directorate: bool,
    is_policy: bool,
) -> str:
    """The one routing `concerning` value for a set of flags, by CONCERNING_PRECEDENCE:
    legal proceedings > urgent > cross-directorate > policy > routine."""
    flags = {
        "legal_proceedings": relates_to_legal_proceedings,
        "urgent": urgency == Urgency.URGENT,
        "cross_directorate": is_cross_directorate,
        "policy": is_policy,
        "routine": True,
    }
    return next(value for value in CONCERNING_PRECEDENCE if flags[value])


def _context(enquiry: Enquiry, exclude: Iterable[int]) -> RoutingContext:
    return RoutingContext(
        council=enquiry.council,
        directorate=enquiry.directorate,
        raiser_member=enquiry.member,
        exclude=frozenset(exclude),
    )


def _placement(rule: routing.Route | routing.RuleRow, post: Post) -> Placement:
    return Placement(
        post=post,
        rule_key=getattr(rule, "rule_key", getattr(rule, "key", "")),
        source=rule.source,
        note=rule.note,
        deadline_days=rule.deadline_days,
        deadline_calendar=rule.deadline_calendar,
        copied=rule.copied,
    )


def _default_placement(ref: routing.PostRef, source: str, ctx: RoutingContext) -> Placement | None:
    post = post_for(ref, ctx)
    if post is None:
        return None
    return Placement(
        post=post,
        rule_key="",
        source=source,
        note="",
        deadline_days=None,
        deadline_calendar=CalendarKind.WORKING,
    )


def route_enquiry(*, enquiry: Enquiry, concerning: str, exclude: Iterable[int] = ()) -> Placement:
    """The post an enquiry goes to under the council's rules (`org.services.route_for`).

    A flag the council has no rule for falls to the next one down the precedence (an urgent
    enquiry at a council with only a routine rule goes the routine way). Legal proceedings,
    access in doubt and complaint referrals need a rule naming them; without one they go to
    the portal's default (Director, Monitoring Officer, Complaints Team). Vacant posts pass to
    the deputy or up the line; officers in `exclude` (involved in legal proceedings,
    000 §13.5) are passed over.
    """
    rows = rule_rows_for(council=enquiry.council, case_type="enquiry")
    ctx = _context(enquiry, exclude)
    chain = (
        CONCERNING_PRECEDENCE[CONCERNING_PRECEDENCE.index(concerning) :]
        if concerning in CONCERNING_PRECEDENCE
        else (concerning,)
    )
    for value in chain:
        facts = routing.Facts("enquiry", "member", value, routing.FIRST_STAGE)
        try:
            route = routing.resolve(rows, facts)
        except routing.RoutingError:
            route = None
        winner = next((r for r in rows if route and r.key == route.rule_key), None)
        if value in SPECIAL_DEFAULTS and (winner is None or winner.concerning != value):
            ref, source = SPECIAL_DEFAULTS[value]
            placement = _default_placement(ref, source, ctx)
            if placement is not None:
                return placement
            continue
        if route is not None:
            post = post_for(route.handler, ctx)
            if post is not None:
                return _placement(route, post)
    for ref in LAST_RESORT:
        placement = _default_placement(ref, "no held post for the rule (portal fallback)", ctx)
        if placement is not None:
            return placement
    raise EnquiryRoutingError(f"No post can take {enquiry.reference}: every candidate is vacant.")


def _complaints_placement(enquiry: Enquiry, exclude: Iterable[int]) -> Placement:
    """The Complaints Team post: the council's complaint_referral rule that names it, else the
    portal default (002 §76)."""
    ctx = _context(enquiry, exclude)
    for row in rule_rows_for(council=enquiry.council, case_type="enquiry"):
        if row.concerning == "complaint_referral" and row.handler.kind == PostKind.COMPLAINTS_TEAM:
            post = post_for(row.handler, ctx)
            if post is not None:
                return _placement(row, post)
    return route_enquiry(enquiry=enquiry, concerning="complaint_referral", exclude=exclude)


def _copy_in(enquiry: Enquiry, placement: Placement, *, as_of: datetime) -> list[str]:
    """Record and grant the rule's copies; every copy shows on the enquiry (002 §85)."""
    ctx = _context(enquiry, ())
    names: list[str] = []
    for ref in placement.copied:
        if ref.kind in routing.MEMBER_ROLE_KINDS:
            for member in members_for(ref, ctx):
                if member.pk == enquiry.member_id:
                    continue
                _, created = EnquiryCopy.objects.get_or_create(
                    enquiry=enquiry,
                    member=member,
                    defaults={
                        "reason": CopyReason.RULE,
                        "source": placement.source,
                        "created_at": as_of,
                    },
                )
                if created:
                    names.append(str(member))
            continue
        post = post_for(ref, ctx)
        if post is None or post.pk == placement.post.pk:
            continue
        _, created = EnquiryCopy.objects.get_or_create(
            enquiry=enquiry,
            post=post,
            defaults={"reason": CopyReason.RULE, "source": placement.source, "created_at": as_of},
        )
        if created:
            names.append(post.title)
    return names


def _place(enquiry: Enquiry, placement: Placement) -> None:
    """Point the enquiry at the placement (saved by the caller, then `_grant_placement`)."""
    enquiry.owner_post = placement.post
    enquiry.route_rule_key = placement.rule_key
    enquiry.route_source = placement.source
    enquiry.route_note = placement.note
    enquiry.route_deadline_days = placement.deadline_days


def _grant_placement(enquiry: Enquiry, placement: Placement, *, as_of: datetime) -> list[str]:
    """Record the rule's copies, then bring the enquiry's audiences up to date: the handling
    post and its management line may act, the copies may read, and whoever it was passed from
    no longer sees it (casework.access)."""
    copies = _copy_in(enquiry, placement, as_of=as_of)
    access_sync(enquiry, as_of=as_of)
    return copies


def _routed_summary(placement: Placement, copies: Sequence[str]) -> str:
    rule = f"rule {placement.rule_key}, " if placement.rule_key else ""
    summary = f"Routed to {placement.post.title} ({rule}{placement.source})"
    if copies:
        summary += f"; copied to {', '.join(copies)}"
    return summary


# --------------------------------------------------------------------------- the clock


def _clock_run(enquiry: Enquiry, *, start: date, days: int, calendar: str) -> None:
    """Start (or restart) the clock from `start`; the receipt date itself is kept."""
    received = enquiry.received_on or start
    enquiry.clock_started_on = start
    enquiry.clock_limit_days = days
    enquiry.clock_calendar = calendar
    enquiry.clock_paused_days = 0
    clock_start(case=enquiry, received_on=start, days=days, calendar=calendar)
    enquiry.received_on = received


def _due_recompute(enquiry: Enquiry) -> bool:
    """Due = clock start + limit + working days paused, on the clock's calendar today."""
    if enquiry.clock_started_on is None:
        return False
    due = calendar_for(enquiry.council, enquiry.clock_calendar).add(
        enquiry.clock_started_on, enquiry.clock_limit_days + enquiry.clock_paused_days
    )
    if due == enquiry.due_on:
        return False
    enquiry.due_on = due
    clock_schedule(case=enquiry)
    return True


def _clock_stop(enquiry: Enquiry) -> None:
    # A pause ends with the clock: left set, a reopened enquiry would count as paused and never
    # be chased (found by tests/enquiries/test_lifecycle_state.py).
    enquiry.clock_paused_on = None
    enquiry.next_action_at = None


# --------------------------------------------------------------------------- logging


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
    for upload in attachments:
        try:
            attachment_check(upload)
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from exc
    council = member.council
    today = _today(as_of)
    received_on = _today(received_at)
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
        received_on=received_on,
        received_at=received_at,
        channel=channel,
    )
    enquiry.concerning = concerning_for(
        relates_to_legal_proceedings=relates_to_legal_proceedings,
        urgency=urgency,
        is_cross_directorate=is_cross_directorate,
        is_policy=is_policy,
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
    _save(
        enquiry,
        actor=actor,
        reason="logged on the member's behalf" if on_behalf else "logged by the member",
    )
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    for upload in attachments:
        _attachment_store(enquiry, upload, actor=actor, as_of=as_of)
    _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="received",
        summary=f"Enquiry received from {member} {received_text(enquiry)}"
        f"{f', logged by {actor}' if on_behalf else ''}; due {_due_text(enquiry)}",
        detail=enquiry.description,
    )
    _event(
        enquiry,
        as_of=as_of,
        actor=None,
        kind="routed",
        summary=_routed_summary(placement, copies),
        detail=placement.note,
    )
    owner = placement.post
    _tell(
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
        people=[member.person],
        as_of=as_of,
    )
    _tell(
        enquiry,
        key="new",
        subject="new member enquiry",
        body=f"{member} logged “{enquiry.subject}”; due {_due_text(enquiry)}.",
        people=holders([owner]),
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


def _ward_members_tell(enquiry: Enquiry, *, as_of: datetime) -> list[Member]:
    """Tell the members of the ward concerned (002 §34; 001 §5.3.9.2). They learn that there is
    an enquiry and who raised it; reading it needs the requester's permission (002 §85)."""
    members = list(
        Member.objects.filter(council_id=enquiry.council_id, ward_id=enquiry.ward_id)
        .exclude(pk=enquiry.member_id)
        .exclude(pk__in=WardNotice.objects.filter(enquiry=enquiry).values("member_id"))
        .select_related("person")
        .order_by("pk")
    )
    if not members:
        return []
    WardNotice.objects.bulk_create(
        [WardNotice(enquiry=enquiry, member=m, told_at=as_of) for m in members]
    )
    for member in members:
        _tell(
            enquiry,
            key=f"ward:{member.pk}",
            subject=f"an enquiry about {enquiry.ward}",
            body=(
                f"{enquiry.member} has raised an enquiry with the council about "
                f"{enquiry.service_area} in {enquiry.ward}, your ward (002 §34). Its contents "
                f"are confidential to {enquiry.member}; ask them if you wish to see it."
            ),
            people=[member.person],
            as_of=as_of,
        )
    _event(
        enquiry,
        as_of=as_of,
        actor=None,
        kind="ward_told",
        summary=f"Members for {enquiry.ward} told about this enquiry: "
        + ", ".join(str(m) for m in members),
        detail="002 §34: ward members are told when an issue in their ward is involved.",
    )
    return members


# --------------------------------------------------------------------------- officer actions


@transaction.atomic
def enquiry_accept(*, enquiry: Enquiry, actor: Person, as_of: datetime) -> Enquiry:
    """The owner accepts the enquiry and starts work on it."""
    enquiry = _locked(enquiry)
    if enquiry.status == Status.AWAITING_MEMBER:
        raise TransitionError("The enquiry waits for the member's clarification.")
    if not _move(enquiry, Status.IN_PROGRESS):
        return enquiry
    enquiry.status = Status.IN_PROGRESS
    enquiry.accepted_at = as_of
    _save(enquiry, actor=actor, reason="accepted")
    _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="accepted",
        summary=f"Accepted by {enquiry.owner_post}",
    )
    return enquiry


def _reassign(enquiry: Enquiry, *, to_post: Post, reason: str, actor, as_of) -> bool:
    if to_post.council_id != enquiry.council_id:
        raise ValidationError({"to_post": "Choose a post of the enquiry's council."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the enquiry is being passed on."})
    if not enquiry.is_open:
        raise TransitionError("Only an open enquiry can be passed to another post.")
    if to_post.holder_id is not None and to_post.holder_id in _involved_ids(enquiry):
        raise ValidationError(
            {"to_post": "That officer is involved in the legal proceedings (000 §13.5)."}
        )
    if enquiry.owner_post_id == to_post.pk:
        return False
    previous = enquiry.owner_post
    enquiry.owner_post = to_post
    _save(enquiry, actor=actor, reason=f"reassigned: {reason}")
    access_sync(enquiry, as_of=as_of)
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="reassigned",
        summary=f"Passed from {previous} to {to_post}",
        detail=reason.strip(),
        visible=False,
    )
    _tell_owner(
        enquiry,
        event,
        subject="enquiry passed to you",
        body=f"{enquiry.reference} is now with you: {reason.strip()}",
        as_of=as_of,
    )
    return True


@transaction.atomic
def enquiry_reassign(
    *, enquiry: Enquiry, to_post: Post, reason: str, actor: Person, as_of: datetime
) -> Enquiry:
    """Pass the enquiry to another post, saying why; managers decide who answers (004 §12.6)."""
    enquiry = _locked(enquiry)
    _reassign(enquiry, to_post=to_post, reason=reason, actor=actor, as_of=as_of)
    return enquiry


@transaction.atomic
def enquiries_bulk_reassign(
    *, enquiries: Iterable[Enquiry], to_post: Post, reason: str, actor: Person, as_of: datetime
) -> int:
    """Pass several enquiries to one post (triage re-routing); returns how many moved."""
    moved = 0
    for enquiry in enquiries:
        moved += _reassign(
            _locked(enquiry), to_post=to_post, reason=reason, actor=actor, as_of=as_of
        )
    return moved


@transaction.atomic
def enquiry_request_clarification(
    *, enquiry: Enquiry, question: str, actor: Person, as_of: datetime
) -> Enquiry:
    """Ask the member to clarify; the clock stops until they reply."""
    enquiry = _locked(enquiry)
    if not question.strip():
        raise ValidationError({"question": "Write the question for the member."})
    if not _move(enquiry, Status.AWAITING_MEMBER):
        return enquiry
    enquiry.status = Status.AWAITING_MEMBER
    clock_pause(case=enquiry, on=_today(as_of))
    _save(enquiry, actor=actor, reason="clarification requested")
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="clarification_requested",
        summary="The officer asked for clarification (the clock is paused)",
        detail=question.strip(),
    )
    _tell_member(
        enquiry,
        event,
        subject="please clarify your enquiry",
        body=f"The officer asks: {question.strip()}",
        as_of=as_of,
    )
    return enquiry


def answered_working_days(enquiry: Enquiry) -> int:
    """Working days from receipt to the response on the council's calendar, less the days the
    clock stood still waiting for the member (the dashboard's "average time to answer")."""
    answered_on = timezone.localdate(enquiry.responded_at)
    days = calendar_for(enquiry.council).count(enquiry.received_on, answered_on)
    return max(days - enquiry.clock_paused_days, 0)


@transaction.atomic
def enquiry_respond(*, enquiry: Enquiry, response: str, actor: Person, as_of: datetime) -> Enquiry:
    """Answer the member; the clock stops. For legal proceedings the answer is limited to
    process (000 §13.4)."""
    enquiry = _locked(enquiry)
    if not response.strip():
        raise ValidationError({"response": "Write the response to the member."})
    if not _move(enquiry, Status.RESPONDED):
        return enquiry
    enquiry.status = Status.RESPONDED
    enquiry.responded_at = as_of
    enquiry.answered_working_days = answered_working_days(enquiry)
    _clock_stop(enquiry)
    _save(enquiry, actor=actor, reason="responded")
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="responded",
        summary=f"Response from {enquiry.owner_post}",
        detail=response.strip(),
    )
    _tell_member(
        enquiry, event, subject="response to your enquiry", body=response.strip(), as_of=as_of
    )
    return enquiry


@transaction.atomic
def enquiry_close(*, enquiry: Enquiry, reason: str = "", actor: Person, as_of: datetime) -> Enquiry:
    """Close the enquiry; the member may reopen it within the council's window."""
    enquiry = _locked(enquiry)
    if not _move(enquiry, Status.CLOSED):
        return enquiry
    enquiry.status = Status.CLOSED
    enquiry.closed_at = as_of
    _clock_stop(enquiry)
    _save(enquiry, actor=actor, reason="closed")
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="closed",
        summary="Enquiry closed",
        detail=reason.strip(),
    )
    _tell_member(
        enquiry,
        event,
        subject="enquiry closed",
        body=reason.strip() or "Your enquiry has been closed.",
        as_of=as_of,
    )
    return enquiry


def reopen_deadline(enquiry: Enquiry) -> date | None:
    """The last day the member may reopen: the council's window after response or closure."""
    finished = enquiry.closed_at if enquiry.status == Status.CLOSED else enquiry.responded_at
    if finished is None:
        return None
    return calendar_for(enquiry.council).add(
        timezone.localdate(finished), enquiry.council.enquiry_reopen_window_days
    )


@transaction.atomic
def enquiry_reopen(
    *, enquiry: Enquiry, reason: str, actor: Person, as_of: datetime, by_member: bool
) -> Enquiry:
    """Reopen an answered or closed enquiry: it goes back to its owner with a fresh clock and
    ladder. A member may do so within `enquiry_reopen_window_days` working days."""
    enquiry = _locked(enquiry)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the enquiry needs reopening."})
    if enquiry.status == Status.REFERRED_COMPLAINT:
        raise TransitionError("The complaints procedure has taken this over (002 §76).")
    if not _move(enquiry, Status.RECEIVED):
        return enquiry
    deadline = reopen_deadline(enquiry)
    if by_member and deadline is not None and _today(as_of) > deadline:
        raise ValidationError(
            {
                "reason": f"Enquiries can be reopened until {deadline:%d %B %Y}; "
                "please log a new enquiry."
            }
        )
    enquiry.status = Status.RECEIVED
    enquiry.closed_at = None
    enquiry.responded_at = None
    enquiry.answered_working_days = None
    enquiry.accepted_at = None
    enquiry.clock_cycle += 1
    _clock_run(
        enquiry,
        start=_today(as_of),
        days=enquiry.route_deadline_days or enquiry.council.enquiry_working_days,
        calendar=CalendarKind.WORKING,
    )
    _save(enquiry, actor=actor, reason="reopened")
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="reopened",
        summary=f"Reopened; now due {_due_text(enquiry)}",
        detail=reason.strip(),
    )
    _tell_owner(enquiry, event, subject="enquiry reopened", body=reason.strip(), as_of=as_of)
    if not by_member:
        _tell_member(
            enquiry,
            event,
            subject="enquiry reopened",
            body=f"Reopened: {reason.strip()}",
            as_of=as_of,
        )
    return enquiry


def _refer(enquiry, *, target: str, placement: Placement, actor, as_of, kind, summary, note):
    referred_from = enquiry.owner_post
    enquiry.status = target
    _place(enquiry, placement)
    _save(enquiry, actor=actor, reason=kind)
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    if referred_from is not None and referred_from.pk != placement.post.pk:
        # The officer who referred it, and their line, stay on it to answer once the referral
        # is decided (000 §7.2b; 002 §76), until the enquiry is passed on again.
        permissions.referred_from(enquiry, referred_from, as_of=as_of)
    detail = note.strip()
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind=kind,
        summary=f"{summary}: {_routed_summary(placement, copies)}",
        detail=detail,
    )
    _tell_owner(enquiry, event, subject=summary.lower(), body=detail or summary, as_of=as_of)
    return event


@transaction.atomic
def enquiry_refer_complaint(
    *, enquiry: Enquiry, note: str, actor: Person, as_of: datetime
) -> Enquiry:
    """ "This is a complaint": refer it to the Complaints Team and tell the member (002 §76)."""
    enquiry = _locked(enquiry)
    if not _move(enquiry, Status.REFERRED_COMPLAINT):
        return enquiry
    placement = _complaints_placement(enquiry, _involved_ids(enquiry))
    _clock_stop(enquiry)
    event = _refer(
        enquiry,
        target=Status.REFERRED_COMPLAINT,
        placement=placement,
        actor=actor,
        as_of=as_of,
        kind="referred_complaint",
        summary="Referred to the Complaints Team",
        note=note,
    )
    _tell_member(
        enquiry,
        event,
        subject="treated as a complaint",
        body=(
            "The officer considers this is a complaint, so it has been referred to the "
            f"council's complaints process ({placement.post}). The complaints procedure's "
            "own time limits now apply (002 §76)."
        ),
        as_of=as_of,
    )
    return enquiry


@transaction.atomic
def enquiry_refer_foi(*, enquiry: Enquiry, note: str, actor: Person, as_of: datetime) -> Enquiry:
    """ "This is an FOI request": a 20-working-day FOI clock starts on the FOI calendar, the day
    of the decision being day 0, and the member is told (003 §58–60; FOIA s.10)."""
    enquiry = _locked(enquiry)
    if not _move(enquiry, Status.FOI):
        return enquiry
    enquiry.status = Status.FOI
    enquiry.clock_cycle += 1
    _clock_run(
        enquiry,
        start=_today(as_of),
        days=enquiry.council.foi_working_days,
        calendar=CalendarKind.FOI,
    )
    _save(enquiry, actor=actor, reason="treated as FOI")
    event = _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="foi",
        summary=f"Treated as a Freedom of Information request; due {_due_text(enquiry)}",
        detail=note.strip(),
    )
    _tell_member(
        enquiry,
        event,
        subject="handled as a Freedom of Information request",
        body=(
            f"Your enquiry is being handled as a request under the Freedom of Information Act "
            f"2000; the council will answer by {_due_text(enquiry)} (003 §58–60)."
        ),
        as_of=as_of,
    )
    return enquiry


@transaction.atomic
def enquiry_refer_access(*, enquiry: Enquiry, note: str, actor: Person, as_of: datetime) -> Enquiry:
    """Access refused or in doubt: the Monitoring Officer determines it (000 §7.2b; 002 §79)."""
    enquiry = _locked(enquiry)
    if not _move(enquiry, Status.REFERRED_MO):
        return enquiry
    placement = route_enquiry(
        enquiry=enquiry, concerning="access_in_doubt", exclude=_involved_ids(enquiry)
    )
    event = _refer(
        enquiry,
        target=Status.REFERRED_MO,
        placement=placement,
        actor=actor,
        as_of=as_of,
        kind="referred_mo",
        summary="Referred for a determination on access",
        note=note,
    )
    _tell_member(
        enquiry,
        event,
        subject="access referred for determination",
        body=(
            f"Whether the information can be released is being determined by "
            f"{placement.post} (000 §7.2b)."
        ),
        as_of=as_of,
    )
    return enquiry


# --------------------------------------------------------------------------- flags and routing


def _involved_ids(enquiry: Enquiry) -> frozenset[int]:
    return frozenset(enquiry.involved_officers.values_list("pk", flat=True))


def _reroute(enquiry: Enquiry, *, actor, as_of, why: str) -> None:
    placement = route_enquiry(
        enquiry=enquiry, concerning=enquiry.concerning, exclude=_involved_ids(enquiry)
    )
    changed = placement.post.pk != enquiry.owner_post_id
    _place(enquiry, placement)
    if enquiry.clock_calendar != CalendarKind.FOI:
        enquiry.clock_limit_days = placement.deadline_days or enquiry.council.enquiry_working_days
        _due_recompute(enquiry)
    _save(enquiry, actor=actor, reason=why)
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="rerouted",
        summary=f"{why}. {_routed_summary(placement, copies)}",
        visible=False,
    )
    if changed:
        _tell(
            enquiry,
            key=f"rerouted:{enquiry.owner_post_id}:{as_of.isoformat()}",
            subject="enquiry routed to you",
            body=why,
            people=holders([placement.post]),
            as_of=as_of,
        )


@transaction.atomic
def enquiry_set_flags(
    *,
    enquiry: Enquiry,
    actor: Person,
    as_of: datetime,
    relates_to_legal_proceedings: bool | None = None,
    about_other_ward: bool | None = None,
    is_policy: bool | None = None,
    is_cross_directorate: bool | None = None,
    urgency: str | None = None,
    urgency_reason: str | None = None,
) -> Enquiry:
    """An officer (or the member) sets the flags later; a change of route re-routes it."""
    enquiry = _locked(enquiry)
    if not enquiry.is_open:
        raise TransitionError("Flags can only change while the enquiry is open.")
    values = {
        "relates_to_legal_proceedings": relates_to_legal_proceedings,
        "about_other_ward": about_other_ward,
        "is_policy": is_policy,
        "is_cross_directorate": is_cross_directorate,
        "urgency": urgency,
        "urgency_reason": urgency_reason,
    }
    for field, value in values.items():
        if value is not None:
            setattr(enquiry, field, value)
    if enquiry.urgency == Urgency.URGENT and not enquiry.urgency_reason.strip():
        raise ValidationError({"urgency_reason": "Say why the enquiry is urgent."})
    told_before = enquiry.ward_notices.exists()
    concerning = concerning_for(
        relates_to_legal_proceedings=enquiry.relates_to_legal_proceedings,
        urgency=enquiry.urgency,
        is_cross_directorate=enquiry.is_cross_directorate,
        is_policy=enquiry.is_policy,
    )
    rerouted = concerning != enquiry.concerning and enquiry.status in CLOCK_RUNNING
    enquiry.concerning = concerning
    # One history row per change: a re-route saves the new flags with the new placement.
    if rerouted:
        _reroute(enquiry, actor=actor, as_of=as_of, why=f"Now {concerning.replace('_', ' ')}")
    else:
        _save(enquiry, actor=actor, reason="flags changed")
    if enquiry.about_other_ward and not told_before:
        _ward_members_tell(enquiry, as_of=as_of)
    return enquiry


@transaction.atomic
def enquiry_mark_involved(
    *, enquiry: Enquiry, officer: Person, actor: Person, as_of: datetime
) -> Enquiry:
    """Mark an officer as involved in the legal proceedings: they must never handle it
    (000 §13.5). If they hold the owner post, the enquiry is re-routed past them."""
    enquiry = _locked(enquiry)
    if enquiry.involved_officers.filter(pk=officer.pk).exists():
        return enquiry
    enquiry.involved_officers.add(officer)
    access_sync(enquiry, as_of=as_of)
    _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="involved",
        summary=f"{officer} marked as involved in the proceedings (000 §13.5)",
        visible=False,
    )
    owner = enquiry.owner_post
    if owner is not None and owner.holder_id == officer.pk and enquiry.is_open:
        _reroute(enquiry, actor=actor, as_of=as_of, why=f"{officer} is involved in the proceedings")
    return enquiry


# --------------------------------------------------------------------------- member actions


@transaction.atomic
def enquiry_reply(*, enquiry: Enquiry, text: str, actor: Person, as_of: datetime) -> Enquiry:
    """The member answers the clarification request; the clock resumes, the due date moving by
    the working days it stood still. A repeated (double-submitted) reply is ignored."""
    enquiry = _locked(enquiry)
    if not text.strip():
        raise ValidationError({"text": "Write your reply."})
    if enquiry.status != Status.AWAITING_MEMBER:
        if enquiry.status == Status.IN_PROGRESS:
            return enquiry
        raise TransitionError("No clarification has been asked for.")
    _move(enquiry, Status.IN_PROGRESS)
    enquiry.status = Status.IN_PROGRESS
    lost = clock_resume(case=enquiry, on=_today(as_of))
    enquiry.clock_paused_days += lost
    _save(enquiry, actor=actor, reason="member replied")
    event = _event(
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
    enquiry = _locked(enquiry)
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
    _event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="copied",
        summary=f"Copied to {member} with the requester's permission",
    )
    _tell(
        enquiry,
        key=f"copy:{member.pk}",
        subject="an enquiry shared with you",
        body=f"{enquiry.member} has shared their enquiry “{enquiry.subject}” with you.",
        people=[member.person],
        as_of=as_of,
    )
    return copy


# --------------------------------------------------------------------------- clock events


@transaction.atomic
def enquiries_recompute_for_calendar(
    *, council: Council, day: date, why: str, actor: Person | None, as_of: datetime
) -> int:
    """The council's calendar changed: recompute the due date of every open enquiry not yet
    due, noting it on each timeline. Returns how many moved."""
    changed = 0
    candidates = (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("council")
        .filter(
            council=council,
            status__in=CLOCK_RUNNING | {Status.AWAITING_MEMBER},
            due_on__gte=_today(as_of),
        )
    )
    for enquiry in candidates:
        enquiry.council = council
        before = enquiry.due_on
        if not _due_recompute(enquiry):
            continue
        _save(enquiry, actor=actor, reason=why)
        _event(
            enquiry,
            as_of=as_of,
            actor=actor,
            kind="due_recomputed",
            summary=f"Due date moved from {before:%d %B %Y} to {_due_text(enquiry)} ({why})",
        )
        changed += 1
    return changed


def enquiry_on_rung(case: Enquiry, rung: ChaserRung, posts: list[Post], as_of: datetime) -> None:
    """Called by the kernel inside the chaser's transaction: posts escalated to may see and act
    on the enquiry; a rung past the due date records the breach (000 §7.1)."""
    permissions.escalated_to([(case, posts)], as_of=as_of)
    _breach_on_rung(case, as_of)


def enquiry_on_rungs(fired: list[tuple[Enquiry, ChaserRung, list[Post]]], as_of: datetime) -> None:
    """`enquiry_on_rung` for a batch of rungs the sweep fired together: the same grants, in two
    queries for the batch, and the same breaches (000 §7.1)."""
    permissions.escalated_to([(case, posts) for case, _, posts in fired], as_of=as_of)
    for case, _, _ in fired:
        _breach_on_rung(case, as_of)


def _breach_on_rung(case: Enquiry, as_of: datetime) -> None:
    today = _today(as_of)
    if case.breached_on is None and case.due_on is not None and today > case.due_on:
        # Breached on the first working day after the due date, however late the sweep ran.
        case.breached_on = min(today, calendar_for(case.council).add(case.due_on, 1))
