"""Read-only admin for relationships and interests: changes go through the services (and the
portal's pages), so every change has its history, timeline line and notifications."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    Interest,
    RegisterReturn,
    Relationship,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyAdmin):
    list_display = ["reference", "council", "declarer", "other_person", "nature", "status"]
    list_filter = ["council", "status", "nature"]
    list_select_related = ["council", "declarer", "other_person"]
    search_fields = ["reference"]


@admin.register(Interest)
class InterestAdmin(ReadOnlyAdmin):
    list_display = ["member", "council", "category", "status", "sensitive_requested"]
    list_filter = ["council", "category", "status"]
    list_select_related = ["member__person", "council"]


@admin.register(RegisterReturn)
class RegisterReturnAdmin(ReadOnlyAdmin):
    list_display = ["reference", "council", "member", "kind", "status", "due_on", "breached_on"]
    list_filter = ["council", "kind", "status"]
    list_select_related = ["member__person", "council"]


@admin.register(ActingAgainstNotice)
class ActingAgainstNoticeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "council", "member", "acting_party", "status"]
    list_filter = ["council", "status"]
    list_select_related = ["member__person", "council"]


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "council", "requester", "confidential", "status"]
    list_filter = ["council", "status"]
    list_select_related = ["requester", "council"]
