"""Read-only admin views: requests change only through their services (STYLE habit 1)."""

from django.contrib import admin

from access_requests.models import AccessRequest, Decision, FoiRequest, Release, ReleaseOpening
from protocol_portal.casework.admin import ReadOnlyHistoryAdmin


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "reference",
        "council",
        "presumption",
        "status",
        "stage",
        "handler_title",
        "due_on",
    ]
    list_filter = ["council", "status", "presumption"]
    search_fields = ["reference"]
    list_select_related = ["council"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["request", "outcome", "decided_as", "decided_at", "is_final"]
    list_select_related = ["request"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["request", "title", "released_at"]
    list_select_related = ["request"]


@admin.register(ReleaseOpening)
class ReleaseOpeningAdmin(ReadOnlyHistoryAdmin):
    list_display = ["release", "person", "at"]
    list_select_related = ["release", "person"]


@admin.register(FoiRequest)
class FoiRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "council", "status", "handler_title", "due_on"]
    list_select_related = ["council"]
