"""The presumption engine, pure: every rule of every protocol's rulebook names its paragraph."""

from __future__ import annotations

import pytest

from access_requests.presumptions import DEFAULT_BOOK, Facts, presume
from access_requests.states import Part, Presumption, Purpose
from tests.access_requests.helpers import book as rulebook_for
from tests.access_requests.helpers import council_of

S, P, J, N = (
    Presumption.STATUTORY,
    Presumption.PRIMA_FACIE,
    Presumption.MUST_JUSTIFY,
    Presumption.NO_RIGHT,
)

PART_ONE = Facts(for_meeting=True, part=Part.PART_1)
OWN_PART_TWO = Facts(for_meeting=True, part=Part.PART_2, member_on_committee=True)
SCRUTINY = Facts(
    for_meeting=True,
    part=Part.PART_2,
    committee_is_executive=True,
    member_on_scrutiny=True,
    within_terms_of_reference=True,
    purpose=Purpose.SCRUTINY,
)
SCRUTINY_OUTSIDE_TOR = Facts(
    for_meeting=True,
    part=Part.PART_2,
    committee_is_executive=True,
    member_on_scrutiny=True,
    purpose=Purpose.SCRUTINY,
)
WARD = Facts(purpose=Purpose.WARD, ward_is_members=True)
OTHER_WARD = Facts(purpose=Purpose.WARD, ward_elsewhere=True)
PORTFOLIO = Facts(purpose=Purpose.PORTFOLIO, portfolio_covers=True)
THIRD_PARTY = Facts(third_party_personal_data=True)
CONTRACT = Facts(contract_information=True)
PROPERTY = Facts(property_transaction=True)
NOT_ON_BODY = Facts(for_meeting=True, part=Part.PART_2)
OTHER_GROUP = Facts(other_group_papers=True, for_meeting=True, part=Part.PART_1)
PERSONAL = Facts(personal_records=True)
DRAFT = Facts(draft_policy_papers=True)
DRAFT_ADMINISTRATION = Facts(draft_policy_papers=True, member_in_administration=True)
GENERAL = Facts()

