"""The conflict check: declared relationships and registered interests against a matter.

Registered with `protocol_portal.casework.conflicts.register_checker` in `InterestsConfig.ready`,
so complaints pass over a conflicted handler, need-to-know requests flag a member's own interest
and appointments warn or block — without any case app importing another.

A conflict that comes from an interest withheld from the public register (Localism Act 2011
s.32(2)) is marked `withheld`: services act on it, but the kernel tells it to nobody but the
member themselves (`casework.conflicts.conflict_check_ask`).

What each protocol says a related person "must not" do is a small table keyed by the protocol
text the council follows (`Council.protocol`, set from its reviewed fixture file): the protocol
is the data, and each row cites its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interests import selectors
from interests.models import Interest, InterestCategory, Nature, Relationship
from protocol_portal.casework.conflicts import Conflict, Matter
from protocol_portal.org.models import Member, Person, Post

COMPLAINT = "complaint"
APPOINTMENT = "appointment"
COMMITTEE_DECISION = "committee_decision"
ACCESS_REQUEST = "access_request"
CLOSE = frozenset({Nature.FAMILY, Nature.PARTNER, Nature.CLOSE_FRIENDSHIP})
RELATED = frozenset({Nature.FAMILY, Nature.PARTNER})


@dataclass(frozen=True)
class MustNot:
    """One "must not" in a protocol: which matters, which relationships, and the paragraph."""

    kinds: frozenset[str]
    source: str
    text: str
    natures: frozenset[str] | None = None  # None: any declared relationship
    senior_only: bool = False  # the related person is a Director of Service or above
    members_only: bool = True  # the paragraph binds members


MUST_NOT: dict[str, tuple[MustNot, ...]] = {
    "000": (
        MustNot(
            kinds=frozenset({COMPLAINT, APPOINTMENT, COMMITTEE_DECISION}),
            source="000 §10.5",
            text="a Member should not sit on a body or take part in any decision which directly "
            "affects the officer personally",
        ),
    ),
    "001": (
        MustNot(
            kinds=frozenset({COMPLAINT}),
            source="001 §5.3.2.2; 001 §5.3.3.3",
            text="members must not take part in the dismissal of a Director of Service or above "
            "to whom they are in any way related or associated, and a complaint about a Director "
            "may lead to action under the disciplinary procedures",
            senior_only=True,
        ),
        MustNot(
            kinds=frozenset({APPOINTMENT}),
            source="001 §5.3.2.2",
            text="members must not take part in the appointment or dismissal of a Director of "
            "Service or above to whom they are in any way related or associated",
            senior_only=True,
        ),
    ),
    "002": (
        MustNot(
            kinds=frozenset({APPOINTMENT}),
            source="002 §46",
            text="members do not take part in appointing a close friend or relative",
            natures=CLOSE,
        ),
    ),
    "004": (
        MustNot(
            kinds=frozenset({COMPLAINT, APPOINTMENT, COMMITTEE_DECISION}),
            source="004 §3.3",
            text="members must not sit on a Council body, nor take a Cabinet role, responsible "
            "for an employee to whom they are married, partnered or closely related",
            natures=RELATED,
        ),
    ),
}
# The paragraph a plain warning cites: the council's own relationships paragraph.
RELATIONSHIP_PARAGRAPH = {
    "000": "000 §10.5",
    "001": "001 §5.3.1.1",
    "002": "002 §24",
    "003": "003 §13",
    "004": "004 §3.5",
}
# A member with an interest in the matter of a document has only the public's access
# (000 §7.7); access may be refused (002 §81); ask the Monitoring Officer first (002 §89,
# 004 §12.10).
# Part 5.3 and Southwark say nothing in terms about a member's own interest in the papers: their
# paragraph is the one limiting information to a member's duties (001 §5.3.8.5, 003 §52), and
# 000 §7.7 and 002 §81 apply as the portal's default — the reason says so.
ACCESS_PARAGRAPH = {
    "000": "000 §7.7",
    "001": "001 §5.3.8.5",
    "002": "002 §81",
    "003": "003 §52",
    "004": "004 §12.10",
}
ACCESS_SILENT = frozenset({"001", "003"})
INTEREST_PARAGRAPH = {
    "000": "000 §7.7",
    "001": "001 §5.3.6.1",
    "002": "002 §81",
    "004": "004 §2.2.8",
}


def check(person: Person, matter: Matter) -> list[Conflict]:
    """Every conflict the person has on the matter (a handful of queries, whatever the data)."""
    council_ids = selectors.staff_councils(council=matter.council)
    found = _relationship_conflicts(person, matter, council_ids)
    if matter.description.strip():
        found += _interest_conflicts(person, matter, council_ids)
    return found


# ---------------------------------------------------------------- relationships


def _matter_people(matter: Matter) -> tuple[set[int], set[int]]:
    """Person ids the matter concerns, and which of them hold (or are appointed to) a senior
    post — the holders of the matter's posts count as concerned."""
    people = set(matter.people)
    senior: set[int] = set()
    posts = Post.objects.filter(pk__in=matter.posts).values_list("holder_id", "kind")
    senior_post = False
    for holder_id, kind in posts:
        if holder_id is not None:
            people.add(holder_id)
        senior_post = senior_post or selectors.level_of_kind(kind) != "officer"
    if people:
        held = Post.objects.filter(holder_id__in=people).values_list("holder_id", "kind")
        senior = {pk for pk, kind in held if selectors.level_of_kind(kind) != "officer"}
    if senior_post:
        senior |= set(matter.people)  # the candidate for a senior post
    return people, senior


