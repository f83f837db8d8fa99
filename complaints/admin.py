"""Read-only admin views: complaints change only through their services (STYLE habit 1)."""

from django.contrib import admin

from complaints.models import Complaint, Determination, QuarterlySummary
from protocol_portal.casework.admin import ReadOnlyHistoryAdmin


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "council", "level", "status", "stage", "handler_title", "due_on"]
    list_filter = ["council", "status", "level"]
    search_fields = ["reference"]
    list_select_related = ["council"]


@admin.register(Determination)
class DeterminationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["complaint", "outcome", "issued_at", "superseded_at"]
    list_select_related = ["complaint"]


@admin.register(QuarterlySummary)
class QuarterlySummaryAdmin(admin.ModelAdmin):
    list_display = ["council", "quarter_start", "quarter_end", "generated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
