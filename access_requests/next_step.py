"""What the need-to-know request page leads with, for this reader: the decision and what
happens next (the document released, or how to dispute a refusal), or who decides and by when
(protocol_portal/web/next_step.py)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from access_requests.models import AccessRequest
from access_requests.states import OPEN_STATUSES, Status
from protocol_portal.web.dates import gov_date
from protocol_portal.web.next_step import Action, NextStep, action_urls, clock


def _why(item: AccessRequest) -> tuple[str, ...]:
    reasons = []
    if item.presumption_reason:
        reasons.append(
            f"{item.get_presumption_display()}: {item.presumption_reason} "
            f"({item.presumption_source})"
        )
    if item.route_explanation:
        reasons.append(item.route_explanation)
    if item.rule_source:
        reasons.append(f"Who decides comes from the council’s protocol ({item.rule_source}).")
    return tuple(reasons)


def request_actions(item: AccessRequest, *, lens, can: dict) -> list[Action]:
    """What this reader may do on the request now (the view decided `can`)."""
    url = action_urls("access_requests", item)
    is_open = item.status in OPEN_STATUSES
    actions = []
    if lens.decide and is_open:
        actions.append(Action("Decide it", url("decide")))
    if can.get("refer"):
        actions.append(Action("Refer it to the determiner", url("refer")))
    if can.get("release"):
        actions.append(Action("Release with conditions", url("release")))
    if can.get("dispute"):
        actions.append(Action("Dispute the refusal", url("dispute")))
    if can.get("foi"):
        actions.append(Action("Handle it under FOI", url("foi")))
    if lens.respond and is_open:
        actions.append(Action("Withdraw it", url("withdraw")))
    return actions


def request_next_step(
    item: AccessRequest, *, lens, decisions: list, releases: list, can: dict, today: date
) -> NextStep:
    """The decision and its next step, or who decides and by when; the decider is told what
    they must do themselves."""
    common = {"why": _why(item), "actions": tuple(request_actions(item, lens=lens, can=can))}
    decision = max(decisions, key=lambda d: (d.decided_at, d.pk)) if decisions else None
    status = item.status
    handler = item.handler_title or "the council"
    if status == Status.GRANTED:
        if releases:
            last = releases[-1]
            heading = f"Granted, and released on {gov_date(last.released_at)}"
            who = "Open the document under “Released to the member” below. Every opening is logged."
        else:
            heading = "Granted"
            who = (
                "Release the document with its conditions."
                if can.get("release")
                else f"The {handler} will release the document to you with its conditions."
            )
        return NextStep(
            heading=heading,
            body=decision.reasons if decision else "",
            who=who,
            done=True,
            primary_text="Release with conditions",
            **common,
        )
    if status == Status.REFUSED:
        follow = (
            "If you disagree, you can dispute the refusal."
            if can.get("dispute")
            else "This is the final decision."
            if item.dispute_final or not item.next_stage
            else ""
        )
        return NextStep(
            heading=f"Refused on {gov_date(decision.decided_at)}" if decision else "Refused",
            body=decision.reasons if decision else "",
            who=follow,
            done=True,
            primary_text="Dispute the refusal",
            **common,
        )
    if status == Status.FOI:
        return NextStep(
            heading="This is being handled as a Freedom of Information request",
            who="The FOI officer will respond within 20 working days.",
            **common,
        )
    if status == Status.WITHDRAWN:
        return NextStep(
            heading=f"Withdrawn on {gov_date(item.closed_at)}",
            who="The member withdrew this request. Nothing more will happen on it.",
            ended=True,
            **common,
        )
    if lens.decide:
        heading = "Decide this request" if status != Status.DISPUTED else "Decide the dispute"
    else:
        heading = f"The {handler} will decide"
    return NextStep(
        heading=heading,
        primary_text="Decide it",
        **clock(item, by=item.due_on, today=today),
        who=f"With the {handler}.",
        **common,
    )


def foi_next_step(foi, *, can_answer: bool, today: date) -> NextStep:
    """The FOI response when it has been sent; otherwise who responds and by when."""
    why = (
        foi.why,
        "An FOI request is answered within 20 working days, not counting any UK bank holiday "
        f"(FOIA s.10(6); {foi.rule_source}).",
    )
    actions = (
        (Action("Record the response", reverse("access_requests:foi-answer", args=[foi.pk])),)
        if can_answer
        else ()
    )
    if foi.answered_at is not None:
        return NextStep(
            heading=f"Answered on {gov_date(foi.answered_at)}",
            body=foi.response,
            done=True,
            why=why,
            actions=actions,
        )
    return NextStep(
        heading="Send the response" if can_answer else f"The {foi.handler_title} will respond",
        primary_text="Record the response",
        **clock(foi, by=foi.due_on, today=today),
        who=f"With the {foi.handler_title}.",
        why=why,
        actions=actions,
    )
