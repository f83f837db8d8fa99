"""The Monitoring Officer's register of determinations: every determination any case type records
(a Code of Conduct determination on a complaint, a need-to-know decision), current and superseded,
in one list, one query a page however many case types and rows there are.

A case app declares where its determinations are (`DeterminationSource` on its `CaseTypeSpec`);
the kernel never names the app. Each source gives a `.values()` queryset with the columns in
`COLUMNS`, so the sources are joined with one SQL UNION, ordered and sliced in the database.
Filters narrow each source before the union (a union cannot be filtered afterwards).
Who may read it is `casework.permissions.monitored_councils`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Concat
from django.urls import reverse

# The columns every source's queryset annotates, in this order (a UNION matches by position).
COLUMNS = (
    "kind",  # the source's key, a Value()
    "row_id",
    "case_id",
    "reference",
    "council_id",
    "council_name",
    "result",  # the outcome's value (not "outcome": the models have a field of that name)
    "made_at",
    "made_by",
    "superseded",
)

SORTS = {
    "made": ("made_at", "row_id"),
    "reference": ("reference", "made_at"),
    "council": ("council_name", "made_at"),
    "outcome": ("result", "made_at"),
}
DEFAULT_SORT = "-made"


def source_rows(
    queryset: QuerySet, *, key: str, case: str, result: str, made_at: str, made_by: str, superseded
) -> QuerySet:
    """A source's determinations in the register's `COLUMNS`: `case` names the foreign key to
    the case, `result` and `made_at` the outcome and the moment fields, `made_by` the foreign
    key to the person who made it (their full name), `superseded` a boolean expression."""
    return queryset.annotate(
        kind=Value(key, output_field=CharField()),
        row_id=F("pk"),
        case_id=F(f"{case}_id"),
        reference=F(f"{case}__reference"),
        council_id=F(f"{case}__council_id"),
        council_name=F(f"{case}__council__name"),
        result=F(result),
        made_at=F(made_at),
        made_by=Concat(
            f"{made_by}__first_name",
            Value(" "),
            f"{made_by}__last_name",
            output_field=CharField(),
        ),
        superseded=superseded,
    )


@dataclass(frozen=True)
class DeterminationSource:
    """Where one case type keeps its determinations.

    `rows()` is a queryset whose `.values(*COLUMNS)` are annotations of exactly those names and
    types (kind: text, row_id and case_id: integer, reference, council_name, result and
    made_by: text, council_id: integer, made_at: datetime, superseded: boolean).
    """

    key: str  # "complaint"; also the value of the `kind` column
    case_type: str  # "Code of Conduct complaint", as the register shows it
    outcomes: tuple[tuple[str, str], ...]  # (value, words)
    rows: Callable[[], QuerySet]
    url_name: str  # the case page, reversed with the case's pk
    # The pks of the cases this person may see (a `.values("pk")` queryset), when the source's
    # cases are not all seen by every Monitoring Officer of the council: its rows are narrowed
    # to them. A site admin sees every row.
    visible_to: Callable[[Any], QuerySet] | None = None

    def outcome_words(self, value: str) -> str:
        return dict(self.outcomes).get(value, value.replace("_", " "))


@dataclass(frozen=True)
class Filters:
    councils: Iterable[int] | None = None  # None: every council (a site admin)
    kinds: frozenset[str] = frozenset()
    outcomes: frozenset[tuple[str, str]] = frozenset()  # (kind, outcome)
    since: date | None = None
    before: date | None = None
    state: str = ""  # "current", "superseded" or "" for both


def sources() -> list[DeterminationSource]:
    from protocol_portal.casework.registry import case_apps

    return [source for spec in case_apps() for source in spec.determinations]


def _seen_by(source: DeterminationSource, qs: QuerySet, user) -> QuerySet:
    """The source's rows of cases this person may see (all of them for a site admin)."""
    if source.visible_to is None or user is None or user.is_superuser:
        return qs
    return qs.filter(case_id__in=source.visible_to(user))


def register_rows(*, filters: Filters, sort: str = DEFAULT_SORT, user=None) -> QuerySet | None:
    """Every determination matching the filters, all case types in one UNION (None: no source
    matches, so nothing to show and nothing to ask the database); with `user`, only the rows of
    cases that person may see."""
    parts = []
    for source in sources():
        if filters.kinds and source.key not in filters.kinds:
            continue
        qs = source.rows()
        wanted = {outcome for kind, outcome in filters.outcomes if kind == source.key}
        if filters.outcomes and not wanted:
            continue
        if wanted:
            qs = qs.filter(result__in=wanted)
        if filters.councils is not None:
            qs = qs.filter(council_id__in=list(filters.councils))
        qs = _seen_by(source, qs, user)
        if filters.since:
            qs = qs.filter(made_at__date__gte=filters.since)
        if filters.before:
            qs = qs.filter(made_at__date__lt=filters.before)
        if filters.state:
            qs = qs.filter(superseded=filters.state == "superseded")
        parts.append(qs.order_by().values(*COLUMNS))
    if not parts:
        return None
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS["made"])
    return union.order_by(*(f"-{f}" if descending else f for f in fields))


def describe(rows: Iterable[dict]) -> list[dict]:
    """The page's rows with their case type and outcome in words and a link to the case."""
    by_key = {source.key: source for source in sources()}
    described = []
    for row in rows:
        source = by_key[row["kind"]]
        described.append(
            {
                **row,
                "case_type": source.case_type,
                "outcome_words": source.outcome_words(row["result"]),
                "href": reverse(source.url_name, args=[row["case_id"]]),
            }
        )
    return described
