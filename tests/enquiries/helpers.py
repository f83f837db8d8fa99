"""Helpers for enquiry tests: log an enquiry the way a member would."""

from __future__ import annotations

from datetime import datetime

from enquiries.services import enquiry_create
from protocol_portal.casework.models import OutboxMessage


def log(org, as_of: datetime, *, member=None, service_area=None, ward=None, **kwargs):
    member = member or org.raiser
    values = {
        "subject": "Broken boiler at 4 Elm Street",
        "description": "No heating since Friday; the tenant is elderly.",
        "resident_reference": "Mrs A, tenancy 1234",
    }
    values.update(kwargs)
    return enquiry_create(
        member=member,
        service_area=service_area or org.repairs,
        ward=ward or member.ward,
        actor=member.person,
        as_of=as_of,
        **values,
    )


def messages_to(person, *, case=None):
    messages = OutboxMessage.objects.filter(notices__person=person)
    if case is not None:
        messages = messages.filter(case_id=case.pk)
    return list(messages.order_by("created_at", "pk"))
