"""Interests decisions in the Monitoring Officer's register of determinations (issue 14): a
decision on a declared relationship and the MO's decision on a sensitive interest are listed,
filterable and in the CSV; only someone who may see the case sees its row."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from interests import services
from interests.models import Nature
from tests.factories import PersonFactory
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db
URL = reverse("determinations")


@pytest.fixture
def decided(org):
    """A relationship the Chief Executive decided with mitigations; an interest the MO first
    agreed was sensitive, then (on second thoughts) did not."""
    with time_machine.travel(AS_OF, tick=False):
        relationship = services.relationship_declare(
            council=org.council,
            declarer=org.person("red_member"),
            other_person=org.person("officer_housing"),
            nature=Nature.FAMILY,
            since=None,
            details="",
            as_of=AS_OF,
        )
        services.relationship_decide(
            relationship=relationship,
            actor=org.person("ce"),
            decision="Keep them apart on housing matters.",
            mitigations="Not on the same panel.",
            as_of=AS_OF + timedelta(hours=1),
        )
        member = org.members["red_member"]
        interest = services.interest_register(
            member=member,
            actor=member.person,
            category="land",
            description="Home at 9 Hidden Road",
            sensitive_requested=True,
            sensitive_reason="Stalker",
            as_of=AS_OF,
        )
    with time_machine.travel(AS_OF + timedelta(hours=2), tick=False):
        services.interest_sensitivity_decide(
            interest=interest, actor=org.person("mo"), agreed=True, as_of=AS_OF
        )
    with time_machine.travel(AS_OF + timedelta(hours=3), tick=False):
        services.interest_sensitivity_decide(
            interest=interest, actor=org.person("mo"), agreed=False, as_of=AS_OF
        )
    return relationship, interest


def _get(client, person, url=URL, **params):
    client.force_login(person)
    with time_machine.travel(AS_OF + timedelta(days=1), tick=False):
        return client.get(url, params)


def _rows(response) -> set[tuple]:
    assert response.status_code == 200
    return {(r["kind"], r["result"], r["superseded"]) for r in response.context["rows"]}


REL = ("relationship", "mitigations", False)
WITHHELD = ("sensitive_interest", "withheld", True)
PUBLISHED = ("sensitive_interest", "published", False)


def test_the_mo_sees_interests_decisions_linked_to_their_cases(client, org, decided):
    relationship, interest = decided
    response = _get(client, org.person("mo"))
    assert _rows(response) == {REL, WITHHELD, PUBLISHED}
    body = response.content.decode()
    assert relationship.reference in body
    assert reverse("interests:relationship-detail", args=[relationship.pk]) in body
    assert reverse("interests:interest-sensitivity", args=[interest.pk]) in body
    assert "Decided, with mitigations" in body
    assert "Relationship declaration" in body
    assert "Details withheld from the published register" in body
    assert f"Register of {org.person('red_member').get_full_name()}" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"case_type": "relationship"}, {REL}),
        ({"case_type": "sensitive_interest", "state": "current"}, {PUBLISHED}),
        ({"outcome": "relationship:no_mitigations"}, set()),
        ({"outcome": "sensitive_interest:withheld"}, {WITHHELD}),
        ({"quarter": "2026-2"}, {REL, WITHHELD, PUBLISHED}),
        ({"quarter": "2026-1"}, set()),
        ({"outcome": "relationship:nonsense"}, {REL, WITHHELD, PUBLISHED}),
    ],
)
def test_the_register_filters_interests_decisions(client, org, decided, params, expected):
    assert _rows(_get(client, org.person("mo"), **params)) == expected


def test_the_csv_has_the_interests_decisions(client, org, decided):
    relationship, _ = decided
    response = _get(client, org.person("mo"), reverse("determinations-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    found = [r for r in rows if r[0] == relationship.reference]
    assert len(found) == 1
    assert found[0][1:4] == [
        "Relationship declaration",
        org.council.name,
        "Decided, with mitigations",
    ]
    assert found[0][5] == org.person("ce").get_full_name()


def test_only_who_may_see_the_case_sees_its_row(client, org, decided):
    # The deputy reads the register but was not told of the declaration (the MO's post was
    # filled) and keeps no grant on the register entry: neither row is theirs to see.
    deputy = _get(client, org.person("dmo"))
    assert _rows(deputy) == set()
    # Anyone else: no register at all.
    for key in ("ce", "officer_housing"):
        assert _get(client, org.person(key)).status_code == 404
    assert _get(client, org.person("red_member")).status_code == 404
    # The site admin sees every row.
    admin = PersonFactory(username="root-interests", is_superuser=True, is_staff=True)
    assert _rows(_get(client, admin)) == {REL, WITHHELD, PUBLISHED}


def test_an_undecided_declaration_is_not_a_determination(client, org):
    with time_machine.travel(AS_OF, tick=False):
        services.relationship_declare(
            council=org.council,
            declarer=org.person("red_member"),
            other_person=org.person("officer_housing"),
            nature=Nature.FAMILY,
            since=None,
            details="",
            as_of=AS_OF,
        )
    assert _rows(_get(client, org.person("mo"))) == set()
