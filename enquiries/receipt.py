"""When and how an enquiry reached the council: the true moment of receipt and its channel.

The clock runs from receipt (received is day 0 on the council's calendar), so an enquiry logged
on Friday for a Wednesday phone call is due ten working days after the Wednesday, not the
Friday. A moment of receipt is never in the future and never before the member took office.
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from enquiries.models import Channel, Enquiry
from protocol_portal.casework.bounds import NOW, DateWindow
from protocol_portal.org.models import Member

# An enquiry logged long after it was received would start a clock long run out: a year back
# is the most (a date a person types is always bounded, security probe F10).
RECEIVED = DateWindow("The date received", back=relativedelta(years=1), ahead=NOW)


def receipt_errors(*, member: Member, received_at: datetime, as_of: datetime) -> dict[str, str]:
    """GOV.UK-style messages for a moment of receipt that cannot be true, keyed by field."""
    if timezone.is_naive(received_at):
        return {"received_at": "Enter the date and time the enquiry was received."}
    if received_at > as_of:
        return {"received_at": "The date and time received must be now or in the past."}
    too_old = RECEIVED.error(timezone.localdate(received_at), timezone.localdate(as_of))
    if too_old:
        return {"received_at": too_old}
    took_office = member.took_office_on
    if took_office is not None and timezone.localdate(received_at) < took_office:
        return {
            "received_at": f"The date received must be on or after {took_office:%-d %B %Y}, "
            f"when {member} took office."
        }
    return {}


def received_text(enquiry: Enquiry) -> str:
    """'by phone on Wednesday 4 March 2026 at 2:05pm', in UK time."""
    moment = enquiry.received_at
    how = {
        Channel.PORTAL: "through the portal",
        Channel.EMAIL: "by email",
        Channel.PHONE: "by phone",
        Channel.LETTER: "by letter",
        Channel.SURGERY: "at a surgery",
    }.get(enquiry.channel, "")
    if moment is None:
        return f"{how} on {enquiry.received_on:%A %-d %B %Y}"
    local = timezone.localtime(moment)
    return f"{how} on {local:%A %-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace(
        "PM", "pm"
    )
