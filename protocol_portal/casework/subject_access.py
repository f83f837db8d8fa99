"""Subject access (UK GDPR Art. 15): everything the portal holds about one person, as JSON.

Records are found generically: every model in the portal's own apps (the kernel's, and every app
with a case type: a model subclassing `Case`, or a registered `CaseTypeSpec`) with a link (foreign
key or many-to-many) to the person or to one of their memberships — their cases as member, raiser,
subject, declarer or requester, the other side of a relationship, determinations they issued,
timeline lines they wrote, notices sent to them, register entries, posts held, emails they sent
to the members' enquiries mailbox (by membership, or by their address if it was set aside).
Case records carry their timeline. Other people are third parties: a link to one reads
"[third party]", and their names and email addresses are struck out of free text. The Monitoring
Officer reviews the file for exemptions (DPA 2018 Schedule 2) before it is sent; attachments are
listed, not included, because their contents cannot be redacted automatically.

A row is exported only because one of its links points at the person or at one of their
memberships in the exporter's councils: a model whose only links are to memberships gives nothing
for someone with no seat there (never "every row", as an empty filter would). A record reaches its
council through one or more foreign keys (a release opening → its release → the request's
council); a model with no way to a council is left out of a council-limited export.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet

from protocol_portal.casework import registry
from protocol_portal.casework.models import (
    Case,
    CaseEvent,
    Notice,
    SubjectAccessExport,
)
from protocol_portal.org.models import MONITORING_KINDS, Council, Member, Person, Post

KERNEL_PACKAGE = __name__.split(".", 1)[0]  # "protocol_portal": org, casework, web
COUNCIL_HOPS = 3  # the longest chain of foreign keys followed to find a record's council
SKIP_MODELS = {
    "casework.SubjectAccessExport",  # the audit of exports is the council's, not the person's
    # Like it, the audit of conflict checks is the council's: it holds what askers typed
    # about other people's acts (the Monitoring Officer reads it in the admin).
    "casework.ConflictCheck",
    "casework.RetentionRecord",
    # Who could see which case, when: the council's access record (the Monitoring Officer reads
    # it at /case-access/), as the audit of exports is.
    "casework.CaseAccess",
    # A sign-in credential (the provider's subject), like the password hash the profile leaves
    # out: not a record about the person's dealings with any council.
    "accounts.IdentityLink",
    # Exported once, as messages below with their subject and body.
    "casework.Notice",
    "casework.OutboxMessage",
}
THIRD_PARTY = "[third party]"
REDACTED = "[redacted]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "date_joined", "last_login")


def exporter_councils(*, user: Person) -> QuerySet[Council] | None:
    """Councils whose records this user may export: all for a site admin (None), those where
    they are (deputy) Monitoring Officer, or none."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return None
    if not (user.is_authenticated and user.is_active):
        return Council.objects.none()
    return Council.objects.filter(
        pk__in=Post.objects.filter(holder=user, kind__in=MONITORING_KINDS).values("council")
    )


def may_export(*, user: Person) -> bool:
    councils = exporter_councils(user=user)
    return councils is None or councils.exists()


def people_exportable_by(*, user: Person) -> QuerySet[Person]:
    """People the exporter may choose: everyone for a site admin, else the people of their
    councils (members and post holders)."""
    councils = exporter_councils(user=user)
    if councils is None:
        return Person.objects.all()
    return Person.objects.filter(
        Q(memberships__council__in=councils) | Q(posts__council__in=councils)
    ).distinct()


# --- finding the records --------------------------------------------------------------------


def _person_links(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.get_fields()
        if (f.many_to_one or f.many_to_many)
        and not f.auto_created
        and f.related_model in (Person, Member)
    ]


def portal_app_labels() -> frozenset[str]:
    """The portal's own apps, found without naming them: the kernel's apps and every app that
    holds a case type (a model subclassing `Case`, or a `CaseTypeSpec` registered with the
    kernel) — so a new case type is exported without editing this module."""
    labels = {
        config.label
        for config in apps.get_app_configs()
        if config.name.split(".", 1)[0] == KERNEL_PACKAGE
    }
    labels |= {m._meta.app_label for m in apps.get_models() if issubclass(m, Case)}
    labels |= {spec.label.split(".", 1)[0] for spec in registry.all_specs()}
    return frozenset(labels)


