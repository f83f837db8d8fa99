"""Enquiries logged on a member's behalf — received by phone, letter, email or at a surgery —
with the channel and the true moment of receipt, from which the clock runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enquiries.models import Channel, Enquiry
from enquiries.permissions import VIEW, allowed
from enquiries.selectors import dashboard, enquiries_for_member
from enquiries.services import enquiry_create
from protocol_portal.org.calendars import calendar_for
from tests.conftest import LONDON
from tests.enquiries.helpers import log, messages_to

WEDNESDAY_CALL = datetime(2026, 3, 4, 14, 5, tzinfo=LONDON)
FRIDAY = datetime(2026, 3, 6, 11, 0, tzinfo=LONDON)


def _log_for(org, *, received_at, channel=Channel.PHONE, as_of=FRIDAY, member=None):
    member = member or org.raiser
    return enquiry_create(
        member=member,
        subject="Fly-tipping behind the shops",
        description="Rang in: mattresses dumped in the service road.",
        service_area=org.repairs,
        ward=member.ward,
        channel=channel,
        received_at=received_at,
        actor=org.triage.holder,
        as_of=as_of,
    )


def test_a_back_dated_phone_enquiry_is_due_ten_working_days_after_the_call(org):
    enquiry = _log_for(org, received_at=WEDNESDAY_CALL)

    assert enquiry.received_on == date(2026, 3, 4)
    assert enquiry.received_at == WEDNESDAY_CALL
    assert enquiry.channel == Channel.PHONE
    # The tenth working day after the Wednesday, not after the Friday it was logged.
    assert enquiry.due_on == date(2026, 3, 18)
    assert enquiry.due_on == calendar_for(org.council).add(date(2026, 3, 4), 10)
    assert enquiry.clock_started_on == date(2026, 3, 4)


def test_the_member_is_told_and_sees_it_as_their_own(org):
    enquiry = _log_for(org, received_at=WEDNESDAY_CALL)

    (ack,) = [m for m in messages_to(org.raiser.person) if m.subject.endswith("received")]
    assert "by phone on Wednesday 4 March 2026 at 2:05pm" in ack.body
    assert f"logged for you by {org.triage.holder}" in ack.body
    assert enquiry.reference in ack.subject
    assert VIEW in allowed(org.raiser.person, enquiry)
    assert list(enquiries_for_member(user=org.raiser.person)) == [enquiry]
    received = enquiry.history.earliest()
    assert received.history_user == org.triage.holder
    assert received.history_change_reason == "logged on the member's behalf"


def test_a_member_logging_their_own_enquiry_received_it_now(org, as_of):
    enquiry = log(org, as_of)

    assert (enquiry.channel, enquiry.received_at) == (Channel.PORTAL, as_of)


def test_receipt_cannot_be_in_the_future(org):
    with pytest.raises(ValidationError) as refused:
        _log_for(org, received_at=FRIDAY + timedelta(minutes=1))

    assert refused.value.message_dict["received_at"] == [
        "The date and time received must be now or in the past."
    ]
    assert not Enquiry.objects.exists()


def test_receipt_cannot_be_more_than_a_year_back(org):
    with pytest.raises(ValidationError) as refused:
        _log_for(org, received_at=FRIDAY - timedelta(days=367))

    assert refused.value.message_dict["received_at"] == [
        "The date received must be the same as or after 6 March 2025"
    ]


def test_receipt_cannot_be_before_the_member_took_office(org):
    org.raiser.took_office_on = date(2026, 3, 5)
    org.raiser.save()

    with pytest.raises(ValidationError) as refused:
        _log_for(org, received_at=WEDNESDAY_CALL)

    assert refused.value.message_dict["received_at"] == [
        f"The date received must be on or after 5 March 2026, when {org.raiser} took office."
    ]


def _form(org, **changes):
    data = {
        "member": org.raiser.pk,
        "channel": Channel.LETTER,
        "received_on_day": "4",
        "received_on_month": "3",
        "received_on_year": "2026",
        "received_time": "2:05pm",
        "subject": "Letter about the hedge",
        "description": "The resident wrote to the councillor about an overgrown hedge.",
        "service_area": org.repairs.pk,
        "ward": org.north.pk,
        "urgency": "routine",
    }
    data.update(changes)
    return data


def test_member_services_log_an_enquiry_in_the_browser(client, org, frozen_friday):
    client.force_login(org.triage.holder)
    assert client.get(reverse("enquiries:log")).status_code == 200

    response = client.post(reverse("enquiries:log"), _form(org))

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enquiries:detail", args=[enquiry.reference])
    assert (enquiry.member, enquiry.channel) == (org.raiser, Channel.LETTER)
    assert enquiry.received_at == WEDNESDAY_CALL
    page = client.get(response.url).content.decode()
    assert "4 March 2026 at 2:05pm" in page
    assert "(letter)" in page


def test_the_browser_form_refuses_a_future_time_next_to_the_field(client, org, frozen_friday):
    client.force_login(org.triage.holder)

    response = client.post(
        reverse("enquiries:log"),
        _form(org, received_on_day="6", received_time="11:30"),
    )

    assert response.status_code == 200
    assert "The date and time received must be now or in the past." in response.content.decode()
    assert "Letter about the hedge" in response.content.decode()  # what was typed is kept
    assert not Enquiry.objects.exists()


def test_a_member_cannot_log_for_another_member(client, org):
    client.force_login(org.raiser.person)

    assert client.get(reverse("enquiries:log")).status_code == 403


def test_the_dashboard_reports_by_channel(client, org, as_of):
    log(org, as_of)
    _log_for(org, received_at=WEDNESDAY_CALL - timedelta(days=30), as_of=as_of)

    data = dashboard(user=org.triage.holder, as_of=as_of)

    assert [(c.channel, c.received) for c in data.channels] == [
        (Channel.PHONE, 1),
        (Channel.PORTAL, 1),
    ]
    client.force_login(org.triage.holder)
    page = client.get(reverse("enquiries:dashboard")).content.decode()
    assert "By how they were received" in page


@pytest.fixture
def frozen_friday():
    import time_machine

    with time_machine.travel(FRIDAY, tick=False):
        yield FRIDAY


# ------------------------------------------------------------------ the API

API = "/api/v1/enquiries/"


def _api_payload(org, **changes):
    data = {
        "member": org.raiser.person.username,
        "channel": Channel.PHONE,
        "received_at": "2026-03-04T14:05:00",
        "subject": "Fly-tipping behind the shops",
        "description": "Rang in: mattresses dumped in the service road.",
        "service_area": org.repairs.slug,
        "ward": org.north.slug,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _api_post(client, data):
    return client.post(API, data, content_type="application/json")


def test_member_services_log_an_enquiry_through_the_api(client, org, frozen_friday):
    client.force_login(org.triage.holder)

    response = _api_post(client, _api_payload(org))

    assert response.status_code == 201, response.json()
    enquiry = Enquiry.objects.get()
    assert (enquiry.member, enquiry.channel) == (org.raiser, Channel.PHONE)
    assert enquiry.received_at == WEDNESDAY_CALL  # no offset given: UK time
    assert enquiry.due_on == date(2026, 3, 18)  # ten working days after the call
    body = response.json()
    assert body["channel"] == "phone"
    assert body["received_at"].startswith("2026-03-04T14:05:00")
    history = enquiry.history.earliest()
    assert history.history_change_reason == "logged on the member's behalf"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_at": "2026-03-06T11:01:00"}, "received_at"),  # a minute in the future
        ({"received_at": "2025-03-01T09:00:00"}, "received_at"),  # over a year back
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": None}, "received_at"),
        ({"channel": "pigeon"}, "channel"),
        ({"channel": "portal"}, "channel"),
        ({"channel": None}, "channel"),
        ({"member": "nobody-at-all"}, "member"),
        ({"member": None}, "member"),
    ],
)
def test_bad_receipt_through_the_api_gets_400_naming_the_field(
    client, org, frozen_friday, changes, field
):
    client.force_login(org.triage.holder)

    response = _api_post(client, _api_payload(org, **changes))

    assert response.status_code == 400
    assert field in response.json()
    assert not Enquiry.objects.exists()


def test_the_api_refuses_receipt_before_the_member_took_office(client, org, frozen_friday):
    org.raiser.took_office_on = date(2026, 3, 5)
    org.raiser.save()
    client.force_login(org.triage.holder)

    response = _api_post(client, _api_payload(org))

    assert response.status_code == 400
    assert "took office" in response.json()["received_at"][0]


def test_the_api_refuses_a_member_of_another_council(client, org, frozen_friday):
    from tests.factories import CouncilFactory, MemberFactory, PersonFactory

    elsewhere = MemberFactory(
        council=CouncilFactory(slug="elsewhere"), person=PersonFactory(username="cllr-far")
    )
    client.force_login(org.triage.holder)

    response = _api_post(client, _api_payload(org, member=elsewhere.person.username))

    assert response.status_code == 400
    assert "member" in response.json()
    assert not Enquiry.objects.exists()


def test_a_member_may_not_log_for_another_member_through_the_api(client, org, frozen_friday):
    client.force_login(org.raiser.person)
    response = _api_post(client, _api_payload(org, member=org.colleague.person.username))

    assert response.status_code == 403
    assert not Enquiry.objects.exists()


def test_a_member_does_not_back_date_their_own_enquiry(client, org, frozen_friday):
    client.force_login(org.raiser.person)

    response = _api_post(client, _api_payload(org, member=None))

    assert response.status_code == 400
    assert set(response.json()) >= {"channel"}
    assert not Enquiry.objects.exists()


def test_a_member_naming_themselves_logs_through_the_portal(client, org, frozen_friday):
    client.force_login(org.raiser.person)

    response = _api_post(client, _api_payload(org, channel=None, received_at=None))

    assert response.status_code == 201, response.json()
    enquiry = Enquiry.objects.get()
    assert (enquiry.channel, enquiry.received_at) == (Channel.PORTAL, FRIDAY)
