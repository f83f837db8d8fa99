"""The security probe's leaks through subject access, the conflict check and error messages
(../shared/audits/2026-12-security-probe.md F1, F2, F7, F11), each reproduced as the probe did
it and shown closed.

- F1: an officer's subject-access file held every councillor's register of interests (withheld
  ones included), every member role and every committee.
- F7: a person in two councils: one council's export listed the other's released documents.
- F2: any officer could test guesses (an address, a postcode, a charity) against a withheld
  interest through the conflict-check API.
- F11: errors named a person of another council by id, or said whether an id exists.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from access_requests.models import AccessRequest, Release, ReleaseOpening
from enquiries.models import WardNotice
from interests import services as interest_services
from protocol_portal.casework.conflicts import Matter, conflicts_for
from protocol_portal.casework.models import ConflictCheck
from protocol_portal.casework.subject_access import (
    _candidate_models,
    council_path,
    portal_app_labels,
    subject_access_data,
    subject_access_export,
)
from protocol_portal.org.models import Committee, Member, MemberRoleKind
from tests.complaints.factories import build_complaint_org
from tests.enquiries.helpers import log
from tests.factories import MemberRoleFactory, PersonFactory

pytestmark = pytest.mark.django_db

SECRET = "My home at 5 Secret Lane, London E8 1AA"
SECRET_NAMES = "5 Secret Lane\nHaven Refuge Trust"
# What the people in the register never have in the subject's own file.
OTHERS = (
    "interests.Interest",
    "interests.RegisterReturn",
    "org.MemberRole",
    "org.Committee",
    "enquiries.WardNotice",
)


@pytest.fixture
def register(org, as_of):
    """Rita (a member) has a land interest she asked to withhold; the opposition member is a
    whip; Rita and her ward colleague sit on Planning; the colleague has a register return
    open; the opposition member was told of Rita's enquiry about their ward."""
    rita = org.raiser
    secret = interest_services.interest_register(
        member=rita,
        actor=rita.person,
        category="land",
        description=SECRET,
        names=SECRET_NAMES,
        sensitive_requested=True,
        sensitive_reason="A risk of violence at home.",
        as_of=as_of,
    )
    assert secret.withheld
    MemberRoleFactory(member=org.opponent, kind=MemberRoleKind.WHIP)
    MemberRoleFactory(member=rita, kind=MemberRoleKind.GROUP_LEADER)
    planning = Committee.objects.create(council=org.council, slug="planning", name="Planning")
    planning.members.add(rita, org.colleague)
    returned = interest_services.register_return_open(
        member=org.colleague, kind="change", trigger_on=as_of.date(), as_of=as_of
    )
    enquiry = log(org, as_of, subject="Fly-tipping by the South ward boundary")
    WardNotice.objects.get_or_create(enquiry=enquiry, member=org.opponent, told_at=as_of)
    return {"secret": secret, "planning": planning, "return": returned, "enquiry": enquiry}


def _sections(data: dict) -> set[str]:
    return set(data["records"])


# ---------------------------------------------------------------- F1


def test_f1_an_officer_with_no_seat_gets_only_their_own_records(org, register, as_of):
    """The probe's reproduction: the MO exports a housing officer who sits on no council."""
    officer = org.housing_officer.holder
    body = subject_access_export(requested_by=org.mo.holder, person=officer, as_of=as_of)
    data = json.loads(body)
    text = body.decode()
    print(f"officer's export: {sorted(_sections(data))}")
    assert not _sections(data) & set(OTHERS), _sections(data)
    assert "Secret Lane" not in text
    assert "Haven Refuge" not in text
    assert "E8 1AA" not in text
    # What is about them is still there: their post.
    assert [row["title"] for row in data["records"]["org.Post"]] == ["Housing Officer"]


def test_f1_a_site_admin_exporting_a_person_with_no_seat_gets_nothing_of_the_members(
    org, register, as_of
):
    build_complaint_org()  # a second council, with members and roles of its own
    admin = PersonFactory(username="root", is_staff=True, is_superuser=True)
    officer = org.housing_officer.holder
    body = subject_access_export(requested_by=admin, person=officer, as_of=as_of)
    data = json.loads(body)
    assert data["councils"] == "all"
    assert not _sections(data) & set(OTHERS)
    assert "Secret Lane" not in body.decode()


