"""The conflict-check hook every case type obeys.

The interests app registers the real checker (declared relationships and registered interests);
complaints use it to pass over a conflicted handler, need-to-know requests to flag a member's own
interest, appointments and committee decisions to warn or block. The kernel only defines the
shape, so case apps never import each other.

`conflicts_for` is the services' question and sees everything, withheld interests included.
What a person is *told* when they ask (the conflict-check API) is `conflict_check_ask`: only
about their own act (the Monitoring Officer may ask about others), never a conflict that comes
from an interest withheld under the Localism Act 2011 s.32(2) unless it is the asker's own, and
every question is written to `ConflictCheck` (refusals too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from protocol_portal.casework.models import ConflictCheck, ConflictCheckAnswer
from protocol_portal.org.models import Council, Person


@dataclass(frozen=True)
class Matter:
    """What a person might be conflicted about."""

    council: Council
    # "complaint", "access_request", "appointment", "committee_decision", "enquiry",
    # "committee_membership", "member_role"
    kind: str
    people: frozenset[int] = field(default=frozenset())  # person ids the matter concerns
    posts: frozenset[int] = field(default=frozenset())  # post ids (e.g. an appointment)
    directorate_id: int | None = None
    committee_id: int | None = None
    description: str = ""  # free text: address, contract or company names, for interest matches
    role: str = ""  # the member role being given (a "member_role" matter), e.g. cabinet_member


@dataclass(frozen=True)
class Conflict:
    """One reason a person should not act on a matter."""

    person_id: int
    reason: str
    source: str  # the protocol paragraph, e.g. "004 §3.3"
    blocking: bool  # True where the protocol says "must not"; False: warn before acting
    # True when it comes from an interest withheld from the public register (Localism Act 2011
    # s.32(2)): told to nobody but the person themselves (services still act on it).
    withheld: bool = False
    # True where the council's file lets the Monitoring Officer override this bar with a
    # recorded reason (the act then goes ahead, audited).
    overridable: bool = False


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


def _record(
    *, asked_by: Person, matter: Matter, person: Person | None, person_asked, answer, sources, at
) -> ConflictCheck:
    return ConflictCheck.objects.create(
        at=at,
        council=matter.council,
        asked_by=asked_by,
        person=person,
        person_asked=person_asked,
        kind=matter.kind,
        description=matter.description,
        people=sorted(matter.people),
        posts=sorted(matter.posts),
        answer=answer,
        sources="; ".join(sources)[:500],
    )


@transaction.atomic
def conflict_check_ask(
    *, asked_by: Person, person: Person, matter: Matter, as_of: datetime
) -> list[Conflict]:
    """What the asker is told about the person's conflicts on the matter, recorded: a withheld
    (s.32(2)) interest counts only when the person asks about their own act, so nobody can
    test guesses about another member's withheld interest (Localism Act 2011 s.32)."""
    found = conflicts_for(person=person, matter=matter)
    if person.pk != asked_by.pk:
        found = [c for c in found if not c.withheld]
    if any(c.blocking for c in found):
        answer = ConflictCheckAnswer.BARRED
    else:
        answer = ConflictCheckAnswer.WARNING if found else ConflictCheckAnswer.CLEAR
    _record(
        asked_by=asked_by,
        matter=matter,
        person=person,
        person_asked=person.pk,
        answer=answer,
        sources=list(dict.fromkeys(c.source for c in found)),
        at=as_of,
    )
    return found


@transaction.atomic
def conflict_check_refuse(
    *, asked_by: Person, person_asked: int | None, matter: Matter, as_of: datetime
) -> ConflictCheck:
    """Record a check the asker was not allowed to make (about someone else's act)."""
    return _record(
        asked_by=asked_by,
        matter=matter,
        person=None,
        person_asked=person_asked,
        answer=ConflictCheckAnswer.REFUSED,
        sources=[],
        at=as_of,
    )
