"""The interests decisions that are determinations, for the Monitoring Officer's register
(protocol_portal/casework/determinations.py): the decision and mitigations recorded on a declared
relationship (000 §10.4, 001 §5.3.1.1, 004 §3.2), and the Monitoring Officer's decision whether a
sensitive interest's details are withheld from the published register (Localism Act 2011 s.32).

Each gives the register's columns as annotations; `*_visible_to` narrows the rows to the cases
the reader may see (a deputy who is not told of a declaration does not see its decision).
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as When_
from django.db.models.functions import Concat

from interests import permissions as perms
from interests.models import Interest, Relationship
from protocol_portal.casework.permissions import objects_for
from protocol_portal.org.models import Person

RELATIONSHIP_OUTCOMES = (
    ("mitigations", "Decided, with mitigations"),
    ("no_mitigations", "Decided, no mitigations needed"),
)
SENSITIVE_AGREED = "sensitive: agreed"
SENSITIVE_REFUSED = "sensitive: refused"
SENSITIVITY_OUTCOMES = (
    ("withheld", "Details withheld from the published register"),
    ("published", "Not sensitive: details published"),
)


def _name(prefix: str) -> Concat:
    return Concat(
        f"{prefix}__first_name", Value(" "), f"{prefix}__last_name", output_field=CharField()
    )


def relationship_decision_rows() -> QuerySet:
    """Every decision recorded on a declared relationship, in the register's columns. A
    declaration is decided once and the decision is never edited, so none is superseded."""
    return Relationship.objects.filter(decided_at__isnull=False).annotate(
        kind=Value("relationship", output_field=CharField()),
        row_id=F("pk"),
        case_id=F("pk"),
        council_name=F("council__name"),
        result=When_(
            When(mitigations="", then=Value("no_mitigations")),
            default=Value("mitigations"),
            output_field=CharField(),
        ),
        made_at=F("decided_at"),
        made_by=_name("decided_by"),
        superseded=Value(False, output_field=BooleanField()),
    )


def relationships_visible_to(user: Person) -> QuerySet:
    return objects_for(user, perms.VIEW_RELATIONSHIP, Relationship.objects.all()).values("pk")


def sensitivity_decision_rows() -> QuerySet:
    """Every decision the Monitoring Officer made on a request to withhold an interest's
    details (each is a history row of the register entry); one is superseded once a later
    decision on the same interest exists."""
    history = Interest.history.model
    decided = Q(history_change_reason__in=(SENSITIVE_AGREED, SENSITIVE_REFUSED))
    later = history.objects.filter(decided, id=OuterRef("id")).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return history.objects.filter(decided).annotate(
        kind=Value("sensitive_interest", output_field=CharField()),
        row_id=F("history_id"),
        case_id=F("id"),
        reference=Concat(Value("Register of "), _name("member__person"), output_field=CharField()),
        council_name=F("council__name"),
        result=When_(
            When(history_change_reason=SENSITIVE_AGREED, then=Value("withheld")),
            default=Value("published"),
            output_field=CharField(),
        ),
        made_at=F("history_date"),
        made_by=_name("history_user"),
        superseded=Exists(later),
    )


def interests_decidable_by(user: Person) -> QuerySet:
    return objects_for(user, perms.DECIDE_SENSITIVITY, Interest.objects.all()).values("pk")
