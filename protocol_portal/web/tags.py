"""One mapping from a case's status to its tag colour, used by every list and case page, so the
same state looks the same everywhere (UX review 2026-12: "Granted blue on the case page but grey
in the list; Refused grey, not red").

- red: overdue, or refused;
- yellow: waiting on someone to reply or decide (the member's clarification, a disputed
  refusal, a declaration or advice request awaiting the officer);
- green: done (answered, granted, outcome given, decided, registered);
- grey: ended without an answer (withdrawn, cancelled, passed to another process);
- turquoise: being worked on (in progress, acknowledged, being investigated);
- blue (no colour class): received, not yet picked up.

Statuses are matched by value, so a new case type's statuses are coloured by the same words;
one that is not listed is blue. Colour is never the only signal: the tag's text says the status.
"""

from __future__ import annotations

RED = frozenset({"refused"})
YELLOW = frozenset({"awaiting_member", "disputed", "declared", "requested", "escalated"})
GREEN = frozenset(
    {
        "responded",
        "answered",
        "granted",
        "partly_granted",
        "outcome_issued",
        "decided",
        "registered",
        "advised",
        "closed",
    }
)
TURQUOISE = frozenset({"in_progress", "acknowledged", "investigating"})
GREY = frozenset(
    {"withdrawn", "cancelled", "removed", "ended", "foi", "referred_complaint", "referred_mo"}
)

COLOURS = {
    **dict.fromkeys(RED, "red"),
    **dict.fromkeys(YELLOW, "yellow"),
    **dict.fromkeys(GREEN, "green"),
    **dict.fromkeys(GREY, "grey"),
    **dict.fromkeys(TURQUOISE, "turquoise"),
}


def colour(status: str, *, overdue: bool = False) -> str:
    """The GOV.UK tag colour for a status ("" is the default blue); overdue is always red."""
    if overdue:
        return "red"
    return COLOURS.get(status, "")
