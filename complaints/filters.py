"""List filters shared by the complaints page and the API (django-filter); they only ever
narrow what the selectors let the person see."""

from __future__ import annotations

import django_filters

from complaints.models import Complaint
from complaints.states import Kind, Level, Status


class ComplaintFilter(django_filters.FilterSet):
    """status, kind, who it is about (level), stage."""

    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Any kind")
    level = django_filters.ChoiceFilter(choices=Level.choices, empty_label="Anyone", label="About")

    class Meta:
        model = Complaint
        fields = ["status", "kind", "level", "stage"]
