"""What a chaser rung does to a need-to-know or FOI request."""

from __future__ import annotations

from datetime import datetime

from access_requests import permissions as perms
from protocol_portal.casework import plumbing


def access_request_on_rung(case, rung, posts, as_of: datetime) -> None:
    """A late decision is chased up the ladder: past the due date it is marked breached and the
    posts chased (the Chief Executive, 001 §5.3.8.4; the Monitoring Officer, 000 §7.2b) may see
    the request."""
    if rung.offset_working_days > 0 and case.breached_on is None:
        case.breached_on = plumbing.today(as_of)
    perms.escalated_to(case, posts, perms=perms.READ, as_of=as_of)


def foi_on_rung(case, rung, posts, as_of: datetime) -> None:
    if rung.offset_working_days > 0 and case.breached_on is None:
        case.breached_on = plumbing.today(as_of)
    perms.escalated_to(case, posts, perms=perms.FOI_READ, as_of=as_of)
