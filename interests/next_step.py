"""What the interests pages lead with, for this reader (protocol_portal/web/next_step.py): a
declaration's decision and its mitigations or who decides; a notice of acting against the
council's acknowledgement or who acknowledges; the advice or who gives it; and on the member's
register, the return due soonest and by when."""

from __future__ import annotations

from datetime import date

from interests.models import ActingAgainstNotice, AdviceRequest, RegisterReturn, Relationship
from interests.states import AdviceStatus, NoticeStatus, RelationshipStatus
from protocol_portal.web.dates import gov_date
from protocol_portal.web.next_step import Action, NextStep, clock, held_by


def relationship_next_step(relationship: Relationship, *, can_decide: bool) -> NextStep:
    """The decision when there is one; otherwise who decides, or that this reader must."""
    posts = [p.title for p in relationship.notified_posts.all()]
    why = (
        (
            f"The council’s protocol says who is told of a declaration like this and who "
            f"decides what to do about it ({relationship.rule_source}). The Monitoring Officer "
            "can also see it."
        ),
    )
    status = relationship.status
    if status == RelationshipStatus.DECIDED:
        body = relationship.decision
        if relationship.mitigations:
            body = f"{body}\n\nMitigations: {relationship.mitigations}"
        return NextStep(
            heading=f"Decided on {gov_date(relationship.decided_at)}",
            body=body,
            who=f"Decided by {relationship.decided_by}." if relationship.decided_by_id else "",
            done=True,
            why=why,
        )
    if status == RelationshipStatus.ENDED:
        return NextStep(
            heading=f"The relationship ended on {gov_date(relationship.ended_on)}",
            ended=True,
            why=why,
        )
    if status == RelationshipStatus.WITHDRAWN:
        return NextStep(
            heading=f"Withdrawn on {gov_date(relationship.closed_at)}",
            who="The declaration was withdrawn before a decision was made.",
            ended=True,
            why=why,
        )
    if can_decide:
        return NextStep(
            heading="Record your decision and any mitigations",
            who="Use the form below. The declarer is told what you decide.",
            why=why,
        )
    deciders = " or the ".join(posts) if posts else "the officer the protocol names"
    return NextStep(
        heading="Waiting for a decision",
        who=f"The {deciders} will decide what, if anything, needs to change.",
        why=why,
    )


def notice_next_step(notice: ActingAgainstNotice, *, can_ack: bool, is_member: bool) -> NextStep:
    """The Monitoring Officer's acknowledgement when there is one; otherwise who acknowledges,
    or that this reader must (before the member acts, when they said when — 002 §111)."""
    why = (
        (
            "Members tell the Monitoring Officer in writing before they, or someone connected "
            "to them, act against the council, so that the council can manage any conflict. "
            f"The council’s protocol says who receives the notice ({notice.rule_source})."
        ),
    )
    status = notice.status
    member = f"Cllr {notice.member.person}" if notice.member_id else "The member"
    if status == NoticeStatus.ACKNOWLEDGED:
        by = notice.acknowledged_by
        return NextStep(
            heading=f"Acknowledged on {gov_date(notice.acknowledged_at)}",
            body=notice.response,
            who=f"Acknowledged by {by}." if by is not None else "",
            done=True,
            why=why,
        )
    if status == NoticeStatus.WITHDRAWN:
        return NextStep(
            heading=f"Withdrawn on {gov_date(notice.closed_at)}",
            who=(
                "You said you will not act after all."
                if is_member
                else f"{member} said they will not act after all."
            ),
            ended=True,
            why=why,
        )
    expected = gov_date(notice.expected_on)
    if can_ack:
        return NextStep(
            heading="Acknowledge this notice",
            who=f"{member} has told you they will act against the council"
            + (f", from {expected}." if expected else "."),
            by=notice.expected_on,
            due_text="before the member acts" if expected else "",
            why=why,
            actions=(Action("Acknowledge the notice", "#acknowledge"),),
            primary_text="Acknowledge the notice",
        )
    handler = held_by(notice.owner_post) or "the Monitoring Officer"
    if is_member:
        who = "You will be told when it is acknowledged."
        if expected:
            who = f"You said you expect to act from {expected}. {who}"
    else:
        who = f"{member} expects to act from {expected}." if expected else ""
    return NextStep(heading=f"Waiting for {handler} to acknowledge the notice", who=who, why=why)


def advice_next_step(advice: AdviceRequest, *, can_advise: bool, is_requester: bool) -> NextStep:
    """The advice when it has been given; otherwise who advises, or that this reader must."""
    why = [
        (
            f"The council’s protocol says who advises on declaring an interest "
            f"({advice.rule_source}). The decision whether to declare stays with the member."
        )
    ]
    if advice.confidential:
        why.append(
            "The member asked for this to be confidential: only they and the adviser see it."
        )
    status = advice.status
    asker = str(advice.requester)
    if status == AdviceStatus.ADVISED:
        return NextStep(
            heading=f"Advice given on {gov_date(advice.advised_at)}",
            body=advice.advice,
            who=(f"From {advice.advised_by}. " if advice.advised_by_id else "")
            + (
                "It is for you to decide whether to declare."
                if is_requester
                else f"It is for {asker} to decide whether to declare."
            ),
            done=True,
            why=tuple(why),
        )
    if status == AdviceStatus.WITHDRAWN:
        return NextStep(
            heading=f"Withdrawn on {gov_date(advice.closed_at)}",
            who="You no longer need the advice."
            if is_requester
            else f"{asker} no longer needs the advice.",
            ended=True,
            why=tuple(why),
        )
    if can_advise:
        return NextStep(
            heading="Give your advice",
            body=advice.question,
            who=f"{asker} asked on {gov_date(advice.received_on)}. They will be told when you "
            "send it.",
            why=tuple(why),
            actions=(Action("Give your advice", "#advise"),),
            primary_text="Give your advice",
        )
    adviser = held_by(advice.owner_post) or "the Monitoring Officer"
    return NextStep(
        heading="Waiting for advice",
        who=f"With {adviser}. "
        + ("You will be told when the advice is ready." if is_requester else ""),
        why=tuple(why),
    )


def return_next_step(ret: RegisterReturn | None, *, last_done, today: date) -> NextStep | None:
    """The member's own register page leads with the return due soonest: what to do, by when
    (28 days, calendar days — Localism Act 2011 s.30(1)), and who keeps the register; once
    none is due, when the register was last confirmed (None if it never was)."""
    why = (
        "Members register their interests within 28 days of taking office or of becoming aware "
        "of a new interest or a change, and re-confirm their register each year "
        "(Localism Act 2011 s.30).",
    )
    if ret is None:
        if last_done is None:
            return None
        return NextStep(
            heading=f"Your register was confirmed on {gov_date(last_done.submitted_at)}",
            who="Add an interest below within 28 days of becoming aware of it.",
            done=True,
            why=why,
        )
    keeper = held_by(ret.owner_post) or "the Monitoring Officer"
    return NextStep(
        heading="Check your register is complete and confirm it",
        body=ret.get_kind_display(),
        who=f"{keeper[0].upper()}{keeper[1:]} keeps the register.",
        **clock(ret, by=ret.due_on, today=today, breached=True),
        why=why,
        actions=(Action("Confirm your register", f"#return-{ret.pk}"),),
        primary_text="Confirm your register",
    )
