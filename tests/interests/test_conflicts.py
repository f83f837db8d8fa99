"""The conflict check across complaints, need-to-know requests, appointments and committee
decisions: every conflict, its reason, its paragraph, and whether it blocks."""

from __future__ import annotations

from datetime import date

import pytest

from interests import services
from interests.conflicts import matching_phrases
from interests.models import Interest, InterestCategory, Nature
from protocol_portal.casework.conflicts import Matter, conflicts_for, is_blocked
from tests.interests.conftest import AS_OF
from tests.interests.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def relate(org, a, b, nature=Nature.FAMILY):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person(a),
        other_person=org.person(b),
        nature=nature,
        since=date(2020, 1, 1),
        details="",
        as_of=AS_OF,
    )


def interest(org, member_key, category=InterestCategory.LAND, names="12 High Street", **extra):
    member = org.members[member_key]
    return services.interest_register(
        member=member,
        actor=member.person,
        category=category,
        description="My home",
        names=names,
        as_of=AS_OF,
        **extra,
    )


def complaint_about(org, subject):
    return Matter(council=org.council, kind="complaint", people=frozenset({org.person(subject).pk}))


def check(org, who, matter):
    return services.conflict_check(person=org.person(who), matter=matter)


# ---------------------------------------------------------------- complaints

COMPLAINT_SOURCES = {
    "000": "000 §10.5",
    # A complaint about a Director may lead to dismissal (001 §5.3.3.3), in which a related
    # member must not take part (001 §5.3.2.2).
    "001": "001 §5.3.2.2; 001 §5.3.3.3",
    "002": "002 §24",
    "003": "003 §13",
    "004": "004 §3.3",
}


@pytest.mark.parametrize("protocol", sorted(COMPLAINT_SOURCES))
def test_a_member_related_to_a_director_may_not_handle_a_complaint_about_them(make_org, protocol):
    org = make_org(protocol)
    rel = relate(org, "red_member", "dir_housing")
    [conflict] = check(org, "red_member", complaint_about(org, "dir_housing"))
    assert conflict.blocking is True
    assert conflict.source == COMPLAINT_SOURCES[protocol]
    assert rel.reference in conflict.reason
    assert conflict.person_id == org.person("red_member").pk
    # The kernel's hook gives the same answer to the complaints app.
    assert is_blocked(person=org.person("red_member"), matter=complaint_about(org, "dir_housing"))


def test_the_relationship_counts_whichever_side_declared_it(org):
    relate(org, "dir_housing", "red_member")
    assert is_blocked(person=org.person("red_member"), matter=complaint_about(org, "dir_housing"))
    assert is_blocked(person=org.person("dir_housing"), matter=complaint_about(org, "red_member"))


def test_no_relationship_no_conflict(org):
    relate(org, "red_member", "dir_finance")
    assert check(org, "red_member", complaint_about(org, "dir_housing")) == []
    assert check(org, "blue_member", complaint_about(org, "dir_finance")) == []


@pytest.mark.parametrize("close", ["relationship_end", "relationship_withdraw"])
def test_an_ended_or_withdrawn_relationship_no_longer_conflicts(org, close):
    rel = relate(org, "red_member", "dir_housing")
    getattr(services, close)(
        relationship=rel, actor=org.person("red_member"), reason="over", as_of=AS_OF
    )
    assert check(org, "red_member", complaint_about(org, "dir_housing")) == []


def test_a_decided_relationship_still_conflicts(org):
    rel = relate(org, "red_member", "dir_housing")
    services.relationship_decide(
        relationship=rel, actor=org.person("ce"), decision="Noted", mitigations="", as_of=AS_OF
    )
    assert is_blocked(person=org.person("red_member"), matter=complaint_about(org, "dir_housing"))


# ---------------------------------------------------------------- need to know


@pytest.mark.parametrize(
    ("protocol", "source"),
    [
        ("000", "000 §7.7"),
        ("002", "002 §81"),
        ("001", "001 §5.3.8.5; cf. 000 §7.7, 002 §81"),
        ("003", "003 §52; cf. 000 §7.7, 002 §81"),
        ("004", "004 §12.10; cf. 000 §7.7, 002 §81"),
    ],
)
def test_a_member_with_a_land_interest_asking_for_the_papers_is_flagged(make_org, protocol, source):
    org = make_org(protocol)
    interest(org, "red_member", names="12 High Street\nAcme Holdings Ltd")
    matter = Matter(
        council=org.council,
        kind="access_request",
        description="Cabinet report: disposal of the freehold of 12, High Street (exempt).",
    )
    [conflict] = check(org, "red_member", matter)
    assert conflict.blocking is False
    assert conflict.source == source
    assert "12 high street" in conflict.reason
    assert "private individual" in conflict.reason


