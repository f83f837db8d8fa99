"""List filters for interests (django-filter): the API's by status, the interests page's by
reference or name, council and open or finished; all within what the selectors let the caller
see."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

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
from protocol_portal.org.models import Council


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


# Whose names the page's search looks in, per list (the person the case is about or from).
_NAMES = {
    Relationship: ("declarer", "other_person"),
    ActingAgainstNotice: ("member__person",),
    AdviceRequest: ("requester",),
    RegisterReturn: ("member__person",),
}


class InterestListFilter(django_filters.FilterSet):
    """The interests page's filters, the same for its four lists (MoJ filter a list): a
    reference or a name, the council, and whether the case is still open. They only narrow
    what the selectors let the person see; a value that is not a choice is ignored."""

    q = django_filters.CharFilter(method="filter_q", label="Reference or name", max_length=100)
    council = django_filters.ModelChoiceFilter(
        queryset=Council.objects.none(), empty_label="All your councils", label="Council"
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label="Open or finished",
        empty_label="Both",
        choices=[("open", "Open"), ("finished", "Finished")],
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        if councils is not None:
            self.filters["council"].queryset = councils

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = value.split()
        for word in words[:5]:
            match = Q(reference__icontains=word)
            for person in _NAMES.get(queryset.model, ()):
                match |= Q(**{f"{person}__first_name__icontains": word})
                match |= Q(**{f"{person}__last_name__icontains": word})
            queryset = queryset.filter(match)
        return queryset

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value not in ("open", "finished"):
            return queryset
        return queryset.filter(closed_at__isnull=value == "open")
