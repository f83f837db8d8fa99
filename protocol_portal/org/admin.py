"""The council admin's screens: organisation, calendar, routing rules and the chaser ladder.

Writes that have consequences beyond the row (closure days recompute open clocks) go through
the service; the rest is plain editing, with history kept on every model.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from protocol_portal.org import bars
from protocol_portal.org.models import (
    AppointmentPanel,
    BarOverride,
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


class MemberRoleFormSet(forms.BaseInlineFormSet):
    """A role is checked against the council file's relationship bars before it is given
    (004 §3.3: no Cabinet role responsible for a related employee)."""

    def clean(self) -> None:
        super().clean()
        member = self.instance
        errors: list[str] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("kind") or data.get("DELETE"):
                continue
            if member.pk is None:
                raise ValidationError(
                    "Save the member first, then give them roles: each role is checked against "
                    "the member's declared relationships."
                )
            directorates = list(data.get("portfolio_directorates") or [])
            errors += bars.check_role(
                member,
                kind=data["kind"],
                directorates=directorates,
                committee=data.get("committee"),
            )
            form.instance._bars_checked = True
        if errors:
            raise ValidationError(errors)


class MemberRoleInline(admin.TabularInline):
    model = MemberRole
    formset = MemberRoleFormSet
    extra = 0
    fields = ("kind", "portfolio", "portfolio_directorates", "committee")


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


class CommitteeForm(forms.ModelForm):
    """A seat is checked against the council file's relationship bars (004 §3.3, 000 §10.5):
    the paragraph is in the error."""

    class Meta:
        model = Committee
        fields = (
            "council",
            "slug",
            "name",
            "is_scrutiny",
            "is_executive",
            "terms_of_reference",
            "members",
            "staff_directorates",
            "responsible_for_all_staff",
        )

    def clean(self):
        data = super().clean()
        council = data.get("council") or getattr(self.instance, "council", None)
        if council is None:
            return data
        committee = Committee(pk=self.instance.pk, council=council, name=data.get("name") or "")
        members = list(data.get("members") or [])
        scope_changed = bool(
            {"staff_directorates", "responsible_for_all_staff"} & set(self.changed_data)
        )
        if self.instance.pk and not scope_changed:
            seated = set(self.instance.members.values_list("pk", flat=True))
            members = [m for m in members if m.pk not in seated]
        errors = bars.check_committee_seats(
            committee,
            members,
            directorates=list(data.get("staff_directorates") or []),
            everyone=bool(data.get("responsible_for_all_staff")),
        )
        if errors:
            raise ValidationError({"members": errors})
        return data


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    form = CommitteeForm
    list_display = ("name", "council", "is_scrutiny", "is_executive")
    list_filter = ("council", "is_scrutiny", "is_executive")
    search_fields = ("name", "terms_of_reference")
    filter_horizontal = ("members", "staff_directorates")


class AppointmentPanelForm(forms.ModelForm):
    """A seat on an appointment panel is checked against the relationship bars (001 §5.3.2.2,
    002 §46): the paragraph is in the error."""

    class Meta:
        model = AppointmentPanel
        fields = ("council", "name", "post", "purpose", "candidates", "members")

    def clean(self):
        data = super().clean()
        if not data.get("council") or not data.get("post"):
            return data
        panel = AppointmentPanel(pk=self.instance.pk, council=data["council"], post=data["post"])
        panel.name = data.get("name") or "the panel"
        errors = bars.check_panel_seats(
            panel, list(data.get("members") or []), candidates=list(data.get("candidates") or [])
        )
        if errors:
            raise ValidationError({"members": errors})
        return data


@admin.register(AppointmentPanel)
class AppointmentPanelAdmin(SimpleHistoryAdmin):
    form = AppointmentPanelForm
    list_display = ("name", "council", "post", "purpose")
    list_filter = ("council", "purpose")
    search_fields = ("name", "post__title")
    autocomplete_fields = ("post",)
    filter_horizontal = ("candidates", "members")


class BarOverrideForm(forms.ModelForm):
    class Meta:
        model = BarOverride
        fields = ("member", "act", "committee", "panel", "role_kind", "reason")

    def clean(self):
        data = super().clean()
        override = BarOverride(
            member=data.get("member"),
            act=data.get("act") or "",
            committee=data.get("committee"),
            panel=data.get("panel"),
            role_kind=data.get("role_kind") or "",
            reason=data.get("reason") or "",
        )
        problems = bars.override_problems(override, self.actor)
        if problems:
            raise ValidationError(problems)
        self.instance.source = override.source
        return data


@admin.register(BarOverride)
class BarOverrideAdmin(SimpleHistoryAdmin):
    """The Monitoring Officer lets a barred seat or role go ahead, with a recorded reason, where
    the council file's bar allows it. Overrides are recorded, never edited."""

    form = BarOverrideForm
    list_display = ("member", "act", "source", "decided_by", "decided_at")
    list_filter = ("council", "act")
    readonly_fields = ("source", "decided_by", "decided_at")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        bars.bar_override_record(override=obj, actor=request.user, as_of=timezone.now())


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
