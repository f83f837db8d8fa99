"""API list filters for interests (django-filter): by status, within what the selectors let
the caller see."""

from __future__ import annotations

import django_filters

from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    Interest,
    RegisterReturn,
    Relationship,
)
from interests.states import (
    AdviceStatus,
    InterestStatus,
    NoticeStatus,
    RelationshipStatus,
    ReturnStatus,
)


def _by_status(model, choices) -> type[django_filters.FilterSet]:
    meta = type("Meta", (), {"model": model, "fields": ["status"]})
    status = django_filters.ChoiceFilter(choices=choices, empty_label="Any status")
    return type(
        f"{model.__name__}Filter", (django_filters.FilterSet,), {"status": status, "Meta": meta}
    )


RelationshipFilter = _by_status(Relationship, RelationshipStatus.choices)
InterestFilter = _by_status(Interest, InterestStatus.choices)
RegisterReturnFilter = _by_status(RegisterReturn, ReturnStatus.choices)
NoticeFilter = _by_status(ActingAgainstNotice, NoticeStatus.choices)
AdviceFilter = _by_status(AdviceRequest, AdviceStatus.choices)
