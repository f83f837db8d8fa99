"""What the enquiry page leads with, for this reader: the answer, the question waiting for the
member, or who is answering and by when (protocol_portal/web/next_step.py)."""

from __future__ import annotations

from datetime import date

from enquiries.models import Enquiry
from enquiries.states import Status
from protocol_portal.web.dates import gov_date
from protocol_portal.web.next_step import Action, NextStep, clock, held_by, latest


def _why(enquiry: Enquiry) -> tuple[str, ...]:
    reasons = []
    if enquiry.route_note:
        reasons.append(enquiry.route_note)
    if enquiry.route_source:
        reasons.append(
            "The council’s protocol says who handles an enquiry like this "
            f"({enquiry.route_source})."
        )
    reasons.append(
        "Everyone who can read this enquiry besides you and the officers handling it is listed "
        "under “Copied to”: there are no silent copies."
    )
    return tuple(reasons)


def enquiry_next_step(
    enquiry: Enquiry, *, events, officer: bool, actions: list[Action], today: date
) -> NextStep:
    """The answer (when there is one), the question waiting for the member, or who is
    answering and by when; `officer` readers are told what they must do themselves."""
    status = enquiry.status
    member = enquiry.member.person.get_full_name() if enquiry.member_id else "the member"
    who = f"With {held_by(enquiry.owner_post)}" if enquiry.owner_post_id else ""
    common = {"why": _why(enquiry), "actions": tuple(actions)}
    if status == Status.RESPONDED:
        answer = latest(events, "responded")
        return NextStep(
            heading=f"Answered on {gov_date(enquiry.responded_at)}",
            body=answer.detail if answer else "",
            who=f"The answer came from {held_by(enquiry.owner_post)}.",
            done=True,
            **common,
        )
    if status == Status.CLOSED:
        closed = latest(events, "closed")
        return NextStep(
            heading=f"Closed on {gov_date(enquiry.closed_at)}",
            body=closed.detail if closed else "",
            done=True,
            **common,
        )
    if status == Status.REFERRED_COMPLAINT:
        return NextStep(
            heading="This is being handled as a complaint",
            who="The Complaints Team has it and will contact the member.",
            **common,
        )
    if status == Status.AWAITING_MEMBER:
        question = latest(events, "clarification_requested")
        heading = (
            f"Waiting for {member} to reply to the question"
            if officer
            else "Reply to the officer’s question"
        )
        return NextStep(
            heading=heading,
            body=question.detail if question else "",
            who="The time limit is paused until the member replies. " + who + ".",
            primary_text="Reply to the officer's question",
            **common,
        )
    if status == Status.AWAITING_AUTHORITY:
        waiting = latest(events, "awaiting_authority")
        return NextStep(
            heading="Waiting for authority for the additional work",
            body=waiting.summary if waiting else "",
            who=f"{who}." if who else "",
            primary_text="Record the decision on authority",
            **common,
        )
    if officer:
        heading = (
            "Accept this enquiry and answer it"
            if status in (Status.RECEIVED, Status.REFERRED_MO)
            else "Answer this enquiry"
        )
    else:
        handler = held_by(enquiry.owner_post) or "the council"
        heading = f"{handler[0].upper()}{handler[1:]} will answer"
    if status == Status.FOI:
        heading = "This is being handled as a Freedom of Information request"
    return NextStep(
        heading=heading,
        primary_text="Respond",
        **clock(enquiry, by=enquiry.due_on, today=today),
        who=f"{who}." if who else "",
        **common,
    )