def test_a_need_to_know_request_concerning_a_related_officer_warns(org):
    relate(org, "red_member", "officer_housing", Nature.CLOSE_FRIENDSHIP)
    matter = Matter(
        council=org.council,
        kind="access_request",
        people=frozenset({org.person("officer_housing").pk}),
        directorate_id=org.directorates["housing"].pk,
        description="Staffing restructure",
    )
    [conflict] = check(org, "red_member", matter)
    assert (conflict.blocking, conflict.source) == (False, "001 §5.3.1.1")


def test_interest_names_match_whole_words_only(org):
    item = interest(org, "red_member", names="Acme; Old Mill")
    assert matching_phrases(item, "Contract with ACME for repairs") == ["acme"]
    assert matching_phrases(item, "Acmeville regeneration") == []
    assert matching_phrases(item, "The old-mill site") == ["old mill"]
    assert matching_phrases(item, "A mill that is old") == []


def test_short_names_are_ignored(org):
    item = interest(org, "red_member", names="A1; UK")
    assert matching_phrases(item, "UK A1 road scheme") == []


def test_a_gift_matches_on_its_donor(org):
    org.council.gifts_threshold_pounds = 50
    item = interest(
        org,
        "red_member",
        category=InterestCategory.GIFT,
        names="",
        value_pounds=120,
        donor="Bloggs Developments",
    )
    matter = Matter(
        council=org.council,
        kind="committee_decision",
        description="Planning application by Bloggs Developments Ltd",
    )
    [conflict] = check(org, "red_member", matter)
    assert conflict.blocking is False  # a gift is not a disclosable pecuniary interest
    assert "'bloggs developments'" in conflict.reason
    assert item.is_dpi is False


def test_a_removed_interest_no_longer_matches(org):
    item = interest(org, "red_member")
    services.interest_remove(interest=item, actor=org.person("red_member"), as_of=AS_OF)
    matter = Matter(council=org.council, kind="access_request", description="12 High Street")
    assert check(org, "red_member", matter) == []


def test_another_members_interest_does_not_conflict(org):
    interest(org, "blue_member")
    matter = Matter(council=org.council, kind="access_request", description="12 High Street")
    assert check(org, "red_member", matter) == []


def test_a_sensitive_interest_still_conflicts(org):
    interest(org, "red_member", sensitive_requested=True, sensitive_reason="Threats")
    matter = Matter(council=org.council, kind="access_request", description="12 High Street")
    assert len(check(org, "red_member", matter)) == 1


# ---------------------------------------------------------------- appointments


def appointment(org, post_key, candidate=None):
    people = frozenset({org.person(candidate).pk}) if candidate else frozenset()
    return Matter(
        council=org.council,
        kind="appointment",
        posts=frozenset({org.posts[post_key].pk}),
        people=people,
    )


def test_001_no_part_in_appointing_a_related_director(make_org):
    org = make_org("001")
    relate(org, "red_member", "officer_finance", Nature.BUSINESS)
    # officer_finance is a candidate for the Director of Housing post.
    [conflict] = check(org, "red_member", appointment(org, "dir_housing", "officer_finance"))
    assert (conflict.blocking, conflict.source) == (True, "001 §5.3.2.2")


def test_001_dismissing_a_related_director_is_blocked_through_the_post_holder(make_org):
    org = make_org("001")
    relate(org, "red_member", "dir_housing", Nature.OTHER)
    [conflict] = check(org, "red_member", appointment(org, "dir_housing"))
    assert (conflict.blocking, conflict.source) == (True, "001 §5.3.2.2")


def test_001_appointment_below_director_only_warns(make_org):
    org = make_org("001")
    relate(org, "red_member", "officer_finance", Nature.FAMILY)
    [conflict] = check(org, "red_member", appointment(org, "officer_housing", "officer_finance"))
    assert (conflict.blocking, conflict.source) == (False, "001 §5.3.1.1")


def test_001_an_officer_on_the_panel_is_warned_not_blocked(make_org):
    org = make_org("001")
    relate(org, "hos_housing", "officer_finance", Nature.FAMILY)
    [conflict] = check(org, "hos_housing", appointment(org, "dir_housing", "officer_finance"))
    assert conflict.blocking is False