# protocol: {facts name: (presumption, paragraph)} — from the protocol texts.
EXPECTED = {
    "000": {
        "PART_ONE": (S, "000 §7.6(i)"),
        "OWN_PART_TWO": (P, "000 §7.6(ii)"),
        "SCRUTINY": (P, "000 §7.6(iii)"),
        "SCRUTINY_OUTSIDE_TOR": (J, "000 §7.6(iv)"),
        "WARD": (P, "000 §7.10"),
        "OTHER_WARD": (J, "000 §7.10"),
        "PORTFOLIO": (P, "000 §7.10"),
        "THIRD_PARTY": (J, "000 §7.6(iv); 000 §7.8"),
        "NOT_ON_BODY": (J, "000 §7.6(iv)"),
        "OTHER_GROUP": (N, "000 §7.14"),
        "PERSONAL": (N, "000 §7.13"),
        # Drafts of emerging policy and draft committee reports: the administration's group
        # only (§7.13); its own members fall under the general rule.
        "DRAFT": (N, "000 §7.13"),
        "DRAFT_ADMINISTRATION": (J, "000 §7.8; 000 §7.9"),
        "GENERAL": (J, "000 §7.8; 000 §7.9"),
    },
    "001": {
        "PART_ONE": (S, "001 §5.3.8.2"),
        "OWN_PART_TWO": (P, "001 §5.3.8.3; 001 §5.3.8.4"),
        "SCRUTINY": (J, "001 §5.3.8.4"),
        "WARD": (J, "001 §5.3.8.3; 001 §5.3.8.4"),
        "PORTFOLIO": (J, "001 §5.3.8.3; 001 §5.3.8.4"),
        "CONTRACT": (J, "001 §5.3.8.4"),
        # 001 is silent on another group's papers and on personal records: portal defaults
        # (§5.3.8.3 states only the common-law right; audit, bad citation 1).
        "OTHER_GROUP": (N, "default"),
        "PERSONAL": (N, "default"),
        "GENERAL": (J, "001 §5.3.8.3; 001 §5.3.8.4"),
    },
    "002": {
        "PART_ONE": (S, "002 §82"),
        "SCRUTINY": (P, "002 §80"),
        "WARD": (P, "002 §80"),
        "PORTFOLIO": (P, "002 §80"),
        "THIRD_PARTY": (J, "002 §80"),
        "CONTRACT": (J, "002 §80"),
        "PROPERTY": (J, "002 §80"),
        "NOT_ON_BODY": (J, "002 §80"),
        "OTHER_GROUP": (N, "002 §90"),
        # §89 asks for the Monitoring Officer's advice; it gives no "no right" (bad citation 3).
        "PERSONAL": (N, "default"),
        # 002 has no administration-only drafts: the general presumption applies.
        "DRAFT": (P, "002 §80"),
        "GENERAL": (P, "002 §80"),
    },
    "003": {
        "PART_ONE": (S, "003 §51"),
        "OWN_PART_TWO": (P, "003 §53"),
        "SCRUTINY": (P, "003 §53"),
        "WARD": (P, "003 §53"),
        "PORTFOLIO": (P, "003 §53"),
        # Not about a meeting, and not asked as the ward member: FOI from the start (§60).
        "THIRD_PARTY": (J, "003 §60"),
        "NOT_ON_BODY": (J, "003 §52"),
        # §52 is about roving commissions, not group papers (bad citation 2); personal records
        # are not §53's third-party data, which must be justified (bad citation 3).
        "OTHER_GROUP": (N, "default"),
        "PERSONAL": (J, "003 §60"),
        "GENERAL": (J, "003 §60"),
    },
    "004": {
        "PART_ONE": (S, "004 §12.1"),
        "OWN_PART_TWO": (S, "004 §12.1"),
        # Part II papers of a body the member is not on: never, being exempt (§12.3).
        "SCRUTINY": (N, "004 §12.3"),
        "WARD": (J, "004 §12.3"),
        "THIRD_PARTY": (J, "004 §12.3"),
        "NOT_ON_BODY": (N, "004 §12.3"),
        "OTHER_GROUP": (N, "004 §12.3; 004 §12.4"),
        "PERSONAL": (N, "default"),  # §12.10 is the Monitoring Officer's advice (citation 3)
        "GENERAL": (J, "004 §12.3"),
    },
}
CASES = [
    (protocol, name, expected)
    for protocol, rows in EXPECTED.items()
    for name, expected in rows.items()
]


@pytest.mark.parametrize(("protocol", "name", "expected"), CASES)
def test_presumption(protocol, name, expected):
    result = presume(globals()[name], rulebook_for(protocol))
    assert (result.presumption, result.source) == expected
    assert result.reason


def test_every_protocol_has_a_rulebook():
    """Each protocol's rulebook is council data: a council file following it carries one."""
    for protocol in ("000", "001", "002", "003", "004"):
        settings = council_of(protocol).protocol_settings
        assert "need_to_know_rulebook" in settings, protocol
        assert rulebook_for(protocol) != DEFAULT_BOOK


def test_an_unknown_protocol_falls_back_to_the_general_principles():
    assert presume(SCRUTINY, rulebook_for("999")).presumption == P
    assert presume(GENERAL, rulebook_for("999")).source == "default"


def test_000_own_body_part_ii_is_need_to_know_not_statutory():
    """000 §7.6(ii) gives a body's members "good reason" to see its Part II papers "under the
    'Need to Know' principles": a prima facie need to know, not a statutory right (audit, bad
    citation 5); Part I papers are the statutory right (§7.6(i))."""
    book = rulebook_for("000")
    assert presume(OWN_PART_TWO, book).presumption == P
    assert presume(OWN_PART_TWO, book).source == "000 §7.6(ii)"
    assert presume(PART_ONE, book).presumption == S
