"""Writes for need-to-know requests: submit, decide, refer, dispute, FOI, release, open.

Every service is keyword-only and atomic; it checks the move against `states.TRANSITIONS`,
records who, when and why (simple-history and the case timeline) in the same transaction, and
queues notifications through the outbox, sent after commit. Nothing here reads the clock:
callers pass `as_of`.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from access_requests import permissions as perms
from access_requests import presumptions, selectors
from access_requests.models import AccessRequest, Decision, FoiRequest, Release, ReleaseOpening
from access_requests.selectors import Ask, Plan
from access_requests.states import (
    DECIDABLE,
    TRANSITIONS,
    FoiStatus,
    Ground,
    Outcome,
    Status,
)
from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.files import attachment_check
from protocol_portal.casework.services import (
    clock_start,
    reference_next,
)
from protocol_portal.org.models import CalendarKind, Council, Member, Person

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


# ---- asking ------------------------------------------------------------------------------


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
) -> AccessRequest:
    """A member asks to see a document or information; the presumption engine says how it is
    treated and the council's rules name who decides, within the need-to-know limit
    (default 10 working days)."""
    member = _member(council, requester)
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
        personal_records=ask.personal_records,
        draft_policy_papers=ask.draft_policy_papers,
        presumption=plan.result.presumption,
        presumption_source=plan.result.source[:120],
        presumption_reason=plan.result.reason,
        interest_flags=[
            {"reason": c.reason, "source": c.source, "blocking": c.blocking} for c in plan.conflicts
        ],
        stage=plan.stage,
        rule_key=plan.route.rule_key,
        rule_source=plan.route.source[:120],
        next_stage=plan.route.next_stage,
        route_explanation=plan.explanation,
        owner_post=plan.handler_post,
        holder_post=plan.holder_post,
        handler_title=plan.handler_title[:200],
    )
    clock_start(
        case=request, received_on=plumbing.today(as_of), days=council.need_to_know_working_days
    )
    plumbing.save(request, actor=requester, reason="submitted")
    request.advisers.add(*plan.advisers)
    access_sync(request, as_of=as_of)
    plumbing.event(
        request,
        actor=requester,
        as_of=as_of,
        kind="submitted",
        summary=f"Submitted: {plan.presumption_label.lower()} ({plan.result.source}); "
        f"with the {request.handler_title}",
        detail=plan.explanation,
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
    return request


# ---- deciding ----------------------------------------------------------------------------


def _decision_errors(request: AccessRequest, outcome: str, grounds: list[str], reasons: str):
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose whether the request is granted, partly granted or refused."
    if not reasons.strip():
        errors["reasons"] = "Give the reasons for the decision: the member will see them."
    unknown = [g for g in grounds if g not in Ground.values]
    if unknown:
        errors["grounds"] = f"Unknown refusal ground: {', '.join(unknown)}."
    elif outcome in (Outcome.REFUSED, Outcome.PARTLY_GRANTED) and not grounds:
        errors["grounds"] = "Tick the ground or grounds for refusing or withholding."
    elif outcome == Outcome.GRANTED and grounds:
        errors["grounds"] = "A request granted in full has no refusal grounds."
    return errors


def _dispute_errors(book, consulted: Member | None, referred_to_body: str, request) -> dict:
    errors: dict[str, str] = {}
    if book.dispute_practice == "consult":
        allowed = selectors.consultable_members(request=request)
        if consulted is None or not allowed.filter(pk=consulted.pk).exists():
            errors["consulted"] = (
                "Record whom you consulted: the Leader, or the Chair of the committee "
                f"concerned ({book.dispute_source})."
            )
    if book.dispute_practice == "refer" and not referred_to_body.strip():
        errors["referred_to_body"] = (
            f"Record the body the request was referred to for decision ({book.dispute_source})."
        )
    return errors


@transaction.atomic
def access_request_decide(
    *,
    request: AccessRequest,
    actor: Person,
    outcome: str,
    reasons: str,
    as_of: datetime,
    grounds: list[str] | None = None,
    consulted: Member | None = None,
    consulted_view: str = "",
    referred_to_body: str = "",
) -> Decision:
    """Grant, partly grant or refuse, with grounds and reasons the member sees. A presumed
    request is granted by the holder without a determination, or referred on; a dispute's
    outcome is final (001 §5.3.8.4; 002 §79; 004 §12.9; 000 §7.2b)."""
    request = plumbing.locked(request, *LOCKED_WITH)
    grounds = list(dict.fromkeys(grounds or []))
    errors = _decision_errors(request, outcome, grounds, reasons)
    disputed = request.status == Status.DISPUTED
    book = presumptions.rulebook_for(request.council.protocol)
    if disputed:
        errors.update(_dispute_errors(book, consulted, referred_to_body, request))
    if errors:
        raise ValidationError(errors)
    if request.status not in DECIDABLE:
        raise ValidationError(
            f"The request is '{request.get_status_display()}': there is nothing to decide."
        )
    if (
        outcome != Outcome.GRANTED
        and request.is_presumed
        and request.status == Status.SUBMITTED
        and request.next_stage
    ):
        raise ValidationError(
            {
                "outcome": "The need to know is presumed here, so the holder grants it without a "
                f"determination ({request.presumption_source}); if you doubt it, refer it with "
                f"your reasons to the {request.next_stage.replace('-', ' ')} stage "
                f"({request.rule_source})."
            }
        )
    target = Status.REFUSED if outcome == Outcome.REFUSED else Status.GRANTED
    plumbing.move(request, target, table=TRANSITIONS)
    final = disputed or not request.next_stage
    decision = Decision(
        request=request,
        stage=request.stage,
        outcome=outcome,
        grounds=grounds,
        ground_sources=[presumptions.ground_source(g, request.council.protocol) for g in grounds],
        reasons=reasons.strip(),
        decided_by=actor,
        decided_as=request.handler_title,
        decided_at=as_of,
        source=request.rule_source,
        is_dispute=disputed,
        is_final=final,
        consulted=consulted if disputed else None,
        consulted_view=consulted_view.strip() if disputed else "",
        referred_to_body=referred_to_body.strip() if disputed else "",
    )
    decision._history_user = actor
    decision.save()
    request.status = target
    request.dispute_final = request.dispute_final or disputed
    request.closed_at = as_of
    plumbing.clock_stop(request)
    plumbing.save(request, actor=actor, reason=f"decided: {outcome}")
    labels = [Ground(g).label for g in grounds]
    summary = f"{'Final decision on the dispute' if disputed else 'Decision'}: " + (
        Outcome(outcome).label.lower()
    )
    detail = decision.reasons
    if labels:
        detail = (
            "Grounds: "
            + "; ".join(
                f"{label} ({src})"
                for label, src in zip(labels, decision.ground_sources, strict=True)
            )
            + f"\n\n{detail}"
        )
    if decision.consulted_id:
        detail += f"\n\nConsulted: {decision.consulted} ({book.dispute_source})."
    if decision.referred_to_body:
        detail += f"\n\nReferred to: {decision.referred_to_body} ({book.dispute_source})."
    plumbing.event(
        request, actor=actor, as_of=as_of, kind="decided", summary=summary, detail=detail
    )
    can_dispute = target == Status.REFUSED and not final
    plumbing.tell(
        request,
        key=f"decision:{decision.pk}",
        subject=summary.lower(),
        body=detail
        + (
            "\n\nYou may dispute this refusal, or ask for the request to be handled under the "
            "Freedom of Information Act."
            if can_dispute
            else ("\n\nThis decision is final." if final and target == Status.REFUSED else "")
        ),
        recipients=[request.requester_person],
        as_of=as_of,
    )
    return decision


def _reroute(request: AccessRequest, stage: str, *, actor, as_of) -> None:
    route = selectors.stage_route(request=request, stage=stage)
    handler, advisers, _ = selectors.route_posts(
        council=request.council,
        route=route,
        directorate=request.directorate,
        exclude=frozenset({request.requester_person_id}),
    )
    perms.passed_on(request, request.owner_post, as_of=as_of)
    request.stage = stage
    request.rule_key = route.rule_key
    request.rule_source = route.source[:120]
    request.next_stage = route.next_stage
    request.owner_post = handler
    request.handler_title = handler.title[:200]
    request.closed_at = None
    plumbing.clock_restart(
        request,
        on=plumbing.today(as_of),
        days=request.council.need_to_know_working_days,
        calendar=CalendarKind.WORKING,
    )
    request.advisers.add(*advisers)
    access_sync(request, as_of=as_of)


@transaction.atomic
def access_request_refer(
    *, request: AccessRequest, actor: Person, reasons: str, as_of: datetime
) -> AccessRequest:
    """The holder doubts a presumed need to know: refer it, with reasons, to the determiner the
    council's rules name (002 §79–80; 000 §7.2b)."""
    request = plumbing.locked(request, *LOCKED_WITH)
    if not reasons.strip():
        raise ValidationError({"reasons": "Say why the presumption is in doubt."})
    if not plumbing.move(request, Status.REFERRED, table=TRANSITIONS):
        return request
    if not request.is_presumed:
        # Referring a request the holder must determine would skip the first determination
        # and, with it, the member's dispute at the next stage (the page never offered it).
        raise ValidationError(
            "Only a presumed need to know is referred. The member must satisfy you of this "
            f"one ({request.presumption_source}): decide it yourself."
        )
    if not request.next_stage:
        raise ValidationError(
            f"There is no one to refer to under {request.rule_source}: decide it yourself."
        )
    request.status = Status.REFERRED
    _reroute(request, request.next_stage, actor=actor, as_of=as_of)
    plumbing.save(request, actor=actor, reason="referred")
    plumbing.event(
        request,
        actor=actor,
        as_of=as_of,
        kind="referred",
        summary=f"Referred to the {request.handler_title} ({request.rule_source}); "
        f"decision due {request.due_on:%-d %B %Y}",
        detail=reasons.strip(),
    )
    plumbing.tell(
        request,
        key=f"referred:{request.clock_cycle}",
        subject=f"a need-to-know request referred to you, due {request.due_on:%-d %B %Y}",
        body=f"{request.what}\n\nWhy referred: {reasons.strip()}",
        recipients=[request.owner_post.holder, request.requester_person],
        as_of=as_of,
    )
    return request


