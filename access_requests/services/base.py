"""What every need-to-know service shares: the lock, the reference, the member asking."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError

from access_requests import selectors
from protocol_portal.casework import plumbing
from protocol_portal.casework.services import reference_next
from protocol_portal.org.models import Council, Member, Person

# Joined when a request is read under its row lock.
LOCKED_WITH = ("council", "owner_post", "directorate", "requester_person", "committee")


def _reference(council: Council, prefix: str, as_of: datetime) -> str:
    """The next reference, e.g. SO-NTK-2026-00001."""
    return reference_next(council=council, prefix=prefix, year=plumbing.today(as_of).year)


def _member(council: Council, requester: Person) -> Member:
    member = selectors.member_of(user=requester, council=council)
    if member is None:
        raise ValidationError(
            {"council": f"Only a member of {council.name} can ask to see its documents."}
        )
    return member
