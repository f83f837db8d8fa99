"""The council file's JSON Schema (draft 2020-12), built in code from the portal's own tables.

Every object is closed (`additionalProperties: false`): a field that no code reads is an error,
not a silent no-op. The `settings:` section takes each setting's `value` schema from its
`protocol_settings.Spec.schema` inside the common {value, source, reading} envelope; a section an
app registers (`council_files.section_register`) brings its own `Section.schema`. Either may be
missing: the value (or section) then accepts anything and only its hand-written check applies.

What a schema cannot say (a post slug that exists, a rule key that exists, no routing cycles)
stays in `council_files.validate` and the checks it calls, which run once the schema passes.

`schema()` is the whole file; `settings_schema()` the `settings:` section alone (also what
`Council.protocol_settings` holds, checked on save in the admin); `errors()` turns a validation
into "file: path: message" lines; `reference_markdown()` writes SCHEMA.md's reference part
(`manage.py council_schema`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from protocol_portal.org import protocol_settings, routing
from protocol_portal.org.models import CalendarKind, CaseType, Nation, PostKind

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SLUG = {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[a-z0-9][a-z0-9_-]*$"}
SOURCE = {
    "type": "string",
    "minLength": 1,
    "description": 'The protocol paragraph it rests on ("004 §11.3"), or "default".',
}
TEXT = {"type": "string"}
NULLABLE_SLUG = {"type": ["string", "null"], "maxLength": 50}


def _obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), description: str = ""
) -> dict[str, Any]:
    """A closed object: only the named properties."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def _d(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description}


