"""Read-only admin views: requests change only through their services (STYLE habit 1)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from access_requests.models import AccessRequest, Decision, FoiRequest, Release, ReleaseOpening


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
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
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["request", "outcome", "decided_as", "decided_at", "is_final"]
    list_select_related = ["request"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["request", "title", "released_at"]
    list_select_related = ["request"]


@admin.register(ReleaseOpening)
class ReleaseOpeningAdmin(ReadOnlyAdmin):
    list_display = ["release", "person", "at"]
    list_select_related = ["release", "person"]


@admin.register(FoiRequest)
class FoiRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "council", "status", "handler_title", "due_on"]
    list_select_related = ["council"]
