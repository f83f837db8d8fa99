"""Retention: closed cases past their council's retention period are anonymised or deleted.

UK GDPR Article 5(1)(e) says personal data is kept no longer than necessary. Each council sets a
period per case type in the admin (`RetentionPolicy`); where it has not, the defaults its case
app registered apply (`CaseTypeSpec.retention`). They are the periods councils' retention
schedules commonly use (compare the IRMS Retention Guidelines for Local Authorities):

- complaints and concerns, relationship declarations, register returns, notices of acting
  against the council and advice on interests: six years after closure (the Limitation Act 1980
  period for a claim arising from how the council dealt with them);
- member enquiries and need-to-know requests: two years after closure (routine casework, kept
  long enough to answer a follow-up or a complaint about the handling).

A council should check these against its own retention schedule.

Anonymising keeps a case's shape (reference, dates, status, route) so counts and breach
statistics still add up. It overwrites every free-text field, points required links to people at
an inactive placeholder person, empties optional links to people and members and copy lists, and
removes attachments (files too) — an enquiry's stored emails among them, raw message and all
(a model says so with `RETAINED_WITH_CASE`) — and rows that are entries in a copy list (an
enquiry's copies: `REMOVED_ON_ANONYMISING`), timeline events, outbox messages and the
simple-history rows of the case and its children, leaving one history row and one timeline
line that say what retention did. A required link to a councillor's membership (the member who
logged an enquiry) stays: they acted in public office, and the free text about the resident is
what goes. The access rows of the people taken off the case end (the raiser, copied
members); no one gains access, so a post barred while the case named the person behind the bar
stays barred (`casework.access.access_narrow`). Deleting removes the
case and everything hanging off it, protected children such as determinations included, and
their history.

The kernel never imports a case app: case types are found as the concrete subclasses of `Case`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from protocol_portal.casework.access import access_narrow
from protocol_portal.casework.models import (
    Case,
    CaseEvent,
    OutboxMessage,
    RetentionAction,
    RetentionPolicy,
    RetentionRecord,
    RetentionRun,
)
from protocol_portal.casework.registry import case_apps
from protocol_portal.org.models import Council, Member, Person

# Each case app's spec gives the defaults for its case models (CaseTypeSpec.retention); a case
# model none of them lists gets this.
FALLBACK = (72, RetentionAction.ANONYMISE, "Default: 6 years after closure")

# Text fields that describe the route or the case's shape, never a person: kept on anonymising.
KEEP_TEXT = frozenset(
    {
        "reference",
        "stage",
        "next_stage",
        "rule_key",
        "rule_source",
        "route_rule_key",
        "route_source",
        "concerning",
        "raised_by",
        "declarer_level",
        "handler_title",
    }
)
REDACTED = "[anonymised]"
_KEEP = object()
PLACEHOLDER_USERNAME = "anonymised-person"


@dataclass
class _Counts:
    anonymised: int = 0
    deleted: int = 0
    history: int = 0
    events: int = 0
    messages: int = 0
    files: int = 0


def case_models() -> list[type[Case]]:
    """Every concrete case type installed (any app's subclass of the kernel's `Case`)."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, Case) and not m._meta.abstract),
        key=lambda m: m._meta.label,
    )


def retention_default(label: str) -> tuple[int, str, str]:
    """The suggested period for a case type a council has not set: its app's spec says."""
    for spec in case_apps():
        if label in spec.retention:
            return spec.retention[label]
    return FALLBACK


def retention_policy_for(*, council: Council, label: str) -> tuple[int, str, str]:
    """(months, action, source): the council's own row if it has one, else the default."""
    row = RetentionPolicy.objects.filter(council=council, case_type=label).first()
    if row is not None:
        return row.keep_for_months, row.action, "council"
    months, action, _ = retention_default(label)
    return months, action, "default"


def placeholder_person() -> Person:
    """The person an anonymised case's required links point at (inactive, cannot sign in)."""
    person, _ = Person.objects.get_or_create(
        username=PLACEHOLDER_USERNAME,
        defaults={
            "first_name": "Anonymised",
            "last_name": "person",
            "is_active": False,
            "password": make_password(None),
        },
    )
    return person


# --- the tree of rows a case owns ------------------------------------------------------------


def _retained_with(rel) -> bool:
    """A row that outlives its case in the database (SET_NULL) but whose personal data lives
    and dies with it: its model names the link in `RETAINED_WITH_CASE` (an enquiry's emails)."""
    return getattr(rel.related_model, "RETAINED_WITH_CASE", None) == rel.field.name