def _list(items: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def _council() -> dict[str, Any]:
    return _obj(
        {
            "slug": _d(SLUG, "The council's short name, used in URLs and as the file's name."),
            "name": _d({"type": "string", "minLength": 1}, "The council's full name."),
            "nation": _d({"enum": Nation.values}, "Which nation's law and bank holidays apply."),
            "protocol": _d(
                {"type": "string", "pattern": "^[0-9]{3}$"},
                'Which protocol text the rules come from ("004"; quoted, three digits).',
            ),
            "shares_staff_with": _d(
                NULLABLE_SLUG,
                "Slug of a council whose staff (people) are shared with this one, or null.",
            ),
        },
        ("slug", "name", "nation", "protocol"),
        "Who the council is.",
    )


def _limit(extra: dict[str, Any] | None = None, description: str = "") -> dict[str, Any]:
    return _obj(
        {
            "value": _d({"type": "integer", "minimum": 0}, "The number."),
            "source": SOURCE,
            **(extra or {}),
        },
        ("value", "source"),
        description,
    )


LIMIT_DESCRIPTIONS = {
    "enquiry_working_days": "Working days to answer a member's enquiry.",
    "complaint_ack_days": "Days to acknowledge a complaint (counted by `calendar`).",
    "need_to_know_working_days": "Working days to decide a need-to-know request.",
    "foi_working_days": "Working days to answer an FOI request.",
    "enquiry_reopen_window_days": "Working days within which a member may reopen an answer.",
    "gifts_threshold_pounds": "Gifts and hospitality worth at least this (£) are registered.",
}


def _limits() -> dict[str, Any]:
    from protocol_portal.org.council_files import LIMIT_FIELDS

    calendar = {
        "calendar": _d(
            {"enum": CalendarKind.values}, "How the days are counted (calendar by default)."
        )
    }
    return _obj(
        {
            key: _limit(
                calendar if key == "complaint_ack_days" else None,
                LIMIT_DESCRIPTIONS.get(key, ""),
            )
            for key in LIMIT_FIELDS
        },
        description="The council's time limits, each with the paragraph it rests on; a limit "
        "left out keeps the portal's default.",
    )


def _setting(key: str, spec: protocol_settings.Spec) -> dict[str, Any]:
    value = dict(spec.schema) if spec.schema is not None else {}
    return _obj(
        {
            "value": value,
            "source": SOURCE,
            "reading": _d(TEXT, "Where the text is ambiguous: the reading chosen, in words."),
        },
        ("value", "source"),
        spec.help,
    )


def settings_schema() -> dict[str, Any]:
    """The `settings:` section, and `Council.protocol_settings`."""
    return _obj(
        {key: _setting(key, spec) for key, spec in protocol_settings.SPECS.items()},
        description="The protocol's choices that are not routing rules, each with the "
        "paragraph it rests on; a setting left out takes the portal default.",
    )


def _directorates() -> dict[str, Any]:
    return _list(
        _obj(
            {
                "slug": SLUG,
                "name": _d({"type": "string", "minLength": 1}, "Its name."),
                "service_areas": _list(
                    {"type": "string", "minLength": 1},
                    "Names of its service areas (their slugs are made from the names).",
                ),
            },
            ("slug", "name"),
        ),
        "The council's directorates.",
    )


def _posts() -> dict[str, Any]:
    return _list(
        _obj(
            {
                "slug": SLUG,
                "title": _d({"type": "string", "minLength": 1}, "The post's title."),
                "kind": _d({"enum": PostKind.values}, "What routing rules name it by."),
                "directorate": _d(NULLABLE_SLUG, "Slug of its directorate, or null."),
                "line_manager": _d(NULLABLE_SLUG, "Slug of its line manager's post, or null."),
                "deputy": _d(
                    NULLABLE_SLUG, "Slug of the post that acts when this one is vacant, or null."
                ),
            },
            ("slug", "title", "kind"),
        ),
        "Posts are routed to; a person holds a post (seeded separately, or in the admin).",
    )


def _named(extra: dict[str, Any], description: str) -> dict[str, Any]:
    return _list(
        _obj({"slug": SLUG, "name": {"type": "string", "minLength": 1}, **extra}, ("slug", "name")),
        description,
    )


RELATION_DESCRIPTION = (
    "council (the council-wide post of that kind), case_directorate (in the directorate the "
    "case is about), subject_directorate (in the directorate of the person concerned), "
    "subject_line_manager (the line manager of the person concerned), raiser_directorate, "
    "raiser_line_manager, raiser_group (member role in the raiser's political group), "
    "subject_group (member role in the subject member's group), all_groups (that member role "
    "in every group)."
)


def _ref(description: str) -> dict[str, Any]:
    return _obj(
        {
            "kind": _d(
                {"enum": [*PostKind.values, *sorted(routing.MEMBER_ROLE_KINDS)]},
                "A post kind, or a member role.",
            ),
            "of": _d({"enum": sorted(routing.RELATIONS)}, RELATION_DESCRIPTION),
            "post": _d(SLUG, "Optional: one post's slug, where the protocol names one of several."),
        },
        ("kind",),
        description,
    )


def _routing() -> dict[str, Any]:
    nullable_text = {"type": ["string", "null"]}
    return _list(
        _obj(
            {
                "key": _d(SLUG, "The rule's name, unique in the file."),
                "case_type": _d({"enum": CaseType.values}, "The kind of case."),
                "raised_by": _d(
                    {"enum": ["member", "officer", routing.ANY]}, "Who raised it (any by default)."
                ),
                "concerning": _d(
                    {"type": "string", "minLength": 1},
                    "What or whom the case concerns (any by default; see 'Routing rules').",
                ),
                "stage": _d(
                    {"type": "string", "minLength": 1},
                    "first (by default) for the opening stage; later stages in the council's "
                    "own words, reached through next_stage.",
                ),
                "handler": _ref("Who handles it."),
                "copied": _list(_ref(""), "Who is copied in."),
                "deadline": _d(
                    {
                        "type": ["object", "null"],
                        "properties": {
                            "days": {"type": "integer", "minimum": 1},
                            "calendar": {"enum": sorted(routing.CALENDARS)},
                        },
                        "required": ["days"],
                        "additionalProperties": False,
                    },
                    "days and calendar (working: council working days, calendar: calendar "
                    "days, foi: FOIA s.10(6) working days), or null.",
                ),
                "next_stage": _d(
                    nullable_text, "The stage this goes to next, or null (final stage)."
                ),
                "informal_first": _d(
                    nullable_text,
                    "What the form shows when the council expects an informal attempt first.",
                ),
                "source": SOURCE,
                "note": _d(TEXT, "What the rule does, in words."),
            },
            ("key", "case_type", "handler", "source"),
        ),
        "For (case type, who raised it, what it concerns, stage): who handles it, who is "
        "copied, the deadline, the next stage. The most specific rule wins.",
    )


def _chasers() -> dict[str, Any]:
    from protocol_portal.org.council_files import NOTIFY_TOKENS

    rung = _obj(
        {
            "key": SLUG,
            "offset_working_days": _d(
                {"type": "integer"}, "Working days from the due date (negative: before it)."
            ),
            "notify": _d(
                {"type": "array", "items": {"enum": sorted(NOTIFY_TOKENS)}, "minItems": 1},
                "Who is told.",
            ),
            "source": SOURCE,
        },
        ("key", "offset_working_days", "notify", "source"),
    )
    return _list(
        _obj(
            {
                "case_type": _d({"enum": CaseType.values}, "The clocks this ladder chases."),
                "rungs": _list(rung, "In increasing order of offset."),
            },
            ("case_type", "rungs"),
        ),
        "The chaser ladder for the clocks of each case type.",
    )


def schema() -> dict[str, Any]:
    """The whole council file. Built on each call: apps register sections and settings."""
    from protocol_portal.org.council_files import SECTIONS

    properties: dict[str, Any] = {
        "council": _council(),
        "limits": _limits(),
        "settings": settings_schema(),
        "directorates": _directorates(),
        "posts": _posts(),
        "wards": _named({}, "The council's wards."),
        "groups": _named(
            {"administration": _d({"type": "boolean"}, "true for the group in power.")},
            "Political groups.",
        ),
        "committees": _named(
            {
                "scrutiny": {"type": "boolean"},
                "executive": {"type": "boolean"},
                "terms_of_reference": {"type": ["string", "null"]},
                "staff_directorates": _d(
                    {"type": "array", "items": SLUG},
                    "Directorates whose staff the committee is responsible for (relationship "
                    "bars on a committee seat: 004 §3.3, 000 §10.5).",
                ),
                "all_staff": _d(
                    {"type": "boolean"},
                    "true if the committee is responsible for all the council's staff.",
                ),
            },
            "Committees.",
        ),
        "routing": _routing(),
        "chasers": _chasers(),
    }
    for key, section in SECTIONS.items():
        fragment = dict(section.schema) if section.schema is not None else {}
        if section.description and "description" not in fragment:
            fragment["description"] = section.description
        properties[key] = fragment
    return {
        "$schema": DIALECT,
        "$id": "https://protocol-portal.example/council-file.schema.json",
        "title": "Protocol Portal council file (fixtures/councils/<slug>.yaml)",
        **_obj(properties, ("council",)),
    }


def settings_without_schema() -> list[str]:
    """Settings whose Spec has no `schema` yet (their value accepts anything)."""
    return sorted(key for key, spec in protocol_settings.SPECS.items() if spec.schema is None)


def sections_without_schema() -> list[str]:
    from protocol_portal.org.council_files import SECTIONS

    return sorted(key for key, section in SECTIONS.items() if section.schema is None)


# -- readable messages ---------------------------------------------------------------------


def _where(error: ValidationError, root: Any) -> str:
    """`routing[complaint-x].handler.kind`: list items named by their key or slug."""
    parts: list[str] = []
    node = root
    for step in error.absolute_path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            name = item.get("key") or item.get("slug") if isinstance(item, dict) else None
            parts.append(f"[{name}]" if isinstance(name, str) else f"[{step}]")
        else:
            parts.append(f".{step}" if parts else str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)


TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _message(error: ValidationError) -> str:
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties") or {})
        unknown = ", ".join(repr(k) for k in sorted(map(str, set(instance) - known)))
        return f"unknown field {unknown} (no code reads it)"
    if kind == "required":
        return error.message.replace("is a required property", "is missing")
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return f"must be {' or '.join(TYPE_WORDS.get(t, t) for t in wanted)}, not {instance!r}"
    if kind == "enum":
        return f"{instance!r} must be one of {', '.join(map(str, expected))}"
    if kind == "maxLength":
        return f"{instance!r} is longer than {expected} characters"
    if kind == "minLength" and expected == 1:
        return "must not be empty"
    return error.message


def errors(value: Any, against: dict[str, Any], name: str, prefix: str = "") -> list[str]:
    """Every schema problem with `value`, as "name: path: message" lines, in file order."""
    found: Iterator[ValidationError] = Draft202012Validator(against).iter_errors(value)
    lines = []
    for error in sorted(found, key=lambda e: [str(p) for p in e.absolute_path]):
        where = _where(error, value)
        where = ".".join(p for p in (prefix, where) if p)
        lines.append(
            f"{name}: {where}: {_message(error)}" if where else f"{name}: {_message(error)}"
        )
    return lines


# -- SCHEMA.md ------------------------------------------------------------------------------

BEGIN = "<!-- BEGIN GENERATED by `manage.py council_schema`: do not edit below -->"
END = "<!-- END GENERATED -->"


def _type(node: dict[str, Any]) -> str:
    if not node:
        return "any"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    types = node.get("type")
    types = types if isinstance(types, list) else [types] if types else []
    words = []
    for t in types:
        if t == "array":
            words.append(f"list of {_type(node.get('items') or {})}")
        elif t == "object" and isinstance(node.get("additionalProperties"), dict):
            words.append(f"mapping of text → {_type(node['additionalProperties'])}")
        elif t == "object":
            words.append("mapping")
        else:
            words.append(t)
    text = " or ".join(words) or "any"
    if node.get("pattern"):
        text += f" (`{node['pattern']}`)"
    return text


def _rows(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(dotted field path, schema, required) for every field under an object or a list."""
    if node.get("type") == "array" or (
        isinstance(node.get("type"), list) and "array" in node["type"]
    ):
        yield from _rows(node.get("items") or {}, f"{path}[]")
        return
    required = set(node.get("required") or [])
    for key, child in (node.get("properties") or {}).items():
        here = f"{path}.{key}" if path else key
        yield here, child, key in required
        if child.get("properties") or (child.get("items") or {}).get("properties"):
            yield from _rows(child, here)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(node: dict[str, Any]) -> list[str]:
    lines = ["| field | type | required | description |", "| --- | --- | --- | --- |"]
    for path, child, required in _rows(node, ""):
        lines.append(
            f"| `{path}` | {_type(child)} | {'yes' if required else ''} | "
            f"{_cell(child.get('description', ''))} |"
        )
    return lines


def reference_markdown() -> str:
    """SCHEMA.md's generated part: each section, its fields, their types and descriptions."""
    whole = schema()
    lines = [
        "## Reference",
        "",
        "Generated from `protocol_portal/org/council_schema.py` (regenerate with "
        "`manage.py council_schema`; `manage.py council_schema --json` prints the JSON Schema "
        "for an editor). Every mapping is closed: a field not listed here fails validation. "
        f"Required at the top: {', '.join(f'`{k}`' for k in whole['required'])}.",
    ]
    for key, node in whole["properties"].items():
        lines += ["", f"### `{key}`", ""]
        if node.get("description"):
            lines += [_cell(node["description"]), ""]
        if key == "settings":
            lines += [
                "Each setting is `{value, source, reading}`: `source` is required (the "
                "paragraph, or `default`), `reading` optional.",
                "",
                "| setting | value | description |",
                "| --- | --- | --- |",
            ]
            for name, setting in node["properties"].items():
                value = setting["properties"]["value"]
                lines.append(
                    f"| `{name}` | {_type(value)} | {_cell(setting.get('description', ''))} |"
                )
            continue
        if not node or set(node) == {"description"}:
            lines.append("No schema fragment yet: only its app's own checks apply.")
            continue
        if not node.get("properties") and not (node.get("items") or {}).get("properties"):
            lines.append(f"Type: {_type(node)}.")
            continue
        lines += _table(node)
    return "\n".join(lines) + "\n"


def markdown_with_reference(current: str) -> str:
    """`current` (SCHEMA.md) with its generated part replaced (appended if it has none)."""
    block = f"{BEGIN}\n\n{reference_markdown()}\n{END}\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        return head + block + (("\n" + tail) if tail else "")
    return current.rstrip("\n") + "\n\n" + block


def as_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
