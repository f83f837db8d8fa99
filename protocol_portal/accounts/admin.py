"""In the admin: a person's single sign-on links and their two-step reset, and the mapping of
the provider's groups to portal groups.

The person screen is org's, extended here (the kernel's org app does not know about signing in).
"""

from django.contrib import admin, messages
from django.contrib.auth.models import Group

from protocol_portal.accounts import services
from protocol_portal.accounts.models import (
    POST_GROUP_PREFIX,
    GroupClaimMapping,
    IdentityLink,
    PendingIdentityLink,
)
from protocol_portal.org.admin import PersonAdmin
from protocol_portal.org.models import Person


class IdentityLinkInline(admin.TabularInline):
    model = IdentityLink
    extra = 0
    fields = ("issuer", "subject", "created_at", "last_sign_in_at")
    readonly_fields = ("created_at", "last_sign_in_at")
    verbose_name_plural = "single sign-on: who this person is at the council’s provider"


class PendingIdentityLinkInline(admin.StackedInline):
    model = PendingIdentityLink
    extra = 0
    max_num = 1
    fields = ("claim_value",)
    verbose_name_plural = "single sign-on: link on first sign-in (only if the site allows it)"


@admin.action(description="Reset two-step verification (lost phone or used-up codes)")
def reset_two_step(modeladmin, request, queryset):
    removed = sum(services.mfa_reset(person=person) for person in queryset)
    modeladmin.message_user(
        request,
        f"Two-step verification reset for {queryset.count()} people ({removed} devices "
        "removed). Staff set it up again at their next sign-in.",
        messages.SUCCESS,
    )


admin.site.unregister(Person)


@admin.register(Person)
class PersonSignInAdmin(PersonAdmin):
    inlines = [*PersonAdmin.inlines, IdentityLinkInline, PendingIdentityLinkInline]
    actions = [*(PersonAdmin.actions or []), reset_two_step]


@admin.register(GroupClaimMapping)
class GroupClaimMappingAdmin(admin.ModelAdmin):
    list_display = ("claim_value", "group", "grants_staff")
    search_fields = ("claim_value", "group__name")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            kwargs["queryset"] = Group.objects.exclude(name__startswith=POST_GROUP_PREFIX)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
