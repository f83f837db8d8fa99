"""Read-only admin for enquiries: changes go through the services (and so the timeline)."""

from django.contrib import admin

from enquiries.models import Enquiry
from protocol_portal.casework.admin import ReadOnlyHistoryAdmin


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "subject", "status", "owner_post", "due_on", "breached_on")
    list_filter = ("council", "status")
    search_fields = ("reference",)
    list_select_related = ("owner_post",)
