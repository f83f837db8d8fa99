"""The conflict check: declared relationships and registered interests against a matter.

Registered with `protocol_portal.casework.conflicts.register_checker` in `InterestsConfig.ready`,
so complaints pass over a conflicted handler, need-to-know requests flag a member's own interest
and appointments warn or block — without any case app importing another.

A conflict that comes from an interest withheld from the public register (Localism Act 2011
s.32(2)) is marked `withheld`: services act on it, but the kernel tells it to nobody but the
member themselves (`casework.conflicts.conflict_check_ask`).

What a council's protocol says a related person "must not" do (its relationship bars), and the
paragraphs a plain warning cites, are council data: the `settings:` of its council file
(`relationship_bars`, `relationship_warning`, `own_interest_papers`, `interest_warning`), read
here through `protocol_settings.setting`. Each bar cites its paragraph. Python keeps the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from interests import selectors
from interests.models import Interest, InterestCategory, Nature, Relationship
from protocol_portal.casework.conflicts import Conflict, Matter
from protocol_portal.org import protocol_settings
from protocol_portal.org.models import Member, MemberRoleKind, Person, Post

COMPLAINT = "complaint"
APPOINTMENT = "appointment"
COMMITTEE_DECISION = "committee_decision"
ACCESS_REQUEST = "access_request"
# The acts a bar can stop (the conflict check's matter kinds): handling a complaint, taking part
# in an appointment or dismissal (an appointment panel), a committee's decision, a seat on a
# committee or other Council body, and holding a member role (the Cabinet, a chair).
COMMITTEE_MEMBERSHIP = "committee_membership"
MEMBER_ROLE = "member_role"
ACTS = (COMPLAINT, APPOINTMENT, COMMITTEE_DECISION, COMMITTEE_MEMBERSHIP, MEMBER_ROLE)
ROLE_KINDS = tuple(MemberRoleKind.values)
BAR_KEYS = {"acts", "natures", "roles", "senior_only", "members_only", "override", "source", "text"}
FLAG_KEYS = {"natures", "tiers", "source", "text"}


@dataclass(frozen=True)
class MustNot:
    """One "must not" in a protocol: which acts, which relationships, and the paragraph."""

    kinds: frozenset[str]
    source: str
    text: str
    natures: frozenset[str] | None = None  # None: any declared relationship
    roles: frozenset[str] | None = None  # member roles barred (MEMBER_ROLE); None: every role
    senior_only: bool = False  # the related person is a Director of Service or above
    members_only: bool = True  # the paragraph binds members
    override: bool = False  # the Monitoring Officer may override it, with a recorded reason

    @classmethod
    def from_data(cls, item: dict[str, Any]) -> MustNot:
        natures, roles = item.get("natures"), item.get("roles")
        return cls(
            kinds=frozenset(item["acts"]),
            source=str(item["source"]),
            text=" ".join(str(item["text"]).split()),
            natures=frozenset(natures) if natures else None,
            roles=frozenset(roles) if roles else None,
            senior_only=bool(item.get("senior_only", False)),
            members_only=bool(item.get("members_only", True)),
            override=bool(item.get("override", False)),
        )


def bars(council) -> tuple[MustNot, ...]:
    """The council's relationship bars (its file's `relationship_bars`)."""
    return tuple(
        MustNot.from_data(item) for item in protocol_settings.setting(council, "relationship_bars")
    )


def relationship_warning(council) -> str:
    """The paragraph a plain relationship warning cites: the council's relationships paragraph."""
    return str(protocol_settings.setting(council, "relationship_warning"))


def tier(post: Post) -> int:
    """How far down line management the post is: 1 for a post with no line manager (the head
    of paid service), 2 for those reporting to it."""
    depth, seen, current = 1, {post.pk}, post.line_manager
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        depth, current = depth + 1, current.line_manager
    return depth


def incompatible(council, *, member_side: Person, officer_side: Person, nature: str):
    """The council file's `incompatible_relationship` if this declared relationship, between a
    member and an officer, is one the protocol regards as incompatible with office (004 §3.4:
    a member and a senior officer of second tier and above); else None."""
    flag = protocol_settings.setting(council, "incompatible_relationship")
    if not flag or nature not in flag["natures"]:
        return None
    council_ids = selectors.staff_councils(council=council)
    if not Member.objects.filter(person=member_side, council=council).exists():
        return None
    posts = Post.objects.filter(holder=officer_side, council_id__in=council_ids).select_related(
        "line_manager__line_manager__line_manager"
    )
    if any(tier(post) <= flag["tiers"] for post in posts):
        return flag
    return None


# ---------------------------------------------------------------- the settings' checks


def _paragraph(value: Any, data: dict[str, Any]) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a paragraph"


def _list_of(value: Any, allowed: tuple[str, ...]) -> bool:
    return isinstance(value, list) and bool(value) and all(v in allowed for v in value)


