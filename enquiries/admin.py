"""Read-only admin for enquiries: changes go through the services (and so the timeline)."""

from django.contrib import admin

from enquiries.models import Enquiry, InboundMessage, Mailbox, MemberAddress
from protocol_portal.casework.admin import ReadOnlyHistoryAdmin


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "subject", "status", "owner_post", "due_on", "breached_on")
    list_filter = ("council", "status")
    search_fields = ("reference",)
    list_select_related = ("owner_post",)


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """Council data, normally loaded from the council's file (`mailbox:`); no secrets here."""

    list_display = ("address", "council", "host", "auth", "folder", "enabled")
    list_select_related = ("council",)


@admin.register(MemberAddress)
class MemberAddressAdmin(admin.ModelAdmin):
    """Another address a member emails the enquiries mailbox from."""

    list_display = ("address", "member")
    search_fields = ("address", "member__person__email", "member__person__last_name")
    list_select_related = ("member__person",)
    autocomplete_fields = ("member",)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyHistoryAdmin):
    list_display = ("received_at", "from_address", "subject", "outcome", "reason", "enquiry")
    list_filter = ("council", "outcome", "reason")
    search_fields = ("from_address", "subject", "message_id")
    list_select_related = ("enquiry",)