def _relationship_conflicts(
    person: Person, matter: Matter, council_ids: list[int]
) -> list[Conflict]:
    concerned, senior = _matter_people(matter)
    if not concerned:
        return []
    protocol = matter.council.protocol
    is_member = Member.objects.filter(person=person, council_id__in=council_ids).exists()
    found = []
    for rel in selectors.relationships_active_for(person_id=person.pk, council_ids=council_ids):
        other = rel.other_person if rel.declarer_id == person.pk else rel.declarer
        if other.pk not in concerned:
            continue
        found.append(
            _relationship_conflict(
                person, matter, rel, other, protocol, is_member, other.pk in senior
            )
        )
    return found


def _relationship_conflict(
    person: Person,
    matter: Matter,
    rel: Relationship,
    other: Person,
    protocol: str,
    is_member: bool,
    other_is_senior: bool,
) -> Conflict:
    nature = rel.get_nature_display().split(" (")[0].lower()
    what = f"{person} has declared a {nature} relationship with {other} ({rel.reference})"
    for rule in MUST_NOT.get(protocol, ()):
        if (
            matter.kind in rule.kinds
            and (rule.natures is None or rel.nature in rule.natures)
            and (not rule.senior_only or other_is_senior)
            and (is_member or not rule.members_only)
        ):
            return Conflict(person.pk, f"{what}: {rule.text}.", rule.source, True)
    paragraph = RELATIONSHIP_PARAGRAPH.get(protocol, "default")
    if matter.kind == COMPLAINT:
        # No one handles a complaint about someone they are close to: handling it is a decision
        # that directly affects that person and may lead to discipline (rule against bias).
        return Conflict(
            person.pk,
            f"{what}, whom this complaint concerns: a complaint must not be handled by someone "
            "with a declared relationship with the person it is about.",
            paragraph,
            True,
        )
    return Conflict(
        person.pk,
        f"{what}, whom this matter concerns: avoid a situation where a conflict could be "
        "perceived, and consult the Monitoring Officer.",
        paragraph,
        False,
    )


# ---------------------------------------------------------------- registered interests

_WORDS = re.compile(r"[^0-9a-z£]+")
# A UK postcode, e.g. "OX14 3JE" or "e1 6an" (outward code, then inward code).
_POSTCODE = re.compile(r"\b([a-z]{1,2}[0-9][a-z0-9]?) ?([0-9][a-z]{2})\b")
# Interests whose description is usually an address (land, a licence to occupy, a tenancy).
PLACE_CATEGORIES = frozenset(
    {InterestCategory.LAND, InterestCategory.LICENCES, InterestCategory.CORPORATE_TENANCIES}
)
# Words that say what kind of holding it is, not where: "Freehold of 12 High Street".
_HOLDING = re.compile(
    r"^(?:(?:the|my|our|a|an|his|her|their|spouse s|partner s|joint|sole|freehold|leasehold|"
    r"lease|licence|license|tenancy|ownership|owner|land|property|house|home|flat|plot|site|"
    r"garage|building|premises|interest|share|part|residence|residential|commercial|family|"
    r"of|at|in|on|known as|adjoining|adjacent to|behind|next to)\s+)*"
)


def _normalise(text: str) -> str:
    return f" {_WORDS.sub(' ', text.lower()).strip()} "


