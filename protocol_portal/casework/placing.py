"""The two closing steps of a case service, written once (issue 12).

After its own checks, a service of any case type ends the same way. Either the change is to the
case's own columns and moves nobody's sight of it (accepted, referred, answered): the case is
saved with who and why, and the timeline says what happened — `recorded`. Or the change places
the case with somebody or takes it from them (a new handler, an investigator, a copied member,
the posts a declaration is notified to, an officer marked as involved): then, between the save
and the timeline, the case's audiences are derived again (`access.access_sync`), so those now
placed see it and those taken off no longer do, in the same transaction — `placed`.

Both return the timeline line, which some services hand on to their notices.
No function here reads the clock (STYLE 9) or names a case app.
"""

from __future__ import annotations

from datetime import datetime

from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.models import Case, CaseEvent
from protocol_portal.org.models import Person


def recorded(
    case: Case,
    *,
    actor: Person | None,
    as_of: datetime,
    reason: str,
    kind: str,
    summary: str,
    detail: str = "",
    to_raiser: bool = True,
) -> CaseEvent:
    """Save the changed case with who and why (`reason` on the history row), then add the line
    `kind`/`summary` to its timeline (`to_raiser=False` keeps it from the raiser's view)."""
    plumbing.save(case, actor=actor, reason=reason)
    return plumbing.event(
        case,
        actor=actor,
        as_of=as_of,
        kind=kind,
        summary=summary,
        detail=detail,
        to_raiser=to_raiser,
    )


def placed(
    case: Case,
    *,
    actor: Person | None,
    as_of: datetime,
    kind: str,
    summary: str,
    detail: str = "",
    to_raiser: bool = True,
    reason: str | None = None,
) -> CaseEvent:
    """The case has moved to or from somebody: saved with `reason` if its own columns changed
    (without one, the caller has written the change already: a copy, a many-to-many set), its
    audiences derived again as of `as_of`, and the line `kind`/`summary` on its timeline."""
    if reason is not None:
        plumbing.save(case, actor=actor, reason=reason)
    access_sync(case, as_of=as_of)
    return plumbing.event(
        case,
        actor=actor,
        as_of=as_of,
        kind=kind,
        summary=summary,
        detail=detail,
        to_raiser=to_raiser,
    )
