"""Who sees and does what, through the browser and the API (role × action → allow/deny).

Scenario: a member's concern about a housing officer, handled by the housing Director, copied
to the head of HR; the Director's line manager is the Chief Executive.
"""

from datetime import date

import pytest
from django.urls import reverse

from complaints import services
from complaints.states import Kind
from tests.complaints.factories import AS_OF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SECRET = "Final written warning issued after the hearing."
RELEASE = "An allegation that you were rude on 1 March."

ROLES = {
    # role: (view, act, see disciplinary detail)
    "complainant": (True, False, False),
    "subject_before_release": (False, False, False),
    "subject_after_release": ("released", False, False),
    "handler": (True, True, True),
    "copied_post": (True, False, False),
    "line_manager": (True, False, True),
    "monitoring_officer": (False, False, False),
    "other_member": (False, False, False),
    "unrelated_officer": (False, False, False),
    "anonymous": (False, False, False),
}


def person_for(o, role):
    return {
        "complainant": o.complainant.person,
        "subject_before_release": o.officer.holder,
        "subject_after_release": o.officer.holder,
        "handler": o.director.holder,
        "copied_post": o.hr.holder,
        "line_manager": o.ce.holder,
        "monitoring_officer": o.mo.holder,
        "other_member": o.blue_member.person,
        "unrelated_officer": o.officer_2.holder,
        "anonymous": None,
    }[role]


@pytest.fixture
def case(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=corg.officer,
        summary="Rude on the phone",
        details="The officer was rude when I rang.",
        as_of=AS_OF,
    )
    services.complaint_note_disciplinary(
        complaint=complaint, actor=corg.director.holder, notes=SECRET, as_of=AS_OF
    )
    return complaint


def login(client, person):
    if person is not None:
        client.force_login(person)
    return client


def release(corg, complaint, role):
    if role == "subject_after_release":
        services.complaint_release_to_subject(
            complaint=complaint, actor=corg.director.holder, text=RELEASE, as_of=AS_OF
        )


@pytest.mark.parametrize("role", ROLES)
def test_browser_view(client, corg, case, role):
    release(corg, case, role)
    view, _, disciplinary = ROLES[role]
    response = login(client, person_for(corg, role)).get(
        reverse("complaints:detail", args=[case.pk])
    )
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        return
    if not view:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    if view == "released":
        assert RELEASE in body
        assert "The officer was rude when I rang." not in body
    else:
        assert "The officer was rude when I rang." in body
        assert "Rude on the phone" in body
    assert (SECRET in body) is disciplinary


@pytest.mark.parametrize("role", ROLES)
def test_browser_act(client, corg, case, role):
    release(corg, case, role)
    view, act, _ = ROLES[role]
    response = login(client, person_for(corg, role)).post(
        reverse("complaints:acknowledge", args=[case.pk]),
        {"intent": "will_act", "message": "On it.", "outcome_due_on": "20/03/2026"},
    )
    case.refresh_from_db()
    if act:
        assert response.status_code == 302
        assert case.status == "acknowledged"
        return
    assert case.status == "received"
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (403 if view else 404)


@pytest.mark.parametrize("role", ROLES)
def test_api_view(client, corg, case, role):
    release(corg, case, role)
    view, _, disciplinary = ROLES[role]
    response = login(client, person_for(corg, role)).get(f"/api/v1/complaints/{case.reference}/")
    if role == "anonymous":
        assert response.status_code == 403
        return
    if not view:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    data = response.json()
    if view == "released":
        assert data["subject_release_text"] == RELEASE
        assert "details" not in data
    else:
        assert data["details"] == "The officer was rude when I rang."
    assert ("disciplinary_notes" in data) is disciplinary
    assert (SECRET in response.content.decode()) is disciplinary


@pytest.mark.parametrize("role", ROLES)
def test_api_act(client, corg, case, role):
    release(corg, case, role)
    view, act, _ = ROLES[role]
    response = login(client, person_for(corg, role)).post(
        f"/api/v1/complaints/{case.reference}/acknowledge/",
        {"intent": "will_act", "message": "On it.", "outcome_due_on": "2026-03-20"},
        content_type="application/json",
    )
    case.refresh_from_db()
    if act:
        assert response.status_code == 200
        assert case.outcome_due_on == date(2026, 3, 20)
    else:
        assert case.status == "received"
        expected = 403 if role == "anonymous" or view else 404
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_what_each_role_may_see(client, corg, case, role):
    release(corg, case, role)
    view, _, _ = ROLES[role]
    if role == "anonymous":
        assert client.get("/api/v1/complaints/").status_code == 403
        return
    login(client, person_for(corg, role))
    api = client.get("/api/v1/complaints/").json()["results"]
    page = client.get(reverse("complaints:list")).content.decode()
    assert ([c["reference"] for c in api] == [case.reference]) is (view is True)
    assert (case.reference in page) is bool(view)


def test_a_member_is_told_the_outcome_and_whether_action_was_taken_not_the_discipline(
    client, corg, case
):
    services.complaint_acknowledge(
        complaint=case,
        actor=corg.director.holder,
        intent="will_act",
        message="m",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF,
    )
    services.complaint_give_outcome(
        complaint=case,
        actor=corg.director.holder,
        outcome="upheld",
        reasons="We agree.",
        action_taken=True,
        disciplinary_notes=SECRET + " More.",
        as_of=AS_OF,
    )
    client.force_login(corg.complainant.person)
    body = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "We agree." in body
    assert "Action taken" in body
    assert SECRET not in body
    data = client.get(f"/api/v1/complaints/{case.reference}/").json()
    assert data["action_taken"] is True
    assert data["outcome"] == "upheld"
    assert "disciplinary_notes" not in data


def test_the_monitoring_officer_sees_escalated_complaints_on_the_desk(client, corg, case):
    client.force_login(corg.mo.holder)
    assert case.reference not in client.get(reverse("complaints:mo-desk")).content.decode()
    services.complaint_acknowledge(
        complaint=case,
        actor=corg.director.holder,
        intent="will_act",
        message="m",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF,
    )
    services.complaint_give_outcome(
        complaint=case,
        actor=corg.director.holder,
        outcome="not_upheld",
        reasons="r",
        action_taken=False,
        as_of=AS_OF,
    )
    services.complaint_respond(
        complaint=case, actor=corg.complainant.person, choice="escalate", as_of=AS_OF
    )
    assert case.reference in client.get(reverse("complaints:mo-desk")).content.decode()


def test_the_desk_is_only_for_the_monitoring_officer(client, corg):
    client.force_login(corg.director.holder)
    assert client.get(reverse("complaints:mo-desk")).status_code == 404
