"""Pure: how a need-to-know request will be treated, and the paragraph that says so.

`presume(facts, book)` takes what the portal knows about a request and the council's rulebook
and returns one of four results (statutory right, prima facie need to know, must justify in
writing, no right), each naming its paragraph. No ORM in here: `selectors.request_facts` builds
the facts and `rulebook_for` picks the book by the protocol text the council follows
(`Council.protocol`, set from its reviewed fixture file) — the protocol is the data, as in
`interests/conflicts.py`. A paragraph left as None means the council's protocol has no such
presumption, so the request falls through to the next test.
"""

from __future__ import annotations

from dataclasses import dataclass

from access_requests.states import Ground, Part, Presumption, Purpose


@dataclass(frozen=True, slots=True)
class Facts:
    """What the request is and who asks (see `selectors.request_facts`)."""

    for_meeting: bool = False
    part: str = ""  # Part.PART_1 / Part.PART_2 / ""
    committee_is_executive: bool = False
    member_on_committee: bool = False
    member_on_scrutiny: bool = False
    within_terms_of_reference: bool = False
    purpose: str = Purpose.OTHER
    ward_is_members: bool = False  # the matter is in the member's own ward
    ward_elsewhere: bool = False  # the matter is in another ward
    portfolio_covers: bool = False  # the member's Cabinet portfolio covers the holding directorate
    third_party_personal_data: bool = False
    contract_information: bool = False
    property_transaction: bool = False
    other_group_papers: bool = False
    personal_records: bool = False
    # Draft documents of emerging council policy or draft committee reports (000 §7.13).
    draft_policy_papers: bool = False
    member_in_administration: bool = False  # the member's group forms the administration
    has_interest: bool = False  # the conflict check found the member's own interest


@dataclass(frozen=True, slots=True)
class Rulebook:
    """One protocol's paragraphs for each presumption (None: the protocol has no such rule)."""

    protocol: str
    part_one: str | None
    own_body_part_two: tuple[str, str] | None  # (Presumption, paragraph)
    scrutiny_cabinet_part_two: str | None
    ward_problem: str | None
    portfolio: str | None
    sensitive: str
    not_on_body: str
    other_group: str
    personal_records: str
    general: str
    general_presumed: bool  # 002 §80: "in most circumstances ... presumed by the officer"
    interest: str
    marking: str
    foi: str
    # Drafts of emerging policy open only to the administration's group (000 §7.13).
    administration_drafts: str | None = None
    dispute_practice: str = ""  # "consult" (CE with the Leader or Chair) | "refer" (to the body)
    dispute_source: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    presumption: str
    source: str
    reason: str

    @property
    def presumed(self) -> bool:
        return self.presumption in (Presumption.STATUTORY, Presumption.PRIMA_FACIE)


MARKING = "Confidential — for the proper performance of your duties only"

