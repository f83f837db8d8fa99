"""The need-to-know rulebook and refusal grounds are council data (issue 13, deliverable 1):
`need_to_know_rulebook` and `refusal_grounds` in a council file's `settings:`, validated by the
loader and on an admin edit, kept with history; a council with neither takes DEFAULT_BOOK."""

from __future__ import annotations

import copy

import pytest
import yaml
from django.core.exceptions import ValidationError

from access_requests import presumptions
from access_requests.presumptions import DEFAULT_BOOK, Facts
from access_requests.states import Ground, Presumption, Purpose
from protocol_portal.org import council_files
from protocol_portal.org.models import Council
from tests.access_requests import helpers as h
from tests.access_requests.conftest import load

WARD = Facts(purpose=Purpose.WARD, ward_is_members=True)


def _file(slug: str) -> dict:
    return council_files.read(council_files.COUNCILS_DIR / f"{slug}.yaml")


def test_the_engine_holds_no_council_table():
    assert not hasattr(presumptions, "RULEBOOKS")
    assert not hasattr(presumptions, "GROUNDS")


@pytest.mark.parametrize(
    "slug",
    h.SLUGS,
)
def test_every_council_file_carries_its_rulebook_and_grounds_with_sources(slug):
    settings = _file(slug)["settings"]
    for key in ("need_to_know_rulebook", "refusal_grounds"):
        assert settings[key]["source"], key
        assert settings[key]["value"], key


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v.update(wibble="000 §7.6"), "unknown keys"),
        (lambda v: v.update(general=""), "general must cite a paragraph"),
        (
            lambda v: v.update(own_body_part_two={"presumption": "maybe", "source": "x"}),
            "own_body_part_two",
        ),
        (lambda v: v.update(general_presumed="yes"), "general_presumed"),
        (lambda v: v.update(dispute={"practice": "shout", "source": "x"}), "dispute"),
    ],
)
def test_a_bad_rulebook_in_a_council_file_is_refused(change, message):
    data = _file("tower-hamlets")
    change(data["settings"]["need_to_know_rulebook"]["value"])
    errors = council_files.validate(data, "tower-hamlets.yaml")
    assert any(message in e for e in errors), errors


def test_a_bad_refusal_ground_in_a_council_file_is_refused():
    data = _file("hackney")
    data["settings"]["refusal_grounds"]["value"]["made_up"] = "004 §12.3"
    data["settings"]["refusal_grounds"]["value"][Ground.FISHING] = ""
    errors = council_files.validate(data, "hackney.yaml")
    assert any("unknown grounds ['made_up']" in e for e in errors), errors


@pytest.mark.django_db
def test_a_council_with_no_entry_takes_the_documented_default(tmp_path):
    data = _file("tower-hamlets")
    del data["settings"]["need_to_know_rulebook"]
    del data["settings"]["refusal_grounds"]
    path = tmp_path / "tower-hamlets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    council_files.load([path])
    council = Council.objects.get(slug="tower-hamlets")
    assert presumptions.rulebook_for(council) == DEFAULT_BOOK
    assert presumptions.presume(WARD, DEFAULT_BOOK).source == "default"
    assert presumptions.ground_source(Ground.FISHING, council) == (
        "default (common-law need to know)"
    )


@pytest.mark.django_db
def test_an_admin_edit_changes_the_rulebook_is_checked_and_kept_in_history():
    council = load("tower-hamlets")
    assert presumptions.presume(WARD, presumptions.rulebook_for(council)).source == "000 §7.10"
    before = council.history.count()
    edited = copy.deepcopy(council.protocol_settings)
    edited["need_to_know_rulebook"]["value"]["ward_problem"] = None
    council.protocol_settings = edited
    council.full_clean()
    council._change_reason = "ward presumption removed"
    council.save()
    council.refresh_from_db()
    result = presumptions.presume(WARD, presumptions.rulebook_for(council))
    assert (result.presumption, result.source) == (Presumption.MUST_JUSTIFY, "000 §7.8; 000 §7.9")
    assert council.history.count() == before + 1
    broken = copy.deepcopy(edited)
    broken["refusal_grounds"]["value"] = ["not", "a", "mapping"]
    council.protocol_settings = broken
    with pytest.raises(ValidationError) as err:
        council.full_clean()
    assert "refusal_grounds" in str(err.value)


def test_a_partial_rulebook_takes_the_default_for_what_it_leaves_out():
    book = presumptions.rulebook_from({"general": "999 §1", "general_presumed": True})
    assert book.general == "999 §1"
    assert book.marking == DEFAULT_BOOK.marking
    assert presumptions.presume(Facts(), book).presumption == Presumption.PRIMA_FACIE