def _owned_children(obj: models.Model) -> Iterable[models.Model]:
    """Rows that exist only because of obj: reverse foreign keys that cascade or protect, and
    rows retained with it (`_retained_with`)."""
    for rel in obj._meta.related_objects:
        if rel.many_to_many or (
            rel.on_delete not in (models.CASCADE, models.PROTECT, models.RESTRICT)
            and not _retained_with(rel)
        ):
            continue
        if rel.related_model is obj.__class__:
            continue  # a self-link (supersedes) is another row of the same tree, not a child
        yield from rel.related_model._base_manager.filter(**{rel.field.name: obj.pk})


def _tree(case: models.Model) -> list[models.Model]:
    """The case and every row it owns, parents before children."""
    seen: set[tuple[str, object]] = set()
    order: list[models.Model] = []
    stack = [case]
    while stack:
        obj = stack.pop(0)
        key = (obj._meta.label, obj.pk)
        if key in seen:
            continue
        seen.add(key)
        order.append(obj)
        stack.extend(_owned_children(obj))
    return order


def _history_manager(model: type[models.Model]):
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def _is_permission_row(obj: models.Model) -> bool:
    names = {f.name for f in obj._meta.get_fields()}
    return {"permission", "content_object"} <= names


def _file_fields(obj: models.Model) -> list[models.FileField]:
    return [f for f in obj._meta.concrete_fields if isinstance(f, models.FileField)]


def _remove_files(tree: list[models.Model]) -> int:
    """Delete the stored files once the transaction commits (a rollback keeps them)."""
    files = []
    for obj in tree:
        for field in _file_fields(obj):
            stored = getattr(obj, field.attname)
            if stored:
                files.append((field.storage, str(stored)))

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove)
    return len(files)


def _purge_history(tree: Iterable[models.Model]) -> int:
    """Delete every simple-history row of these objects; the number removed."""
    removed = 0
    for obj in tree:
        manager = _history_manager(obj.__class__)
        if manager is None:
            continue
        rows = manager.model._default_manager.filter(**{obj._meta.pk.attname: obj.pk})
        removed += rows.delete()[1].get(manager.model._meta.label, 0)
    return removed


def _purge_timeline_and_outbox(case: Case, counts: _Counts) -> None:
    content_type = ContentType.objects.get_for_model(case)
    where = {"case_type": content_type, "case_id": case.pk}
    counts.events += CaseEvent.objects.filter(**where).delete()[1].get("casework.CaseEvent", 0)
    counts.messages += (
        OutboxMessage.objects.filter(**where).delete()[1].get("casework.OutboxMessage", 0)
    )


# --- anonymise -------------------------------------------------------------------------------


def _redacted_value(field: models.Field, value, placeholder: Person):
    """What an anonymised field holds instead, or `_KEEP` if it stays as it is."""
    if field.primary_key or field.name in KEEP_TEXT or value in (None, ""):
        return _KEEP
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return REDACTED[: field.max_length]
    if isinstance(field, models.ForeignKey) and field.related_model in (Person, Member):
        if field.null:
            return None
        if field.related_model is Person:
            return placeholder.pk
        # A required link to a councillor stays: they acted in public office (module docstring).
    return _KEEP


def _redact(obj: models.Model, placeholder: Person) -> list[str]:
    """Blank obj's free text and links to people in memory; the names of the fields changed."""
    changed = []
    for field in obj._meta.concrete_fields:
        new = _redacted_value(field, getattr(obj, field.attname), placeholder)
        if new is not _KEEP:
            setattr(obj, field.attname, new)
            changed.append(field.name)
    for field in obj._meta.many_to_many:
        if field.related_model in (Person, Member):
            getattr(obj, field.name).clear()
    return changed


def case_anonymise(*, case: Case, as_of: datetime, months: int, counts: _Counts) -> None:
    """Strip a closed case of personal data past its retention period, keeping its shape."""
    tree = _tree(case)
    placeholder = placeholder_person()
    attachments = [o for o in tree[1:] if _file_fields(o)]
    counts.files += _remove_files(attachments)
    # Rows that are only an entry in a copy list (a model says so with REMOVED_ON_ANONYMISING)
    # go, as the copy lists that are many-to-many fields are emptied.
    entries = [o for o in tree[1:] if getattr(o, "REMOVED_ON_ANONYMISING", False)]
    removed = attachments + [o for o in entries if o not in attachments]
    for obj in removed:
        obj.__class__._base_manager.filter(pk=obj.pk).delete()
    kept = [o for o in tree if o not in removed and not _is_permission_row(o)]
    for obj in kept:
        changed = _redact(obj, placeholder)
        if changed:
            # The base manager, not save(): retention overrides a model's own refusal to be
            # edited (an issued determination), and history is rewritten just below.
            obj.__class__._base_manager.filter(pk=obj.pk).update(
                **{f: getattr(obj, obj._meta.get_field(f).attname) for f in changed}
            )
    counts.history += _purge_history(tree)
    reason = f"Anonymised under the retention policy ({months} months after closure)"
    for obj in kept:
        manager = _history_manager(obj.__class__)
        if manager is not None:
            manager.bulk_history_create(
                [obj], update=True, default_change_reason=reason, default_date=as_of
            )
    _purge_timeline_and_outbox(case, counts)
    # The people taken off the case lose it now; nobody gains it (casework.access).
    access_narrow(case, as_of=as_of)
    CaseEvent.objects.create(
        council_id=case.council_id,
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        at=as_of,
        actor=None,
        kind="anonymised",
        summary=reason,
        visible_to_raiser=True,
    )
    counts.anonymised += 1