def test_f1_a_member_gets_their_own_register_roles_and_committees_and_nobody_elses(
    org, register, as_of
):
    rita = org.raiser
    data = subject_access_data(person=rita.person, councils=None)
    records = data["records"]
    assert [r["id"] for r in records["interests.Interest"]] == [register["secret"].pk]
    assert [r["kind"] for r in records["org.MemberRole"]] == [MemberRoleKind.GROUP_LEADER]
    assert [r["id"] for r in records["org.Committee"]] == [register["planning"].pk]
    assert "interests.RegisterReturn" not in records  # the colleague's, not hers
    assert "enquiries.WardNotice" not in records  # told to the opposition member, not her
    # Her own withheld interest is hers to see.
    assert records["interests.Interest"][0]["description"] == SECRET
    # The opposition member's file holds their role and their ward notice, not Rita's interest.
    theirs = subject_access_data(person=org.opponent.person, councils=None)
    assert [r["kind"] for r in theirs["records"]["org.MemberRole"]] == [MemberRoleKind.WHIP]
    assert len(theirs["records"]["enquiries.WardNotice"]) == 1
    assert "interests.Interest" not in theirs["records"]
    assert "Secret Lane" not in json.dumps(theirs)


def test_every_exported_model_reaches_a_council_and_the_apps_are_found_without_names():
    """Nothing is left out of a council-limited export for want of a path, and no list of
    case apps is kept by hand: the kernel's apps and every app with a case type."""
    assert {"org", "casework", "enquiries", "complaints", "interests", "access_requests"} <= (
        portal_app_labels()
    )
    paths = {m._meta.label: council_path(m) for m in _candidate_models()}
    assert None not in paths.values(), paths
    assert paths["access_requests.ReleaseOpening"] == "release__request__council"
    assert paths["org.MemberRole"] == "member__council"


# ---------------------------------------------------------------- F7


def _opened_release(org, member: Member, as_of) -> Release:
    """A need-to-know document of the member's council, released to them and opened by them."""
    request = AccessRequest.objects.create(
        council=org.council,
        reference="TST-NTK-2026-00001",
        received_on=as_of.date(),
        requester_person=member.person,
        requester_member=member,
        what="Housing company business plan",
        directorate=org.housing,
        purpose="ward",
        presumption="prima_facie",
        presumption_source="test",
        presumption_reason="test",
        rule_key="test",
        rule_source="test",
        route_explanation="test",
        handler_title="Director",
        status="granted",
    )
    release = Release.objects.create(
        request=request,
        token="t" * 32,
        title="Doc x.pdf: Testshire housing company business plan",
        marking="Confidential",
        marking_source="test",
        conditions="For your duties only.",
        released_by=org.housing_director.holder,
        released_at=as_of,
    )
    for hours in (1, 2):
        ReleaseOpening.objects.create(
            release=release, person=member.person, at=as_of + timedelta(hours=hours)
        )
    return release


def test_f7_the_other_councils_export_of_a_twin_hatted_member_lists_none_of_this_councils_documents(
    org, as_of
):
    rita = org.raiser
    _opened_release(org, rita, as_of)
    other = build_complaint_org()
    Member.objects.create(council=other.council, person=rita.person)
    body = subject_access_export(requested_by=other.mo.holder, person=rita.person, as_of=as_of)
    data = json.loads(body)
    assert data["councils"] == [other.council.name]
    assert "access_requests.ReleaseOpening" not in data["records"]
    assert "Doc x.pdf" not in body.decode()
    assert "housing company" not in body.decode()
    # Her own council's Monitoring Officer, and a site admin, see her openings.
    own = json.loads(
        subject_access_export(requested_by=org.mo.holder, person=rita.person, as_of=as_of)
    )
    assert len(own["records"]["access_requests.ReleaseOpening"]) == 2
    everything = subject_access_data(person=rita.person, councils=None)
    assert len(everything["records"]["access_requests.ReleaseOpening"]) == 2


def test_f7_a_twin_hatted_members_roles_are_exported_only_for_the_exporters_council(
    org, register, as_of
):
    rita = org.raiser
    other = build_complaint_org()
    seat = Member.objects.create(council=other.council, person=rita.person)
    MemberRoleFactory(member=seat, kind=MemberRoleKind.WHIP)
    data = json.loads(
        subject_access_export(requested_by=other.mo.holder, person=rita.person, as_of=as_of)
    )
    assert [r["kind"] for r in data["records"]["org.MemberRole"]] == [MemberRoleKind.WHIP]
    assert "interests.Interest" not in data["records"]  # registered with her other council
    assert [r["id"] for r in data["records"]["org.Member"]] == [seat.pk]


