"""Asking: the preview of how a request will be treated, and the request itself."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from access_requests import selectors
from access_requests.models import AccessRequest
from access_requests.selectors import Ask, Plan
from access_requests.services.base import _member, _reference
from access_requests.services.foi import _to_foi
from protocol_portal.casework import plumbing
from protocol_portal.casework.placing import placed
from protocol_portal.casework.receipt import Channel, receipt_check, received_text
from protocol_portal.casework.services import clock_start
from protocol_portal.org.models import Council, Person


def access_request_preview(
    *, council: Council, requester: Person, ask: Ask, as_of: datetime
) -> Plan:
    """How the request will be treated and why, before anything is written (the preview step:
    each result names its paragraph; protocols/README.md section 4)."""
    return selectors.request_plan(
        council=council, member=_member(council, requester), ask=ask, today=plumbing.today(as_of)
    )


@transaction.atomic
def access_request_submit(
    *,
    council: Council,
    requester: Person,
    ask: Ask,
    as_of: datetime,
    wants_foi: bool = False,
    channel: str = Channel.PORTAL,
    received_at: datetime | None = None,
    actor: Person | None = None,
) -> AccessRequest:
    """A member asks to see a document or information; the presumption engine says how it is
    treated and the council's rules name who decides, within the need-to-know limit
    (default 10 working days). Logged for the member by member services or an officer
    (`actor`), received by phone, letter, email or at a surgery, the limit runs from the true
    moment of receipt."""
    member = _member(council, requester)
    actor = actor or requester
    received_at = receipt_check(
        council=council,
        member=member,
        on_behalf_of=requester,
        channel=channel,
        received_at=received_at,
        actor=actor,
        as_of=as_of,
        what="request",
    )
    on_behalf = actor.pk != requester.pk
    if not ask.justification.strip() and not wants_foi:
        raise ValidationError({"justification": "Say why you need it to do your job as a member."})
    plan = selectors.request_plan(
        council=council, member=member, ask=ask, today=plumbing.today(as_of)
    )
    request = AccessRequest(
        council=council,
        reference=_reference(council, AccessRequest.REFERENCE_PREFIX, as_of),
        requester_person=requester,
        requester_member=member,
        what=ask.what.strip()[:300],
        directorate=ask.directorate,
        for_meeting=ask.for_meeting,
        committee=ask.committee if ask.for_meeting else None,
        meeting_date=ask.meeting_date if ask.for_meeting else None,
        part=ask.part if ask.for_meeting else "",
        within_terms_of_reference=ask.within_terms_of_reference,
        purpose=ask.purpose,
        matter_ward=ask.matter_ward,
        justification=ask.justification.strip(),
        third_party_personal_data=ask.third_party_personal_data,
        contract_information=ask.contract_information,
        property_transaction=ask.property_transaction,
        other_group_papers=ask.other_group_papers,
        report_to_group=ask.report_to_group,
        personal_records=ask.personal_records,
        draft_policy_papers=ask.draft_policy_papers,
        presumption=plan.result.presumption,
        presumption_source=plan.result.source[:120],
        presumption_reason=plan.result.reason,
        # A withheld interest (Localism Act 2011 s.32(2)) is flagged, never described: whoever
        # decides learns that there is one and its paragraph, not what it is or what it names.
        interest_flags=[
            {
                "reason": "The member has a withheld interest that this request may concern."
                if c.withheld
                else c.reason,
                "source": c.source,
                "blocking": c.blocking,
                "withheld": c.withheld,
            }
            for c in plan.conflicts
        ],
        stage=plan.stage,
        rule_key=plan.route.rule_key,
        rule_source=plan.route.source[:120],
        next_stage=plan.route.next_stage,
        route_explanation=plan.explanation,
        owner_post=plan.handler_post,
        holder_post=plan.holder_post,
        handler_title=plan.handler_title[:200],
        channel=channel,
        received_at=received_at,
    )
    clock_start(
        case=request,
        received_on=plumbing.today(received_at),
        days=council.need_to_know_working_days,
    )
    plumbing.save(
        request,
        actor=actor,
        reason="logged on the member's behalf" if on_behalf else "submitted",
    )
    request.advisers.add(*plan.advisers)
    placed(
        request,
        actor=actor,
        as_of=as_of,
        kind="submitted",
        summary=f"Submitted {received_text(request)}"
        f"{f', logged by {actor}' if on_behalf else ''}: "
        f"{plan.presumption_label.lower()} ({plan.result.source}); "
        f"with the {request.handler_title}",
        detail=plan.explanation,
    )
    plumbing.tell_logged_for(
        request,
        raiser=requester,
        actor=actor,
        as_of=as_of,
        noun="need-to-know request",
        what=f"request to see “{request.what}”",
        then=f"The {request.handler_title} decides it by {request.due_on:%-d %B %Y}.",
    )
    for flag in request.interest_flags:
        plumbing.event(
            request,
            actor=None,
            as_of=as_of,
            kind="interest",
            summary=f"Conflict check: the member's own interest ({flag['source']})",
            detail=flag["reason"],
        )
    plumbing.tell(
        request,
        key="submitted",
        subject=f"a need-to-know request to decide by {request.due_on:%-d %B %Y}",
        body=(
            f"{request.reference}: {request.what}\n\n{plan.explanation}"
            + (
                f"\n\nAdvising: {', '.join(p.title for p in plan.advisers)}."
                if plan.advisers
                else ""
            )
        ),
        recipients=[plan.handler_post.holder, *[p.holder for p in plan.advisers]],
        as_of=as_of,
    )
    if wants_foi:
        _to_foi(
            request,
            actor=requester,
            reason="The member asked for the request to be handled under the Freedom of "
            "Information Act.",
            as_of=as_of,
        )
    elif plan.result.foi:
        # The council's rules make it FOI from the start, and the member is told of the 20
        # working days (003 §60).
        _to_foi(
            request,
            actor=actor,
            reason=f"{plan.result.reason} ({plan.result.source})",
            as_of=as_of,
        )
    return request
