"""Writes for need-to-know requests: submit, decide, refer, dispute, FOI, release, open.

Every service is keyword-only and atomic; it checks the move against `states.TRANSITIONS`,
records who, when and why (simple-history and the case timeline) in the same transaction, and
queues notifications through the outbox, sent after commit, with the kernel's plumbing
(`protocol_portal.casework.plumbing`). Nothing here reads the clock: callers pass `as_of`.

- `asking`: the preview and the request;
- `deciding`: decide, refer to the determiner, dispute, withdraw;
- `foi`: treat as FOI, answer it;
- `release`: release with conditions, log each opening;
- `chasers`: what a chaser rung does.

Import from here (`from access_requests import services`): the names below are the public ones.
"""

from access_requests.services.asking import access_request_preview, access_request_submit
from access_requests.services.base import LOCKED_WITH
from access_requests.services.chasers import access_request_on_rung, foi_on_rung
from access_requests.services.deciding import (
    access_request_decide,
    access_request_dispute,
    access_request_refer,
    access_request_withdraw,
)
from access_requests.services.foi import access_request_to_foi, foi_answer
from access_requests.services.release import release_create, release_open

__all__ = [
    "LOCKED_WITH",
    "access_request_decide",
    "access_request_dispute",
    "access_request_on_rung",
    "access_request_preview",
    "access_request_refer",
    "access_request_submit",
    "access_request_to_foi",
    "access_request_withdraw",
    "foi_answer",
    "foi_on_rung",
    "release_create",
    "release_open",
]
