"""Who sees and acts on declarations, notices and advice — through the pages and the API.

A declaration is seen by the declarer, the posts and members notified, and the Monitoring
Officer; never by other members, other groups, unrelated officers, or the public. Only the
receiving officer records the decision. A denied read answers 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from interests import services
from interests.models import ActorKind, Capacity, Nature
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db

# Part 5.3: red_member declares → the Chief Executive decides, red_leader (own group leader) is
# told, the Monitoring Officer may see it.
VIEW = {
    "declarer": True,
    "handler": True,
    "notified_group_leader": True,
    "monitoring_officer": True,
    "same_group_member": False,
    "other_group_member": False,
    "other_group_leader": False,
    "unrelated_officer": False,
    "the_related_officer": False,
    "anonymous": False,
}
DECIDE = {key: key == "handler" for key in VIEW}
WHO = {
    "declarer": "red_member",
    "handler": "ce",
    "notified_group_leader": "red_leader",
    "monitoring_officer": "mo",
    "same_group_member": "red_other",
    "other_group_member": "blue_member",
    "other_group_leader": "blue_leader",
    "unrelated_officer": "officer_finance",
    "the_related_officer": "officer_housing",
    "anonymous": None,
}


@pytest.fixture
def declared(org):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="My brother-in-law",
        as_of=AS_OF,
    )


def login(client, org, role):
    if WHO[role] is not None:
        client.force_login(org.person(WHO[role]))
    return client


@pytest.mark.parametrize("role", list(VIEW))
def test_viewing_a_declaration_page(client, org, declared, role):
    response = login(client, org, role).get(
        reverse("interests:relationship-detail", args=[declared.pk])
    )
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    elif VIEW[role]:
        assert response.status_code == 200
        assert b"My brother-in-law" in response.content
    else:
        assert response.status_code == 404
        assert b"brother-in-law" not in response.content


@pytest.mark.parametrize("role", list(VIEW))
def test_viewing_a_declaration_through_the_api(client, org, declared, role):
    response = login(client, org, role).get(f"/api/v1/interests/relationships/{declared.pk}/")
    if role == "anonymous":
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if VIEW[role] else 404)


@pytest.mark.parametrize("role", list(VIEW))
def test_listing_shows_only_what_the_person_may_see(client, org, declared, role):
    if role == "anonymous":
        assert client.get("/api/v1/interests/relationships/").status_code == 403
        return
    login(client, org, role)
    ids = [r["id"] for r in client.get("/api/v1/interests/relationships/").json()["results"]]
    assert ids == ([declared.pk] if VIEW[role] else [])
    page = client.get(reverse("interests:index"))
    assert (declared.reference.encode() in page.content) is VIEW[role]


@pytest.mark.parametrize("role", list(DECIDE))
def test_recording_the_decision_on_the_page(client, org, declared, role):
    response = login(client, org, role).post(
        reverse("interests:relationship-detail", args=[declared.pk]),
        {"decide": "1", "decision": "Noted", "mitigations": "Stands down from panel X"},
    )
    declared.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    elif DECIDE[role]:
        assert response.status_code == 302
        assert declared.status == "decided"
        assert declared.mitigations == "Stands down from panel X"
    else:
        assert response.status_code == 404
    if not DECIDE[role]:
        assert declared.status == "declared"


@pytest.mark.parametrize("role", list(DECIDE))
def test_recording_the_decision_through_the_api(client, org, declared, role):
    response = login(client, org, role).post(
        f"/api/v1/interests/relationships/{declared.pk}/decide/",
        {"decision": "Noted", "mitigations": ""},
        content_type="application/json",
    )
    if role == "anonymous":
        expected = 403
    elif DECIDE[role]:
        expected = 200
    else:
        expected = 403 if VIEW[role] else 404
    assert response.status_code == expected
    declared.refresh_from_db()
    assert (declared.status == "decided") is DECIDE[role]


def test_only_the_declarer_may_withdraw(client, org, declared):
    url = f"/api/v1/interests/relationships/{declared.pk}/withdraw/"
    client.force_login(org.person("ce"))
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    client.force_login(org.person("red_other"))
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    client.force_login(org.person("red_member"))
    response = client.post(url, {"reason": "Declared in error"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_the_new_holder_of_a_post_sees_its_declarations(org, declared):
    from protocol_portal.casework.permissions import check_perm
    from protocol_portal.org.services import post_set_holder
    from tests.interests.factories import PersonFactory

    old = org.person("ce")
    new = PersonFactory(username="new-ce")
    post_set_holder(post=org.posts["ce"], holder=new)
    assert check_perm(new, "interests.decide_relationship", declared)
    assert not check_perm(old, "interests.view_relationship", declared)


# ---------------------------------------------------------------- advice and notices


@pytest.mark.parametrize("confidential", [True, False])
def test_confidential_advice_is_seen_only_by_the_member_and_the_adviser(client, org, confidential):
    from interests.selectors import advice_visible_to
    from tests.interests.factories import add_rule

    add_rule(
        org.council,
        "advice",
        case_type="interest",
        raised_by="member",
        concerning="advice",
        handler=("legal_democratic_services", "council"),
        source="001 §5.3.6.1",
    )
    advice = services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Must I declare?",
        matter="Item 5",
        confidential=confidential,
        as_of=AS_OF,
    )
    assert advice.owner_post == org.posts["lds"]
    expected = {
        "red_member": True,
        "lds": True,
        "mo": not confidential,
        "red_leader": False,
        "blue_member": False,
        "officer_finance": False,
        "ce": False,
    }
    for who, allowed in expected.items():
        client.force_login(org.person(who))
        response = client.get(reverse("interests:advice-detail", args=[advice.pk]))
        assert response.status_code == (200 if allowed else 404), who
        assert (advice in advice_visible_to(user=org.person(who))) is allowed, who


def test_only_the_adviser_gives_advice(client, org):
    advice = services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Must I declare?",
        as_of=AS_OF,
    )
    url = f"/api/v1/interests/advice-requests/{advice.pk}/advise/"
    client.force_login(org.person("red_member"))
    assert client.post(url, {"advice": "Yes"}, content_type="application/json").status_code == 403
    assert advice.owner_post == org.posts["mo"]  # no advice rule: the default adviser
    client.force_login(org.person("mo"))
    response = client.post(url, {"advice": "Yes, declare it"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "advised"


def test_acting_against_notices_are_seen_by_the_member_and_the_monitoring_officer(client, org):
    notice = services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party=ActorKind.EMPLOYER,
        acting_party_name="Acme Ltd",
        capacity=Capacity.PROFESSIONAL,
        action="Planning appeal against refusal",
        as_of=AS_OF,
    )
    for who, allowed in {
        "red_member": True,
        "mo": True,
        "red_leader": False,
        "ce": False,
        "blue_member": False,
    }.items():
        client.force_login(org.person(who))
        response = client.get(f"/api/v1/interests/acting-against-notices/{notice.pk}/")
        assert response.status_code == (200 if allowed else 404), who


def test_a_members_register_entries_are_seen_by_them_and_the_monitoring_officer(client, org):
    member = org.members["red_member"]
    item = services.interest_register(
        member=member, actor=member.person, category="land", description="Home", as_of=AS_OF
    )
    for who, allowed in {
        "red_member": True,
        "mo": True,
        "red_leader": False,
        "ce": False,
        "blue_member": False,
    }.items():
        client.force_login(org.person(who))
        response = client.get(f"/api/v1/interests/register-entries/{item.pk}/")
        assert response.status_code == (200 if allowed else 404), who
