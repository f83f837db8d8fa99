"""The conflict-check hook every case type obeys.

The interests app registers the real checker (declared relationships and registered interests);
complaints use it to pass over a conflicted handler, need-to-know requests to flag a member's own
interest, appointments and committee decisions to warn or block. The kernel only defines the
shape, so case apps never import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from protocol_portal.org.models import Council, Person


@dataclass(frozen=True)
class Matter:
    """What a person might be conflicted about."""

    council: Council
    kind: str  # "complaint", "access_request", "appointment", "committee_decision", "enquiry"
    people: frozenset[int] = field(default=frozenset())  # person ids the matter concerns
    posts: frozenset[int] = field(default=frozenset())  # post ids (e.g. an appointment)
    directorate_id: int | None = None
    committee_id: int | None = None
    description: str = ""  # free text: address, contract or company names, for interest matches


@dataclass(frozen=True)
class Conflict:
    """One reason a person should not act on a matter."""

    person_id: int
    reason: str
    source: str  # the protocol paragraph, e.g. "004 §3.3"
    blocking: bool  # True where the protocol says "must not"; False: warn before acting


ConflictChecker = Callable[[Person, Matter], list[Conflict]]
_checkers: list[ConflictChecker] = []


def register_checker(checker: ConflictChecker) -> ConflictChecker:
    if checker not in _checkers:
        _checkers.append(checker)
    return checker


def unregister_checker(checker: ConflictChecker) -> None:
    if checker in _checkers:
        _checkers.remove(checker)


def conflicts_for(*, person: Person, matter: Matter) -> list[Conflict]:
    """Every conflict any registered checker finds for this person on this matter."""
    found: list[Conflict] = []
    for checker in _checkers:
        found.extend(checker(person, matter))
    return found


def is_blocked(*, person: Person, matter: Matter) -> bool:
    return any(c.blocking for c in conflicts_for(person=person, matter=matter))
