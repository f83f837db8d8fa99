"""Deciding: the decision, a referral to the determiner, a dispute, a withdrawal."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from access_requests import permissions as perms
from access_requests import presumptions, selectors
from access_requests.models import AccessRequest, Decision
from access_requests.services.base import LOCKED_WITH
from access_requests.states import DECIDABLE, TRANSITIONS, Ground, Outcome, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.placing import recorded
from protocol_portal.org.models import CalendarKind, Member, Person


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
    book = presumptions.rulebook_for(request.council)
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
    if target == Status.REFUSED and _refers_refusal(request, book):
        return _refuse_and_refer(request, book, grounds, reasons, actor=actor, as_of=as_of)
    plumbing.move(request, target, table=TRANSITIONS)
    final = disputed or not request.next_stage
    decision = Decision(
        request=request,
        stage=request.stage,
        outcome=outcome,
        grounds=grounds,
        ground_sources=[presumptions.ground_source(g, request.council) for g in grounds],
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


def _refers_refusal(request: AccessRequest, book) -> bool:
    """000 §7.2b: "If access is denied ... the matter must be referred to the Monitoring Officer
    for determination" — a first refusal goes on to the next stage without waiting for the
    member to dispute it, unless the next stage's handler is the one refusing."""
    if not (book.refusal_referred and request.status == Status.SUBMITTED and request.next_stage):
        return False
    route = selectors.stage_route(request=request, stage=request.next_stage)
    handler, _, _ = selectors.route_posts(
        council=request.council,
        route=route,
        directorate=request.directorate,
        exclude=frozenset({request.requester_person_id}),
    )
    return handler.pk != request.owner_post_id


def _refuse_and_refer(request, book, grounds, reasons, *, actor, as_of) -> Decision:
    decision = Decision(
        request=request,
        stage=request.stage,
        outcome=Outcome.REFUSED,
        grounds=grounds,
        ground_sources=[presumptions.ground_source(g, request.council) for g in grounds],
        reasons=reasons.strip(),
        decided_by=actor,
        decided_as=request.handler_title,
        decided_at=as_of,
        source=book.refusal_referred,
        is_dispute=False,
        is_final=False,
    )
    decision._history_user = actor
    decision.save()
    refused_by = request.handler_title
    plumbing.move(request, Status.REFERRED, table=TRANSITIONS)
    request.status = Status.REFERRED
    _reroute(request, request.next_stage, actor=actor, as_of=as_of)
    plumbing.save(request, actor=actor, reason="refused and referred for determination")
    summary = (
        f"Refused by the {refused_by} and referred to the {request.handler_title} for "
        f"determination ({book.refusal_referred}); decision due {request.due_on:%-d %B %Y}"
    )
    plumbing.event(
        request, actor=actor, as_of=as_of, kind="referred", summary=summary, detail=reasons
    )
    plumbing.tell(
        request,
        key=f"referred:{request.clock_cycle}",
        subject=f"a need-to-know request referred to you, due {request.due_on:%-d %B %Y}",
        body=f"{request.what}\n\n{summary}.\n\nWhy refused: {reasons.strip()}",
        recipients=[request.owner_post.holder, request.requester_person],
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
    if not request.is_presumed and not presumptions.rulebook_for(request.council).refusal_referred:
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
    recorded(
        request,
        actor=actor,
        as_of=as_of,
        reason="referred",
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
    return plumbing.withdraw(
        request,
        Status.WITHDRAWN,
        table=TRANSITIONS,
        related=LOCKED_WITH,
        actor=actor,
        reason=reason,
        as_of=as_of,
    )