RULEBOOKS: dict[str, Rulebook] = {
    "000": Rulebook(
        protocol="000",
        part_one="000 §7.6(i)",
        own_body_part_two=(Presumption.PRIMA_FACIE, "000 §7.6(ii)"),
        scrutiny_cabinet_part_two="000 §7.6(iii)",
        ward_problem="000 §7.10",
        portfolio="000 §7.10",
        sensitive="000 §7.6(iv); 000 §7.8",
        not_on_body="000 §7.6(iv)",
        other_group="000 §7.14",
        personal_records="000 §7.13",
        administration_drafts="000 §7.13",
        general="000 §7.8; 000 §7.9",
        general_presumed=False,
        interest="000 §7.7",
        marking="000 §7.16",
        foi="000 §7.6(iv)",
    ),
    "001": Rulebook(
        protocol="001",
        part_one="001 §5.3.8.2",
        own_body_part_two=(Presumption.PRIMA_FACIE, "001 §5.3.8.3; 001 §5.3.8.4"),
        scrutiny_cabinet_part_two=None,
        ward_problem=None,
        portfolio=None,
        sensitive="001 §5.3.8.4",
        not_on_body="001 §5.3.8.4",
        other_group="default",
        personal_records="default",
        general="001 §5.3.8.3; 001 §5.3.8.4",
        general_presumed=False,
        interest="001 §5.3.8.5",
        marking="001 §5.3.8.5",
        foi="FOIA s.1",
        dispute_source="001 §5.3.8.4",
    ),
    "002": Rulebook(
        protocol="002",
        part_one="002 §82",
        own_body_part_two=(Presumption.PRIMA_FACIE, "002 §80; 002 §82"),
        scrutiny_cabinet_part_two="002 §80",
        ward_problem="002 §80",
        portfolio="002 §80",
        sensitive="002 §80",
        not_on_body="002 §80",
        other_group="002 §90",
        personal_records="default",
        general="002 §80",
        general_presumed=True,
        interest="002 §81",
        marking="002 §84",
        foi="002 §78",
        dispute_practice="consult",
        dispute_source="002 §79",
    ),
    "003": Rulebook(
        protocol="003",
        part_one="003 §51",
        own_body_part_two=(Presumption.PRIMA_FACIE, "003 §53"),
        scrutiny_cabinet_part_two="003 §53",
        ward_problem="003 §53",
        portfolio="003 §53",
        sensitive="003 §53",
        not_on_body="003 §52",
        other_group="default",
        personal_records="default",
        general="003 §52",
        general_presumed=False,
        interest="003 §52",
        marking="003 §55",
        foi="003 §58–60",
    ),
    "004": Rulebook(
        protocol="004",
        part_one="004 §12.1",
        own_body_part_two=(Presumption.STATUTORY, "004 §12.1"),
        scrutiny_cabinet_part_two=None,
        ward_problem=None,
        portfolio=None,
        sensitive="004 §12.3",
        not_on_body="004 §12.3",
        other_group="004 §12.3; 004 §12.4",
        personal_records="default",
        general="004 §12.3",
        general_presumed=False,
        interest="004 §12.10",
        marking="004 §2.2.3; 004 §9.2.4",
        foi="004 §12.3",
        dispute_practice="refer",
        dispute_source="004 §12.9",
    ),
}
# A council whose protocol text has no rulebook gets the general principles with "default".
DEFAULT_BOOK = Rulebook(
    protocol="",
    part_one="default",
    own_body_part_two=(Presumption.STATUTORY, "default"),
    scrutiny_cabinet_part_two="default",
    ward_problem="default",
    portfolio="default",
    sensitive="default",
    not_on_body="default",
    other_group="default",
    personal_records="default",
    general="default",
    general_presumed=False,
    interest="default",
    marking="default",
    foi="FOIA s.1",
)


def rulebook_for(protocol: str) -> Rulebook:
    return RULEBOOKS.get(protocol, DEFAULT_BOOK)


# Each refusal ground and the paragraph each protocol rests it on (protocols/README.md §4).
GROUNDS: dict[str, dict[str, str]] = {
    Ground.FISHING: {
        "000": "000 §7.11",
        "001": "001 §5.3.8.4",
        "002": "002 §79",
        "003": "003 §52",
        "004": "004 §12.3",
    },
    Ground.ULTERIOR: {
        "000": "000 §7.11; 000 §7.8",
        "001": "001 §5.3.8.5",
        "002": "002 §80; 002 §81",
        "003": "003 §52",
        "004": "004 §12.3",
    },
    Ground.OWN_INTEREST: {
        "000": "000 §7.7",
        "001": "001 §5.3.8.5",
        "002": "002 §81",
        "003": "003 §52",
        "004": "004 §12.10",
    },
    Ground.HOSTILE_PROCEEDINGS: {"002": "002 §81"},
    # 004 §12.4 and §12.8 set this test for requests from Groups, not from one member.
    Ground.DISPROPORTIONATE: {"002": "002 §83", "004": "default"},
    Ground.CONFIDENTIAL: {
        "000": "000 §7.6(iv)",
        "001": "001 §5.3.8.2",
        "002": "002 §82",
        "003": "003 §53",
        "004": "004 §12.3",
    },
    Ground.OTHER_GROUP: {
        "000": "000 §7.14",
        "001": "default",
        "002": "002 §90",
        "003": "default",
        "004": "004 §12.3",
    },
    Ground.DRAFT_POLICY: {"000": "000 §7.13"},
    Ground.PERSONAL_RECORDS: {
        "000": "000 §7.13",
        "001": "default",
        "002": "default",
        "003": "default",
        "004": "default",
    },
}
# Where a protocol says nothing of a ground, the general need-to-know paragraph still applies
# (the common-law test, protocols/README.md §4); the portal cites that and says so. "default"
# marks a ground the portal applies although the council's protocol is silent on it, modelled
# on another protocol's paragraph (README.md, "Portal defaults"): another group's internal papers
# (000 §7.14) at 001 and 003 — 003 §52 is about roving commissions, and 003 §34 opens reports
# given to a group to the other parties; personal records of an individual (000 §7.13) at 001,
# 002, 003 and 004 — 003 §53 asks for justification of third-party personal data, 002 §89 and
# 004 §12.10 for the Monitoring Officer's advice, neither says "no right"; disproportionate
# effort (002 §83) at 004.


def ground_source(ground: str, protocol: str) -> str:
    """The paragraph a refusal ground rests on for this protocol."""
    own = GROUNDS.get(ground, {}).get(protocol)
    if own:
        return own
    return f"{rulebook_for(protocol).general} (common-law need to know)"


