"""An enquiry's statuses and the one table of legal moves between them (STYLE habit 3).

`protocol_portal.casework.transitions.check_transition` enforces the table: a move to the
status the enquiry is already in is a no-op, a move the table does not list is an error.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_MEMBER = "awaiting_member", "Awaiting the member's clarification"
    AWAITING_AUTHORITY = "awaiting_authority", "Awaiting authority for the extra work"
    REFERRED_MO = "referred_mo", "Referred to the Monitoring Officer"
    FOI = "foi", "Being handled as an FOI request"
    RESPONDED = "responded", "Responded"
    REFERRED_COMPLAINT = "referred_complaint", "Referred to the Complaints Team"
    CLOSED = "closed", "Closed"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    # Reopening sends an answered or closed enquiry back to its owner as newly received.
    S.RECEIVED: frozenset(
        {
            S.IN_PROGRESS,
            S.AWAITING_MEMBER,
            S.AWAITING_AUTHORITY,
            S.REFERRED_MO,
            S.FOI,
            S.RESPONDED,
            S.REFERRED_COMPLAINT,
            S.CLOSED,
        }
    ),
    # A later stage of the council's rule (`next_stage`) starts the enquiry afresh with the
    # stage's handler, as received (000 §13.6; 002 §30, §79; 001 §5.3.8.4; 004 §12.9).
    S.IN_PROGRESS: frozenset(
        {
            S.RECEIVED,
            S.AWAITING_MEMBER,
            S.AWAITING_AUTHORITY,
            S.REFERRED_MO,
            S.FOI,
            S.RESPONDED,
            S.REFERRED_COMPLAINT,
            S.CLOSED,
        }
    ),
    # Only the member's reply moves it on (the clock resumes); an officer may still close it.
    S.AWAITING_MEMBER: frozenset({S.IN_PROGRESS, S.CLOSED}),
    # Extra work needs authority (004 §10.1.2): once decided, work goes on, or the member is
    # answered (authority refused), or it is closed.
    S.AWAITING_AUTHORITY: frozenset({S.IN_PROGRESS, S.RESPONDED, S.CLOSED}),
    # The Monitoring Officer determines access (000 §7.2b), then answers or hands it back.
    S.REFERRED_MO: frozenset({S.RECEIVED, S.IN_PROGRESS, S.RESPONDED, S.CLOSED}),
    S.FOI: frozenset({S.RESPONDED, S.CLOSED}),
    S.RESPONDED: frozenset({S.RECEIVED, S.CLOSED}),
    # The complaints procedure takes over (002 §76): the enquiry can only be closed.
    S.REFERRED_COMPLAINT: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.RECEIVED}),
}

# Open: somebody still owes the member something, so it sits in a queue.
OPEN = frozenset(
    {S.RECEIVED, S.IN_PROGRESS, S.AWAITING_MEMBER, S.AWAITING_AUTHORITY, S.REFERRED_MO, S.FOI}
)
# The clock runs (and the chaser ladder climbs) only in these.
# (Awaiting authority runs unless the council's `extra_work_authority` pauses the clock, when
# `clock_paused_on` is set and the chaser stands still.)
CLOCK_RUNNING = frozenset({S.RECEIVED, S.IN_PROGRESS, S.AWAITING_AUTHORITY, S.REFERRED_MO, S.FOI})
# Officer actions are possible in these (reassign, refer, respond).
ACTIONABLE = frozenset({S.RECEIVED, S.IN_PROGRESS, S.REFERRED_MO, S.FOI})

# Which routing `concerning` value wins when a member or officer sets several flags. Legal
# proceedings first: such enquiries may go only to a Director and never to an officer involved
# (000 §13.4–13.5); then urgency (000 §7.2a); then cross-directorate working (004 §12.5); then
# policy (000 §7.1); otherwise routine. A council's `enquiry_precedence` setting may reorder them
# and add the flags its own protocol has (protocol_settings.ENQUIRY_OPTIONAL_FLAGS).
CONCERNING_PRECEDENCE = (
    "legal_proceedings",
    "urgent",
    "cross_directorate",
    "policy",
    "routine",
)
