"""Load council fixture files (fixtures/councils/<slug>.yaml): validate everything, then write.

The files are reviewed reference data; this loader is idempotent (natural keys: council slug
plus object slug or rule key) and writes nothing unless every file is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction

from protocol_portal.org import protocol_settings, routing
from protocol_portal.org.models import (
    CalendarKind,
    ChaserRung,
    Committee,
    Council,
    Directorate,
    PoliticalGroup,
    Post,
    PostKind,
    RoutingRule,
    ServiceArea,
    Ward,
)

COUNCILS_DIR = Path(settings.BASE_DIR) / "fixtures" / "councils"
LIMIT_FIELDS = {
    "enquiry_working_days": "enquiry_working_days",
    "complaint_ack_days": "complaint_ack_days",
    "need_to_know_working_days": "need_to_know_working_days",
    "foi_working_days": "foi_working_days",
    "enquiry_reopen_window_days": "enquiry_reopen_window_days",
    "gifts_threshold_pounds": "gifts_threshold_pounds",
}
NOTIFY_TOKENS = {"assignee", "assignee_line_manager", "director", "raiser", *PostKind.values}


class CouncilFileError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    councils: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.councils)} councils ({', '.join(self.councils)}): "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        )


@dataclass(frozen=True)
class Section:
    """A part of a council file that a case app owns (e.g. enquiries' `mailbox:`), registered in
    its AppConfig.ready so that this loader validates and writes it without importing the app.
    `schema` is the section's JSON Schema (council_schema.py; without one anything passes the
    schema); `validate(value, data, name, errors)` appends messages for what a schema cannot
    say and runs once the schema passes; `write(council, value, report)`."""

    validate: Callable[[Any, dict[str, Any], str, list[str]], None]
    write: Callable[[Council, Any, LoadReport], None]
    schema: dict[str, Any] | None = None
    description: str = ""


SECTIONS: dict[str, Section] = {}


def section_register(key: str, section: Section) -> None:
    SECTIONS[key] = section


def council_files(paths: Iterable[str | Path] = ()) -> list[Path]:
    chosen = [Path(p) for p in paths]
    return chosen or sorted(COUNCILS_DIR.glob("*.yaml"))


def read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise CouncilFileError([f"{path.name}: not a mapping"])
    return data


def rule_rows(data: dict[str, Any]) -> list[routing.RuleRow]:
    rows = []
    for rule in data.get("routing") or []:
        deadline = rule.get("deadline") or {}
        rows.append(
            routing.RuleRow(
                key=str(rule.get("key", "")),
                case_type=str(rule.get("case_type", "")),
                raised_by=str(rule.get("raised_by", routing.ANY)),
                concerning=str(rule.get("concerning", routing.ANY)),
                stage=str(rule.get("stage", routing.FIRST_STAGE)),
                handler=_ref(rule.get("handler") or {}),
                copied=tuple(_ref(c) for c in rule.get("copied") or []),
                deadline_days=deadline.get("days"),
                deadline_calendar=str(deadline.get("calendar", CalendarKind.WORKING)),
                next_stage=str(rule.get("next_stage") or ""),
                informal_first=str(rule.get("informal_first") or ""),
                source=str(rule.get("source") or ""),
                note=str(rule.get("note") or ""),
            )
        )
    return rows


def _ref(value: dict[str, Any]) -> routing.PostRef:
    return routing.PostRef(
        str(value.get("kind", "")), str(value.get("of", "council")), str(value.get("post") or "")
    )


SLUG_MAX_LENGTH = 50  # Django's SlugField default, used by every organisation model


def _slugs(items: list[dict[str, Any]] | None, what: str, errors: list[str], name: str) -> set:
    slugs: set[str] = set()
    for item in items or []:
        slug = item.get("slug")
        if not slug:
            errors.append(f"{name}: a {what} has no slug")
        elif slug in slugs:
            errors.append(f"{name}: {what} {slug!r} appears twice")
        elif len(str(slug)) > SLUG_MAX_LENGTH:
            # SQLite ignores a column's length and PostgreSQL does not: refuse it here, on both.
            errors.append(f"{name}: {what} {slug!r} is longer than {SLUG_MAX_LENGTH} characters")
        slugs.add(slug)
    return slugs


def _validate_org(data: dict[str, Any], name: str, errors: list[str]) -> tuple[set, set]:
    directorates = _slugs(data.get("directorates"), "directorate", errors, name)
    posts = data.get("posts") or []
    post_slugs = _slugs(posts, "post", errors, name)
    for post in posts:
        if post.get("directorate") and post["directorate"] not in directorates:
            errors.append(f"{name}: post {post.get('slug')!r} names unknown directorate")
        for link in ("line_manager", "deputy"):
            if post.get(link) and post[link] not in post_slugs:
                errors.append(f"{name}: post {post.get('slug')!r} {link} {post[link]!r} unknown")
    for what in ("wards", "groups", "committees"):
        _slugs(data.get(what), what[:-1], errors, name)
    for item in data.get("committees") or []:
        # The staff a body is responsible for, which the relationship bars read (004 §3.3).
        staff = item.get("staff_directorates") or []
        if not isinstance(staff, list) or set(map(str, staff)) - directorates:
            errors.append(
                f"{name}: committee {item.get('slug')!r} staff_directorates names unknown "
                "directorates"
            )
        if not isinstance(item.get("all_staff", False), bool):
            errors.append(f"{name}: committee {item.get('slug')!r} all_staff must be true or false")
    return {post.get("kind") for post in posts}, post_slugs


def _validate_chasers(data: dict[str, Any], name: str, errors: list[str]) -> None:
    for ladder in data.get("chasers") or []:
        offsets = [rung["offset_working_days"] for rung in ladder["rungs"]]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            errors.append(f"{name}: {ladder['case_type']} rungs must be in increasing order")


def validate(data: dict[str, Any], name: str) -> list[str]:
    """Every problem with one council file, as messages naming the file and the item.

    The JSON Schema first (council_schema.py: fields, types, enums, required keys); only a file
    of the right shape goes on to the cross-reference checks below (slugs that exist, routing
    dead ends and cycles), which read it assuming that shape."""
    from protocol_portal.org import council_schema

    errors = council_schema.errors(data, council_schema.schema(), name)
    if errors:
        return errors
    post_kinds, post_slugs = _validate_org(data, name, errors)
    rows = rule_rows(data)
    errors.extend(
        f"{name}: {message}" for message in routing.validate(rows, post_kinds, post_slugs)
    )
    _validate_chasers(data, name, errors)
    if data.get("settings") is not None:
        protocol_settings.validate(data["settings"], data, name, errors)
    for key, section in SECTIONS.items():
        if data.get(key) is not None:
            section.validate(data[key], data, name, errors)
    return errors


def _upsert(report: LoadReport, model: type[models.Model], lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created += 1
        return model.objects.create(**lookup, **values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj._change_reason = "council file reloaded"
        obj.save()
        report.updated += 1
    else:
        report.unchanged += 1
    return obj


def _write_council(data: dict[str, Any], report: LoadReport) -> Council:
    info = data["council"]
    values: dict[str, Any] = {
        "name": info["name"],
        "nation": info["nation"],
        "protocol": str(info["protocol"]),
    }
    sources = {}
    for key, spec in (data.get("limits") or {}).items():
        values[LIMIT_FIELDS[key]] = spec["value"]
        sources[key] = spec["source"]
        if key == "complaint_ack_days":
            values["complaint_ack_calendar"] = spec.get("calendar", CalendarKind.CALENDAR)
    values["limit_sources"] = sources
    values["protocol_settings"] = protocol_settings.stored(data.get("settings") or {})
    council = _upsert(report, Council, {"slug": info["slug"]}, values)
    directorates = {}
    for item in data.get("directorates") or []:
        directorate = _upsert(
            report, Directorate, {"council": council, "slug": item["slug"]}, {"name": item["name"]}
        )
        directorates[item["slug"]] = directorate
        for area in item.get("service_areas") or []:
            slug = _slugify(area)
            _upsert(
                report,
                ServiceArea,
                {"council": council, "slug": slug},
                {"name": area, "directorate": directorate},
            )
    _write_posts(council, data.get("posts") or [], directorates, report)
    for item in data.get("wards") or []:
        _upsert(report, Ward, {"council": council, "slug": item["slug"]}, {"name": item["name"]})
    for item in data.get("groups") or []:
        _upsert(
            report,
            PoliticalGroup,
            {"council": council, "slug": item["slug"]},
            {"name": item["name"], "is_administration": bool(item.get("administration"))},
        )
    for item in data.get("committees") or []:
        committee = _upsert(
            report,
            Committee,
            {"council": council, "slug": item["slug"]},
            {
                "name": item["name"],
                "is_scrutiny": bool(item.get("scrutiny")),
                "is_executive": bool(item.get("executive")),
                "terms_of_reference": (item.get("terms_of_reference") or "").strip(),
                "responsible_for_all_staff": bool(item.get("all_staff")),
            },
        )
        staff = {directorates[slug].pk for slug in item.get("staff_directorates") or []}
        if set(committee.staff_directorates.values_list("pk", flat=True)) != staff:
            committee.staff_directorates.set(staff)
    for row in rule_rows(data):
        _upsert(
            report,
            RoutingRule,
            {"council": council, "key": row.key},
            {
                "case_type": row.case_type,
                "raised_by": row.raised_by,
                "concerning": row.concerning,
                "stage": row.stage,
                "handler_kind": row.handler.kind,
                "handler_of": row.handler.of,
                "handler_post": row.handler.post,
                "copied": [
                    {"kind": c.kind, "of": c.of, **({"post": c.post} if c.post else {})}
                    for c in row.copied
                ],
                "deadline_days": row.deadline_days,
                "deadline_calendar": row.deadline_calendar,
                "next_stage": row.next_stage,
                "informal_first": row.informal_first,
                "source": row.source,
                "note": row.note,
            },
        )
    _write_chasers(council, data.get("chasers") or [], report)
    return council


def _write_posts(council, posts, directorates, report) -> None:
    saved = {}
    for item in posts:
        saved[item["slug"]] = _upsert(
            report,
            Post,
            {"council": council, "slug": item["slug"]},
            {
                "title": item["title"],
                "kind": item["kind"],
                "directorate": directorates.get(item.get("directorate")),
            },
        )
    for item in posts:
        post = saved[item["slug"]]
        links = {
            "line_manager": saved.get(item.get("line_manager")),
            "deputy": saved.get(item.get("deputy")),
        }
        if any(getattr(post, k) != v for k, v in links.items()):
            for key, value in links.items():
                setattr(post, key, value)
            post._change_reason = "council file reloaded"
            post.save()


def _write_chasers(council, ladders, report) -> None:
    for ladder in ladders:
        case_type = ladder["case_type"]
        wanted = [
            (i, r["key"], r["offset_working_days"], list(r["notify"]), r["source"])
            for i, r in enumerate(ladder.get("rungs") or [])
        ]
        current = ChaserRung.objects.filter(council=council, case_type=case_type).order_by("order")
        have = [(r.order, r.key, r.offset_working_days, r.notify, r.source) for r in current]
        if have == wanted:
            report.unchanged += len(wanted)
            continue
        current.delete()
        ChaserRung.objects.bulk_create(
            [
                ChaserRung(
                    council=council,
                    case_type=case_type,
                    order=order,
                    key=key,
                    offset_working_days=offset,
                    notify=notify,
                    source=source,
                )
                for order, key, offset, notify, source in wanted
            ]
        )
        report.created += len(wanted)


def _slugify(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:50]


def _write_sections(datasets: list[dict], councils: dict[str, Council], report: LoadReport):
    for data in datasets:
        for key, section in SECTIONS.items():
            if data.get(key) is not None:
                section.write(councils[data["council"]["slug"]], data[key], report)


def load(paths: Iterable[str | Path] = (), *, check_only: bool = False) -> LoadReport:
    """Validate every file, then (unless check_only) write them all in one transaction."""
    files = council_files(paths)
    datasets, errors = [], []
    for path in files:
        try:
            data = read(path)
        except (yaml.YAMLError, CouncilFileError) as exc:
            errors.append(f"{path.name}: cannot be read: {exc}")
            continue
        errors.extend(validate(data, path.name))
        datasets.append(data)
    if errors:
        raise CouncilFileError(errors)
    report = LoadReport(councils=[d["council"]["slug"] for d in datasets])
    if check_only:
        return report
    with transaction.atomic():
        councils = {d["council"]["slug"]: _write_council(d, report) for d in datasets}
        _write_sections(datasets, councils, report)
        for data in datasets:
            partner = data["council"].get("shares_staff_with")
            if partner:
                council = councils[data["council"]["slug"]]
                other = councils.get(partner) or Council.objects.filter(slug=partner).first()
                if other is not None and council.shares_staff_with_id != other.pk:
                    council.shares_staff_with = other
                    council.save(update_fields=["shares_staff_with"])
    return report
