"""What the complaint page leads with, for this reader: the outcome or determination, or who
must acknowledge or answer it and by when (protocol_portal/web/next_step.py)."""

from __future__ import annotations

from datetime import date

from complaints.models import Complaint
from complaints.states import AWAITING_ACK, Status
from protocol_portal.web.dates import gov_date
from protocol_portal.web.next_step import Action, NextStep, action_urls, clock


def _why(complaint: Complaint) -> tuple[str, ...]:
    reasons = [complaint.route_explanation] if complaint.route_explanation else []
    if complaint.rule_source:
        reasons.append(
            "The council’s protocol says who handles a complaint like this "
            f"({complaint.rule_source})."
        )
    return tuple(reasons)


def complaint_actions(complaint: Complaint, *, lens, active_determination) -> list[Action]:
    """What this reader may do on the complaint now (the lens decided who may do what)."""
    if complaint.closed_at is not None:
        return []
    url = action_urls("complaints", complaint)
    awaiting_ack = complaint.status in AWAITING_ACK
    actions = []
    if lens.act and awaiting_ack:
        actions.append(Action("Acknowledge it", url("acknowledge")))
    if (
        lens.act
        and not awaiting_ack
        and complaint.status != Status.OUTCOME_ISSUED
        and not complaint.determination_required
    ):
        actions.append(Action("Nominate a manager to investigate", url("nominate")))
        actions.append(Action("Give the outcome", url("outcome")))
    if lens.determine and not awaiting_ack and active_determination is None:
        actions.append(Action("Issue a determination", url("determine")))
    if lens.act:
        actions.append(Action("Disciplinary notes", url("disciplinary")))
        actions.append(Action("Release information to the person concerned", url("release")))
    if lens.respond and complaint.status == Status.OUTCOME_ISSUED:
        actions.append(Action("Say whether you are satisfied", url("respond")))
    if lens.respond and complaint.status != Status.OUTCOME_ISSUED:
        actions.append(Action("Withdraw it", url("withdraw")))
    return actions


def complaint_next_step(
    complaint: Complaint, *, lens, determinations: list, today: date
) -> NextStep:
    """The outcome or determination when there is one; otherwise who must acknowledge or
    answer, and by when. The handler is told what they must do themselves."""
    active = next((d for d in determinations if d.is_active), None)
    common = {
        "why": _why(complaint),
        "actions": tuple(complaint_actions(complaint, lens=lens, active_determination=active)),
    }
    handler = complaint.handler_title or "the council"
    status = complaint.status
    if status == Status.WITHDRAWN:
        return NextStep(
            heading=f"Withdrawn on {gov_date(complaint.closed_at)}",
            who="The complainant withdrew this complaint. Nothing more will happen on it.",
            ended=True,
            **common,
        )
    if active is not None and status != Status.OUTCOME_ISSUED:
        return NextStep(
            heading=f"Determination: {active.get_outcome_display()}",
            body=active.reasons,
            who=f"Issued on {gov_date(active.issued_at)} by the Monitoring Officer.",
            done=True,
            **common,
        )
    if status in (Status.OUTCOME_ISSUED, Status.CLOSED) and complaint.outcome_at:
        outcome = complaint.get_outcome_display() or "given"
        follow = ""
        if status == Status.OUTCOME_ISSUED and lens.respond:
            follow = "Tell us whether you are satisfied. If you are not, it can go further."
        return NextStep(
            heading=f"Outcome: {outcome}",
            body=complaint.outcome_reasons,
            who=" ".join(
                part
                for part in (f"Given on {gov_date(complaint.outcome_at)} by the {handler}.", follow)
                if part
            ),
            done=True,
            primary_text="Say whether you are satisfied",
            **common,
        )
    if status == Status.CLOSED:
        return NextStep(heading=f"Closed on {gov_date(complaint.closed_at)}", done=True, **common)
    awaiting_ack = status in AWAITING_ACK
    by = complaint.ack_due_on if awaiting_ack else complaint.outcome_due_on
    if lens.act or (lens.determine and not awaiting_ack):
        if awaiting_ack:
            heading = "Acknowledge this complaint"
        elif complaint.determination_required:
            heading = "Issue a determination"
        else:
            heading = "Give the outcome"
    elif awaiting_ack:
        heading = f"The {handler} will acknowledge it"
    else:
        heading = f"The {handler} will give the outcome"
    primary = {
        "Acknowledge this complaint": "Acknowledge it",
        "Issue a determination": "Issue a determination",
        "Give the outcome": "Give the outcome",
    }.get(heading, "")
    return NextStep(
        heading=heading,
        primary_text=primary,
        **clock(complaint, by=by, today=today, breached=True),
        who=f"With the {handler}.",
        **common,
    )