# ---------------------------------------------------------------- F2

URL = "/api/v1/interests/conflict-check/"
GUESSES = (
    ("planning application at 5 Secret Lane", "planning application at 6 Secret Lane"),
    ("planning application, E8 1AA", "planning application, E8 1AB"),
    ("grant to Haven Refuge Trust", "grant to Other Trust"),
)


def _ask(person, body: dict):
    client = APIClient()
    client.force_authenticate(person)
    return client.post(URL, body, format="json")


def _query(org, person, description: str) -> dict:
    return {
        "council": org.council.slug,
        "person": person.pk,
        "kind": "committee_decision",
        "description": description,
    }


@pytest.mark.parametrize(("right", "wrong"), GUESSES)
def test_f2_an_officer_cannot_test_guesses_about_a_withheld_interest(org, register, right, wrong):
    rita = org.raiser.person
    officer = org.housing_officer.holder
    hit = _ask(officer, _query(org, rita, right))
    miss = _ask(officer, _query(org, rita, wrong))
    print(f"officer guessing {right!r}: {hit.status_code} {hit.json()}")
    assert hit.status_code == miss.status_code == 403
    assert hit.json() == miss.json()
    assert ConflictCheck.objects.filter(asked_by=officer, answer="refused").count() == 2


@pytest.mark.parametrize(("right", "wrong"), GUESSES)
def test_f2_even_the_monitoring_officer_gets_the_same_answer_for_right_and_wrong_guesses(
    org, register, right, wrong
):
    rita = org.raiser.person
    hit = _ask(org.mo.holder, _query(org, rita, right))
    miss = _ask(org.mo.holder, _query(org, rita, wrong))
    assert hit.status_code == miss.status_code == 200
    assert hit.json() == miss.json() == {"conflicted": False, "blocking": False, "conflicts": []}


def test_f2_the_member_is_told_of_their_own_withheld_interest_with_its_paragraph(org, register):
    rita = org.raiser.person
    own = _ask(rita, _query(org, rita, "planning application at 5 Secret Lane"))
    assert own.status_code == 200
    answer = own.json()
    assert (answer["conflicted"], answer["blocking"]) == (True, True)
    [conflict] = answer["conflicts"]
    assert conflict["source"] == "Localism Act 2011 s.31(4)"
    assert "must not take part" in conflict["reason"]
    clear = _ask(rita, _query(org, rita, "planning application at 6 Secret Lane")).json()
    assert clear == {"conflicted": False, "blocking": False, "conflicts": []}
    # The services still act on it: the kernel hook counts withheld interests.
    matter = Matter(org.council, "committee_decision", description="5 Secret Lane")
    [found] = conflicts_for(person=rita, matter=matter)
    assert found.blocking
    assert found.withheld


def test_f2_every_check_is_recorded_with_who_asked_about_what_and_the_answer(org, register, as_of):
    rita = org.raiser.person
    officer = org.housing_officer.holder
    _ask(rita, _query(org, rita, "planning application at 5 Secret Lane"))
    _ask(rita, {"council": org.council.slug, "kind": "committee_decision"})
    _ask(officer, _query(org, rita, "planning application, E8 1AA"))
    _ask(org.mo.holder, _query(org, rita, "5 Secret Lane"))
    rows = list(ConflictCheck.objects.order_by("pk"))
    assert [(r.asked_by, r.person, r.answer) for r in rows] == [
        (rita, rita, "barred"),
        (rita, rita, "clear"),
        (officer, None, "refused"),
        (org.mo.holder, rita, "clear"),
    ]
    assert rows[0].sources == "Localism Act 2011 s.31(4)"
    assert rows[0].kind == "committee_decision"
    assert rows[2].person_asked == rita.pk
    assert rows[2].description == "planning application, E8 1AA"
    assert all(r.council == org.council and r.at is not None for r in rows)


