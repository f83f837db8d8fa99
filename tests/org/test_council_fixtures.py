"""Every council file validates, loads idempotently, and routes as its protocol text says.

The expectation tables in tests/org/expectations/ are written from the protocol texts, not
generated from the fixtures: a fixture that drifts from its protocol fails here.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest

from protocol_portal.org.council_files import COUNCILS_DIR, CouncilFileError, load, read, rule_rows
from protocol_portal.org.models import Council, Post, RoutingRule
from protocol_portal.org.routing import Facts, PostRef, resolve
from tests.org import expectations

SLUGS = [
    "tower-hamlets",
    "part-5-3",
    "south-oxfordshire",
    "vale-of-white-horse",
    "southwark",
    "hackney",
]
TABLES = {
    module.COUNCIL: module
    for module in (
        importlib.import_module(f"tests.org.expectations.{info.name}")
        for info in pkgutil.iter_modules(expectations.__path__)
    )
}
CASES = [
    pytest.param(slug, expected, id=f"{slug}: {expected['scenario']}")
    for slug, module in sorted(TABLES.items())
    for expected in module.EXPECTED
]


def _rows(slug):
    return rule_rows(read(COUNCILS_DIR / f"{slug}.yaml"))


def test_there_is_a_file_and_a_table_for_each_of_the_six_councils():
    assert sorted(p.stem for p in COUNCILS_DIR.glob("*.yaml")) == sorted(SLUGS)
    assert sorted(TABLES) == sorted(SLUGS)


@pytest.mark.parametrize(("slug", "expected"), CASES)
def test_scenario_routes_as_the_protocol_says(slug, expected):
    route = resolve(
        _rows(slug),
        Facts(
            expected["case_type"], expected["raised_by"], expected["concerning"], expected["stage"]
        ),
    )
    assert (route.handler.kind, route.handler.of) == tuple(expected["handler"])
    assert {(c.kind, c.of) for c in route.copied} == set(expected.get("copied", set()))
    deadline = (route.deadline_days, route.deadline_calendar) if route.deadline_days else None
    assert deadline == (tuple(expected["deadline"]) if expected.get("deadline") else None)
    assert (route.next_stage or None) == expected.get("next_stage")
    assert expected["source"] in route.source, (route.source, expected["source"])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_rule_is_exercised_by_an_expectation(slug):
    hit = set()
    for expected in TABLES[slug].EXPECTED:
        facts = Facts(
            expected["case_type"], expected["raised_by"], expected["concerning"], expected["stage"]
        )
        hit.add(resolve(_rows(slug), facts).rule_key)
    unexercised = {row.key for row in _rows(slug)} - hit
    assert not unexercised, f"rules no protocol scenario reaches: {sorted(unexercised)}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_rule_cites_its_own_protocol(slug):
    data = read(COUNCILS_DIR / f"{slug}.yaml")
    protocol = str(data["council"]["protocol"])
    for row in _rows(slug):
        assert row.source == "default" or row.source.startswith(protocol), row


@pytest.mark.django_db
def test_all_files_load_into_an_empty_database_and_reload_changes_nothing():
    first = load()
    assert first.created > 0
    assert sorted(first.councils) == sorted(SLUGS)
    second = load()
    assert (second.created, second.updated) == (0, 0)
    assert Council.objects.count() == 6
    vale = Council.objects.get(slug="vale-of-white-horse")
    assert vale.shares_staff_with.slug == "south-oxfordshire"
    assert RoutingRule.objects.count() == sum(len(_rows(s)) for s in SLUGS)


@pytest.mark.django_db
def test_an_invalid_file_writes_nothing(tmp_path: Path):
    good = (COUNCILS_DIR / "hackney.yaml").read_text()
    bad = tmp_path / "broken.yaml"
    bad.write_text(good.replace("slug: hackney", "slug: broken", 1).replace("source:", "sourc:", 1))
    with pytest.raises(CouncilFileError) as problem:
        load([COUNCILS_DIR / "hackney.yaml", bad])
    assert any("broken.yaml" in error for error in problem.value.errors)
    assert Council.objects.count() == 0
    assert Post.objects.count() == 0


@pytest.mark.django_db
def test_a_slug_longer_than_its_column_is_refused_on_every_database(tmp_path: Path):
    good = (COUNCILS_DIR / "hackney.yaml").read_text()
    long = tmp_path / "long.yaml"
    long.write_text(good.replace("  - slug: chief-executive\n", "  - slug: " + "c" * 51 + "\n", 1))
    with pytest.raises(CouncilFileError) as problem:
        load([long])
    assert any("longer than 50 characters" in error for error in problem.value.errors)
    assert Council.objects.count() == 0


@pytest.mark.django_db
def test_every_rule_resolves_to_a_real_post_once_loaded():
    from protocol_portal.org.demo import seed_demo
    from protocol_portal.org.services import RoutingContext, post_for

    load()
    seed_demo()
    missing = []
    for rule in RoutingRule.objects.select_related("council"):
        if rule.handler_kind in {
            "leader",
            "group_leader",
            "whip",
            "committee_chair",
            "standards_committee",
        } or rule.handler_of.endswith("line_manager"):
            continue
        ctx = RoutingContext(
            council=rule.council, directorate=rule.council.directorates.order_by("slug").first()
        )
        if post_for(PostRef(rule.handler_kind, rule.handler_of), ctx) is None:
            missing.append(f"{rule.council.slug}:{rule.key}")
    assert not missing
