"""Data protection in the admin: retention periods per council and case type (editable), and
the record of each retention run and subject-access export (read only); the outbox's delivery
record (read only), with a filter for the messages GOV.UK Notify refused."""

from django import forms
from django.apps import apps
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from protocol_portal.casework.models import (
    OutboxMessage,
    RetentionPolicy,
    RetentionRecord,
    RetentionRun,
    SubjectAccessExport,
)
from protocol_portal.casework.registry import case_apps
from protocol_portal.casework.retention import case_models, retention_default


def _case_type_choices():
    choices = []
    labels = {m._meta.label: m for m in case_models()}
    # Records a case app keeps outside its cases, with their own period (set-aside email).
    for spec in case_apps():
        for label in spec.retention:
            labels.setdefault(label, apps.get_model(label))
    for label, model in labels.items():
        months, action, why = retention_default(label)
        default = f"default {months} months, {action}: {why}"
        choices.append((label, f"{model._meta.verbose_name.capitalize()} ({default})"))
    return choices


class RetentionPolicyForm(forms.ModelForm):
    case_type = forms.ChoiceField(choices=_case_type_choices)

    class Meta:
        model = RetentionPolicy
        fields = ["council", "case_type", "keep_for_months", "action", "reason"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    form = RetentionPolicyForm
    list_display = ["council", "case_type", "keep_for_months", "action", "reason"]
    list_filter = ["council", "case_type", "action"]


class ReadOnlyMixin:
    """The admin may look but not touch: records change only through their services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyHistoryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Read only, with each record's history (cases and everything tracked)."""


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "council",
        "case_type",
        "action",
        "keep_for_months",
        "policy_source",
        "cases_anonymised",
        "cases_deleted",
        "history_rows_removed",
        "events_removed",
        "messages_removed",
        "files_removed",
    ]
    list_filter = ["council", "case_type", "action"]
    date_hierarchy = "started_at"


@admin.register(RetentionRecord)
class RetentionRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "reference", "action", "run"]
    search_fields = ["reference"]


@admin.register(SubjectAccessExport)
class SubjectAccessExportAdmin(ReadOnlyAdmin):
    list_display = ["at", "person", "requested_by", "councils", "record_count"]
    search_fields = ["person__username", "requested_by__username"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """How each notification's delivery went: "Failed" lists what Notify refused (a bad address,
    a wrong key or template) with its reason; those are not retried."""

    list_display = [
        "created_at",
        "key",
        "council",
        "delivery_status",
        "attempts",
        "sent_at",
        "delivery_error",
    ]
    list_filter = ["delivery_status", "council"]
    search_fields = ["key", "provider_id"]
    date_hierarchy = "created_at"
    # The body may quote a case's details: the delivery record is enough here.
    exclude = ["body"]
