"""Queue filters shared by the officer pages and the API (django-filter)."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.selectors import due_this_week
from enquiries.states import OPEN, Status
from protocol_portal.org.models import Council, Member, ServiceArea, Ward

# "Any" rather than django-filter's "Unknown" for a yes/no filter that is not set.
YES_NO_ANY = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])


class EnquiryFilter(django_filters.FilterSet):
    """status, overdue, due this week, ward, member, service area; sort by due date."""

    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        help_text="Past its due date and still open.",
        widget=YES_NO_ANY,
    )
    due_this_week = django_filters.BooleanFilter(
        method="filter_due_this_week", label="Due this week", widget=YES_NO_ANY
    )
    ward = django_filters.ModelChoiceFilter(queryset=Ward.objects.none(), empty_label="Any ward")
    member = django_filters.ModelChoiceFilter(
        queryset=Member.objects.none(), empty_label="Any member"
    )
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.none(), empty_label="Any service area"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("due_on", "due"), ("received_on", "received")),
        field_labels={"due_on": "Due date", "received_on": "Date received"},
        label="Sort by",
        empty_label="Soonest due",
    )

    class Meta:
        model = Enquiry
        fields = ["status", "ward", "member", "service_area"]

    def __init__(
        self, *args, council_ids: set[int] | None = None, today: date | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        ids = council_ids or set()
        self.today = today or timezone.localdate()
        self.filters["ward"].queryset = Ward.objects.filter(council_id__in=ids)
        self.filters["member"].queryset = Member.objects.filter(council_id__in=ids).select_related(
            "person"
        )
        self.filters["service_area"].queryset = ServiceArea.objects.filter(council_id__in=ids)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = (
            Q(status__in_literal=OPEN)
            & ~Q(status=Status.AWAITING_MEMBER)
            & (Q(breached_on__isnull=False) | Q(due_on__lt=self.today))
        )
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_due_this_week(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value:
            return queryset
        monday, sunday = due_this_week(self.today)
        return queryset.filter(due_on__range=(monday, sunday))


class MemberEnquiryFilter(django_filters.FilterSet):
    """A councillor's own enquiries: by reference or subject, status, overdue and council. Only
    ever narrows the member's own list; a value that is not a choice is ignored."""

    q = django_filters.CharFilter(method="filter_q", label="Reference or subject", max_length=100)
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        help_text="Past its due date and still open.",
        widget=YES_NO_ANY,
    )
    council = django_filters.ModelChoiceFilter(
        queryset=Council.objects.none(), empty_label="All your councils", label="Council"
    )

    class Meta:
        model = Enquiry
        fields = ["status", "council"]

    def __init__(self, *args, councils=None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if councils is not None:
            self.filters["council"].queryset = councils

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(reference__icontains=word) | Q(subject__icontains=word))
        return queryset

    filter_overdue = EnquiryFilter.filter_overdue
