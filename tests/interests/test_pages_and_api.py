"""The browser pages and the JSON API: happy paths, bad input answered clearly, the public
register, and list pages in a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from interests import services
from interests.models import Interest, Nature, RegisterReturn, Relationship
from tests.interests.conftest import AS_OF
from tests.interests.factories import PersonFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(AS_OF, tick=False):
        yield


@pytest.fixture
def member_client(client, org):
    client.force_login(org.person("red_member"))
    return client


def api_post(client, url, data):
    return client.post(url, data, content_type="application/json")


# ---------------------------------------------------------------- relationship pages


def test_declaring_a_relationship_in_the_browser(member_client, org, frozen):
    response = member_client.post(
        reverse("interests:relationship-declare"),
        {
            "council": org.council.pk,
            "other_person": org.person("officer_housing").pk,
            "nature": Nature.FAMILY,
            "since": "2019-04-01",
            "details": "My cousin",
        },
    )
    rel = Relationship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interests:relationship-detail", args=[rel.pk])
    assert (rel.since, rel.received_on) == (date(2019, 4, 1), date(2026, 6, 2))
    page = member_client.get(response["Location"])
    assert b"Chief Executive" in page.content or b"Ce" in page.content
    assert b"001 \xc2\xa75.3.1.1" in page.content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"nature": ""}, "nature", "Choose the nature of the relationship"),
        ({"other_person": ""}, "other_person", "Choose the person the relationship is with"),
        ({"other_person": "self"}, "other_person", "Choose a member or officer of the council"),
        ({"since": "31/02/2020"}, "since", "The date the relationship began must be a real date"),
        (
            {"since_day": "31", "since_month": "2", "since_year": "2020"},
            "since",
            "The date the relationship began must be a real date",
        ),
        ({"since_day": "3", "since_year": "2020"}, "since", "must include a month"),
        ({"since": "2027-01-01"}, "since", "today or in the past"),
        ({"council": "999999"}, "council", "Choose one of your councils"),
    ],
)
def test_bad_declarations_keep_what_was_typed_and_say_what_is_wrong(
    member_client, org, frozen, data, field, message
):
    form = {
        "council": org.council.pk,
        "other_person": org.person("officer_housing").pk,
        "nature": Nature.FAMILY,
        "since": "",
        "details": "Typed by the member",
    }
    form.update(data)
    if form["other_person"] == "self":
        form["other_person"] = org.person("red_member").pk
    response = member_client.post(reverse("interests:relationship-declare"), form)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert b"Typed by the member" in response.content
    assert f'id="id_{field}-error"'.encode() in response.content or b"govuk-error-message" in (
        response.content
    )
    assert b"There is a problem" in response.content
    assert not Relationship.objects.exists()


def test_declaring_the_same_relationship_twice_is_refused_next_to_the_field(
    member_client, org, frozen
):
    form = {
        "council": org.council.pk,
        "other_person": org.person("officer_housing").pk,
        "nature": Nature.FAMILY,
    }
    member_client.post(reverse("interests:relationship-declare"), form)
    response = member_client.post(reverse("interests:relationship-declare"), form)
    assert response.status_code == 400
    assert "already declared" in response.context["form"].errors["other_person"][0]


@pytest.mark.parametrize(
    "button", [{"decide": "1"}, {}], ids=["with the button", "without the button's name"]
)
def test_an_empty_decision_is_refused(client, org, frozen, button):
    """Also when the form comes without its button's name (Enter in a field, a script,
    assistive technology: the browser sweep found it): refused with the message, the text kept,
    never the page again as if nothing had been sent."""
    rel = services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="",
        as_of=AS_OF,
    )
    client.force_login(org.person("ce"))
    response = client.post(
        reverse("interests:relationship-detail", args=[rel.pk]),
        {**button, "decision": "", "mitigations": "Kept text"},
    )
    assert response.status_code == 400
    assert response.context["decide_form"].errors["decision"] == ["Enter the decision"]
    assert b"Kept text" in response.content


def test_withdrawing_needs_a_reason(member_client, org, frozen):
    rel = services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="",
        as_of=AS_OF,
    )
    url = reverse("interests:relationship-close", args=[rel.pk, "withdraw"])
    response = member_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert response.context["reason_form"].errors["reason"] == ["Enter the reason"]
    assert member_client.post(url, {"reason": "In error"}).status_code == 302
    rel.refresh_from_db()
    assert rel.status == "withdrawn"


# ---------------------------------------------------------------- register pages


def test_registering_an_interest_in_the_browser(member_client, org, frozen):
    response = member_client.post(
        reverse("interests:register-mine"),
        {
            "council": org.council.pk,
            "category": "land",
            "whose": "spouse",
            "description": "Flat 2, 5 Mill Lane",
            "names": "5 Mill Lane",
        },
    )
    assert response.status_code == 302
    item = Interest.objects.get()
    assert (item.whose, item.registered_on, item.became_aware_on) == (
        "spouse",
        date(2026, 6, 2),
        date(2026, 6, 2),
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"category": ""}, "category", "Choose the kind of interest"),
        ({"description": ""}, "description", "Describe the interest"),
        (
            {"category": "gift", "value_pounds": "49", "donor": "Acme"},
            "value_pounds",
            "less than £50",
        ),
        (
            {"category": "gift", "value_pounds": "", "donor": "Acme"},
            "value_pounds",
            "estimated value",
        ),
        ({"category": "gift", "value_pounds": "80", "donor": ""}, "donor", "who gave"),
        ({"value_pounds": "lots"}, "value_pounds", "whole number"),
        ({"became_aware_on": "2026-07-01"}, "became_aware_on", "today or in the past"),
        (
            {"sensitive_requested": "on", "sensitive_reason": ""},
            "sensitive_reason",
            "violence or intimidation",
        ),
    ],
)
def test_bad_interests_are_refused_next_to_the_field(
    member_client, org, frozen, data, field, message
):
    form = {
        "council": org.council.pk,
        "category": "land",
        "whose": "member",
        "description": "Typed description",
        "names": "",
        "value_pounds": "",
        "donor": "",
    }
    form.update(data)
    response = member_client.post(reverse("interests:register-mine"), form)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    if form["description"]:
        assert b"Typed description" in response.content
    assert not Interest.objects.exists()


def test_a_gift_at_the_threshold_is_registered(member_client, org, frozen):
    org.council.gifts_threshold_pounds = 100
    org.council.save()
    response = member_client.post(
        reverse("interests:register-mine"),
        {
            "council": org.council.pk,
            "category": "gift",
            "whose": "member",
            "description": "Dinner",
            "value_pounds": "100",
            "donor": "Acme",
        },
    )
    assert response.status_code == 302
    assert Interest.objects.get().value_pounds == 100


def test_officers_have_no_register_page(client, org):
    client.force_login(org.person("officer_housing"))
    assert client.get(reverse("interests:register-mine")).status_code == 404


def test_confirming_a_return_in_the_browser(member_client, org, frozen):
    ret = services.register_return_open(
        member=org.members["red_member"], kind="change", trigger_on=date(2026, 6, 1), as_of=AS_OF
    )
    page = member_client.get(reverse("interests:register-mine"))
    assert b"28 June 2026" in page.content
    response = member_client.post(reverse("interests:register-return-submit", args=[ret.pk]))
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == "submitted"


def test_nobody_else_confirms_a_members_return(client, org):
    ret = services.register_return_open(
        member=org.members["red_member"], kind="change", trigger_on=date(2026, 6, 1), as_of=AS_OF
    )
    client.force_login(org.person("red_other"))
    assert (
        client.post(reverse("interests:register-return-submit", args=[ret.pk])).status_code == 404
    )
    client.force_login(org.person("mo"))
    assert client.post(f"/api/v1/interests/returns/{ret.pk}/submit/").status_code == 403
    ret.refresh_from_db()
    assert ret.status == "open"


# ---------------------------------------------------------------- the public register


@pytest.fixture
def register(org):
    member = org.members["red_member"]

    def add(description, **extra):
        return services.interest_register(
            member=member,
            actor=member.person,
            category="land",
            description=description,
            as_of=AS_OF,
            **extra,
        )

    public = add("Freehold of 5 Mill Lane")
    secret = add(
        "Home at 9 Hidden Road",
        sensitive_requested=True,
        sensitive_reason="Stalker",
        names="9 Hidden Road",
    )
    refused = add("Allotment on Park Road", sensitive_requested=True, sensitive_reason="Privacy")
    services.interest_sensitivity_decide(
        interest=refused, actor=org.person("mo"), agreed=False, as_of=AS_OF
    )
    spouse = add("Shares in Widget plc", whose="spouse")
    removed = add("Sold long ago: 1 Old Street")
    services.interest_remove(interest=removed, actor=member.person, as_of=AS_OF)
    return {"public": public, "secret": secret, "refused": refused, "spouse": spouse}


STATUTORY = b"The member has an interest the details of which are withheld under section 32(2)"


def test_the_public_register_needs_no_login_and_withholds_sensitive_details(client, org, register):
    response = client.get(reverse("interests:register-public", args=[org.council.slug]))
    assert response.status_code == 200
    body = response.content
    assert b"Freehold of 5 Mill Lane" in body
    assert b"Allotment on Park Road" in body  # the MO refused to withhold it
    assert b"Widget plc" in body
    assert b"Hidden Road" not in body
    assert b"Stalker" not in body
    assert body.count(STATUTORY) == 1
    assert b"Old Street" not in body
    assert b"spouse" not in body.lower()  # whose interest it is is not published


def test_a_sensitive_interest_is_withheld_while_the_mo_decides_and_after_agreeing(
    client, org, register
):
    services.interest_sensitivity_decide(
        interest=register["secret"], actor=org.person("mo"), agreed=True, as_of=AS_OF
    )
    body = client.get(reverse("interests:register-public", args=[org.council.slug])).content
    assert b"Hidden Road" not in body
    assert body.count(STATUTORY) == 1


def test_the_public_register_api_says_only_the_statutory_sentence(client, org, register):
    data = client.get(f"/api/v1/interests/public-register/{org.council.slug}/").json()
    [member] = [m for m in data["members"] if m["interests"]]
    withheld = [i for i in member["interests"] if i["withheld"]]
    assert withheld == [
        {
            "withheld": True,
            "category": None,
            "details": STATUTORY.decode() + " of the Localism Act 2011.",
        }
    ]
    assert "Hidden" not in str(data)
    assert member["interests"][-1]["withheld"] is True  # last, so its place gives nothing away


def test_an_unknown_council_has_no_register(client):
    assert client.get(reverse("interests:register-public", args=["nowhere"])).status_code == 404
    assert client.get("/api/v1/interests/public-register/nowhere/").status_code == 404


def test_the_mo_decides_sensitivity_in_the_browser(client, org, register):
    client.force_login(org.person("mo"))
    assert b"Sensitive interests awaiting" in client.get(reverse("interests:index")).content
    url = reverse("interests:interest-sensitivity", args=[register["secret"].pk])
    bad = client.post(url, {})
    assert bad.status_code == 400
    assert bad.context["form"].errors["agreed"] == ["Choose yes or no"]
    assert client.post(url, {"agreed": "yes"}).status_code == 302
    register["secret"].refresh_from_db()
    assert register["secret"].sensitive_agreed is True
    client.force_login(org.person("red_member"))
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- notices and advice pages


def test_acting_against_notice_in_the_browser(member_client, org, frozen):
    url = reverse("interests:acting-against-new")
    bad = member_client.post(
        url,
        {
            "council": org.council.pk,
            "acting_party": "employer",
            "capacity": "professional",
            "action": "Appeal",
        },
    )
    assert bad.status_code == 400
    assert "name of the person or company" in bad.context["form"].errors["acting_party_name"][0]
    assert b"Appeal" in bad.content
    ok = member_client.post(
        url,
        {
            "council": org.council.pk,
            "acting_party": "employer",
            "acting_party_name": "Acme LLP",
            "capacity": "professional",
            "action": "Appeal",
        },
    )
    assert ok.status_code == 302
    detail = member_client.get(ok["Location"])
    assert b"Acme LLP" in detail.content
    assert b"002 \xc2\xa7111" in detail.content  # no rule at this council: the default


def test_officers_cannot_give_acting_against_notices(client, org):
    client.force_login(org.person("officer_housing"))
    response = client.post(
        reverse("interests:acting-against-new"),
        {
            "council": org.council.pk,
            "acting_party": "self",
            "capacity": "private",
            "action": "Appeal",
        },
    )
    assert response.status_code == 400
    assert "council" in response.context["form"].errors


def test_advice_request_in_the_browser(member_client, org, frozen):
    url = reverse("interests:advice-new")
    bad = member_client.post(
        url, {"council": org.council.pk, "question": "", "matter": "Item 7", "confidential": "on"}
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["question"] == ["Enter your question"]
    assert b"Item 7" in bad.content
    ok = member_client.post(
        url, {"council": org.council.pk, "question": "Declare?", "confidential": "on"}
    )
    assert ok.status_code == 302
    assert b"Confidential" in member_client.get(ok["Location"]).content


def test_the_adviser_answers_in_the_browser(client, org):
    advice = services.advice_request(
        council=org.council, requester=org.person("red_member"), question="Declare?", as_of=AS_OF
    )
    client.force_login(org.person("mo"))
    url = reverse("interests:advice-detail", args=[advice.pk])
    assert client.post(url, {"advice": ""}).status_code == 400
    assert client.post(url, {"advice": "Yes"}).status_code == 302
    client.force_login(org.person("red_member"))
    assert client.post(url, {"advice": "Self-advice"}).status_code == 404


def _notice(org):
    return services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party="self",
        capacity="private",
        action="Appeal against a planning decision",
        as_of=AS_OF,
    )


def test_the_member_withdraws_a_notice_and_a_request_for_advice_in_the_browser(
    member_client, org, frozen
):
    notice = _notice(org)
    advice = services.advice_request(
        council=org.council, requester=org.person("red_member"), question="Declare?", as_of=AS_OF
    )
    for case, detail, withdraw in (
        (notice, "interests:acting-against-detail", "interests:acting-against-withdraw"),
        (advice, "interests:advice-detail", "interests:advice-withdraw"),
    ):
        page = member_client.get(reverse(detail, args=[case.pk])).content.decode()
        url = reverse(withdraw, args=[case.pk])
        assert f'action="{url}"' in page
        assert member_client.get(url).status_code == 405  # POST only
        done = member_client.post(url)
        assert done.status_code == 302
        assert done["Location"] == reverse(detail, args=[case.pk])
        case.refresh_from_db()
        assert case.status == "withdrawn"
        assert case.closed_at is not None
        assert case.history.first().history_change_reason == "withdrawn"
        assert case.history.first().history_user == org.person("red_member")
        # Repeating it changes nothing; the page no longer offers it.
        assert member_client.post(url).status_code == 302
        assert case.history.filter(history_change_reason="withdrawn").count() == 1
        assert f'action="{url}"' not in member_client.get(done["Location"]).content.decode()


def test_only_the_member_withdraws_and_not_after_the_answer(client, org, frozen):
    notice = _notice(org)
    url = reverse("interests:acting-against-withdraw", args=[notice.pk])
    client.force_login(org.person("mo"))  # sees the notice, may not withdraw it
    assert client.post(url).status_code == 404
    services.acting_against_acknowledge(
        notice=notice, actor=org.person("mo"), response="Noted", as_of=AS_OF
    )
    client.force_login(org.person("red_member"))
    refused = client.post(url)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "cannot become" in page
    assert f'href="{reverse("interests:acting-against-detail", args=[notice.pk])}"' in page
    notice.refresh_from_db()
    assert notice.status == "acknowledged"


def test_api_withdraws_a_notice_and_advice_once(member_client, org, frozen):
    notice = _notice(org)
    advice = services.advice_request(
        council=org.council, requester=org.person("red_member"), question="Declare?", as_of=AS_OF
    )
    for url in (
        f"/api/v1/interests/acting-against-notices/{notice.pk}/withdraw/",
        f"/api/v1/interests/advice-requests/{advice.pk}/withdraw/",
    ):
        first = api_post(member_client, url, {})
        assert first.status_code == 200
        assert first.json()["status"] == "withdrawn"
        assert api_post(member_client, url, {}).status_code == 200  # a no-op
    answered = services.advice_request(
        council=org.council, requester=org.person("red_member"), question="Again?", as_of=AS_OF
    )
    services.advice_give(request=answered, actor=org.person("mo"), advice="No.", as_of=AS_OF)
    url = f"/api/v1/interests/advice-requests/{answered.pk}/withdraw/"
    assert api_post(member_client, url, {}).status_code == 409
    member_client.force_login(org.person("mo"))
    assert api_post(member_client, url, {}).status_code == 403


# ---------------------------------------------------------------- API bad input


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nature": "cousin"}, "nature"),
        ({"other_person": 999999}, "other_person"),
        ({"council": "nowhere"}, "council"),
        ({"since": "not a date"}, "since"),
        ({"since": "2030-01-01"}, "since"),
        ({"other_person": "self"}, "other_person"),
    ],
)
def test_api_refuses_bad_declarations_with_a_reason(member_client, org, data, field):
    body = {
        "council": org.council.slug,
        "other_person": org.person("officer_housing").pk,
        "nature": "family",
    }
    body.update(data)
    if body["other_person"] == "self":
        body["other_person"] = org.person("red_member").pk
    response = api_post(member_client, "/api/v1/interests/relationships/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()[field][0]


def test_api_declares_a_relationship(member_client, org):
    response = api_post(
        member_client,
        "/api/v1/interests/relationships/",
        {
            "council": org.council.slug,
            "other_person": org.person("officer_housing").pk,
            "nature": "business",
        },
    )
    assert response.status_code == 201
    assert response.json()["handled_by"] == "Ce"
    assert response.json()["rule_source"] == "001 §5.3.1.1"


def test_a_council_the_person_does_not_belong_to_is_refused(member_client, make_org):
    elsewhere = make_org("004", slug="elsewhere")
    response = api_post(
        member_client,
        "/api/v1/interests/relationships/",
        {
            "council": elsewhere.council.slug,
            "other_person": elsewhere.person("ce").pk,
            "nature": "family",
        },
    )
    assert response.status_code == 400
    assert "council" in response.json()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/api/v1/interests/register-entries/",
            {"category": "gift", "description": "Lunch", "value_pounds": 10, "donor": "X"},
            "value_pounds",
        ),
        ("/api/v1/interests/register-entries/", {"category": "land"}, "description"),
        (
            "/api/v1/interests/register-entries/",
            {"category": "lands", "description": "x"},
            "category",
        ),
        (
            "/api/v1/interests/acting-against-notices/",
            {"acting_party": "company", "capacity": "private", "action": "x"},
            "acting_party_name",
        ),
        (
            "/api/v1/interests/acting-against-notices/",
            {"acting_party": "self", "capacity": "public", "action": "x"},
            "capacity",
        ),
        ("/api/v1/interests/advice-requests/", {"question": ""}, "question"),
        (
            "/api/v1/interests/advice-requests/",
            {"question": "x", "confidential": "maybe"},
            "confidential",
        ),
    ],
)
def test_api_refuses_bad_register_notice_and_advice_input(member_client, org, url, body, field):
    response = api_post(member_client, url, {"council": org.council.slug, **body})
    assert response.status_code == 400
    assert field in response.json()


def test_api_refuses_an_empty_decision(client, org):
    rel = services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="",
        as_of=AS_OF,
    )
    client.force_login(org.person("ce"))
    response = api_post(
        client, f"/api/v1/interests/relationships/{rel.pk}/decide/", {"decision": "  "}
    )
    assert response.status_code == 400
    assert "decision" in response.json()


def test_api_sensitivity_needs_a_request_first(client, org):
    member = org.members["red_member"]
    item = services.interest_register(
        member=member, actor=member.person, category="land", description="Home", as_of=AS_OF
    )
    client.force_login(org.person("mo"))
    response = api_post(
        client, f"/api/v1/interests/register-entries/{item.pk}/sensitivity/", {"agreed": True}
    )
    assert response.status_code == 400
    assert "agreed" in response.json()


# ---------------------------------------------------------------- conflict-check endpoint


@pytest.fixture
def related(org):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("dir_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="",
        as_of=AS_OF,
    )


def conflict_query(org, who, **extra):
    return {
        "council": org.council.slug,
        "person": org.person(who).pk,
        "kind": "complaint",
        "people": [org.person("dir_housing").pk],
        **extra,
    }


def test_a_member_asks_whether_they_may_handle_a_complaint(member_client, org, related):
    response = api_post(
        member_client, "/api/v1/interests/conflict-check/", conflict_query(org, "red_member")
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["conflicted"], data["blocking"]) == (True, True)
    assert related.reference in data["conflicts"][0]["reason"]
    # A complaint about a Director may lead to dismissal (001 §5.3.3.3), in which a related
    # member must take no part (001 §5.3.2.2).
    assert data["conflicts"][0]["source"] == "001 §5.3.2.2; 001 §5.3.3.3"


def test_an_officer_may_not_check_someone_else_and_learns_nothing(client, org, related):
    """The check answers for the asker's own act: an officer asking about a member is refused,
    in the same words whether the member is conflicted or not (F2)."""
    client.force_login(org.person("officer_finance"))
    conflicted = api_post(
        client, "/api/v1/interests/conflict-check/", conflict_query(org, "red_member")
    )
    clear = api_post(
        client, "/api/v1/interests/conflict-check/", conflict_query(org, "blue_member")
    )
    assert conflicted.status_code == clear.status_code == 403
    assert conflicted.json() == clear.json()
    assert related.reference not in conflicted.content.decode()


def test_the_person_may_be_left_out_and_is_then_the_asker(member_client, org, related):
    query = conflict_query(org, "red_member")
    del query["person"]
    data = api_post(member_client, "/api/v1/interests/conflict-check/", query).json()
    assert (data["conflicted"], data["blocking"]) == (True, True)


def test_the_monitoring_officer_sees_the_details(client, org, related):
    client.force_login(org.person("mo"))
    data = api_post(
        client, "/api/v1/interests/conflict-check/", conflict_query(org, "red_member")
    ).json()
    assert related.reference in data["conflicts"][0]["reason"]


def test_a_member_may_not_check_another_member(client, org, related):
    client.force_login(org.person("blue_member"))
    response = api_post(
        client, "/api/v1/interests/conflict-check/", conflict_query(org, "red_member")
    )
    assert response.status_code == 403


def test_no_conflict_answers_plainly(member_client, org):
    data = api_post(
        member_client, "/api/v1/interests/conflict-check/", conflict_query(org, "red_member")
    ).json()
    assert data == {"conflicted": False, "blocking": False, "conflicts": []}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "coup"}, "kind"),
        ({"person": "someone"}, "person"),
        ({"person": 2**64}, "person"),
        ({"people": [999999]}, "people"),
        ({"council": "nowhere"}, "council"),
    ],
)
def test_the_conflict_check_refuses_bad_input(member_client, org, extra, field):
    response = api_post(
        member_client,
        "/api/v1/interests/conflict-check/",
        conflict_query(org, "red_member", **extra),
    )
    assert response.status_code == 400
    assert field in response.json()


def test_the_conflict_check_refuses_another_councils_posts(member_client, org, make_org):
    other = make_org("000", slug="other")
    response = api_post(
        member_client,
        "/api/v1/interests/conflict-check/",
        conflict_query(org, "red_member", posts=[other.posts["ce"].pk]),
    )
    assert response.status_code == 400
    assert "posts" in response.json()


def test_anonymous_cannot_check(client, org):
    response = api_post(
        client, "/api/v1/interests/conflict-check/", conflict_query(org, "red_member")
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- constant queries


def _fill(org, n):
    for i in range(n):
        person = PersonFactory(username=f"{org.council.slug}-fill-{i}")
        from protocol_portal.org.models import Member

        Member.objects.create(council=org.council, person=person, group=org.groups["blue"])
        services.relationship_declare(
            council=org.council,
            declarer=person,
            other_person=org.person("officer_housing"),
            nature=Nature.OTHER,
            since=None,
            details="",
            as_of=AS_OF,
        )
        member = org.members["red_member"]
        services.interest_register(
            member=member,
            actor=member.person,
            category="other",
            description=f"Trustee {i}",
            as_of=AS_OF,
        )


@pytest.mark.parametrize("rows", [5, 50])
def test_the_mo_list_page_and_api_cost_the_same_queries_at_any_volume(
    client, org, rows, django_assert_max_num_queries
):
    _fill(org, rows)
    client.force_login(org.person("mo"))
    client.get(reverse("interests:index"))  # warm the content-type cache, as any live site is
    with django_assert_max_num_queries(14):
        page = client.get(reverse("interests:index"))
    assert page.status_code == 200
    assert len(page.context["relationships"]) == rows
    with django_assert_max_num_queries(8):
        data = client.get("/api/v1/interests/relationships/").json()
    assert data["count"] == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_public_register_costs_the_same_queries_at_any_volume(
    client, org, rows, django_assert_max_num_queries
):
    _fill(org, rows)
    for i in range(rows):
        add_member(org, f"extra-{i}")
    with django_assert_max_num_queries(6):
        page = client.get(reverse("interests:register-public", args=[org.council.slug]))
    assert page.content.count(b"Trustee") == rows
    with django_assert_max_num_queries(4):
        client.get(f"/api/v1/interests/public-register/{org.council.slug}/")


@pytest.mark.parametrize("rows", [5, 50])
def test_my_register_page_costs_the_same_queries_at_any_volume(
    client, org, rows, django_assert_max_num_queries
):
    _fill(org, rows)
    client.force_login(org.person("red_member"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("interests:register-mine"))
    assert len(page.context["interests"]) == rows


# ---------------------------------------------------------------- schema


def test_the_api_schema_is_clean_for_interests(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--file", "/dev/null")
    err = capsys.readouterr().err
    assert "interests" not in err.lower(), err


def test_register_returns_are_listed_in_the_api(member_client, org):
    services.register_return_open(
        member=org.members["red_member"],
        kind="annual",
        trigger_on=date(2026, 6, 1) - timedelta(days=1),
        as_of=AS_OF,
    )
    data = member_client.get("/api/v1/interests/returns/").json()
    assert [r["kind"] for r in data["results"]] == ["annual"]
    assert RegisterReturn.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    ["/api/v1/interests/acting-against-notices/", "/api/v1/interests/advice-requests/"],
)
def test_a_council_slug_with_a_nul_byte_names_no_council(member_client, org, url):
    """Found by the API fuzz on PostgreSQL, which refuses NUL in text: a 400, not a 500."""
    body = {"council": f"{org.council.slug}\x00", "acting_party": "self", "capacity": "private"}
    response = api_post(member_client, url, body | {"action": "x", "question": "x"})
    assert response.status_code == 400
    assert "council" in response.json()
