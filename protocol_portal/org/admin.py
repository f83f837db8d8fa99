"""The council admin's screens: organisation, calendar, routing rules and the chaser ladder.

Writes that have consequences beyond the row (closure days recompute open clocks) go through
the service; the rest is plain editing, with history kept on every model.
"""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from protocol_portal.org.models import (
    ChaserRung,
    ClosureDay,
    Committee,
    Council,
    Directorate,
    Member,
    MemberRole,
    Person,
    PoliticalGroup,
    Post,
    RoutingRule,
    ServiceArea,
    Ward,
)
from protocol_portal.org.services import closure_day_add, closure_day_remove, post_set_holder


class DirectorateInline(admin.TabularInline):
    model = Directorate
    extra = 0
    fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True


class WardInline(admin.TabularInline):
    model = Ward
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


class GroupInline(admin.TabularInline):
    model = PoliticalGroup
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "nation", "protocol", "enquiry_working_days")
    search_fields = ("name", "slug")
    list_filter = ("nation",)
    inlines = [DirectorateInline, WardInline, GroupInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "reference_code",
                    "nation",
                    "protocol",
                    "shares_staff_with",
                )
            },
        ),
        (
            "Time limits",
            {
                "description": "Where the protocol is silent these are the portal's defaults; "
                "the paragraph each limit rests on is kept in 'limit sources'.",
                "fields": (
                    "enquiry_working_days",
                    "enquiry_reopen_window_days",
                    ("complaint_ack_days", "complaint_ack_calendar"),
                    "need_to_know_working_days",
                    "foi_working_days",
                    "gifts_threshold_pounds",
                    "limit_sources",
                ),
            },
        ),
        (
            "Protocol settings",
            {
                "description": "The protocol's choices that are not routing rules, each with the "
                "paragraph it rests on (fixtures/councils/SCHEMA.md, 'settings'). Checked on save; "
                "every change is kept in the council's history.",
                "fields": ("protocol_settings",),
            },
        ),
    )


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "council", "reason")
    list_filter = ("council",)
    date_hierarchy = "date"
    search_fields = ("reason",)

    def save_model(self, request, obj, form, change):
        closure, recomputed = closure_day_add(
            council=obj.council, day=obj.date, reason=obj.reason, actor=request.user
        )
        obj.pk = closure.pk
        self.message_user(
            request,
            f"{recomputed} open case clock(s) recomputed for the new closure day.",
            messages.INFO,
        )

    def delete_model(self, request, obj):
        recomputed = closure_day_remove(closure=obj, actor=request.user)
        self.message_user(request, f"{recomputed} open case clock(s) recomputed.", messages.INFO)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ("name", "slug", "council")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Directorate)
class DirectorateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "council")
    list_filter = ("council",)
    search_fields = ("name",)
    inlines = [ServiceAreaInline]


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "directorate", "council")
    list_filter = ("council", "directorate")
    search_fields = ("name",)


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "directorate", "holder", "line_manager", "council")
    list_filter = ("council", "kind", "directorate")
    search_fields = ("title", "holder__first_name", "holder__last_name", "holder__username")
    autocomplete_fields = ("holder", "line_manager", "deputy", "directorate")
    list_select_related = ("directorate", "holder", "line_manager", "council")
    fieldsets = (
        (None, {"fields": ("council", "title", "slug", "kind", "directorate")}),
        (
            "Who holds it",
            {
                "description": "A vacant post's work falls to its deputy, else its line manager.",
                "fields": ("holder", "deputy", "line_manager"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        holder = obj.holder
        if change and "holder" in form.changed_data:
            obj.holder = Post.objects.get(pk=obj.pk).holder
        super().save_model(request, obj, form, change)
        if obj.holder != holder:
            post_set_holder(post=obj, holder=holder)


class MemberRoleInline(admin.TabularInline):
    model = MemberRole
    extra = 0
    fields = ("kind", "portfolio", "committee")


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("person", "council", "kind", "ward", "group")
    list_filter = ("council", "kind", "group", "ward")
    search_fields = ("person__first_name", "person__last_name", "person__username")
    autocomplete_fields = ("person", "ward", "group")
    list_select_related = ("person", "council", "ward", "group")
    inlines = [MemberRoleInline]


@admin.register(Ward)
class WardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "council")
    list_filter = ("council",)
    search_fields = ("name",)


@admin.register(PoliticalGroup)
class PoliticalGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "council")
    list_filter = ("council",)
    search_fields = ("name",)


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "council", "is_scrutiny", "is_executive")
    list_filter = ("council", "is_scrutiny", "is_executive")
    search_fields = ("name", "terms_of_reference")
    filter_horizontal = ("members",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "key",
        "council",
        "case_type",
        "raised_by",
        "concerning",
        "stage",
        "handler_kind",
        "handler_of",
        "deadline_days",
        "next_stage",
        "source",
    )
    list_filter = ("council", "case_type", "raised_by", "stage")
    search_fields = ("key", "concerning", "source", "note")
    fieldsets = (
        (
            "Scenario",
            {"fields": ("council", "key", "case_type", "raised_by", "concerning", "stage")},
        ),
        (
            "Route",
            {
                "fields": (
                    "handler_kind",
                    "handler_of",
                    "copied",
                    "deadline_days",
                    "deadline_calendar",
                    "next_stage",
                    "informal_first",
                )
            },
        ),
        ("Why", {"fields": ("source", "note")}),
    )


@admin.register(ChaserRung)
class ChaserRungAdmin(SimpleHistoryAdmin):
    list_display = ("council", "case_type", "order", "key", "offset_working_days", "source")
    list_filter = ("council", "case_type")
    search_fields = ("key", "source")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email")
    fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "last_login",
        "date_joined",
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)