def test_f2_the_monitoring_officer_reads_the_checks_in_the_admin_and_cannot_change_them(
    client, org, register
):
    rita = org.raiser.person
    _ask(org.housing_officer.holder, _query(org, rita, "5 Secret Lane"))
    mo = org.mo.holder
    mo.is_staff = True
    mo.save()
    client.force_login(mo)
    listing = client.get("/admin/casework/conflictcheck/")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    row = ConflictCheck.objects.get()
    assert client.get(f"/admin/casework/conflictcheck/{row.pk}/change/").status_code == 200
    assert client.post(f"/admin/casework/conflictcheck/{row.pk}/delete/").status_code == 403
    assert ConflictCheck.objects.count() == 1
    # Another council's Monitoring Officer does not see this council's checks.
    other = build_complaint_org().mo.holder
    other.is_staff = True
    other.save()
    client.force_login(other)
    assert client.get("/admin/casework/conflictcheck/").context["cl"].result_count == 0


# ---------------------------------------------------------------- F11


def test_f11_declaring_a_relationship_with_another_councils_person_names_nobody(org):
    stranger = build_complaint_org().red_whip.person
    stranger.first_name, stranger.last_name = "Priya", "Mensah"
    stranger.save()
    body = {"council": org.council.slug, "nature": "family", "details": "x"}
    foreign = _declare(org.raiser.person, {**body, "other_person": stranger.pk})
    nobody = _declare(org.raiser.person, {**body, "other_person": 10**9})
    assert foreign.status_code == nobody.status_code == 400
    assert foreign.json() == nobody.json()
    assert "Mensah" not in foreign.content.decode()
    assert foreign.json()["other_person"] == ["Choose a member or officer of this council."]


def _declare(person, body):
    client = APIClient()
    client.force_authenticate(person)
    return client.post("/api/v1/interests/relationships/", body, format="json")


def test_f11_the_conflict_check_never_says_whether_an_id_exists(org):
    stranger = build_complaint_org().red_whip.person
    member = org.raiser.person
    base = {"council": org.council.slug, "kind": "complaint"}
    # Asking about someone else: one refusal, whoever the id is.
    answers = [
        _ask(member, {**base, "person": pk}) for pk in (stranger.pk, 10**9, org.colleague.person_id)
    ]
    assert {a.status_code for a in answers} == {403}
    assert len({a.content for a in answers}) == 1
    # Naming people in the matter: one message for another council's and for nobody's.
    foreign = _ask(member, {**base, "people": [stranger.pk]})
    nobody = _ask(member, {**base, "people": [10**9]})
    assert foreign.status_code == nobody.status_code == 400
    assert foreign.json() == nobody.json()
    assert str(10**9) not in nobody.content.decode()
    # The Monitoring Officer asking about someone outside the council gets the same words.
    mo_foreign = _ask(org.mo.holder, {**base, "person": stranger.pk})
    mo_nobody = _ask(org.mo.holder, {**base, "person": 10**9})
    assert mo_foreign.status_code == mo_nobody.status_code == 400
    assert mo_foreign.json() == mo_nobody.json()


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("subject_member", "Choose the member the complaint is about."),
        ("subject_post", "Choose the officer the concern is about."),
    ],
)
def test_f11_a_complaint_about_an_id_that_is_nobody_reads_like_one_about_another_council(
    org, field, words
):
    other = build_complaint_org()
    foreign_id = other.red_whip.pk if field == "subject_member" else other.policy_officer.pk
    kind = "code_of_conduct" if field == "subject_member" else "officer_concern"
    client = APIClient()
    client.force_authenticate(org.raiser.person)
    answers = [
        client.post(
            "/api/v1/complaints/",
            {"council": org.council.slug, "kind": kind, field: pk, "summary": "s", "details": "d"},
            format="json",
        )
        for pk in (foreign_id, 10**9)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert [a.json() for a in answers] == [{field: [words]}] * 2


def test_f11_the_declaration_form_gives_its_own_words_for_someone_of_another_council(client, org):
    """A member of two councils sees both councils' people in the list; choosing one of the
    other council's for this council is the field's error, not a sentence naming them."""
    other = build_complaint_org()
    rita = org.raiser.person
    Member.objects.create(council=other.council, person=rita)
    stranger = other.red_whip.person
    client.force_login(rita)
    response = client.post(
        "/interests/relationships/new/",
        {"council": org.council.pk, "other_person": stranger.pk, "nature": "family"},
    )
    assert response.status_code == 400  # the form again, with the error by the field
    errors = response.context["form"].errors
    assert errors["other_person"] == ["Choose a member or officer of the council"]
