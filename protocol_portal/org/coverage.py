"""The coverage map: every paragraph of a council's protocol, and how the portal treats it.

Each protocol text has one **paragraph index**, `fixtures/protocols/<code>.yaml` (a protocol shared
by two councils, 002, is indexed once). A council file names its protocol (`council.protocol`),
so the council's map is its protocol's index. Every paragraph in the index is classified:

- `enforced`: a routing rule of the council file (`rules`) or an engine in Python (`engine`) does
  what the paragraph says, and `tests` name the tests that prove it;
- `reading`: the text is ambiguous or dated and the portal enforces a reading it chose (`reason`);
- `guidance`: a principle or expectation of conduct that no system can enforce;
- `out-of-scope`: a concrete rule, but outside the portal's case types (group meetings, press,
  facilities, appointments, scrutiny, surgeries);
- `not-yet`: in scope but not enforced, or enforced wrongly (`reason` says which and why).

`index_problems` and `council_problems` are what CI checks (tests/org/test_coverage_map.py):
no paragraph unclassified, no rule citing a paragraph the index lacks, no enforced entry naming a
test that does not exist. Pure apart from reading files: no ORM here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

PROTOCOLS_DIR = Path(settings.BASE_DIR) / "fixtures" / "protocols"
STATUSES = {
    "enforced": "Enforced",
    "reading": "A reading the portal chose",
    "guidance": "Guidance",
    "out-of-scope": "Outside the portal's case types",
    "not-yet": "Not enforced yet",
}
STATUS_COLOURS = {
    "enforced": "green",
    "reading": "turquoise",
    "guidance": "grey",
    "out-of-scope": "grey",
    "not-yet": "red",
}
# The portal's case types, as the map counts them (FOI is counted with need-to-know access).
# Named in the singular: the kernel names no case app, not even in a label (tests/casework/
# test_kit.py).
CASE_TYPES = {
    "enquiry": "Member enquiry",
    "complaint": "Complaint or concern",
    "interest": "Relationship or interest",
    "access_request": "Need-to-know request or FOI",
}
IN_SCOPE = {"enforced", "reading", "not-yet"}
COVERED = {"enforced", "reading"}
FIELDS = {
    "number",
    "summary",
    "status",
    "case_type",
    "rules",
    "engine",
    "tests",
    "reason",
    "unnumbered",
}


@dataclass(frozen=True)
class Paragraph:
    number: str
    summary: str
    status: str
    case_type: str = ""
    rules: tuple[str, ...] = ()
    engine: str = ""
    tests: tuple[str, ...] = ()
    reason: str = ""
    unnumbered: bool = False
    unknown: tuple[str, ...] = ()  # fields no code reads: a typo, refused by the check

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


@dataclass
class ProtocolIndex:
    code: str
    title: str
    text: str
    paragraphs: list[Paragraph]
    path: Path | None = None
    numbers: dict[str, Paragraph] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.numbers = {p.number: p for p in self.paragraphs}


def index_path(code: str) -> Path:
    return PROTOCOLS_DIR / f"{code}.yaml"


def read_index(path: Path) -> ProtocolIndex:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return index_from(data, path=path)


def index_from(data: dict[str, Any], *, path: Path | None = None) -> ProtocolIndex:
    paragraphs = []
    for item in data.get("paragraphs") or []:
        item = item if isinstance(item, dict) else {}
        paragraphs.append(
            Paragraph(
                number=str(item.get("number", "")).strip(),
                summary=str(item.get("summary") or "").strip(),
                status=str(item.get("status") or "").strip(),
                case_type=str(item.get("case_type") or "").strip(),
                rules=tuple(str(r) for r in item.get("rules") or ()),
                engine=str(item.get("engine") or "").strip(),
                tests=tuple(str(t) for t in item.get("tests") or ()),
                reason=str(item.get("reason") or "").strip(),
                unnumbered=bool(item.get("unnumbered")),
                unknown=tuple(sorted(str(k) for k in set(item) - FIELDS)),
            )
        )
    return ProtocolIndex(
        code=str(data.get("protocol", "")),
        title=str(data.get("title") or ""),
        text=str(data.get("text") or ""),
        paragraphs=paragraphs,
        path=path,
    )


@lru_cache(maxsize=16)
def _cached(path: str, mtime: float) -> ProtocolIndex:
    return read_index(Path(path))


def index_for(code: str) -> ProtocolIndex | None:
    """The paragraph index of a protocol, or None if it has none (re-read when the file changes)."""
    path = index_path(code)
    if not path.exists():
        return None
    return _cached(str(path), path.stat().st_mtime)


# ---- citations -------------------------------------------------------------------------------

_PART = re.compile(r"^\s*(?P<code>\d{3})\s+(?P<rest>§.*)$")
_NUMBER = re.compile(
    r"§\s*(?P<num>\d+(?:\.\d+)*(?:\([ivx]+\)|[a-z](?![a-z]))?(?:\s*'[^']*'\s*[a-z]\b)?)"
    r"(?:\s*[–-]\s*§?(?P<to>\d+))?"
)


def normalise(number: str) -> str:
    return re.sub(r"[\"‘’“”]", "'", number).strip()


def citations(source: str) -> list[tuple[str, str]] | None:
    """The (protocol, paragraph) pairs a `source` cites; [] for "default"; None if unreadable.

    "004 §16.1; 004 §11.3", "002 §31, §77", "003 §58–60" (a range), "000 §7.6(ii)",
    "000 §5 'As a Member' b"."""
    text = (source or "").strip()
    if not text:
        return None
    if text.lower().startswith("default"):
        return []
    found: list[tuple[str, str]] = []
    for part in text.split(";"):
        match = _PART.match(part)
        if match is None:
            return None
        code = match.group("code")
        numbers = list(_NUMBER.finditer(match.group("rest")))
        if not numbers:
            return None
        for number in numbers:
            first, to = normalise(number.group("num")), number.group("to")
            if to and first.isdigit() and int(to) >= int(first):
                found.extend((code, str(n)) for n in range(int(first), int(to) + 1))
            else:
                found.append((code, first))
    return found


def resolves(number: str, index: ProtocolIndex) -> bool:
    """A cited number is in the index, or names a paragraph whose parts the index lists ("7.2"
    for 7.2a and 7.2b, "7.6" for 7.6(i)–(iv))."""
    number = normalise(number)
    if number in index.numbers:
        return True
    return any(
        n.startswith(number) and not re.match(r"[\d.]", n[len(number) :]) for n in index.numbers
    )


def citation_problems(source: str, protocol: str, index: ProtocolIndex, where: str) -> list[str]:
    cited = citations(source)
    if cited is None:
        return [f"{where}: cannot read the citation {source!r}"]
    problems = []
    for code, number in cited:
        if code != protocol:
            problems.append(f"{where}: cites {code} §{number}, not its own protocol {protocol}")
        elif not resolves(number, index):
            problems.append(f"{where}: cites {code} §{number}, which the paragraph index lacks")
    return problems


# ---- checks ---------------------------------------------------------------------------------


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return names


def defined_test(test_id: str, base_dir: Path | None = None) -> bool:
    """`tests/org/test_x.py::test_name` (or `::Class::test_name`) is defined in that file."""
    file, _, name = test_id.partition("::")
    path = Path(base_dir or settings.BASE_DIR) / file
    if not name or not file.startswith("tests/") or not path.is_file():
        return False
    return name in _test_names(path)


def index_problems(index: ProtocolIndex, *, base_dir: Path | None = None) -> list[str]:
    """Every way the index falls short: an unclassified or unsummarised paragraph, a paragraph
    listed twice, an enforced entry without its means or tests, or naming a missing test."""
    name = index.path.name if index.path else index.code
    problems = [] if index.paragraphs else [f"{name}: no paragraphs"]
    seen: set[str] = set()
    for p in index.paragraphs:
        where = f"{name} §{p.number or '?'}"
        if not p.number:
            problems.append(f"{name}: a paragraph has no number")
        elif p.number in seen:
            problems.append(f"{where}: listed twice")
        seen.add(p.number)
        problems.extend(_paragraph_problems(p, where, base_dir))
    return problems


def _paragraph_problems(p: Paragraph, where: str, base_dir: Path | None) -> list[str]:
    problems = [] if p.summary else [f"{where}: no summary"]
    if p.unknown:
        problems.append(f"{where}: fields no code reads: {', '.join(p.unknown)}")
    if p.status not in STATUSES:
        return [*problems, f"{where}: unclassified (status {p.status!r})"]
    if p.status in IN_SCOPE and p.case_type not in CASE_TYPES:
        problems.append(f"{where}: {p.status} needs a case_type, one of {sorted(CASE_TYPES)}")
    if p.status not in IN_SCOPE and (p.rules or p.engine or p.tests):
        problems.append(f"{where}: {p.status} names rules, an engine or tests")
    if p.status == "enforced" and not (p.rules or p.engine):
        problems.append(f"{where}: enforced by what? (rules or engine)")
    if p.status == "enforced" and not p.tests:
        problems.append(f"{where}: enforced, but no test is named")
    if p.status in ("reading", "not-yet") and not p.reason:
        problems.append(f"{where}: {p.status} needs a reason")
    problems.extend(
        f"{where}: names a test that does not exist: {t}"
        for t in p.tests
        if not defined_test(t, base_dir)
    )
    return problems


def council_problems(data: dict[str, Any], index: ProtocolIndex) -> list[str]:
    """A council file against its protocol's index: every cited paragraph is in the index, and
    every rule the index says enforces a paragraph is in the file."""
    name = (data.get("council") or {}).get("slug", "?")
    protocol = str((data.get("council") or {}).get("protocol", ""))
    problems = []
    for rule in data.get("routing") or []:
        problems.extend(
            citation_problems(
                str(rule.get("source") or ""), protocol, index, f"{name} rule {rule.get('key')}"
            )
        )
    for key, spec in (data.get("limits") or {}).items():
        if isinstance(spec, dict):
            problems.extend(
                citation_problems(str(spec.get("source") or ""), protocol, index, f"{name} {key}")
            )
    for ladder in data.get("chasers") or []:
        for rung in ladder.get("rungs") or []:
            where = f"{name} {ladder.get('case_type')} rung {rung.get('key')}"
            problems.extend(
                citation_problems(str(rung.get("source") or ""), protocol, index, where)
            )
    for key, section in data.items():
        if isinstance(section, dict) and "source" in section and key not in ("council", "limits"):
            problems.extend(
                citation_problems(str(section["source"]), protocol, index, f"{name} {key}")
            )
    keys = {str(rule.get("key")) for rule in data.get("routing") or []}
    for p in index.paragraphs:
        problems.extend(
            f"{name}: §{p.number} names rule {key!r}, which the council file lacks"
            for key in p.rules
            if key not in keys
        )
    return problems


# ---- the numbers at the top of the map ---------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    case_type: str
    label: str
    enforced: int
    reading: int
    not_yet: int

    @property
    def total(self) -> int:
        return self.enforced + self.reading + self.not_yet

    @property
    def covered(self) -> int:
        return self.enforced + self.reading

    @property
    def percent(self) -> int | None:
        # Rounded down: 125 of 126 is 99%, never a flattering 100%.
        return (100 * self.covered) // self.total if self.total else None


def coverage(index: ProtocolIndex) -> list[Coverage]:
    """Per case type, then "All case types": in-scope paragraphs enforced or read, of all
    in-scope paragraphs (guidance and out-of-scope paragraphs are not counted)."""
    rows = []
    for case_type, label in [*CASE_TYPES.items(), ("", "All case types")]:
        chosen = [
            p
            for p in index.paragraphs
            if p.status in IN_SCOPE and (not case_type or p.case_type == case_type)
        ]
        rows.append(
            Coverage(
                case_type=case_type,
                label=label,
                enforced=sum(p.status == "enforced" for p in chosen),
                reading=sum(p.status == "reading" for p in chosen),
                not_yet=sum(p.status == "not-yet" for p in chosen),
            )
        )
    return rows
