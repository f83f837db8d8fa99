"""Status of each case type and the one table of legal moves (enforced by check_transition)."""

from __future__ import annotations

from django.db import models


class RelationshipStatus(models.TextChoices):
    DECLARED = "declared", "Declared, awaiting a decision"
    DECIDED = "decided", "Decision and mitigations recorded"
    ENDED = "ended", "Relationship ended"
    WITHDRAWN = "withdrawn", "Withdrawn (declared in error)"


RELATIONSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    RelationshipStatus.DECLARED: frozenset(
        {RelationshipStatus.DECIDED, RelationshipStatus.ENDED, RelationshipStatus.WITHDRAWN}
    ),
    RelationshipStatus.DECIDED: frozenset({RelationshipStatus.ENDED}),
    RelationshipStatus.ENDED: frozenset(),
    RelationshipStatus.WITHDRAWN: frozenset(),
}


class InterestStatus(models.TextChoices):
    REGISTERED = "registered", "On the register"
    REMOVED = "removed", "Removed (no longer held)"


INTEREST_TRANSITIONS: dict[str, frozenset[str]] = {
    InterestStatus.REGISTERED: frozenset({InterestStatus.REMOVED}),
    InterestStatus.REMOVED: frozenset(),
}


class ReturnStatus(models.TextChoices):
    OPEN = "open", "Due"
    SUBMITTED = "submitted", "Registered or re-confirmed"
    CANCELLED = "cancelled", "Cancelled (no longer a member)"


RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.OPEN: frozenset({ReturnStatus.SUBMITTED, ReturnStatus.CANCELLED}),
    ReturnStatus.SUBMITTED: frozenset(),
    ReturnStatus.CANCELLED: frozenset(),
}


class NoticeStatus(models.TextChoices):
    SUBMITTED = "submitted", "Sent to the Monitoring Officer"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    WITHDRAWN = "withdrawn", "Withdrawn"


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.SUBMITTED: frozenset({NoticeStatus.ACKNOWLEDGED, NoticeStatus.WITHDRAWN}),
    NoticeStatus.ACKNOWLEDGED: frozenset(),
    NoticeStatus.WITHDRAWN: frozenset(),
}


class AdviceStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for advice"
    ADVISED = "advised", "Advice given"
    WITHDRAWN = "withdrawn", "Withdrawn"


ADVICE_TRANSITIONS: dict[str, frozenset[str]] = {
    AdviceStatus.REQUESTED: frozenset({AdviceStatus.ADVISED, AdviceStatus.WITHDRAWN}),
    AdviceStatus.ADVISED: frozenset(),
    AdviceStatus.WITHDRAWN: frozenset(),
}
