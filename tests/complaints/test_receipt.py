"""A complaint logged on the raiser's behalf by member services or an officer — received by
phone, letter, email or at a surgery — runs its clock from the true moment of receipt."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from complaints import services
from complaints.models import Complaint
from complaints.states import Kind
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.receipt import Channel
from tests.complaints.factories import AS_OF, LONDON

pytestmark = pytest.mark.django_db
THURSDAY_CALL = datetime(2026, 2, 26, 16, 40, tzinfo=LONDON)  # AS_OF is Monday 2 March


def _event(case, kind):
    return CaseEvent.objects.get(
        case_type=ContentType.objects.get_for_model(case), case_id=case.pk, kind=kind
    )


def _raise(o, **extra):
    return services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.officer,
        summary="Rude on the phone",
        details="The officer hung up on the member.",
        as_of=AS_OF,
        **extra,
    )


def test_a_back_dated_complaint_runs_its_clock_from_receipt(corg):
    own = _raise(corg)
    logged = _raise(
        corg,
        channel=Channel.PHONE,
        received_at=THURSDAY_CALL,
        actor=corg.policy_officer.holder,
    )

    assert (own.channel, own.received_at, own.received_on) == (Channel.PORTAL, AS_OF, AS_OF.date())
    assert (logged.channel, logged.received_at) == (Channel.PHONE, THURSDAY_CALL)
    assert logged.received_on == date(2026, 2, 26)
    # Four calendar days earlier received, four calendar days earlier due.
    assert logged.due_on == own.due_on - timedelta(days=4)
    history = logged.history.earliest()
    assert history.history_user == corg.policy_officer.holder
    assert history.history_change_reason == "logged on the raiser's behalf"
    raised = _event(logged, "raised")
    assert "by phone on Thursday 26 February 2026 at 4:40pm" in raised.summary
    assert f"logged by {corg.policy_officer.holder}" in raised.summary
    told = OutboxMessage.objects.get(key=f"complaints.Complaint:{logged.pk}:logged-for-you")
    assert list(told.recipients.all()) == [corg.complainant.person]


@pytest.mark.parametrize(
    ("received_at", "channel", "field"),
    [
        (AS_OF + timedelta(minutes=1), Channel.PHONE, "received_at"),
        (AS_OF - timedelta(days=367), Channel.PHONE, "received_at"),
        (THURSDAY_CALL.replace(tzinfo=None), Channel.PHONE, "received_at"),
        (THURSDAY_CALL, "pigeon", "channel"),
    ],
)
def test_an_impossible_receipt_is_refused(corg, received_at, channel, field):
    with pytest.raises(ValidationError) as refused:
        _raise(corg, channel=channel, received_at=received_at, actor=corg.policy_officer.holder)

    assert field in refused.value.message_dict
    assert not Complaint.objects.exists()


def test_receipt_is_never_before_the_member_took_office(corg):
    corg.complainant.took_office_on = date(2026, 2, 27)
    corg.complainant.save()

    with pytest.raises(ValidationError) as refused:
        _raise(corg, channel=Channel.LETTER, received_at=THURSDAY_CALL, actor=corg.mo.holder)

    assert "took office" in refused.value.message_dict["received_at"][0]


def test_a_member_may_not_log_a_complaint_for_someone_else(corg):
    with pytest.raises(PermissionDenied):
        _raise(
            corg,
            channel=Channel.PHONE,
            received_at=THURSDAY_CALL,
            actor=corg.blue_member.person,
        )
    assert not Complaint.objects.exists()


def test_a_member_does_not_back_date_their_own_complaint(corg):
    with pytest.raises(ValidationError) as refused:
        _raise(corg, channel=Channel.PHONE, received_at=THURSDAY_CALL)

    assert "channel" in refused.value.message_dict


def test_the_case_page_shows_when_and_how_it_was_received(client, corg):
    complaint = _raise(
        corg, channel=Channel.PHONE, received_at=THURSDAY_CALL, actor=corg.policy_officer.holder
    )
    client.force_login(corg.complainant.person)

    page = client.get(complaint.get_absolute_url()).content.decode()

    assert "26 February 2026 at 4:40pm" in page
    assert "(phone)" in page


# ---- the API -----------------------------------------------------------------------------


def _api(client, o, **extra):
    body = {
        "council": o.council.slug,
        "kind": Kind.CONCERN_ABOUT_OFFICER,
        "subject_post": o.officer.pk,
        "summary": "Rude on the phone",
        "details": "The officer hung up on the member.",
        "informal_attempted": True,
        "member": o.complainant.person.username,
        "channel": Channel.PHONE,
        "received_at": "2026-02-26T16:40:00",
        **extra,
    }
    return client.post(
        "/api/v1/complaints/",
        {k: v for k, v in body.items() if v is not None},
        content_type="application/json",
    )


def test_an_officer_logs_a_complaint_for_a_member_through_the_api(client, corg, frozen):
    client.force_login(corg.policy_officer.holder)

    response = _api(client, corg)

    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get()
    assert complaint.raiser_person == corg.complainant.person
    assert (complaint.channel, complaint.received_at) == (Channel.PHONE, THURSDAY_CALL)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_at": "2026-03-02T10:01:00"}, "received_at"),
        ({"received_at": "2024-01-01T10:00:00"}, "received_at"),
        ({"received_at": "last week"}, "received_at"),
        ({"received_at": None}, "received_at"),
        ({"channel": "portal"}, "channel"),
        ({"channel": None}, "channel"),
        ({"member": "no-such-member"}, "member"),
    ],
)
def test_bad_receipt_through_the_api_gets_400(client, corg, frozen, changes, field):
    client.force_login(corg.policy_officer.holder)

    response = _api(client, corg, **changes)

    assert response.status_code == 400
    assert field in response.json()
    assert not Complaint.objects.exists()


def test_a_member_may_not_log_for_another_through_the_api(client, corg, frozen):
    client.force_login(corg.blue_member.person)

    assert _api(client, corg).status_code == 403
    assert _api(client, corg, member=None).status_code == 400  # their own: not back-dated
    assert not Complaint.objects.exists()
