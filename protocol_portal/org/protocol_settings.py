"""Per-council protocol settings: the choices a protocol makes that are not routing rules.

Each lives in the council file's `settings:` section with the paragraph it rests on, and in
`Council.protocol_settings` (edited in the admin, with history):

    settings:
      ward_notice: {value: none, source: "000 §7.19"}
      enquiry_precedence:
        value: [cross_directorate, legal_proceedings, urgent, policy, routine]
        source: "004 §12.5"
      clock_day_one: {value: next_working_day, source: "default"}
      officer_for:
        value: {contracts-and-procurement: procurement-officer, foi: information-officer}
        source: "default"

A setting missing from the file takes the portal default below (its source is then
"default"). Python keeps the engines; which way each goes is the council's. A new setting gives
its Spec a `schema` (the JSON Schema of its value; council_schema.py and SCHEMA.md use it) and
a `check` for what a schema cannot say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WARD_NOTICE_CHOICES = ("none", "unnamed", "named")
CLOCK_DAY_ONE_CHOICES = ("next_working_day", "receipt_day")
ENQUIRY_FLAGS = ("legal_proceedings", "urgent", "cross_directorate", "policy", "routine")
# Flags a council's protocol may add to its enquiries by listing them in its precedence: the
# enquiry forms offer them only there (002 §31: complex but predominately operational; 004 §17.1:
# advice on the protocol itself).
ENQUIRY_OPTIONAL_FLAGS = ("complex", "protocol_advice")
EXTRA_WORK_AUTHORITY_CHOICES = ("not_offered", "record", "pause_clock")
# Who may make a member's enquiry known to other members (the engine: enquiries/confidentiality):
# requester_permits_copies — confidential; only the member who raised it copies others in;
# shared_unless_agreed — may be shared with other members (by the member or the officers
#   handling it) unless it was agreed to keep it confidential (001 §5.3.9.2);
# either_may_release — confidential unless the member or the officer handling it says otherwise
#   (004 §14.2): either may release it and copy others in.
CONFIDENTIALITY_CHOICES = ("requester_permits_copies", "shared_unless_agreed", "either_may_release")


@dataclass(frozen=True)
class Spec:
    """One setting: its portal default, its help (the schema's description), a check of what a
    schema cannot say (names of posts and rules elsewhere in the file), and the JSON Schema of
    its `value` (protocol_portal/org/council_schema.py wraps it in the {value, source, reading}
    envelope; without one any value passes the schema and only `check` applies)."""

    default: Any
    help: str
    check: Callable[[Any, dict[str, Any]], str | None]
    schema: dict[str, Any] | None = None


def _choice(choices: tuple[str, ...]) -> Callable[[Any, dict[str, Any]], str | None]:
    def check(value: Any, data: dict[str, Any]) -> str | None:
        if value not in choices:
            return f"must be one of {', '.join(choices)}"
        return None

    return check


def _precedence(value: Any, data: dict[str, Any]) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"must list each of {', '.join(ENQUIRY_FLAGS)} once"
    required = sorted(v for v in value if v not in ENQUIRY_OPTIONAL_FLAGS)
    if required != sorted(ENQUIRY_FLAGS) or len(set(value)) != len(value):
        return (
            f"must list each of {', '.join(ENQUIRY_FLAGS)} once (and may add "
            f"{', '.join(ENQUIRY_OPTIONAL_FLAGS)})"
        )
    if value[-1] != "routine":
        return "must end with routine"
    return None


def _boolean(value: Any, data: dict[str, Any]) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _rule_keys(value: Any, data: dict[str, Any]) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of routing rule keys"
    if data:
        keys = {r.get("key") for r in data.get("routing") or []}
        unknown = sorted(set(value) - keys)
        if unknown:
            return f"names unknown rules {unknown}"
    return None


def _officer_for(value: Any, data: dict[str, Any]) -> str | None:
    if not isinstance(value, dict):
        return "must map service-area slugs or case types to post slugs"
    posts = {p.get("slug") for p in data.get("posts") or []} if data else None
    for key, post in value.items():
        if not isinstance(key, str) or not isinstance(post, str):
            return "must map names to post slugs"
        if posts is not None and post not in posts:
            return f"names unknown post {post!r}"
    return None


RULE_KEYS_SCHEMA = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def _stand_ins(value: Any, data: dict[str, Any]) -> str | None:
    problem = _rule_keys(list(value) if isinstance(value, dict) else None, data)
    if problem:
        return "must map routing rule keys to a handler {kind, of} or {post}" + (
            f" ({problem})" if "unknown" in problem else ""
        )
    posts = {p.get("slug") for p in data.get("posts") or []} if data else None
    for ref in value.values():
        if not isinstance(ref, dict) or not (ref.get("kind") or ref.get("post")):
            return "must give each rule a handler {kind, of} or {post}"
        if set(ref) - {"kind", "of", "post"}:
            return f"has unknown keys {sorted(set(ref) - {'kind', 'of', 'post'})}"
        if posts is not None and ref.get("post") and ref["post"] not in posts:
            return f"names unknown post {ref['post']!r}"
    return None


SPECS: dict[str, Spec] = {
    "ward_notice": Spec(
        default="none",
        help="When an enquiry is about a ward other than the raiser's: none (the ward's "
        "members are not told), unnamed (told there is an enquiry about their ward and its "
        "service area, not who raised it), named (told who raised it).",
        check=_choice(WARD_NOTICE_CHOICES),
        schema={"enum": list(WARD_NOTICE_CHOICES)},
    ),
    "enquiry_precedence": Spec(
        default=list(ENQUIRY_FLAGS),
        help="Which enquiry flag decides the route when several are set, first wins; listing "
        "complex or protocol_advice offers that flag on the council's forms.",
        check=_precedence,
        schema={
            "type": "array",
            "items": {"enum": [*ENQUIRY_FLAGS, *ENQUIRY_OPTIONAL_FLAGS]},
            "uniqueItems": True,
            "minItems": len(ENQUIRY_FLAGS),
            "maxItems": len(ENQUIRY_FLAGS) + len(ENQUIRY_OPTIONAL_FLAGS),
        },
    ),
    "clock_day_one": Spec(
        default="next_working_day",
        help="Day one of a council clock: the first working day after receipt "
        "(next_working_day), or the day of receipt itself, or the next working day when "
        "received on a non-working day (receipt_day). The FOI clock is set by statute "
        "(FOIA s.10(1)): always next_working_day.",
        check=_choice(CLOCK_DAY_ONE_CHOICES),
        schema={"enum": list(CLOCK_DAY_ONE_CHOICES)},
    ),
    "confidentiality": Spec(
        default="requester_permits_copies",
        help="Who may make a member's enquiry known to other members: only the member who "
        "raised it (requester_permits_copies); the member or the officers handling it, unless "
        "the member asked for it to be kept confidential (shared_unless_agreed); the member or "
        "the officer handling it, each releasing it from confidence (either_may_release). "
        "Those copied in read it but never the resident's reference or documents. Its source "
        "is the paragraph cited wherever the portal explains why a case is kept to them.",
        check=_choice(CONFIDENTIALITY_CHOICES),
        schema={"enum": list(CONFIDENTIALITY_CHOICES)},
    ),
    "legal_answer_process_only": Spec(
        default=False,
        help="Whether the answer to an enquiry about legal proceedings must be limited to "
        "comments on process: the officer confirms it when answering, and it is recorded "
        "(000 §13.4).",
        check=_boolean,
        schema={"type": "boolean"},
    ),
    "extra_work_authority": Spec(
        default="not_offered",
        help="Whether an officer may record that extra work a member asks for needs the "
        "authority of senior officers, the Cabinet, Council or a committee (004 §10.1.2): "
        "not_offered, record (the enquiry shows it awaits authority; the clock runs) or "
        "pause_clock (the clock stands still until the authority is decided).",
        check=_choice(EXTRA_WORK_AUTHORITY_CHOICES),
        schema={"enum": list(EXTRA_WORK_AUTHORITY_CHOICES)},
    ),
    "duplicate_check": Spec(
        default="warn",
        help="When a member logs an enquiry like one of theirs still open (same service area, "
        "similar subject): ask them to add to the open one or confirm it is different (warn), "
        "or log it without asking (off).",
        check=_choice(("warn", "off")),
        schema={"enum": ["warn", "off"]},
    ),
    "complaint_acknowledgement": Spec(
        default="action_or_time",
        help="What a complaint's acknowledgement must say: whether the handler will take action "
        "or how long they need to investigate, with the date of the outcome (action_or_time), "
        "or that it was received, with the date of the outcome (receipt).",
        check=_choice(("action_or_time", "receipt")),
        schema={"enum": ["action_or_time", "receipt"]},
    ),
    "breach_summary": Spec(
        default="quarterly",
        help="Whether the portal writes a summary of the quarter's alleged breaches by members "
        "for the Standards Committee at each quarter's end (quarterly), or not (none).",
        check=_choice(("quarterly", "none")),
        schema={"enum": ["quarterly", "none"]},
    ),
    "public_inspection": Spec(
        default=False,
        help="Whether member–officer correspondence released from confidence is open to the "
        "inspection of the public, save where it relates to legal proceedings, contractual "
        "matters, exempt information or would conflict with data protection (true), or never "
        "(false). The enquiry page marks which, and why.",
        check=_boolean,
        schema={"type": "boolean"},
    ),
    "subject_responds_first": Spec(
        default=[],
        help="Complaint rules at whose stage the person complained about gives their own "
        "written response (003 §69: the chief executive) before the next stage; elsewhere the "
        "person complained about never handles the complaint.",
        check=_rule_keys,
        schema=RULE_KEYS_SCHEMA,
    ),
    "next_stage_when_upheld": Spec(
        default=[],
        help="Complaint rules whose next stage follows when the complaint is upheld (003 §66: "
        "upheld → the chief executive), not when the complainant is dissatisfied.",
        check=_rule_keys,
        schema=RULE_KEYS_SCHEMA,
    ),
    "officer_for": Spec(
        default={},
        help="Which officer post handles a route to 'an officer of the directorate': keys are "
        "service-area slugs (of an enquiry), case types (foi, access_request, enquiry), or a case "
        "type in one directorate (access_request@<directorate-slug>); values are post slugs.",
        check=_officer_for,
        schema={"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
    ),
    "stand_in": Spec(
        default={},
        help="Complaint rules whose handler, when they cannot act (the person concerned, a "
        "declared relationship or interest, or vacant with nobody acting for the post), is "
        "replaced by another handler the protocol allows ({kind, of} or {post}), before the "
        "rule's next stage is tried.",
        check=_stand_ins,
    ),
}


def spec_register(key: str, spec: Spec) -> None:
    """A setting a case app reads (e.g. the interests app's relationship bars), registered in its
    AppConfig.ready so that the kernel validates it without importing the app."""
    SPECS[key] = spec


def validate(value: Any, data: dict[str, Any] | None, name: str, errors: list[str]) -> None:
    """Append a message for each problem with a council file's `settings:` section."""
    if not isinstance(value, dict):
        errors.append(f"{name}: settings must be a mapping")
        return
    for key, spec in value.items():
        if key not in SPECS:
            errors.append(f"{name}: unknown setting {key!r}")
            continue
        if not isinstance(spec, dict) or "value" not in spec:
            errors.append(f"{name}: setting {key!r} needs a value")
            continue
        if not spec.get("source"):
            errors.append(f"{name}: setting {key!r} must cite its source")
        unknown = set(spec) - {"value", "source", "reading"}
        if unknown:
            errors.append(f"{name}: setting {key!r} has unknown keys {sorted(unknown)}")
        problem = SPECS[key].check(spec["value"], data or {})
        if problem:
            errors.append(f"{name}: setting {key!r} {problem}")


def stored(value: dict[str, Any]) -> dict[str, Any]:
    """What `Council.protocol_settings` keeps for a file's `settings:` section."""
    return {
        key: {
            "value": spec["value"],
            "source": str(spec["source"]),
            **({"reading": " ".join(str(spec["reading"]).split())} if spec.get("reading") else {}),
        }
        for key, spec in value.items()
    }


def setting(council, key: str) -> Any:
    """The council's value for a setting, else the portal default."""
    entry = (getattr(council, "protocol_settings", None) or {}).get(key)
    if isinstance(entry, dict) and "value" in entry:
        return entry["value"]
    return SPECS[key].default


def setting_source(council, key: str) -> str:
    """The paragraph the council's setting rests on ("default" when it is the portal's)."""
    entry = (getattr(council, "protocol_settings", None) or {}).get(key)
    if isinstance(entry, dict) and entry.get("source"):
        return str(entry["source"])
    return "default"