def _bar_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "must be a mapping"
    unknown = sorted(set(item) - BAR_KEYS)
    if unknown:
        return f"has unknown keys {unknown}"
    lists = (("acts", ACTS), ("natures", tuple(Nature.values)), ("roles", ROLE_KINDS))
    for key, allowed in lists:
        if (key == "acts" or key in item) and not _list_of(item.get(key), allowed):
            return f"{key} must list some of {', '.join(allowed)}"
    for flag in ("senior_only", "members_only", "override"):
        if flag in item and not isinstance(item[flag], bool):
            return f"{flag} must be true or false"
    for key in ("source", "text"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            return f"needs a {key}"
    return None


def _bars_check(value: Any, data: dict[str, Any]) -> str | None:
    if not isinstance(value, list):
        return "must be a list of bars"
    for n, item in enumerate(value, 1):
        problem = _bar_problem(item)
        if problem:
            return f"bar {n} {problem}"
    return None


def _papers_check(value: Any, data: dict[str, Any]) -> str | None:
    if (
        not isinstance(value, dict)
        or set(value) != {"paragraph", "silent"}
        or not isinstance(value["silent"], bool)
        or _paragraph(value["paragraph"], data)
    ):
        return "must be {paragraph: <paragraph>, silent: true or false}"
    return None


def _flag_check(value: Any, data: dict[str, Any]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - FLAG_KEYS:
        return f"must be null or a mapping of {', '.join(sorted(FLAG_KEYS))}"
    if not _list_of(value.get("natures"), tuple(Nature.values)):
        return f"natures must list some of {', '.join(Nature.values)}"
    if not isinstance(value.get("tiers"), int) or value["tiers"] < 1:
        return "tiers must be a whole number, 1 for the head of paid service alone"
    for key in ("source", "text"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            return f"needs a {key}"
    return None


SETTINGS = {
    "relationship_bars": protocol_settings.Spec(
        default=[],
        help="What a member (or officer) with a declared relationship must not do: each bar "
        f"lists the acts ({', '.join(ACTS)}), optionally the natures of relationship and the "
        "member roles it covers, whether it applies only where the related person is a "
        "Director or above (senior_only), whether it binds members only (members_only, "
        "default true), whether the Monitoring Officer may override it with a recorded reason "
        "(override, default false), and cites its paragraph (source) in words (text).",
        check=_bars_check,
    ),
    "relationship_warning": protocol_settings.Spec(
        default="default",
        help="The paragraph a relationship warning (not a bar) cites: the council's "
        "relationships paragraph.",
        check=_paragraph,
    ),
    "own_interest_papers": protocol_settings.Spec(
        default={"paragraph": "default", "silent": True},
        help="The paragraph cited when a member asks for papers on a matter they have an "
        "interest in; silent: the protocol says nothing in terms, so the portal applies "
        "000 §7.7 and 002 §81 by default and says so.",
        check=_papers_check,
    ),
    "interest_warning": protocol_settings.Spec(
        default="default",
        help="The paragraph a registered-interest warning cites (a disclosable pecuniary "
        "interest cites the Localism Act 2011 s.31).",
        check=_paragraph,
    ),
    "incompatible_relationship": protocol_settings.Spec(
        default=None,
        help="A declared relationship the protocol regards as incompatible with office (e.g. "
        "a member and an officer of the top tiers of line management): the declaration is "
        "flagged to the Monitoring Officer. natures, tiers (1: the head of paid service; 2: "
        "and those reporting to them), source, text; or null.",
        check=_flag_check,
    ),
}


def register_settings() -> None:
    for key, spec in SETTINGS.items():
        protocol_settings.spec_register(key, spec)


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
    rules = bars(matter.council)
    is_member = Member.objects.filter(person=person, council_id__in=council_ids).exists()
    found = []
    for rel in selectors.relationships_active_for(person_id=person.pk, council_ids=council_ids):
        other = rel.other_person if rel.declarer_id == person.pk else rel.declarer
        if other.pk not in concerned:
            continue
        found.append(
            _relationship_conflict(person, matter, rel, other, rules, is_member, other.pk in senior)
        )
    return found


def _relationship_conflict(
    person: Person,
    matter: Matter,
    rel: Relationship,
    other: Person,
    rules: tuple[MustNot, ...],
    is_member: bool,
    other_is_senior: bool,
) -> Conflict:
    nature = rel.get_nature_display().split(" (")[0].lower()
    what = f"{person} has declared a {nature} relationship with {other} ({rel.reference})"
    for rule in rules:
        if (
            matter.kind in rule.kinds
            and (rule.natures is None or rel.nature in rule.natures)
            and (rule.roles is None or matter.kind != MEMBER_ROLE or matter.role in rule.roles)
            and (not rule.senior_only or other_is_senior)
            and (is_member or not rule.members_only)
        ):
            return Conflict(
                person.pk, f"{what}: {rule.text}.", rule.source, True, overridable=rule.override
            )
    paragraph = relationship_warning(matter.council)
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
    found = []
    for interest in selectors.interests_matching(person_id=person.pk, council_ids=council_ids):
        hits = matching_phrases(interest, matter.description)
        if not hits:
            continue
        label = interest.get_category_display().lower()
        what = f"{person} has a registered {label} interest naming " + ", ".join(
            f"'{h}'" for h in hits
        )
        found.append(_interest_conflict(person, matter, interest, what))
    return found


def _interest_conflict(person: Person, matter: Matter, interest: Interest, what: str) -> Conflict:
    council = matter.council
    if matter.kind == ACCESS_REQUEST:
        papers = protocol_settings.setting(council, "own_interest_papers")
        own = str(papers["paragraph"])
        source = (
            own
            if own in ("000 §7.7", "002 §81")
            else "; ".join(s for s in (own, "cf. 000 §7.7, 002 §81") if s and s != "default")
        )
        silent = (
            " This council's protocol is silent on a member's own interest in the papers, so "
            "the portal applies 000 §7.7 and 002 §81 by default."
            if papers["silent"]
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
        "Localism Act 2011 s.31"
        if interest.is_dpi
        else str(protocol_settings.setting(council, "interest_warning"))
    )
    return Conflict(
        person.pk,
        f"{what}, which this matter concerns: consider declaring it, and seek advice.",
        source,
        False,
        withheld=interest.withheld,
    )
