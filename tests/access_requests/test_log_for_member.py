"""Logging a member's need-to-know request on their behalf in the browser
(/access-requests/log/): the true date and time of receipt, the check-answers step, the limit
running from the day received, and only officers of the council may do it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client

from access_requests.models import AccessRequest
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.receipt import Channel
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import Member, Post
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, LONDON, load

pytestmark = pytest.mark.django_db
URL = "/access-requests/log/"
WEDNESDAY_LETTER = datetime(2026, 2, 25, 9, 15, tzinfo=LONDON)  # AS_OF is Monday 2 March


@pytest.fixture
def ntk():
    council = load("tower-hamlets")
    member = h.backbencher(council)
    officer = (
        Post.objects.filter(council=council, holder__isnull=False)
        .exclude(holder=member.person)
        .exclude(holder__memberships__isnull=False)
        .first()
        .holder
    )
    return council, member, officer


def _form(council, for_member, **changes):
    ask = h.group_ask(council)
    data = {
        "council_slug": council.slug,
        "council": council.pk,
        "member": for_member.pk,
        "channel": Channel.LETTER,
        "received_on_day": "25",
        "received_on_month": "2",
        "received_on_year": "2026",
        "received_time": "9:15am",
        "what": ask.what,
        "directorate": ask.directorate.pk,
        "for_meeting": "no",
        "purpose": ask.purpose,
        "contains": "other_group_papers",
        "justification": ask.justification,
        "action": "submit",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_logs_a_back_dated_request_due_from_the_day_it_was_received(client, ntk, frozen):
    council, member, officer = ntk
    client.force_login(officer)
    due = calendar_for(council).add(date(2026, 2, 25), council.need_to_know_working_days)

    checked = client.post(URL, _form(council, member, action="preview"))

    page = checked.content.decode()
    assert checked.status_code == 200, page
    assert "Check your answers before sending" in page
    assert "By letter" in page
    assert "Wednesday 25 February 2026 at 9:15am" in page
    assert f"due by {due:%-d %B %Y}" in page  # the preview counts from receipt too
    assert not AccessRequest.objects.exists()

    sent = client.post(URL, _form(council, member))

    assert sent.status_code == 302
    request = AccessRequest.objects.get()
    assert request.requester_person == member.person
    assert (request.channel, request.received_at) == (Channel.LETTER, WEDNESDAY_LETTER)
    assert request.due_on == due
    assert due < calendar_for(council).add(AS_OF.date(), council.need_to_know_working_days)
    told = OutboxMessage.objects.get(
        key=f"access_requests.AccessRequest:{request.pk}:logged-for-you"
    )
    assert list(told.recipients.all()) == [member.person]
    client.force_login(member.person)
    assert client.get(f"/access-requests/{request.pk}/").status_code == 200  # their own


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"received_on_day": "2", "received_on_month": "3", "received_time": "10:01"},
         "must be now or in the past"),
        ({"received_on_year": "2024"}, "The date received must be"),
        ({"received_on_day": "", "received_on_month": "", "received_on_year": ""},
         "Enter date received"),
        ({"received_on_month": "13"}, "must be a real date"),
        ({"received_time": "noonish"}, "must be a real time"),
        ({"channel": "fax"}, "Choose how it was received"),
        ({"member": "not-a-number"}, "Choose a member of the council"),
    ],
)  # fmt: skip
def test_bad_receipt_gives_govuk_errors_not_a_500(client, ntk, frozen, changes, message):
    council, member, officer = ntk
    client.force_login(officer)

    response = client.post(URL, _form(council, member, **changes))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not AccessRequest.objects.exists()


def test_a_date_before_the_member_took_office_is_refused(client, ntk, frozen):
    council, member, officer = ntk
    Member.objects.filter(pk=member.pk).update(took_office_on=date(2026, 2, 26))
    client.force_login(officer)

    response = client.post(URL, _form(council, member))

    assert response.status_code == 400
    assert "on or after 26 February 2026" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_a_member_cannot_log_a_request_for_another_member(client, ntk, frozen):
    council, member, _ = ntk
    other = (
        Member.objects.filter(council=council, person__posts__isnull=True)
        .exclude(pk=member.pk)
        .first()
    )
    client.force_login(other.person)

    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(council, member)).status_code == 403
    assert not AccessRequest.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, ntk):
    assert client.get(URL).status_code == 302


def test_the_form_needs_its_csrf_token(ntk, frozen):
    council, member, officer = ntk
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    assert client.get(URL).status_code == 200
    assert client.post(URL, _form(council, member)).status_code == 403
    assert not AccessRequest.objects.exists()


def test_the_list_offers_logging_to_officers_only(client, ntk, frozen):
    council, member, officer = ntk
    client.force_login(officer)
    assert URL in client.get("/access-requests/").content.decode()

    client.force_login(member.person)
    assert URL not in client.get("/access-requests/").content.decode()