@transaction.atomic
def access_request_dispute(
    *, request: AccessRequest, actor: Person, reasons: str, as_of: datetime
) -> AccessRequest:
    """The member disputes a refusal: it goes to the council's dispute stage (the Chief
    Executive, 001 §5.3.8.4; with the Leader or Chair, 002 §79; referred to the relevant body,
    004 §12.9; the Monitoring Officer, 000 §7.2b). Its outcome is final."""
    request = plumbing.locked(request, *LOCKED_WITH)
    if not reasons.strip():
        raise ValidationError({"reasons": "Say why you dispute the refusal."})
    if not plumbing.move(request, Status.DISPUTED, table=TRANSITIONS):
        return request
    if request.dispute_final or not request.next_stage:
        raise ValidationError(
            "This refusal is final: there is no further stage under "
            f"{request.rule_source}. You can ask for the information under the Freedom of "
            "Information Act."
        )
    request.status = Status.DISPUTED
    _reroute(request, request.next_stage, actor=actor, as_of=as_of)
    plumbing.save(request, actor=actor, reason="disputed")
    plumbing.event(
        request,
        actor=actor,
        as_of=as_of,
        kind="disputed",
        summary=f"Refusal disputed: with the {request.handler_title} ({request.rule_source}), "
        f"decision due {request.due_on:%-d %B %Y}",
        detail=reasons.strip(),
    )
    plumbing.tell(
        request,
        key=f"disputed:{request.clock_cycle}",
        subject="a disputed need-to-know refusal to decide",
        body=f"{request.what}\n\nThe member's reasons: {reasons.strip()}",
        recipients=[request.owner_post.holder],
        as_of=as_of,
    )
    return request