def postcodes(text: str) -> set[str]:
    """Every UK postcode in the text, spelt one way ("ox14 3je")."""
    return {f"{a} {b}" for a, b in _POSTCODE.findall(_WORDS.sub(" ", text.lower()))}


def _place_phrases(description: str) -> list[str]:
    """Where a land, licence or tenancy interest is, read from its description: each line or
    comma-separated part that names a numbered address or a place of three words or more,
    without the words saying what kind of holding it is ("Freehold of 12 High Street, Wantage"
    gives "12 high street")."""
    found = []
    for part in re.split(r"[\n;,]+", description):
        words = _holding_stripped(_normalise(part).strip())
        if not words or _POSTCODE.fullmatch(words):
            continue
        if re.search(r"[0-9]", words) or len(words.split()) >= 3:
            found.append(words)
    return found


def _holding_stripped(words: str) -> str:
    return _HOLDING.sub("", words, count=1).strip()


def phrases(interest: Interest) -> list[str]:
    """The names an interest is matched on: its names lines (addresses, companies, bodies), a
    gift's donor, and for land, licences and tenancies the addresses in its description.
    Phrases shorter than four letters are ignored."""
    raw = re.split(r"[\n;,]+", interest.names)
    if interest.category == InterestCategory.GIFT and interest.donor:
        raw.append(interest.donor)
    cleaned = [_normalise(p).strip() for p in raw]
    if interest.category in PLACE_CATEGORIES:
        cleaned += [_holding_stripped(p) for p in cleaned]
        cleaned += _place_phrases(interest.description)
    unique = dict.fromkeys(p for p in cleaned if len(p) >= 4)
    return list(unique)


def matching_phrases(interest: Interest, description: str) -> list[str]:
    """Phrases of the interest found in the text, whole words only, ignoring case and
    punctuation ("Acme Ltd." matches "acme ltd"); for land, licences and tenancies a postcode
    in both also matches, however it is spaced ("OX143JE" matches "ox14 3je")."""
    text = _normalise(description)
    hits = [p for p in phrases(interest) if f" {p} " in text]
    if interest.category in PLACE_CATEGORIES:
        shared = postcodes(f"{interest.description}\n{interest.names}") & postcodes(description)
        hits += sorted(shared - set(hits))
    return hits


def _interest_conflicts(person: Person, matter: Matter, council_ids: list[int]) -> list[Conflict]:
    protocol = matter.council.protocol
    found = []
    for interest in selectors.interests_matching(person_id=person.pk, council_ids=council_ids):
        hits = matching_phrases(interest, matter.description)
        if not hits:
            continue
        label = interest.get_category_display().lower()
        what = f"{person} has a registered {label} interest naming " + ", ".join(
            f"'{h}'" for h in hits
        )
        found.append(_interest_conflict(person, matter, interest, what, protocol))
    return found


def _interest_conflict(
    person: Person, matter: Matter, interest: Interest, what: str, protocol: str
) -> Conflict:
    if matter.kind == ACCESS_REQUEST:
        own = ACCESS_PARAGRAPH.get(protocol)
        source = (
            own
            if own in ("000 §7.7", "002 §81")
            else "; ".join(s for s in (own, "cf. 000 §7.7, 002 §81") if s)
        )
        silent = (
            " This council's protocol is silent on a member's own interest in the papers, so "
            "the portal applies 000 §7.7 and 002 §81 by default."
            if protocol in ACCESS_SILENT
            else ""
        )
        return Conflict(
            person.pk,
            f"{what}, which this request concerns: a member with a personal or financial "
            "interest has only a private individual's access and acts privately; access may "
            f"be refused; seek the Monitoring Officer's advice first.{silent}",
            source,
            False,
            withheld=interest.withheld,
        )
    if matter.kind == COMMITTEE_DECISION and interest.is_dpi:
        return Conflict(
            person.pk,
            f"{what}: a member with a disclosable pecuniary interest in a matter must not "
            "take part in its discussion or vote.",
            "Localism Act 2011 s.31(4)",
            True,
            withheld=interest.withheld,
        )
    source = (
        "Localism Act 2011 s.31" if interest.is_dpi else INTEREST_PARAGRAPH.get(protocol, "default")
    )
    return Conflict(
        person.pk,
        f"{what}, which this matter concerns: consider declaring it, and seek advice.",
        source,
        False,
        withheld=interest.withheld,
    )