def _result(presumption: str, source: str, reason: str) -> Result:
    return Result(presumption, source, reason)


def _no_right(facts: Facts, book: Rulebook) -> Result | None:
    if facts.other_group_papers:
        return _result(
            Presumption.NO_RIGHT,
            book.other_group,
            "By convention a member of one political group has no need to know another "
            "group's internal papers.",
        )
    if facts.personal_records:
        return _result(
            Presumption.NO_RIGHT,
            book.personal_records,
            "The personal records of an individual are not open to members.",
        )
    if (
        facts.draft_policy_papers
        and book.administration_drafts
        and not facts.member_in_administration
    ):
        return _result(
            Presumption.NO_RIGHT,
            book.administration_drafts,
            "Draft documents on emerging council policy and draft committee reports are open "
            "only to the political group forming the administration.",
        )
    return None


def _meeting(facts: Facts, book: Rulebook) -> Result | None:
    if not facts.for_meeting:
        return None
    if facts.part == Part.PART_1 and book.part_one:
        return _result(
            Presumption.STATUTORY,
            book.part_one,
            "Part I papers of a meeting are open to every member by law.",
        )
    if facts.part != Part.PART_2:
        return None
    if facts.member_on_committee and book.own_body_part_two:
        kind, source = book.own_body_part_two
        return _result(kind, source, "You sit on the body whose Part II papers these are.")
    if (
        facts.committee_is_executive
        and facts.member_on_scrutiny
        and facts.within_terms_of_reference
        and book.scrutiny_cabinet_part_two
    ):
        return _result(
            Presumption.PRIMA_FACIE,
            book.scrutiny_cabinet_part_two,
            "An Overview and Scrutiny member has a prima facie need to know Part II Cabinet "
            "items within the committee's terms of reference.",
        )
    return None


def _sensitive(facts: Facts, book: Rulebook) -> Result | None:
    what = [
        label
        for flag, label in (
            (facts.third_party_personal_data, "personal information about third parties"),
            (facts.contract_information, "contract information"),
            (facts.property_transaction, "a property transaction"),
        )
        if flag
    ]
    if not what:
        return None
    return _result(
        Presumption.MUST_JUSTIFY,
        book.sensitive,
        f"It includes {' and '.join(what)}: justify the need to know in specific terms, "
        "in writing.",
    )


def _role(facts: Facts, book: Rulebook) -> Result | None:
    if facts.purpose == Purpose.WARD and facts.ward_elsewhere:
        return _result(
            Presumption.MUST_JUSTIFY,
            book.ward_problem or book.general,
            "The matter is not in your ward, so there is no ward member's presumption: show "
            "your need to know in writing.",
        )
    if facts.purpose == Purpose.WARD and facts.ward_is_members and book.ward_problem:
        return _result(
            Presumption.PRIMA_FACIE,
            book.ward_problem,
            "A ward member has a prima facie need to know about a problem in their own ward.",
        )
    if facts.purpose == Purpose.PORTFOLIO and facts.portfolio_covers and book.portfolio:
        return _result(
            Presumption.PRIMA_FACIE,
            book.portfolio,
            "A Cabinet member has a prima facie need to know about matters their portfolio covers.",
        )
    return None


def presume(facts: Facts, book: Rulebook) -> Result:
    """How the request will be treated and the paragraph it rests on.

    Order: no right (another group's papers, personal records) → statutory right and the
    meeting presumptions → must justify (third-party data, contracts, property) → the ward and
    portfolio presumptions → a body the member is not on → the council's general rule. A
    member's own interest in the matter never leaves a request presumed (000 §7.7, 002 §81).
    """
    result = (
        _no_right(facts, book)
        or _meeting(facts, book)
        or _sensitive(facts, book)
        or _role(facts, book)
    )
    if result is None and facts.for_meeting and facts.part == Part.PART_2:
        result = _result(
            Presumption.MUST_JUSTIFY,
            book.not_on_body,
            "These are Part II papers of a body you do not sit on: show your need to know "
            "in writing, or ask under the Freedom of Information Act.",
        )
    if result is None:
        result = (
            _result(
                Presumption.PRIMA_FACIE,
                book.general,
                "In most circumstances the officer presumes a member's need to know.",
            )
            if book.general_presumed
            else _result(
                Presumption.MUST_JUSTIFY,
                book.general,
                "Show the officer deciding that you need this to perform your duties as a member.",
            )
        )
    if facts.has_interest and result.presumed:
        result = _result(
            Presumption.MUST_JUSTIFY,
            f"{book.interest}; {result.source}",
            "You appear to have your own interest in the matter, so it is not presumed: "
            + result.reason,
        )
    return result
