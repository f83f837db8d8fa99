"""Passing an enquiry on: it is a complaint, an FOI request or a need-to-know request."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from enquiries import permissions
from enquiries.models import Enquiry
from enquiries.services.base import LOCKED_WITH, _due_text, _tell_member, _tell_owner
from enquiries.services.clock import _clock_run, _clock_stop
from enquiries.services.placement import (
    Placement,
    _complaints_placement,
    _grant_placement,
    _involved_ids,
    _place,
    _routed_summary,
    route_enquiry,
)
from enquiries.services.stages import _stage_placement, current_rule
from enquiries.states import TRANSITIONS, Status
from protocol_portal.casework import handoffs, plumbing
from protocol_portal.casework.transitions import check_transition
from protocol_portal.org import routing
from protocol_portal.org.models import CalendarKind, Person, PostKind
from protocol_portal.org.services import rule_rows_for

COMPLAINT_REFERRAL = "complaint_referral"


def _refer(enquiry, *, target: str, placement: Placement, actor, as_of, kind, summary, note):
    referred_from = enquiry.owner_post
    enquiry.status = target
    _place(enquiry, placement)
    plumbing.save(enquiry, actor=actor, reason=kind)
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    if referred_from is not None and referred_from.pk != placement.post.pk:
        # The officer who referred it, and their line, stay on it to answer once the referral
        # is decided (000 §7.2b; 002 §76), until the enquiry is passed on again.
        permissions.referred_from(enquiry, referred_from, as_of=as_of)
    detail = note.strip()
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind=kind,
        summary=f"{summary}: {_routed_summary(placement, copies)}",
        detail=detail,
    )
    _tell_owner(enquiry, event, subject=summary.lower(), body=detail or summary, as_of=as_of)
    return event


def _advice_rule(enquiry: Enquiry) -> routing.RuleRow | None:
    """The council's first-stage rule for an issue staff think is a complaint, where it names a
    senior officer to advise before the Complaints Team (002 §76); None elsewhere."""
    rows = rule_rows_for(council=enquiry.council, case_type="enquiry")
    try:
        route = routing.resolve(rows, routing.Facts("enquiry", "member", COMPLAINT_REFERRAL))
    except routing.RoutingError:
        return None
    row = next((r for r in rows if r.key == route.rule_key), None)
    if (
        row is None
        or row.concerning != COMPLAINT_REFERRAL
        or not row.next_stage
        or row.handler.kind == PostKind.COMPLAINTS_TEAM
    ):
        return None
    return row


def at_complaint_advice(enquiry: Enquiry) -> bool:
    """Whether a senior officer's advice on "is this a complaint?" is being sought (002 §76)."""
    rule = current_rule(enquiry)
    return bool(rule and rule.concerning == COMPLAINT_REFERRAL and rule.next_stage)


def _seek_advice(enquiry: Enquiry, rule: routing.RuleRow, *, note, actor, as_of) -> Enquiry:
    check_transition(table=TRANSITIONS, current=enquiry.status, target=Status.REFERRED_COMPLAINT)
    placement = _stage_placement(enquiry, COMPLAINT_REFERRAL, rule.stage)
    referred_from = enquiry.owner_post
    _place(enquiry, placement)
    plumbing.save(enquiry, actor=actor, reason="senior officer's advice sought")
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    if referred_from is not None and referred_from.pk != placement.post.pk:
        permissions.referred_from(enquiry, referred_from, as_of=as_of)
    event = plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="complaint_advice",
        summary=(
            "A senior officer's advice sought: should this be regarded as a complaint? "
            f"{_routed_summary(placement, copies)}"
        ),
        detail=note.strip(),
        to_raiser=False,
    )
    _tell_owner(
        enquiry,
        event,
        subject="your advice: is this enquiry a complaint?",
        body=(
            f"Staff believe {enquiry.reference} should be regarded as a complaint and seek "
            f'your advice ({placement.source}). If it is, choose "This is a complaint" to '
            "refer it to the Complaints Team; if not, pass it back to be answered. "
            f"{note.strip()}"
        ).strip(),
        as_of=as_of,
    )
    return enquiry


@transaction.atomic
def enquiry_refer_complaint(
    *, enquiry: Enquiry, note: str, actor: Person, as_of: datetime
) -> Enquiry:
    """ "This is a complaint": refer it to the Complaints Team and tell the member (002 §76).
    Where the council's rule names a senior officer to advise first, the first referral goes to
    them; their "This is a complaint" then refers it to the Complaints Team (the rule's next
    stage)."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if enquiry.status == Status.REFERRED_COMPLAINT:
        return enquiry
    exclude = _involved_ids(enquiry)
    if at_complaint_advice(enquiry):
        rule = current_rule(enquiry)
        placement = _stage_placement(enquiry, COMPLAINT_REFERRAL, rule.next_stage)
    else:
        advice = _advice_rule(enquiry)
        if advice is not None:
            return _seek_advice(enquiry, advice, note=note, actor=actor, as_of=as_of)
        placement = _complaints_placement(enquiry, exclude)
    if not plumbing.move(enquiry, Status.REFERRED_COMPLAINT, table=TRANSITIONS):
        return enquiry
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
    """ "This is an FOI request": a 20-working-day clock on the FOI calendar, counted from the
    day the council first received the enquiry, not from the referral ("the twentieth working
    day following the date of receipt", FOIA s.10(1); 003 §58–59); working days the clock
    stood still awaiting the member's clarification still do not count (FOIA s.1(3)). The
    member is told (003 §58–60)."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not plumbing.move(enquiry, Status.FOI, table=TRANSITIONS):
        return enquiry
    enquiry.status = Status.FOI
    enquiry.clock_cycle += 1
    _clock_run(
        enquiry,
        start=enquiry.received_on or plumbing.today(as_of),
        days=enquiry.council.foi_working_days,
        calendar=CalendarKind.FOI,
        paused_days=enquiry.clock_paused_days,
    )
    plumbing.save(enquiry, actor=actor, reason="treated as FOI")
    # An FOI case in the FOI list, its clock from the enquiry's receipt (003 §59; FOIA s.10(1)).
    handoffs.treated_as_foi.send(
        sender=type(enquiry),
        council=enquiry.council,
        reference=enquiry.reference,
        requester=enquiry.member.person,
        what=enquiry.subject,
        directorate=enquiry.directorate,
        received_on=enquiry.received_on or plumbing.today(as_of),
        due_on=enquiry.due_on,
        reason=note.strip() or "The enquiry is a request under the Freedom of Information Act.",
        actor=actor,
        as_of=as_of,
    )
    event = plumbing.event(
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
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not plumbing.move(enquiry, Status.REFERRED_MO, table=TRANSITIONS):
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
