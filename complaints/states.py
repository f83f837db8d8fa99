"""The complaint's statuses and the one table of legal moves (STYLE habit 3).

A complaint moves through stages (the council's routing rules name them: `first`, then
`chief-executive`, `leader-report`, `standards-committee`, ...). Within a stage it is received,
acknowledged (004 §11.3), possibly investigated by a nominated manager (003 §67), and given an
outcome with reasons. The complainant is then satisfied (closed) or escalates to the rule's next
stage (004 §11.6, 003 §70), which starts again as `escalated`. A Monitoring Officer's
determination may refer a case on (004 §15.4–15.5) straight from acknowledgement or investigation.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    RECEIVED = "received", "Received: awaiting acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Being investigated"
    OUTCOME_ISSUED = "outcome_issued", "Outcome given"
    ESCALATED = "escalated", "Escalated: awaiting acknowledgement"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


TRANSITIONS: dict[str, frozenset[str]] = {
    # Straight to escalated only when the acknowledgement deadline was missed (services check).
    Status.RECEIVED: frozenset({Status.ACKNOWLEDGED, Status.ESCALATED, Status.WITHDRAWN}),
    Status.ESCALATED: frozenset({Status.ACKNOWLEDGED, Status.WITHDRAWN}),
    Status.ACKNOWLEDGED: frozenset(
        {Status.INVESTIGATING, Status.OUTCOME_ISSUED, Status.ESCALATED, Status.WITHDRAWN}
    ),
    Status.INVESTIGATING: frozenset({Status.OUTCOME_ISSUED, Status.ESCALATED, Status.WITHDRAWN}),
    Status.OUTCOME_ISSUED: frozenset({Status.CLOSED, Status.ESCALATED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.ESCALATED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.OUTCOME_ISSUED,
    }
)
AWAITING_ACK = frozenset({Status.RECEIVED, Status.ESCALATED})


class Kind(models.TextChoices):
    """What the person raising it says it is: decides who may raise it and about whom."""

    CONCERN_ABOUT_OFFICER = "officer_concern", "A member's concern about an officer"
    COMPLAINT_ABOUT_MEMBER = "member_complaint", "An officer's complaint about a member"
    CODE_OF_CONDUCT = "code_of_conduct", "A possible breach of the Code of Conduct by a member"
    PROTOCOL_BREACH = "protocol_breach", "A possible breach of this protocol by a member"
    OFFICER_APPROACH = (
        "officer_approach",
        "A member reporting an officer who sought their influence for the officer's own "
        "advantage or against a colleague",
    )


# The kinds raised by a member about an officer's post (the rest are about a member).
ABOUT_AN_OFFICER = frozenset({Kind.CONCERN_ABOUT_OFFICER, Kind.OFFICER_APPROACH})


class Level(models.TextChoices):
    """The routing vocabulary's `concerning` values for complaints (fixtures/councils/SCHEMA.md)."""

    OFFICER = "officer", "an officer"
    DIRECTOR = "director", "a Director or chief officer"
    CHIEF_EXECUTIVE = "chief_executive", "the Chief Executive"
    MONITORING_OFFICER = "monitoring_officer", "the Monitoring Officer"
    MEMBER = "member", "a member"
    GROUP_LEADER = "group_leader", "a political group leader"
    CODE_OF_CONDUCT = "code_of_conduct", "a possible Code of Conduct breach"
    PROTOCOL_BREACH = "protocol_breach", "a possible breach of the protocol"
    OFFICER_APPROACH = (
        "officer_approach",
        "an officer's approach for their own advantage or against a colleague",
    )


# Where a protocol names no route for a level, the next level that it does name applies (the
# README of this app explains each step). Checked in order.
LEVEL_FALLBACKS: dict[str, tuple[str, ...]] = {
    Level.GROUP_LEADER: (Level.MEMBER,),
    Level.DIRECTOR: (Level.OFFICER,),
    Level.MONITORING_OFFICER: (Level.DIRECTOR, Level.OFFICER),
    Level.CHIEF_EXECUTIVE: (Level.DIRECTOR, Level.OFFICER),
    Level.CODE_OF_CONDUCT: (Level.MEMBER,),
    Level.PROTOCOL_BREACH: (Level.CODE_OF_CONDUCT, Level.MEMBER),
    # Where a protocol names no route for an officer's self-serving approach (001 §5.3.3.2
    # does), it is a member's concern about that officer.
    Level.OFFICER_APPROACH: (Level.OFFICER,),
}
# Complaints about a member's conduct: reported to the Standards Committee each quarter
# (004 §15.4) and, where the Monitoring Officer handles them, determined on the MO's desk.
MEMBER_CONDUCT_LEVELS = frozenset(
    {Level.MEMBER, Level.GROUP_LEADER, Level.CODE_OF_CONDUCT, Level.PROTOCOL_BREACH}
)


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    RESOLVED_INFORMALLY = "resolved_informally", "Resolved informally"


class AckIntent(models.TextChoices):
    """What the handler says when acknowledging (004 §11.3)."""

    WILL_ACT = "will_act", "I intend to take action"
    NEEDS_TIME = "needs_time", "I need time to investigate"


class DeterminationOutcome(models.TextChoices):
    """The Monitoring Officer's determinations (004 §15.2, §15.4, §15.5; 003 §71; 000 §14.1)."""

    NO_FURTHER_ACTION = "no_further_action", "No further action"
    INFORMAL_RESOLUTION = "informal_resolution", "Informal resolution"
    INVESTIGATION = "investigation", "Investigation"
    STANDARDS_COMMITTEE = "standards_committee", "Referral to the Standards Committee"
    WHIP_AND_LEADER = (
        "whip_and_leader",
        "Referral to the party whip and leader, with the Chief Executive",
    )


# Where each determination takes the complaint.
DETERMINATION_TARGET: dict[str, str] = {
    DeterminationOutcome.NO_FURTHER_ACTION: Status.OUTCOME_ISSUED,
    DeterminationOutcome.INFORMAL_RESOLUTION: Status.OUTCOME_ISSUED,
    DeterminationOutcome.INVESTIGATION: Status.INVESTIGATING,
    DeterminationOutcome.STANDARDS_COMMITTEE: Status.ESCALATED,
    DeterminationOutcome.WHIP_AND_LEADER: Status.ESCALATED,
}
