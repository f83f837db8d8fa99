"""When and how a case reached the council: the true moment of receipt and its channel, for
every case type logged on a member's behalf (an enquiry, a complaint, a need-to-know request).

The clock runs from receipt (received is day 0 on the council's calendar), so an enquiry logged
on Friday for a Wednesday phone call is due ten working days after the Wednesday, not the
Friday. A moment of receipt is never in the future, never before the member took office, and at
most a year back. Only an officer of the council (member services included) logs a case for a
member; a member logs only their own.
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from protocol_portal.casework.bounds import NOW, DateWindow
from protocol_portal.org.models import Council, Member, Person, Post


class Channel(models.TextChoices):
    """How the case reached the council: typed into the portal by the member, or received
    some other way and logged (by the mailbox poll, or by member services or an officer)."""

    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    SURGERY = "surgery", "At a surgery"


class Received(models.Model):
    """The fields of a case type that may be logged on a member's behalf: how it came and when
    the council really received it (the clock runs from that day). A case model lists it after
    `Case`: `class Complaint(Case, Received)`."""

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    received_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the council really received it (the phone call, the letter): the clock "
        "runs from this day, whenever it was logged on the member's behalf.",
    )

    class Meta:
        abstract = True


# What member services or an officer may say a case logged for a member came by.
LOGGED_CHANNELS = [c for c in Channel.choices if c[0] != Channel.PORTAL]

HOW = {
    Channel.PORTAL: "through the portal",
    Channel.EMAIL: "by email",
    Channel.PHONE: "by phone",
    Channel.LETTER: "by letter",
    Channel.SURGERY: "at a surgery",
}

# A case logged long after it was received would start a clock long run out: a year back
# is the most (a date a person types is always bounded, security probe F10).
RECEIVED = DateWindow("The date received", back=relativedelta(years=1), ahead=NOW)


def receipt_errors(
    *, member: Member | None, received_at: datetime, as_of: datetime, what: str = "enquiry"
) -> dict[str, str]:
    """GOV.UK-style messages for a moment of receipt that cannot be true, keyed by field."""
    if timezone.is_naive(received_at):
        return {"received_at": f"Enter the date and time the {what} was received."}
    if received_at > as_of:
        return {"received_at": "The date and time received must be now or in the past."}
    too_old = RECEIVED.error(timezone.localdate(received_at), timezone.localdate(as_of))
    if too_old:
        return {"received_at": too_old}
    took_office = member.took_office_on if member is not None else None
    if took_office is not None and timezone.localdate(received_at) < took_office:
        return {
            "received_at": f"The date received must be on or after {took_office:%-d %B %Y}, "
            f"when {member} took office."
        }
    return {}


def receipt_check(
    *,
    council: Council,
    member: Member | None,
    on_behalf_of: Person,
    channel: str,
    received_at: datetime | None,
    actor: Person | None,
    as_of: datetime,
    what: str,
) -> datetime:
    """The moment the case was received, checked: now for a member logging their own; for a
    case logged on someone's behalf, the officer's channel and moment, within the rules above.
    Raises PermissionDenied if someone other than an officer of the council logs for another,
    and ValidationError naming `channel` or `received_at`."""
    on_behalf = actor is not None and actor.pk != on_behalf_of.pk
    if on_behalf and not Post.objects.filter(holder=actor, council=council).exists():
        raise PermissionDenied(f"Only an officer of the council logs a {what} for a member.")
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = f"Choose how the {what} was received."
    elif not on_behalf and (channel != Channel.PORTAL or received_at is not None):
        errors["channel"] = (
            f"Your own {what} is received when you log it; member services or an officer "
            "record how and when one logged for you was received."
        )
    received_at = received_at or as_of
    errors.update(receipt_errors(member=member, received_at=received_at, as_of=as_of, what=what))
    if errors:
        raise ValidationError(errors)
    return received_at


def received_text(case) -> str:
    """'by phone on Wednesday 4 March 2026 at 2:05pm', in UK time."""
    moment = case.received_at
    how = HOW.get(case.channel, "")
    if moment is None:
        return f"{how} on {case.received_on:%A %-d %B %Y}"
    local = timezone.localtime(moment)
    return f"{how} on {local:%A %-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace(
        "PM", "pm"
    )