@pytest.mark.parametrize(
    ("nature", "blocking", "source"),
    [
        (Nature.CLOSE_FRIENDSHIP, True, "002 §46"),
        (Nature.FAMILY, True, "002 §46"),
        (Nature.BUSINESS, False, "002 §24"),
    ],
)
def test_002_no_part_in_appointing_a_close_friend_or_relative(make_org, nature, blocking, source):
    org = make_org("002")
    relate(org, "red_member", "officer_finance", nature)
    [conflict] = check(org, "red_member", appointment(org, "officer_housing", "officer_finance"))
    assert (conflict.blocking, conflict.source) == (blocking, source)


@pytest.mark.parametrize(
    ("nature", "blocking", "source"),
    [
        (Nature.PARTNER, True, "004 §3.3"),
        (Nature.FAMILY, True, "004 §3.3"),
        (Nature.CLOSE_FRIENDSHIP, False, "004 §3.5"),
    ],
)
def test_004_no_seat_on_a_body_responsible_for_a_related_employee(
    make_org, nature, blocking, source
):
    org = make_org("004")
    relate(org, "red_member", "officer_housing", nature)
    matter = Matter(
        council=org.council,
        kind="committee_decision",
        people=frozenset({org.person("officer_housing").pk}),
    )
    [conflict] = check(org, "red_member", matter)
    assert (conflict.blocking, conflict.source) == (blocking, source)


def test_000_neither_sits_on_a_body_nor_decides_matters_affecting_the_officer(make_org):
    org = make_org("000")
    relate(org, "blue_member", "officer_housing", Nature.BUSINESS)
    matter = Matter(
        council=org.council,
        kind="committee_decision",
        people=frozenset({org.person("officer_housing").pk}),
    )
    [conflict] = check(org, "blue_member", matter)
    assert (conflict.blocking, conflict.source) == (True, "000 §10.5")


# ---------------------------------------------------------------- committee decisions


def test_a_disclosable_pecuniary_interest_blocks_a_committee_vote(org):
    interest(org, "red_member", category=InterestCategory.CONTRACTS, names="Acme Holdings")
    matter = Matter(
        council=org.council,
        kind="committee_decision",
        description="Award of the repairs contract to Acme Holdings",
    )
    [conflict] = check(org, "red_member", matter)
    assert (conflict.blocking, conflict.source) == (True, "Localism Act 2011 s.31(4)")


def test_an_other_registrable_interest_only_warns_on_a_committee_vote(org):
    interest(org, "red_member", category=InterestCategory.OTHER, names="Riverside Trust")
    matter = Matter(
        council=org.council, kind="committee_decision", description="Grant to the Riverside Trust"
    )
    [conflict] = check(org, "red_member", matter)
    assert (conflict.blocking, conflict.source) == (False, "001 §5.3.6.1")


def test_every_conflict_is_returned(org):
    relate(org, "red_member", "dir_housing")
    interest(org, "red_member", category=InterestCategory.LAND, names="Old Depot")
    matter = Matter(
        council=org.council,
        kind="complaint",
        people=frozenset({org.person("dir_housing").pk}),
        description="Complaint about the sale of the Old Depot",
    )
    found = conflicts_for(person=org.person("red_member"), matter=matter)
    assert sorted((c.blocking, c.source) for c in found) == [
        (False, "Localism Act 2011 s.31"),
        (True, "001 §5.3.2.2; 001 §5.3.3.3"),  # dir_housing is a Director of Service
    ]


def test_councils_sharing_staff_share_declarations(make_org):
    south = make_org("002", slug="south")
    vale = CouncilFactory(slug="vale", name="Vale", protocol="002", shares_staff_with=south.council)
    relate(south, "red_member", "dir_housing")
    matter = Matter(
        council=vale, kind="complaint", people=frozenset({south.person("dir_housing").pk})
    )
    assert is_blocked(person=south.person("red_member"), matter=matter)


def test_the_check_costs_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    for key in ("dir_housing", "officer_housing", "officer_finance"):
        relate(org, "red_member", key)
    for n in range(5):
        interest(org, "red_member", names=f"Plot {n} Mill Lane")
    matter = Matter(
        council=org.council,
        kind="complaint",
        people=frozenset({org.person("dir_housing").pk}),
        description="Plot 3 Mill Lane",
    )
    with django_assert_max_num_queries(6):
        found = check(org, "red_member", matter)
    assert len(found) == 2
    assert Interest.objects.count() == 5
