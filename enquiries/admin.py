"""Read-only admin for enquiries: changes go through the services (and so the timeline)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enquiries.models import Enquiry


@admin.register(Enquiry)
class EnquiryAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "subject", "status", "owner_post", "due_on", "breached_on")
    list_filter = ("council", "status")
    search_fields = ("reference",)
    list_select_related = ("owner_post",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