@transaction.atomic
def access_request_withdraw(
    *, request: AccessRequest, actor: Person, reason: str, as_of: datetime
) -> AccessRequest:
    """The member withdraws the request."""
    request = plumbing.locked(request, *LOCKED_WITH)
    if not plumbing.move(request, Status.WITHDRAWN, table=TRANSITIONS):
        return request
    request.status = Status.WITHDRAWN
    request.closed_at = as_of
    plumbing.clock_stop(request)
    plumbing.save(request, actor=actor, reason="withdrawn")
    plumbing.event(
        request,
        actor=actor,
        as_of=as_of,
        kind="withdrawn",
        summary="Withdrawn",
        detail=reason.strip(),
    )
    return request


# ---- FOI ---------------------------------------------------------------------------------


def _to_foi(request: AccessRequest, *, actor: Person, reason: str, as_of: datetime) -> FoiRequest:
    plumbing.move(request, Status.FOI, table=TRANSITIONS)
    council = request.council
    route = selectors.foi_route(council=council)
    handler, _, _ = selectors.route_posts(
        council=council,
        route=route,
        directorate=request.directorate,
        exclude=frozenset({request.requester_person_id}),
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
    # Day 0 is the day received; twenty FOI working days (FOIA s.10(1), s.10(6)).
    clock_start(
        case=foi,
        received_on=plumbing.today(as_of),
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
    plumbing.save(foi, actor=actor, reason="answered")
    plumbing.event(foi, actor=actor, as_of=as_of, kind="answered", summary="FOI response sent")
    plumbing.tell(
        foi,
        key="answered",
        subject="your FOI response",
        body=foi.response,
        recipients=[foi.requester_person],
        as_of=as_of,
    )
    return foi


# ---- release with conditions -------------------------------------------------------------


@transaction.atomic
def release_create(
    *,
    request: AccessRequest,
    actor: Person,
    title: str,
    as_of: datetime,
    redactions: str = "",
    upload: UploadedFile | None = None,
) -> Release:
    """Release what was granted, saying what was redacted and why (000 §7.12), marked
    "Confidential — for the proper performance of your duties only" and used only for that
    purpose (000 §7.16; 001 §5.3.8.5; 002 §84; 003 §55; 004 §2.2.3)."""
    request = plumbing.locked(request, *LOCKED_WITH)
    if request.status != Status.GRANTED:
        raise ValidationError("Only a granted request can have documents released.")
    if not title.strip():
        raise ValidationError({"title": "Say what is being released."})
    last = request.decisions.order_by("-decided_at", "-pk").first()
    if last is not None and last.outcome == Outcome.PARTLY_GRANTED and not redactions.strip():
        raise ValidationError(
            {"redactions": "The request was partly granted: say what was redacted and why."}
        )
    content_type = ""
    if upload is not None:
        try:
            content_type = attachment_check(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    book = presumptions.rulebook_for(request.council.protocol)
    release = Release(
        request=request,
        token=secrets.token_hex(16),
        title=title.strip()[:300],
        redactions=redactions.strip(),
        marking=presumptions.MARKING,
        marking_source=book.marking[:60],
        conditions=(
            f"{presumptions.MARKING}. Use it only for the purpose for which it was provided; do "
            f"not discuss it with, or release it to, anyone not entitled to it ({book.marking})."
        ),
        released_by=actor,
        released_at=as_of,
        content_type=content_type,
        original_name=(upload.name or "")[:200] if upload is not None else "",
    )
    if upload is not None:
        release.file.save(
            f"{release.token}{PurePosixPath(upload.name).suffix.lower()}", upload, save=False
        )
    release._history_user = actor
    release.save()
    plumbing.event(
        request,
        actor=actor,
        as_of=as_of,
        kind="released",
        summary=f"Released: {release.title}" + (" (with redactions)" if release.redactions else ""),
        detail=(f"Redacted: {release.redactions}\n\n" if release.redactions else "")
        + release.conditions,
    )
    plumbing.tell(
        request,
        key=f"released:{release.pk}",
        subject="documents released to you",
        body=f"{release.title}\n\n{release.conditions}",
        recipients=[request.requester_person],
        as_of=as_of,
    )
    return release


def release_open(*, release: Release, person: Person, as_of: datetime) -> ReleaseOpening:
    """Log one opening of a released document: who opened what, and when."""
    return ReleaseOpening.objects.create(release=release, person=person, at=as_of)


# ---- chasers -----------------------------------------------------------------------------


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