# --- delete ----------------------------------------------------------------------------------


def case_delete(*, case: Case, counts: _Counts) -> None:
    """Remove a closed case past its retention period and every row and file it owns."""
    tree = _tree(case)
    counts.files += _remove_files(tree)
    members = {(o._meta.label, o.pk) for o in tree}
    # Protected links inside the tree (a determination superseding another) would block the
    # delete: cut them first. These rows are about to go, history and all.
    for obj in tree:
        for field in obj._meta.concrete_fields:
            if (
                isinstance(field, models.ForeignKey)
                and field.null
                and field.remote_field.on_delete in (models.PROTECT, models.RESTRICT)
                and (field.related_model._meta.label, getattr(obj, field.attname)) in members
            ):
                obj.__class__._base_manager.filter(pk=obj.pk).update(**{field.attname: None})
    _purge_timeline_and_outbox(case, counts)
    for obj in reversed(tree):
        obj.__class__._base_manager.filter(pk=obj.pk).delete()
    counts.history += _purge_history(tree)
    counts.deleted += 1


# --- the run ---------------------------------------------------------------------------------


def cases_past_retention(*, model: type[Case], council: Council, cutoff: datetime):
    """Closed cases of this type and council that closed before the cutoff and are untouched."""
    done = RetentionRecord.objects.filter(
        case_type=ContentType.objects.get_for_model(model)
    ).values("case_id")
    return (
        model._base_manager.filter(council=council, closed_at__lt=cutoff)
        .exclude(pk__in=done)
        .order_by("pk")
    )


def _claim(*, run, content_type, case, action, at) -> bool:
    """Record the case as dealt with; False if a concurrent run already has (unique key)."""
    try:
        with transaction.atomic():
            RetentionRecord.objects.create(
                run=run,
                case_type=content_type,
                case_id=case.pk,
                reference=case.reference,
                action=action,
                at=at,
            )
    except IntegrityError:
        return False
    return True


def retention_apply(*, council: Council, model: type[Case], as_of: datetime) -> RetentionRun:
    """Anonymise or delete this council's closed cases of one type past their period; record
    the run (UK GDPR Art. 5(1)(e))."""
    label = model._meta.label
    months, action, source = retention_policy_for(council=council, label=label)
    cutoff = as_of - relativedelta(months=months)
    run = RetentionRun.objects.create(
        council=council,
        case_type=label,
        started_at=timezone.now(),
        as_of=as_of,
        cutoff=cutoff,
        action=action,
        keep_for_months=months,
        policy_source=source,
    )
    counts = _Counts()
    content_type = ContentType.objects.get_for_model(model)
    for pk in cases_past_retention(model=model, council=council, cutoff=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            case = model._base_manager.select_for_update().filter(pk=pk).first()
            if case is None or case.closed_at is None or case.closed_at >= cutoff:
                continue  # reopened or removed since the query
            if not _claim(run=run, content_type=content_type, case=case, action=action, at=as_of):
                continue  # another run got here first
            if action == RetentionAction.DELETE:
                case_delete(case=case, counts=counts)
            else:
                case_anonymise(case=case, as_of=as_of, months=months, counts=counts)
    run.cases_anonymised = counts.anonymised
    run.cases_deleted = counts.deleted
    run.history_rows_removed = counts.history
    run.events_removed = counts.events
    run.messages_removed = counts.messages
    run.files_removed = counts.files
    run.finished_at = timezone.now()
    run.save()
    return run


def retention_apply_all(*, as_of: datetime) -> list[RetentionRun]:
    """The daily job: every council, every case type."""
    return [
        retention_apply(council=council, model=model, as_of=as_of)
        for council in Council.objects.order_by("pk")
        for model in case_models()
    ]
