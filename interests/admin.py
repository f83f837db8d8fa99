"""Read-only admin for relationships and interests: changes go through the services (and the
portal's pages), so every change has its history, timeline line and notifications."""

from django.contrib import admin

from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    Interest,
    RegisterReturn,
    Relationship,
)
from protocol_portal.casework.admin import ReadOnlyHistoryAdmin


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
