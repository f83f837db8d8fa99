"""What the officer does: accept, reassign, ask for clarification, respond, close, reopen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.services.base import LOCKED_WITH, _due_text, _tell_member, _tell_owner
from enquiries.services.clock import _clock_run, _clock_stop
from enquiries.services.placement import _involved_ids
from enquiries.states import TRANSITIONS, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.placing import placed, recorded
from protocol_portal.casework.services import clock_pause
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org import protocol_settings
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import CalendarKind, Person, Post, PostKind
from protocol_portal.org.services import rule_rows_for


@transaction.atomic
def enquiry_accept(*, enquiry: Enquiry, actor: Person, as_of: datetime) -> Enquiry:
    """The owner accepts the enquiry and starts work on it."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if enquiry.status == Status.AWAITING_MEMBER:
        raise TransitionError("The enquiry waits for the member's clarification.")
    if not plumbing.move(enquiry, Status.IN_PROGRESS, table=TRANSITIONS):
        return enquiry
    enquiry.status = Status.IN_PROGRESS
    enquiry.accepted_at = as_of
    recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="accepted",
        kind="accepted",
        summary=f"Accepted by {enquiry.owner_post}",
    )
    return enquiry


# Who may hold an enquiry about legal proceedings: the Director or Corporate Director (000 §13.5)
# or a post above them; and whatever post the council's own legal-proceedings rule names.
LEGAL_PROCEEDINGS_KINDS = frozenset(
    {
        PostKind.DIRECTOR,
        PostKind.CORPORATE_DIRECTOR,
        PostKind.DEPUTY_CHIEF_EXECUTIVE,
        PostKind.CHIEF_EXECUTIVE,
        PostKind.MONITORING_OFFICER,
    }
)


def _may_take_legal(enquiry: Enquiry, to_post: Post) -> bool:
    if to_post.kind in LEGAL_PROCEEDINGS_KINDS:
        return True
    rows = rule_rows_for(council=enquiry.council, case_type="enquiry")
    return any(
        row.concerning == "legal_proceedings" and row.handler.kind == to_post.kind for row in rows
    )


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
    if enquiry.relates_to_legal_proceedings and not _may_take_legal(enquiry, to_post):
        raise ValidationError(
            {
                "to_post": "An enquiry about legal proceedings must be addressed to a Director "
                "or Corporate Director, not passed down to another officer (000 §13.5)."
            }
        )
    if enquiry.owner_post_id == to_post.pk:
        return False
    previous = enquiry.owner_post
    enquiry.owner_post = to_post
    event = placed(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason=f"reassigned: {reason}",
        kind="reassigned",
        summary=f"Passed from {previous} to {to_post}",
        detail=reason.strip(),
        to_raiser=False,
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
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
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
            plumbing.locked(enquiry, *LOCKED_WITH),
            to_post=to_post,
            reason=reason,
            actor=actor,
            as_of=as_of,
        )
    return moved


@transaction.atomic
def enquiry_request_clarification(
    *, enquiry: Enquiry, question: str, actor: Person, as_of: datetime
) -> Enquiry:
    """Ask the member to clarify; the clock stops until they reply."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not question.strip():
        raise ValidationError({"question": "Write the question for the member."})
    if not plumbing.move(enquiry, Status.AWAITING_MEMBER, table=TRANSITIONS):
        return enquiry
    enquiry.status = Status.AWAITING_MEMBER
    clock_pause(case=enquiry, on=plumbing.today(as_of))
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="clarification requested",
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


def process_only_required(enquiry: Enquiry) -> bool:
    """Whether the answer must be confirmed as comments on process only (000 §13.4; the
    council's `legal_answer_process_only` setting)."""
    return enquiry.relates_to_legal_proceedings and bool(
        protocol_settings.setting(enquiry.council, "legal_answer_process_only")
    )


@transaction.atomic
def enquiry_respond(
    *,
    enquiry: Enquiry,
    response: str,
    actor: Person,
    as_of: datetime,
    process_only: bool = False,
) -> Enquiry:
    """Answer the member; the clock stops. Where the council's protocol limits the answer on
    legal proceedings to comments on process, the officer confirms it does, and that is
    recorded (000 §13.4)."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not response.strip():
        raise ValidationError({"response": "Write the response to the member."})
    required = process_only_required(enquiry)
    if required and not process_only and enquiry.status != Status.RESPONDED:
        source = protocol_settings.setting_source(enquiry.council, "legal_answer_process_only")
        raise ValidationError(
            {
                "process_only": "Confirm that the answer comments only on process, so as not "
                f"to prejudice the proceedings ({source})."
            }
        )
    if not plumbing.move(enquiry, Status.RESPONDED, table=TRANSITIONS):
        return enquiry
    enquiry.status = Status.RESPONDED
    enquiry.responded_at = as_of
    enquiry.answered_working_days = answered_working_days(enquiry)
    _clock_stop(enquiry)
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="responded",
        kind="responded",
        summary=f"Response from {enquiry.owner_post}"
        + (
            "; the officer confirmed it comments only on process ("
            + protocol_settings.setting_source(enquiry.council, "legal_answer_process_only")
            + ")"
            if required
            else ""
        ),
        detail=response.strip(),
    )
    _tell_member(
        enquiry, event, subject="response to your enquiry", body=response.strip(), as_of=as_of
    )
    return enquiry


@transaction.atomic
def enquiry_close(*, enquiry: Enquiry, reason: str = "", actor: Person, as_of: datetime) -> Enquiry:
    """Close the enquiry; the member may reopen it within the council's window."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not plumbing.move(enquiry, Status.CLOSED, table=TRANSITIONS):
        return enquiry
    enquiry.status = Status.CLOSED
    enquiry.closed_at = as_of
    _clock_stop(enquiry)
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="closed",
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
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the enquiry needs reopening."})
    if enquiry.status == Status.REFERRED_COMPLAINT:
        raise TransitionError("The complaints procedure has taken this over (002 §76).")
    if enquiry.status not in (Status.RESPONDED, Status.CLOSED, Status.RECEIVED):
        # In progress → received is a later stage starting afresh (services/stages.py), not a
        # reopening: only an answered or closed enquiry can be reopened (received: a no-op).
        raise TransitionError(
            "Only an answered or closed enquiry can be reopened; this one is "
            f"{enquiry.get_status_display().lower()}."
        )
    if not plumbing.move(enquiry, Status.RECEIVED, table=TRANSITIONS):
        return enquiry
    deadline = reopen_deadline(enquiry)
    if by_member and deadline is not None and plumbing.today(as_of) > deadline:
        raise ValidationError(
            {
                "reason": f"Enquiries can be reopened until {deadline:%-d %B %Y}; "
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
        start=plumbing.today(as_of),
        days=enquiry.route_deadline_days or enquiry.council.enquiry_working_days,
        calendar=CalendarKind.WORKING,
    )
    event = recorded(
        enquiry,
        actor=actor,
        as_of=as_of,
        reason="reopened",
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
