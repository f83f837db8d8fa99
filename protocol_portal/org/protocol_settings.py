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
"default"). Python keeps the engines; which way each goes is the council's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WARD_NOTICE_CHOICES = ("none", "unnamed", "named")
CLOCK_DAY_ONE_CHOICES = ("next_working_day", "receipt_day")
ENQUIRY_FLAGS = ("legal_proceedings", "urgent", "cross_directorate", "policy", "routine")
# Who may make a member's enquiry known to other members (the engine: enquiries/confidentiality):
# requester_permits_copies — confidential; only the member who raised it copies others in;
# shared_unless_agreed — may be shared with other members (by the member or the officers
#   handling it) unless it was agreed to keep it confidential (001 §5.3.9.2);
# either_may_release — confidential unless the member or the officer handling it says otherwise
#   (004 §14.2): either may release it and copy others in.
CONFIDENTIALITY_CHOICES = ("requester_permits_copies", "shared_unless_agreed", "either_may_release")


@dataclass(frozen=True)
class Spec:
    default: Any
    help: str
    check: Callable[[Any, dict[str, Any]], str | None]


def _choice(choices: tuple[str, ...]) -> Callable[[Any, dict[str, Any]], str | None]:
    def check(value: Any, data: dict[str, Any]) -> str | None:
        if value not in choices:
            return f"must be one of {', '.join(choices)}"
        return None

    return check


def _precedence(value: Any, data: dict[str, Any]) -> str | None:
    if not isinstance(value, list) or sorted(value) != sorted(ENQUIRY_FLAGS):
        return f"must list each of {', '.join(ENQUIRY_FLAGS)} once"
    if value[-1] != "routine":
        return "must end with routine"
    return None


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


SPECS: dict[str, Spec] = {
    "ward_notice": Spec(
        default="none",
        help="When an enquiry is about a ward other than the raiser's: none (the ward's "
        "members are not told), unnamed (told there is an enquiry about their ward and its "
        "service area, not who raised it), named (told who raised it).",
        check=_choice(WARD_NOTICE_CHOICES),
    ),
    "enquiry_precedence": Spec(
        default=list(ENQUIRY_FLAGS),
        help="Which enquiry flag decides the route when several are set, first wins.",
        check=_precedence,
    ),
    "clock_day_one": Spec(
        default="next_working_day",
        help="Day one of a council clock: the first working day after receipt "
        "(next_working_day), or the day of receipt itself, or the next working day when "
        "received on a non-working day (receipt_day). The FOI clock is set by statute "
        "(FOIA s.10(1)): always next_working_day.",
        check=_choice(CLOCK_DAY_ONE_CHOICES),
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
    ),
    "duplicate_check": Spec(
        default="warn",
        help="When a member logs an enquiry like one of theirs still open (same service area, "
        "similar subject): ask them to add to the open one or confirm it is different (warn), "
        "or log it without asking (off).",
        check=_choice(("warn", "off")),
    ),
    "complaint_acknowledgement": Spec(
        default="action_or_time",
        help="What a complaint's acknowledgement must say: whether the handler will take action "
        "or how long they need to investigate, with the date of the outcome (action_or_time), "
        "or that it was received, with the date of the outcome (receipt).",
        check=_choice(("action_or_time", "receipt")),
    ),
    "breach_summary": Spec(
        default="quarterly",
        help="Whether the portal writes a summary of the quarter's alleged breaches by members "
        "for the Standards Committee at each quarter's end (quarterly), or not (none).",
        check=_choice(("quarterly", "none")),
    ),
    "public_inspection": Spec(
        default=False,
        help="Whether member–officer correspondence released from confidence is open to the "
        "inspection of the public, save where it relates to legal proceedings, contractual "
        "matters, exempt information or would conflict with data protection (true), or never "
        "(false). The enquiry page marks which, and why.",
        check=lambda value, data: None if isinstance(value, bool) else "must be true or false",
    ),
    "subject_responds_first": Spec(
        default=[],
        help="Complaint rules at whose stage the person complained about gives their own "
        "written response (003 §69: the chief executive) before the next stage; elsewhere the "
        "person complained about never handles the complaint.",
        check=_rule_keys,
    ),
    "next_stage_when_upheld": Spec(
        default=[],
        help="Complaint rules whose next stage follows when the complaint is upheld (003 §66: "
        "upheld → the chief executive), not when the complainant is dissatisfied.",
        check=_rule_keys,
    ),
    "officer_for": Spec(
        default={},
        help="Which officer post handles a route to 'an officer of the directorate': keys are "
        "service-area slugs (of an enquiry or a need-to-know request) or case types (foi, "
        "access_request, enquiry); values are post slugs.",
        check=_officer_for,
    ),
}


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