def _candidate_models() -> Iterable[type[models.Model]]:
    portal = portal_app_labels()
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in portal or label in SKIP_MODELS:
            continue
        if model.__name__.startswith("Historical") or model is Person:
            continue
        names = {f.name for f in model._meta.get_fields()}
        if {"permission", "content_object"} <= names:
            continue  # object-permission rows
        if _person_links(model):
            yield model


def _has_council(model: type[models.Model]) -> bool:
    return any(
        f.name == "council" and f.many_to_one and f.related_model is Council
        for f in model._meta.concrete_fields
    )


def council_path(model: type[models.Model]) -> str | None:
    """How to reach the council from this model, the fewest foreign keys first: "council",
    "complaint__council", "release__request__council"; None if no chain of up to
    `COUNCIL_HOPS` foreign keys reaches one (people are not followed: a person has no council)."""
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    seen = {model}
    for _ in range(COUNCIL_HOPS + 1):
        following = []
        for current, prefix in frontier:
            if _has_council(current):
                return f"{prefix}council"
            for field in current._meta.concrete_fields:
                target = field.related_model
                if field.many_to_one and target is not Person and target not in seen:
                    seen.add(target)
                    following.append((target, f"{prefix}{field.name}__"))
        frontier = following
    return None


def _records(model, person: Person, member_ids: list[int], councils) -> QuerySet:
    """The model's rows that link to the person, or to one of their memberships, in these
    councils (None: all). No link that can match means no rows, never every row."""
    conditions = []
    for field in _person_links(model):
        if field.related_model is Person:
            conditions.append(Q(**{field.name: person}))
        elif member_ids:
            conditions.append(Q(**{f"{field.name}__in": member_ids}))
    # A stored email is the sender's even when it matched no member (set aside from an address
    # the portal did not know): a model names its sender field in `SENDER_ADDRESS_FIELD`.
    sender = getattr(model, "SENDER_ADDRESS_FIELD", None)
    if sender and person.email:
        conditions.append(Q(**{f"{sender}__iexact": person.email}))
    if not conditions:
        return model._base_manager.none()
    match = conditions[0]
    for condition in conditions[1:]:
        match |= condition
    rows = model._base_manager.filter(match)
    if councils is not None:
        path = council_path(model)
        if path is None:
            return model._base_manager.none()  # cannot show it is of the exporter's councils
        rows = rows.filter(**{f"{path}__in": councils})
    return rows.distinct().order_by("pk")


# --- serialising and redacting ---------------------------------------------------------------


class _Redactor:
    """Names links to the subject plainly, everyone else as a third party; strikes third
    parties' names and addresses out of free text."""

    def __init__(self, person: Person, member_ids: list[int]):
        self.person = person
        self.member_person = dict(
            Member.objects.filter(pk__in=member_ids).values_list("pk", "person_id")
        )
        own = {w.lower() for w in (person.first_name, person.last_name, person.username) if w}
        terms: set[str] = set()
        emails = set()
        for first, last, email in Person.objects.exclude(pk=person.pk).values_list(
            "first_name", "last_name", "email"
        ):
            full = f"{first} {last}".strip()
            if full and full.lower() not in own:
                terms.add(full)
            if len(last) >= 3 and last.lower() not in own:
                terms.add(last)
            if email and email.lower() != (person.email or "").lower():
                emails.add(email)
        ordered = sorted(terms, key=len, reverse=True)
        self.names = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b", re.IGNORECASE)
            if ordered
            else None
        )
        self.emails = {e.lower() for e in emails}
        self.own_email = (person.email or "").lower()

    def text(self, value: str) -> str:
        if not value:
            return value
        value = EMAIL.sub(
            lambda m: m.group(0) if m.group(0).lower() == self.own_email else REDACTED, value
        )
        return self.names.sub(REDACTED, value) if self.names else value

    def link(self, model, pk) -> str | None:
        if pk is None:
            return None
        if model is Person:
            return str(self.person) if pk == self.person.pk else THIRD_PARTY
        if model is Member:
            return f"you (membership {pk})" if pk in self.member_person else THIRD_PARTY
        return None


