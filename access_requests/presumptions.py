"""Pure: how a need-to-know request will be treated, and the paragraph that says so.

`presume(facts, book)` takes what the portal knows about a request and the council's rulebook
and returns one of four results (statutory right, prima facie need to know, must justify in
writing, no right), each naming its paragraph. No ORM in here: `selectors.request_facts` builds
the facts and `rulebook_for` reads the council's rulebook from its protocol settings
(`need_to_know_rulebook` and `refusal_grounds` in fixtures/councils/<slug>.yaml, editable in the
admin with history); a council with neither takes DEFAULT_BOOK, the general principles. A
paragraph left as null means the council's protocol has no such presumption, so the request
falls through to the next test. Python keeps the engine; the paragraphs are council data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    # A written report officers gave to a political group (003 §34: open to the other parties).
    report_to_group: bool = False
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
    # 003 §53: personal records must be justified, not refused outright (default: no right).
    personal_records_presumption: str = Presumption.NO_RIGHT
    # 004 §12.3: Part II papers of a body the member is not on are never open (no right).
    not_on_body_presumption: str = Presumption.MUST_JUSTIFY
    # 000 §7.7: a member with an interest has only a private individual's access.
    interest_private_access: bool = False
    # 003 §34: a written report given to a group is open to members of other parties.
    group_reports_open: str | None = None
    # 000 §7.2b: a first-stage refusal (or doubt) goes to the next stage automatically.
    refusal_referred: str | None = None
    # 003 §60: a request unrelated to a meeting, or not from the ward member, is FOI.
    foi_unless_meeting_or_ward: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    presumption: str
    source: str
    reason: str
    # The request is treated under FOI from the start, and the member told (003 §60).
    foi: bool = False

    @property
    def presumed(self) -> bool:
        return self.presumption in (Presumption.STATUTORY, Presumption.PRIMA_FACIE)


MARKING = "Confidential — for the proper performance of your duties only"

# The rulebook a council with no `need_to_know_rulebook` setting takes: the general principles
# (protocols/README.md §4), each marked "default" (fixtures/councils/SCHEMA.md, "settings").
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
# Paragraph fields of a rulebook: a council file may leave one null (no such presumption) only
# where the engine falls through to the next test.
OPTIONAL = ("part_one", "scrutiny_cabinet_part_two", "ward_problem", "portfolio")
REQUIRED = (
    "sensitive",
    "not_on_body",
    "other_group",
    "personal_records",
    "general",
    "interest",
    "marking",
    "foi",
)
DISPUTE_PRACTICES = ("", "consult", "refer")
# Paragraphs a council may cite to switch a rule on (null or absent: off).
SWITCHES = ("group_reports_open", "refusal_referred", "foi_unless_meeting_or_ward")
# A presumption a council may change, and the kinds it may choose.
KINDS = {
    "personal_records_presumption": (Presumption.NO_RIGHT, Presumption.MUST_JUSTIFY),
    "not_on_body_presumption": (Presumption.MUST_JUSTIFY, Presumption.NO_RIGHT),
}
RULEBOOK_KEYS = frozenset(
    {*OPTIONAL, *REQUIRED, *SWITCHES, *KINDS, "own_body_part_two", "administration_drafts"}
    | {"general_presumed", "interest_private_access", "dispute"}
)


def default_rulebook_value() -> dict[str, Any]:
    """DEFAULT_BOOK as a council file writes it (the setting's documented default)."""
    book = DEFAULT_BOOK
    value: dict[str, Any] = {key: getattr(book, key) for key in (*OPTIONAL, *REQUIRED)}
    kind, source = book.own_body_part_two or ("", "")
    value["own_body_part_two"] = {"presumption": kind, "source": source}
    value["general_presumed"] = book.general_presumed
    return value


def rulebook_from(value: Any, protocol: str = "") -> Rulebook:
    """The engine's Rulebook from a council's `need_to_know_rulebook` value; a key the council
    leaves out takes DEFAULT_BOOK's."""
    value = value if isinstance(value, dict) else {}
    fields: dict[str, Any] = {"protocol": protocol}
    for key in (*OPTIONAL, *REQUIRED):
        fields[key] = value[key] if key in value else getattr(DEFAULT_BOOK, key)
        if key in REQUIRED and not fields[key]:
            fields[key] = getattr(DEFAULT_BOOK, key)
    own = value.get("own_body_part_two", "absent")
    if own == "absent":
        fields["own_body_part_two"] = DEFAULT_BOOK.own_body_part_two
    elif isinstance(own, dict):
        fields["own_body_part_two"] = (str(own["presumption"]), str(own["source"]))
    else:
        fields["own_body_part_two"] = None
    fields["administration_drafts"] = value.get("administration_drafts") or None
    fields["general_presumed"] = bool(value.get("general_presumed", False))
    fields["interest_private_access"] = bool(value.get("interest_private_access", False))
    for key in SWITCHES:
        fields[key] = value.get(key) or None
    for key, kinds in KINDS.items():
        fields[key] = value.get(key) or kinds[0]
    dispute = value.get("dispute") or {}
    fields["dispute_practice"] = str(dispute.get("practice") or "")
    fields["dispute_source"] = str(dispute.get("source") or "")
    return Rulebook(**fields)


def _cites(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_paragraphs(value: dict[str, Any]) -> str | None:
    for key in REQUIRED:
        if key in value and not _cites(value[key]):
            return f"{key} must cite a paragraph"
    for key in (*OPTIONAL, *SWITCHES, "administration_drafts"):
        if value.get(key) is not None and not _cites(value[key]):
            return f"{key} must cite a paragraph, or be null where the protocol has no such rule"
    return None


def _check_choices(value: dict[str, Any]) -> str | None:
    own = value.get("own_body_part_two")
    if own is not None and not (
        isinstance(own, dict)
        and own.get("presumption") in (Presumption.STATUTORY, Presumption.PRIMA_FACIE)
        and _cites(own.get("source"))
    ):
        return "own_body_part_two needs a presumption (statutory_right or prima_facie) and a source"
    for key in ("general_presumed", "interest_private_access"):
        if not isinstance(value.get(key, False), bool):
            return f"{key} must be true or false"
    for key, kinds in KINDS.items():
        if key in value and value[key] not in kinds:
            return f"{key} must be one of {', '.join(kinds)}"
    dispute = value.get("dispute")
    if dispute is not None and not (
        isinstance(dispute, dict)
        and dispute.get("practice", "") in DISPUTE_PRACTICES
        and isinstance(dispute.get("source", ""), str)
        and set(dispute) <= {"practice", "source"}
    ):
        return "dispute needs a practice (consult or refer) and a source"
    return None


def check_rulebook(value: Any, data: dict[str, Any]) -> str | None:
    """What is wrong with a `need_to_know_rulebook` value, or None (council file and admin)."""
    if not isinstance(value, dict):
        return "must map each presumption to the paragraph it rests on"
    unknown = sorted(set(value) - RULEBOOK_KEYS)
    if unknown:
        return f"has unknown keys {unknown}"
    return _check_paragraphs(value) or _check_choices(value)


def check_grounds(value: Any, data: dict[str, Any]) -> str | None:
    """What is wrong with a `refusal_grounds` value (ground → paragraph), or None."""
    if not isinstance(value, dict):
        return "must map refusal grounds to the paragraph each rests on"
    unknown = sorted(set(value) - set(Ground.values))
    if unknown:
        return f"names unknown grounds {unknown}"
    for ground, source in value.items():
        if not (isinstance(source, str) and source.strip()):
            return f"{ground} must cite a paragraph"
    return None


def rulebook_for(council) -> Rulebook:
    """The council's rulebook: its `need_to_know_rulebook` setting (council file, admin), or
    DEFAULT_BOOK where it has none."""
    entry = (getattr(council, "protocol_settings", None) or {}).get("need_to_know_rulebook")
    if not isinstance(entry, dict) or "value" not in entry:
        return DEFAULT_BOOK
    return rulebook_from(entry["value"], str(getattr(council, "protocol", "") or ""))


# Where a council's `refusal_grounds` say nothing of a ground, the general need-to-know
# paragraph still applies (the common-law test, protocols/README.md §4); the portal cites that
# and says so. "default" in a council file marks a ground the portal applies although the
# council's protocol is silent on it, modelled on another protocol's paragraph (README.md,
# "Portal defaults"); each council file records its reading.
def ground_source(ground: str, council) -> str:
    """The paragraph a refusal ground rests on at this council."""
    entry = (getattr(council, "protocol_settings", None) or {}).get("refusal_grounds")
    grounds = entry.get("value") if isinstance(entry, dict) else None
    own = grounds.get(ground) if isinstance(grounds, dict) else None
    if own:
        return str(own)
    return f"{rulebook_for(council).general} (common-law need to know)"


def _result(presumption: str, source: str, reason: str) -> Result:
    return Result(presumption, source, reason)


def _open_report(facts: Facts, book: Rulebook) -> Result | None:
    if facts.report_to_group and book.group_reports_open:
        return _result(
            Presumption.PRIMA_FACIE,
            book.group_reports_open,
            "A written report officers supplied to a political group must be accessible to "
            "members of other parties.",
        )
    return None


def _no_right(facts: Facts, book: Rulebook) -> Result | None:
    if facts.other_group_papers:
        return _result(
            Presumption.NO_RIGHT,
            book.other_group,
            "By convention a member of one political group has no need to know another "
            "group's internal papers.",
        )
    if facts.personal_records and book.personal_records_presumption == Presumption.NO_RIGHT:
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
    if facts.personal_records and book.personal_records_presumption == Presumption.MUST_JUSTIFY:
        what.append("the personal records of an individual")
    if not what:
        return None
    source = book.personal_records if what == ["the personal records of an individual"] else None
    return _result(
        Presumption.MUST_JUSTIFY,
        source or book.sensitive,
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
        _open_report(facts, book)
        or _no_right(facts, book)
        or _meeting(facts, book)
        or _sensitive(facts, book)
        or _role(facts, book)
    )
    if result is None and facts.for_meeting and facts.part == Part.PART_2:
        result = (
            _result(
                Presumption.NO_RIGHT,
                book.not_on_body,
                "These are Part II (confidential or exempt) papers of a body you do not sit "
                "on: a member who is not on the body may see its documents only if they hold "
                "no confidential or exempt information.",
            )
            if book.not_on_body_presumption == Presumption.NO_RIGHT
            else _result(
                Presumption.MUST_JUSTIFY,
                book.not_on_body,
                "These are Part II papers of a body you do not sit on: show your need to know "
                "in writing, or ask under the Freedom of Information Act.",
            )
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
    if book.foi_unless_meeting_or_ward and not (
        (facts.report_to_group and book.group_reports_open)
        or facts.for_meeting
        or (facts.purpose == Purpose.WARD and facts.ward_is_members)
        or (facts.purpose == Purpose.PORTFOLIO and facts.portfolio_covers)
    ):
        # 003 §60, read with §53 (the council file records the reading): documents unrelated
        # to any meeting, asked for by a member who is not the ward member (nor the portfolio
        # holder whose need §53 presumes), are FOI from the start.
        return Result(
            result.presumption,
            book.foi_unless_meeting_or_ward,
            "It is not about a council meeting, and you are not asking as the ward member, "
            "so it is treated as a Freedom of Information request: you will have a response "
            "within 20 working days.",
            foi=True,
        )
    if facts.has_interest and book.interest_private_access:
        if result.presumption != Presumption.STATUTORY:
            return _result(
                Presumption.NO_RIGHT,
                f"{book.interest}; {result.source}",
                "You appear to have a financial or personal interest in the matter, so you have "
                "only the access a private individual has: public papers, or a request under "
                "the Freedom of Information Act, made in your private capacity.",
            )
        return result
    if facts.has_interest and result.presumed:
        result = _result(
            Presumption.MUST_JUSTIFY,
            f"{book.interest}; {result.source}",
            "You appear to have your own interest in the matter, so it is not presumed: "
            + result.reason,
        )
    return result
