"""The coverage map's data, checked in CI: every paragraph of every protocol classified, every
citation in a council file found in its protocol's paragraph index, every named test real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from protocol_portal.org import coverage
from protocol_portal.org.council_files import COUNCILS_DIR

COUNCIL_FILES = sorted(COUNCILS_DIR.glob("*.yaml"))
PROTOCOLS = sorted(p.stem for p in coverage.PROTOCOLS_DIR.glob("*.yaml"))


def _council(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _index(**paragraph) -> coverage.ProtocolIndex:
    base = {"number": "1.1", "summary": "Something the text says.", "status": "guidance"}
    return coverage.index_from({"protocol": "009", "paragraphs": [base | paragraph]})


def test_every_council_files_protocol_has_one_index():
    protocols = {str(_council(path)["council"]["protocol"]) for path in COUNCIL_FILES}
    assert protocols == set(PROTOCOLS) == {"000", "001", "002", "003", "004"}
    # Shared protocols are indexed once: South Oxfordshire and Vale both use 002.
    uses = [str(_council(path)["council"]["protocol"]) for path in COUNCIL_FILES]
    assert uses.count("002") == 2


@pytest.mark.parametrize("code", PROTOCOLS)
def test_every_paragraph_is_classified_and_every_named_test_exists(code):
    index = coverage.index_for(code)
    assert index is not None
    assert index.code == code
    assert coverage.index_problems(index) == []


@pytest.mark.parametrize("path", COUNCIL_FILES, ids=lambda p: p.stem)
def test_every_citation_in_the_council_file_is_a_paragraph_of_its_index(path):
    data = _council(path)
    index = coverage.index_for(str(data["council"]["protocol"]))
    assert coverage.council_problems(data, index) == []


def _order(number: str) -> tuple:
    return tuple(int(n) for n in re.findall(r"\d+", number.split("(")[0].split("'")[0]))


@pytest.mark.parametrize("code", PROTOCOLS)
def test_paragraphs_are_listed_in_the_texts_order(code):
    numbers = [p.number for p in coverage.index_for(code).paragraphs]
    assert [_order(n) for n in numbers] == sorted(_order(n) for n in numbers)


def test_an_unclassified_paragraph_fails_the_check():
    problems = coverage.index_problems(_index(status=""))
    assert problems == ["009 §1.1: unclassified (status '')"]
    assert coverage.index_problems(_index(status="maybe"))


def test_an_enforced_paragraph_needs_its_means_a_case_type_and_real_tests():
    assert set(coverage.index_problems(_index(status="enforced"))) == {
        "009 §1.1: enforced needs a case_type, one of "
        "['access_request', 'complaint', 'enquiry', 'interest']",
        "009 §1.1: enforced by what? (rules or engine)",
        "009 §1.1: enforced, but no test is named",
    }
    missing = _index(
        status="enforced",
        case_type="complaint",
        rules=["complaint-x"],
        tests=["tests/org/test_coverage_map.py::test_that_was_never_written"],
    )
    assert coverage.index_problems(missing) == [
        "009 §1.1: names a test that does not exist: "
        "tests/org/test_coverage_map.py::test_that_was_never_written"
    ]
    real = _index(
        status="enforced",
        case_type="complaint",
        rules=["complaint-x"],
        tests=["tests/org/test_coverage_map.py::test_an_unclassified_paragraph_fails_the_check"],
    )
    assert coverage.index_problems(real) == []


def test_a_reading_or_not_yet_needs_its_reason_and_a_typo_is_refused():
    assert coverage.index_problems(_index(status="not-yet", case_type="enquiry")) == [
        "009 §1.1: not-yet needs a reason"
    ]
    assert coverage.index_problems(_index(statuss="guidance")) == [
        "009 §1.1: fields no code reads: statuss"
    ]


def test_a_rule_citing_a_paragraph_not_in_the_index_fails_the_check():
    index = _index()
    data = {
        "council": {"slug": "testshire", "protocol": "009"},
        "routing": [
            {"key": "good", "source": "009 §1.1"},
            {"key": "missing", "source": "009 §1.1; 009 §7.2"},
            {"key": "foreign", "source": "002 §76"},
            {"key": "unreadable", "source": "see the protocol"},
            {"key": "silent", "source": "default"},
        ],
        "limits": {"enquiry_working_days": {"value": 10, "source": "009 §99"}},
    }
    assert coverage.council_problems(data, index) == [
        "testshire rule missing: cites 009 §7.2, which the paragraph index lacks",
        "testshire rule foreign: cites 002 §76, not its own protocol 009",
        "testshire rule unreadable: cannot read the citation 'see the protocol'",
        "testshire enquiry_working_days: cites 009 §99, which the paragraph index lacks",
    ]


def test_an_index_entry_naming_a_rule_the_council_lacks_fails_the_check():
    index = _index(
        status="enforced", case_type="enquiry", rules=["enquiry-gone"], engine="", tests=[]
    )
    data = {"council": {"slug": "testshire", "protocol": "009"}, "routing": []}
    assert coverage.council_problems(data, index) == [
        "testshire: §1.1 names rule 'enquiry-gone', which the council file lacks"
    ]


@pytest.mark.parametrize(
    ("source", "cited"),
    [
        ("004 §16.1; 004 §11.3", [("004", "16.1"), ("004", "11.3")]),
        ("002 §31, §77", [("002", "31"), ("002", "77")]),
        ("003 §58–60", [("003", "58"), ("003", "59"), ("003", "60")]),
        ("000 §7.6(ii); 000 §7.2b", [("000", "7.6(ii)"), ("000", "7.2b")]),
        ("000 §5 'As a Member' b", [("000", "5 'As a Member' b")]),
        ("default", []),
        ("", None),
        ("Part 5.3", None),
    ],
)
def test_citations_are_read_as_the_council_files_write_them(source, cited):
    assert coverage.citations(source) == cited


def test_a_cited_paragraph_resolves_to_its_listed_parts_only():
    index = coverage.index_for("000")
    assert coverage.resolves("7.2", index)  # §7.2a and §7.2b
    assert coverage.resolves("7.6", index)  # §7.6(i)–(iv)
    assert not coverage.resolves("7.2c", index)
    assert not coverage.resolves("1", index)  # §1.1 is not a part of a §1
    assert not coverage.resolves("14.3", index)


def test_coverage_counts_enforced_and_readings_of_in_scope_paragraphs_rounded_down():
    index = coverage.index_from(
        {
            "protocol": "009",
            "paragraphs": [
                {"number": "1", "summary": "s", "status": "enforced", "case_type": "enquiry"},
                {"number": "2", "summary": "s", "status": "reading", "case_type": "enquiry"},
                {"number": "3", "summary": "s", "status": "not-yet", "case_type": "enquiry"},
                {"number": "4", "summary": "s", "status": "guidance"},
                {"number": "5", "summary": "s", "status": "out-of-scope"},
            ],
        }
    )
    rows = {row.case_type: row for row in coverage.coverage(index)}
    assert (rows["enquiry"].covered, rows["enquiry"].total, rows["enquiry"].percent) == (2, 3, 66)
    assert rows["complaint"].percent is None
    assert rows[""].label == "All case types"
    assert rows[""].total == 3
