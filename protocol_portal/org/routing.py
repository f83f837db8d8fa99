"""Pure routing: resolve a route from case facts and rule rows. No ORM in here.

A rule matches when each of case type, raiser, concerning and stage equals the fact or is
"any"; the most specific match wins (a named value beats "any"). Two equally specific matches
are a configuration error, caught by `validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ANY = "any"
FIRST_STAGE = "first"

# Relations a handler or copy can be resolved through (see fixtures/councils/SCHEMA.md).
RELATIONS = frozenset(
    {
        "council",
        "case_directorate",
        "subject_directorate",
        "subject_line_manager",
        "raiser_directorate",
        "raiser_line_manager",
        "raiser_group",
        "subject_group",
        "all_groups",
    }
)
# Member roles a rule may name instead of a post kind.
MEMBER_ROLE_KINDS = frozenset(
    {"leader", "group_leader", "whip", "committee_chair", "standards_committee"}
)
CALENDARS = frozenset({"working", "calendar", "foi"})


class RoutingError(LookupError):
    """No rule, or more than one equally specific rule, matches the facts."""


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post kind (or member role) relative to the case, e.g. director of subject_directorate."""

    kind: str
    of: str = "council"
    post: str = ""  # a named post's slug, where the protocol names one post of several

    def __str__(self) -> str:
        named = f" {self.post}" if self.post else ""
        return f"{self.kind}{named} ({self.of.replace('_', ' ')})"


@dataclass(frozen=True, slots=True)
class RuleRow:
    key: str
    case_type: str
    raised_by: str
    concerning: str
    stage: str
    handler: PostRef
    copied: tuple[PostRef, ...] = ()
    deadline_days: int | None = None
    deadline_calendar: str = "working"
    next_stage: str = ""
    informal_first: str = ""
    source: str = ""
    note: str = ""

    def matches(self, facts: Facts) -> bool:
        return (
            self.case_type == facts.case_type
            and self.raised_by in (ANY, facts.raised_by)
            and self.concerning in (ANY, facts.concerning)
            and self.stage in (ANY, facts.stage)
        )

    @property
    def specificity(self) -> int:
        return sum(value != ANY for value in (self.raised_by, self.concerning, self.stage))

    @property
    def scenario(self) -> tuple[str, str, str, str]:
        return (self.case_type, self.raised_by, self.concerning, self.stage)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the portal knows about a case when routing it."""

    case_type: str
    raised_by: str = ANY
    concerning: str = ANY
    stage: str = FIRST_STAGE


@dataclass(frozen=True, slots=True)
class Route:
    """Where a case goes: handler, copies, deadline, next stage, and why."""

    rule_key: str
    handler: PostRef
    copied: tuple[PostRef, ...]
    deadline_days: int | None
    deadline_calendar: str
    next_stage: str
    informal_first: str
    source: str
    note: str = ""
    candidates: tuple[str, ...] = field(default=())

    @property
    def is_final(self) -> bool:
        return not self.next_stage


def resolve(rules: Iterable[RuleRow], facts: Facts) -> Route:
    """Return the route of the most specific rule matching the facts."""
    matching = [rule for rule in rules if rule.matches(facts)]
    if not matching:
        raise RoutingError(f"No routing rule for {facts}.")
    matching.sort(key=lambda rule: rule.specificity, reverse=True)
    best = matching[0]
    if len(matching) > 1 and matching[1].specificity == best.specificity:
        raise RoutingError(
            f"Rules {best.key!r} and {matching[1].key!r} both match {facts} equally."
        )
    return Route(
        rule_key=best.key,
        handler=best.handler,
        copied=best.copied,
        deadline_days=best.deadline_days,
        deadline_calendar=best.deadline_calendar,
        next_stage=best.next_stage,
        informal_first=best.informal_first,
        source=best.source,
        note=best.note,
        candidates=tuple(rule.key for rule in matching),
    )


def _check_row(rule: RuleRow, post_kinds: frozenset[str]) -> list[str]:
    errors = []
    if not rule.source.strip():
        errors.append(f"{rule.key}: every rule must cite its protocol paragraph (source).")
    for ref in (rule.handler, *rule.copied):
        if ref.of not in RELATIONS:
            errors.append(f"{rule.key}: unknown relation {ref.of!r}.")
        if ref.kind not in post_kinds and ref.kind not in MEMBER_ROLE_KINDS:
            errors.append(f"{rule.key}: the council has no post of kind {ref.kind!r}.")
    if rule.deadline_calendar not in CALENDARS:
        errors.append(f"{rule.key}: unknown calendar {rule.deadline_calendar!r}.")
    if rule.next_stage == rule.stage:
        errors.append(f"{rule.key}: next stage cannot be the same stage.")
    return errors


def _stage_successors(rule: RuleRow, rules: Sequence[RuleRow]) -> list[RuleRow]:
    """Rules that could handle the stage this rule hands on to."""
    facts = Facts(rule.case_type, rule.raised_by, rule.concerning, rule.next_stage)
    return [other for other in rules if other is not rule and other.matches(facts)]


def _find_cycle(rule: RuleRow, rules: Sequence[RuleRow]) -> list[str] | None:
    path = [rule.key]
    current = rule
    while current.next_stage:
        successors = _stage_successors(current, rules)
        if not successors:
            return None
        current = max(successors, key=lambda r: r.specificity)
        if current.key in path:
            return [*path, current.key]
        path.append(current.key)
    return None


def validate(
    rules: Sequence[RuleRow], post_kinds: Iterable[str], post_slugs: Iterable[str] | None = None
) -> list[str]:
    """Every problem with a council's rule set: unknown kinds, dead ends, cycles, ambiguity."""
    kinds = frozenset(post_kinds)
    slugs = frozenset(post_slugs) if post_slugs is not None else None
    errors: list[str] = []
    seen_keys: set[str] = set()
    seen_scenarios: dict[tuple[str, str, str, str], str] = {}
    for rule in rules:
        if rule.key in seen_keys:
            errors.append(f"{rule.key}: the key is used twice.")
        seen_keys.add(rule.key)
        if rule.scenario in seen_scenarios:
            errors.append(f"{rule.key}: same scenario as {seen_scenarios[rule.scenario]}.")
        seen_scenarios[rule.scenario] = rule.key
        errors.extend(_check_row(rule, kinds))
        for ref in (rule.handler, *rule.copied):
            if ref.post and slugs is not None and ref.post not in slugs:
                errors.append(f"{rule.key}: the council has no post {ref.post!r}.")
        if rule.next_stage and not _stage_successors(rule, rules):
            errors.append(f"{rule.key}: next stage {rule.next_stage!r} has no rule (a dead end).")
        cycle = _find_cycle(rule, rules)
        if cycle:
            errors.append(f"{rule.key}: stages go round in a loop: {' → '.join(cycle)}.")
    return errors
