"""Logging a member's complaint on their behalf in the browser (/complaints/log/): member
services or an officer record one made by phone, letter, email or at a surgery, with the true
date and time of receipt; the clock runs from then and the member is told."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import Client

from complaints import services
from complaints.models import Complaint
from complaints.states import Kind
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.receipt import Channel
from tests.complaints.factories import AS_OF, LONDON

pytestmark = pytest.mark.django_db
URL = "/complaints/log/"
THURSDAY_CALL = datetime(2026, 2, 26, 16, 40, tzinfo=LONDON)  # AS_OF is Monday 2 March


def _form(o, **changes):
    data = {
        "council_slug": o.council.slug,
        "council": o.council.pk,
        "member": o.complainant.pk,
        "channel": Channel.PHONE,
        "received_on_day": "26",
        "received_on_month": "2",
        "received_on_year": "2026",
        "received_time": "4:40pm",
        "kind": Kind.CONCERN_ABOUT_OFFICER,
        "subject_post": o.officer.pk,
        "summary": "Rude on the phone",
        "details": "The officer hung up on the member.",
        "informal_attempted": "no",
        "action": "submit",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_logs_a_back_dated_complaint_due_from_the_day_it_was_received(
    client, corg, frozen
):
    officer = corg.policy_officer.holder
    client.force_login(officer)

    checked = client.post(URL, _form(corg, action="preview"))

    page = checked.content.decode()
    assert checked.status_code == 200
    assert "Check your answers before sending" in page
    assert "By phone" in page
    assert "Thursday 26 February 2026 at 4:40pm" in page
    assert not Complaint.objects.exists()

    sent = client.post(URL, _form(corg))

    complaint = Complaint.objects.get()
    assert sent.status_code == 302
    assert complaint.raiser_person == corg.complainant.person  # the member's own
    assert (complaint.channel, complaint.received_at) == (Channel.PHONE, THURSDAY_CALL)
    assert complaint.received_on == date(2026, 2, 26)
    own = services.complaint_raise(
        council=corg.council,
        raiser=corg.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=corg.officer,
        summary="Another",
        details="Again.",
        informal_attempted=False,
        as_of=AS_OF,
    )
    assert complaint.due_on == own.due_on - timedelta(days=4)  # from Thursday, not Monday
    assert complaint.history.earliest().history_user == officer
    told = OutboxMessage.objects.get(key=f"complaints.Complaint:{complaint.pk}:logged-for-you")
    assert list(told.recipients.all()) == [corg.complainant.person]
    # The member sees it as their own.
    client.force_login(corg.complainant.person)
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"received_on_day": "2", "received_on_month": "3", "received_time": "10:01am"},
         "must be now or in the past"),
        ({"received_on_year": "2024"}, "The date received must be"),
        ({"received_on_day": "", "received_on_month": "", "received_on_year": ""},
         "Enter date received"),
        ({"received_on_day": "31"}, "must be a real date"),
        ({"received_time": ""}, "Enter the time received"),
        ({"received_time": "25:99"}, "must be a real time"),
        ({"channel": None}, "Choose how it was received"),
        ({"channel": "pigeon"}, "Choose how it was received"),
        ({"member": None}, "Choose the member"),
        ({"member": "99999"}, "Choose a member of the council"),
    ],
)  # fmt: skip
def test_bad_receipt_gives_govuk_errors_not_a_500(client, corg, frozen, changes, message):
    client.force_login(corg.policy_officer.holder)

    response = client.post(URL, _form(corg, **changes))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not Complaint.objects.exists()


def test_a_date_before_the_member_took_office_is_refused(client, corg, frozen):
    corg.complainant.took_office_on = date(2026, 2, 27)
    corg.complainant.save()
    client.force_login(corg.policy_officer.holder)

    response = client.post(URL, _form(corg))

    assert response.status_code == 400
    assert "on or after 27 February 2026" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_member_cannot_log_a_complaint_for_another_member(client, corg, frozen):
    client.force_login(corg.blue_member.person)  # a member, holding no post

    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(corg)).status_code == 403
    assert not Complaint.objects.exists()


def test_only_members_of_the_council_can_be_chosen(client, corg, frozen):
    from tests.complaints.factories import build_complaint_org

    other = build_complaint_org(slug="elsewhere")
    client.force_login(corg.policy_officer.holder)

    response = client.post(URL, _form(corg, member=other.complainant.pk))

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, corg):
    response = client.get(URL)

    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]


def test_the_form_needs_its_csrf_token(corg, frozen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(corg.policy_officer.holder)

    assert client.get(URL).status_code == 200
    assert client.post(URL, _form(corg)).status_code == 403
    assert not Complaint.objects.exists()


def test_the_complaints_list_offers_logging_to_officers_only(client, corg, frozen):
    client.force_login(corg.policy_officer.holder)
    assert URL in client.get("/complaints/").content.decode()

    client.force_login(corg.blue_member.person)
    assert URL not in client.get("/complaints/").content.decode()
