"""Treating a request as FOI, and answering it (FOIA s.10, on the UK-wide calendar)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from access_requests import selectors
from access_requests.models import AccessRequest, FoiRequest
from access_requests.services.base import LOCKED_WITH, _reference
from access_requests.states import TRANSITIONS, FoiStatus, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.placing import placed, recorded
from protocol_portal.casework.services import clock_schedule, clock_start
from protocol_portal.org.models import CalendarKind, Person


def _to_foi(request: AccessRequest, *, actor: Person, reason: str, as_of: datetime) -> FoiRequest:
    plumbing.move(request, Status.FOI, table=TRANSITIONS)
    council = request.council
    route = selectors.foi_route(council=council)
    handler, _, _ = selectors.route_posts(
        council=council,
        route=route,
        directorate=request.directorate,
        exclude=frozenset({request.requester_person_id}),
        case_type="foi",
    )
    foi = FoiRequest(
        council=council,
        reference=_reference(council, FoiRequest.REFERENCE_PREFIX, as_of),
        access_request=request,
        requester_person=request.requester_person,
        what=request.what,
        directorate=request.directorate,
        rule_key=route.rule_key,
        rule_source=route.source[:120],
        handler_title=handler.title[:200],
        owner_post=handler,
        why=reason,
    )
    # The request was received when the need-to-know request was: twenty FOI working days
    # following that date, the next working day being day one (FOIA s.10(1), s.10(6);
    # 003 §58–59), not from the day it was passed to FOI.
    clock_start(
        case=foi,
        received_on=request.received_on or plumbing.today(as_of),
        days=council.foi_working_days,
        calendar=CalendarKind.FOI,
    )
    plumbing.save(foi, actor=actor, reason="opened from a need-to-know request")
    access_sync(foi, as_of=as_of)
    request.status = Status.FOI
    request.closed_at = as_of
    plumbing.clock_stop(request)
    plumbing.save(request, actor=actor, reason="handled under FOI")
    told = (
        f"Your request is being treated as a Freedom of Information request ({foi.reference}); "
        f"you will have a response within {council.foi_working_days} working days, by "
        f"{foi.due_on:%-d %B %Y} ({route.source}; FOIA s.10)."
    )
    plumbing.event(request, actor=actor, as_of=as_of, kind="foi", summary=told, detail=reason)
    plumbing.event(
        foi,
        actor=actor,
        as_of=as_of,
        kind="opened",
        summary=f"Opened from {request.reference}",
        detail=reason,
    )
    plumbing.tell(
        request,
        key="foi",
        subject="being treated as an FOI request",
        body=f"{told}\n\n{reason}",
        recipients=[request.requester_person],
        as_of=as_of,
    )
    plumbing.tell(
        foi,
        key="opened",
        subject=f"an FOI request to answer by {foi.due_on:%-d %B %Y}",
        body=f"{foi.what}\n\n{route.source}",
        recipients=[handler.holder],
        as_of=as_of,
    )
    return foi


def foi_from_case(
    *,
    council,
    reference: str,
    requester: Person,
    what: str,
    directorate,
    received_on,
    due_on,
    reason: str,
    actor: Person,
    as_of: datetime,
    **_: object,
) -> FoiRequest:
    """Open an FOI request for a case of another type found to be one (an enquiry referred to
    FOI, 003 §59): it appears in the FOI list, with twenty FOI working days from the day the
    council first received it, not from the referral (FOIA s.10(1), s.10(6)). Idempotent."""
    existing = FoiRequest.objects.filter(council=council, opened_from=reference).first()
    if existing is not None:
        return existing
    route = selectors.foi_route(council=council)
    handler, _, _ = selectors.route_posts(
        council=council,
        route=route,
        directorate=directorate,
        exclude=frozenset({requester.pk}),
        case_type="foi",
    )
    foi = FoiRequest(
        council=council,
        reference=_reference(council, FoiRequest.REFERENCE_PREFIX, as_of),
        requester_person=requester,
        what=what[:300],
        directorate=directorate,
        rule_key=route.rule_key,
        rule_source=route.source[:120],
        handler_title=handler.title[:200],
        owner_post=handler,
        why=reason,
        opened_from=reference[:40],
    )
    clock_start(
        case=foi,
        received_on=received_on,
        days=council.foi_working_days,
        calendar=CalendarKind.FOI,
    )
    if due_on is not None and due_on != foi.due_on:
        # The sender's clock already counts days it stood still awaiting clarification
        # (FOIA s.1(3)): the FOI case keeps that date.
        foi.due_on = due_on
        clock_schedule(case=foi)
    placed(
        foi,
        actor=actor,
        as_of=as_of,
        reason=f"opened from {reference}",
        kind="opened",
        summary=f"Opened from {reference}; received {received_on:%-d %B %Y}",
        detail=reason,
    )
    plumbing.tell(
        foi,
        key="opened",
        subject=f"an FOI request to answer by {foi.due_on:%-d %B %Y}",
        body=f"{foi.what}\n\n{route.source}",
        recipients=[handler.holder],
        as_of=as_of,
    )
    return foi


def on_treated_as_foi(sender, **kwargs) -> None:
    """Receiver of `casework.handoffs.treated_as_foi` (connected in apps.py). A council with no
    FOI route (or no one in its post) keeps the sender's own FOI clock: the referral is not
    refused for it."""
    try:
        selectors.foi_route(council=kwargs["council"])
    except ValidationError:
        return
    foi_from_case(**kwargs)


@transaction.atomic
def access_request_to_foi(
    *, request: AccessRequest, actor: Person, reason: str, as_of: datetime
) -> FoiRequest:
    """Handle the request under FOI — because it is not need-to-know, or the member asks — on
    a 20-working-day clock where any UK bank holiday is excluded; the member is told
    (003 §58–60; FOIA s.10(6))."""
    request = plumbing.locked(request, *LOCKED_WITH)
    if hasattr(request, "foi"):
        return request.foi
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is being handled under FOI."})
    return _to_foi(request, actor=actor, reason=reason.strip(), as_of=as_of)


@transaction.atomic
def foi_answer(*, foi: FoiRequest, actor: Person, response: str, as_of: datetime) -> FoiRequest:
    """Record the FOI response and stop the clock."""
    foi = (
        FoiRequest.objects.select_for_update(of=("self",)).select_related("council").get(pk=foi.pk)
    )
    if not response.strip():
        raise ValidationError({"response": "Write the response."})
    if foi.status == FoiStatus.ANSWERED:
        return foi
    foi.status = FoiStatus.ANSWERED
    foi.response = response.strip()
    foi.answered_at = as_of
    foi.closed_at = as_of
    foi.next_action_at = None
    recorded(
        foi,
        actor=actor,
        as_of=as_of,
        reason="answered",
        kind="answered",
        summary="FOI response sent",
    )
    plumbing.tell(
        foi,
        key="answered",
        subject="your FOI response",
        body=foi.response,
        recipients=[foi.requester_person],
        as_of=as_of,
    )
    return foi
