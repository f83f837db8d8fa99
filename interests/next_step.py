"""What a relationship declaration's page leads with, for this reader: the decision and its
mitigations, or who decides (protocol_portal/web/next_step.py)."""

from __future__ import annotations

from interests.models import Relationship
from interests.states import RelationshipStatus
from protocol_portal.web.dates import gov_date
from protocol_portal.web.next_step import NextStep


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
            done=True,
            why=why,
        )
    if status == RelationshipStatus.WITHDRAWN:
        return NextStep(heading="The declaration was withdrawn", done=True, why=why)
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
