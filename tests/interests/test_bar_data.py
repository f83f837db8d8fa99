"""The relationship bars are council data (issue 13, deliverable 1): what a related member must
not do, and the paragraphs a warning cites, come from the council file's `settings:`, not from a
Python table keyed by the protocol's number."""

from __future__ import annotations

from datetime import date

import pytest

from interests import services
from interests.models import Nature
from protocol_portal.casework.conflicts import Matter
from protocol_portal.org import council_files, protocol_settings
from tests.interests.conftest import AS_OF
from tests.interests.factories import build_org

pytestmark = pytest.mark.django_db


def _relate(org, a, b, nature):
    services.relationship_declare(
        council=org.council,
        declarer=org.person(a),
        other_person=org.person(b),
        nature=nature,
        since=date(2020, 1, 1),
        details="",
        as_of=AS_OF,
    )


def _settings(council, **values):
    council.protocol_settings = {
        key: {"value": value, "source": "test"} for key, value in values.items()
    }
    council.save()


def test_a_seventh_council_bars_what_its_file_says_whatever_its_protocol_number():
    # A synthetic council following no known protocol text: its own bar and warning paragraph.
    org = build_org(slug="seventh", protocol="X1")
    _settings(
        org.council,
        relationship_bars=[
            {
                "acts": ["committee_decision"],
                "natures": ["close_friendship"],
                "source": "X1 §9",
                "text": "no decision about a close friend",
            }
        ],
        relationship_warning="X1 §8",
    )
    _relate(org, "red_member", "officer_housing", Nature.CLOSE_FRIENDSHIP)
    _relate(org, "blue_member", "officer_finance", Nature.FAMILY)
    about = Matter(
        council=org.council,
        kind="committee_decision",
        people=frozenset({org.person("officer_housing").pk, org.person("officer_finance").pk}),
    )
    [barred] = services.conflict_check(person=org.person("red_member"), matter=about)
    assert (barred.blocking, barred.source) == (True, "X1 §9")
    assert "no decision about a close friend" in barred.reason
    [warned] = services.conflict_check(person=org.person("blue_member"), matter=about)
    assert (warned.blocking, warned.source) == (False, "X1 §8")


def test_a_council_that_drops_its_bar_from_its_file_no_longer_blocks():
    org = build_org(slug="hackney-like", protocol="004")  # no settings: no bar, no paragraph
    _relate(org, "red_member", "officer_housing", Nature.PARTNER)
    about = Matter(
        council=org.council,
        kind="committee_decision",
        people=frozenset({org.person("officer_housing").pk}),
    )
    [warned] = services.conflict_check(person=org.person("red_member"), matter=about)
    assert (warned.blocking, warned.source) == (False, "default")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([{"acts": ["lunch"], "source": "004 §3.3", "text": "x"}], "acts must list"),
        ([{"acts": ["appointment"], "natures": ["cousin"], "source": "x", "text": "x"}], "natures"),
        ([{"acts": ["member_role"], "roles": ["king"], "source": "x", "text": "x"}], "roles"),
        ([{"acts": ["appointment"], "text": "no source"}], "needs a source"),
        ([{"acts": ["appointment"], "source": "x", "text": "x", "colour": "red"}], "unknown keys"),
        ([{"acts": ["appointment"], "source": "x", "text": "x", "override": "yes"}], "override"),
    ],
)
def test_a_bar_that_no_code_could_read_fails_validation(value, problem):
    errors: list[str] = []
    settings = {"relationship_bars": {"value": value, "source": "004 §3.3"}}
    protocol_settings.validate(settings, {}, "hackney.yaml", errors)
    assert len(errors) == 1, errors
    assert problem in errors[0], errors


def test_every_council_file_carries_its_bars_with_their_paragraphs():
    expected = {
        "tower-hamlets": ["000 §10.5"],
        "part-5-3": ["001 §5.3.2.2; 001 §5.3.3.3", "001 §5.3.2.2"],
        "south-oxfordshire": ["002 §46"],
        "vale-of-white-horse": ["002 §46"],
        "southwark": [],
        "hackney": ["004 §3.3"],
    }
    for path in council_files.council_files():
        data = council_files.read(path)
        bars = data["settings"]["relationship_bars"]["value"]
        assert [b["source"] for b in bars] == expected[path.stem], path.stem
        assert council_files.validate(data, path.name) == []


def test_a_committee_in_a_council_file_names_the_staff_it_is_responsible_for():
    path = council_files.COUNCILS_DIR / "hackney.yaml"
    data = council_files.read(path)
    cabinet = data["committees"][0]
    cabinet["staff_directorates"] = [data["directorates"][0]["slug"]]
    assert council_files.validate(data, path.name) == []
    cabinet["staff_directorates"] = ["no-such-directorate"]
    errors = council_files.validate(data, path.name)
    assert any("staff_directorates names unknown directorates" in e for e in errors), errors
    # A wrong type is the schema's to refuse, before any cross-reference check.
    cabinet["staff_directorates"] = []
    cabinet["all_staff"] = "yes"
    errors = council_files.validate(data, path.name)
    assert any("all_staff" in e and "must be true or false" in e for e in errors), errors
