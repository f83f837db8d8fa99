"""What every enquiry service shares: the lock, the notices to the member and the owner."""

from __future__ import annotations

from enquiries.models import Enquiry
from protocol_portal.casework import plumbing
from protocol_portal.casework.models import CaseEvent
from protocol_portal.casework.services import holders

LABEL = "enquiries.Enquiry"


# Joined when an enquiry is read under its row lock (concurrent actions and chasers take turns).
LOCKED_WITH = ("council", "member__person", "owner_post", "directorate")


def _tell_member(enquiry, event: CaseEvent, *, subject: str, body: str, as_of) -> None:
    plumbing.tell(
        enquiry,
        key=f"member:{event.pk}",
        subject=subject,
        body=body,
        recipients=[enquiry.member.person],
        as_of=as_of,
    )


def _tell_owner(enquiry, event: CaseEvent, *, subject: str, body: str, as_of) -> None:
    people = holders([enquiry.owner_post])
    if people:
        plumbing.tell(
            enquiry,
            key=f"owner:{event.pk}",
            subject=subject,
            body=body,
            recipients=people,
            as_of=as_of,
        )


def _due_text(enquiry: Enquiry) -> str:
    return f"{enquiry.due_on:%-d %B %Y}" if enquiry.due_on else "not set"
