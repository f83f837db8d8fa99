"""Read-only admin for relationships and interests: changes go through the services (and the
portal's pages), so every change has its history, timeline line and notifications. The record
of conflict checks (a kernel model, asked through this app's API) is here too, for the
Monitoring Officer."""

from django.contrib import admin

from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    Interest,
    RegisterReturn,
    Relationship,
)
from protocol_portal.casework.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from protocol_portal.casework.models import ConflictCheck
from protocol_portal.org.models import MONITORING_KINDS, Post


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "council", "declarer", "other_person", "nature", "status"]
    list_filter = ["council", "status", "nature"]
    list_select_related = ["council", "declarer", "other_person"]
    search_fields = ["reference"]


@admin.register(Interest)
class InterestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["member", "council", "category", "status", "sensitive_requested"]
    list_filter = ["council", "category", "status"]
    list_select_related = ["member__person", "council"]


@admin.register(RegisterReturn)
class RegisterReturnAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "council", "member", "kind", "status", "due_on", "breached_on"]
    list_filter = ["council", "kind", "status"]
    list_select_related = ["member__person", "council"]


@admin.register(ActingAgainstNotice)
class ActingAgainstNoticeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "council", "member", "acting_party", "status"]
    list_filter = ["council", "status"]
    list_select_related = ["member__person", "council"]


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "council", "requester", "confidential", "status"]
    list_filter = ["council", "status"]
    list_select_related = ["requester", "council"]


@admin.register(ConflictCheck)
class ConflictCheckAdmin(ReadOnlyAdmin):
    """Every conflict check: who asked, about whose act, on what, and the answer (refusals too).
    A site admin sees all; a (deputy) Monitoring Officer with a staff account sees their
    councils' checks, whatever Django permissions their account has."""

    list_display = ["at", "council", "asked_by", "person", "kind", "answer", "sources"]
    list_filter = ["council", "answer", "kind"]
    list_select_related = ["council", "asked_by", "person"]
    search_fields = ["asked_by__username", "person__username", "description"]
    date_hierarchy = "at"

    @staticmethod
    def _councils(request):
        return Post.objects.filter(holder=request.user, kind__in=MONITORING_KINDS).values("council")

    def _monitoring(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and self._councils(request).exists()

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._monitoring(request)

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        if obj is None:
            return self._monitoring(request)
        return (
            self._monitoring(request)
            and self._councils(request).filter(council=obj.council_id).exists()
        )

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(council__in=self._councils(request))
