"""List filters shared by the need-to-know page and the API (django-filter); they only ever
narrow what the selectors let the person see."""

from __future__ import annotations

import django_filters

from access_requests.models import AccessRequest, FoiRequest
from access_requests.states import FoiStatus, Presumption, Status


class AccessRequestFilter(django_filters.FilterSet):
    """status, how it was treated (presumption), stage."""

    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    presumption = django_filters.ChoiceFilter(
        choices=Presumption.choices, empty_label="Any", label="Treated as"
    )

    class Meta:
        model = AccessRequest
        fields = ["status", "presumption", "stage"]


class FoiRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FoiStatus.choices, empty_label="Any status")

    class Meta:
        model = FoiRequest
        fields = ["status"]