def _value(field: models.Field, obj: models.Model, redactor: _Redactor):
    raw = getattr(obj, field.attname)
    if field.many_to_one:
        if field.related_model in (Person, Member):
            return redactor.link(field.related_model, raw)
        target = getattr(obj, field.name)  # a post, ward or council: named by role, not person
        return str(target) if target is not None else None
    if isinstance(field, models.FileField):
        return {"file": str(raw).rsplit("/", 1)[-1], "note": "held; not included"} if raw else None
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if isinstance(raw, str):
        return raw if field.choices else redactor.text(raw)
    if isinstance(raw, int | float | bool) or raw is None:
        return raw
    return redactor.text(json.dumps(raw, default=str))


def _serialise(obj: models.Model, redactor: _Redactor) -> dict:
    out: dict = {"record": obj._meta.verbose_name, "id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.name in ("password", "id"):
            continue
        out[field.name] = _value(field, obj, redactor)
    for field in obj._meta.many_to_many:
        if field.related_model in (Person, Member):
            ids = list(getattr(obj, field.name).values_list("pk", flat=True))
            out[field.name] = [redactor.link(field.related_model, pk) for pk in ids]
    return out


def _timeline(case: Case, redactor: _Redactor) -> list[dict]:
    events = CaseEvent.objects.filter(
        case_type=ContentType.objects.get_for_model(case), case_id=case.pk
    ).order_by("at", "pk")
    return [
        {
            "at": e.at.isoformat(),
            "by": redactor.link(Person, e.actor_id),
            "what": e.kind,
            "summary": redactor.text(e.summary),
            "detail": redactor.text(e.detail),
        }
        for e in events
    ]


def subject_access_data(*, person: Person, councils: QuerySet[Council] | None) -> dict:
    """Everything held about the person in these councils (None: all), third parties
    redacted."""
    member_qs = Member.objects.filter(person=person)
    if councils is not None:
        member_qs = member_qs.filter(council__in=councils)
    member_ids = list(member_qs.values_list("pk", flat=True))
    redactor = _Redactor(person, member_ids)
    records: dict[str, list[dict]] = {}
    for model in _candidate_models():
        rows = []
        for obj in _records(model, person, member_ids, councils):
            row = _serialise(obj, redactor)
            if isinstance(obj, Case):
                row["timeline"] = _timeline(obj, redactor)
            rows.append(row)
        if rows:
            records[model._meta.label] = rows
    notices = Notice.objects.filter(person=person).select_related("message")
    if councils is not None:
        notices = notices.filter(message__council__in=councils)
    messages = [
        {
            "sent": n.message.created_at.isoformat(),
            "subject": redactor.text(n.message.subject),
            "body": redactor.text(n.message.body),
            "read": n.read_at.isoformat() if n.read_at else None,
        }
        for n in notices.order_by("message__created_at")
    ]
    if messages:
        records["messages to you"] = messages
    return {
        "subject": {name: _profile_value(person, name) for name in PROFILE_FIELDS},
        "councils": "all" if councils is None else [c.name for c in councils.order_by("name")],
        "records": records,
        "notes": [
            "Links to other people read '[third party]' and their names and email addresses "
            "are replaced by '[redacted]' in text.",
            "Attachments are listed by name; ask for copies, which are reviewed before release.",
            "Cases removed under the retention policy are no longer held.",
        ],
    }


def _profile_value(person: Person, name: str):
    value = getattr(person, name)
    return value.isoformat() if isinstance(value, datetime) else value


def record_count(data: dict) -> int:
    return sum(len(rows) for rows in data["records"].values())


@transaction.atomic
def subject_access_export(*, requested_by: Person, person: Person, as_of: datetime) -> bytes:
    """The JSON file of everything held about a person, logged (who, whose, when, digest)."""
    councils = exporter_councils(user=requested_by)
    data = subject_access_data(person=person, councils=councils)
    data["exported_at"] = as_of.isoformat()
    body = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False).encode()
    SubjectAccessExport.objects.create(
        at=as_of,
        requested_by=requested_by,
        person=person,
        councils=", ".join(data["councils"]) if councils is not None else "all",
        record_count=record_count(data),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    return body
