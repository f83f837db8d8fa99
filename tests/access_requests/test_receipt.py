"""A need-to-know request logged on the member's behalf by member services or an officer —
received by phone, letter, email or at a surgery — runs its limit from the true moment of
receipt, on the council's working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from access_requests import services
from access_requests.models import AccessRequest
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.receipt import Channel
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import Post
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, LONDON, load

pytestmark = pytest.mark.django_db
WEDNESDAY_LETTER = datetime(2026, 2, 25, 9, 15, tzinfo=LONDON)  # AS_OF is Monday 2 March


@pytest.fixture
def ntk():
    council = load("tower-hamlets")
    member = h.backbencher(council)
    officer = (
        Post.objects.filter(council=council, holder__isnull=False)
        .exclude(holder=member.person)
        .first()
        .holder
    )
    return council, member, officer


def _event(case, kind):
    return CaseEvent.objects.get(
        case_type=ContentType.objects.get_for_model(case), case_id=case.pk, kind=kind
    )


def _submit(council, member, **kw) -> AccessRequest:
    return services.access_request_submit(
        council=council, requester=member.person, ask=h.group_ask(council), as_of=AS_OF, **kw
    )


def test_a_back_dated_request_is_due_from_the_day_it_was_received(ntk):
    council, member, officer = ntk

    request = _submit(
        council, member, channel=Channel.LETTER, received_at=WEDNESDAY_LETTER, actor=officer
    )

    assert (request.channel, request.received_at) == (Channel.LETTER, WEDNESDAY_LETTER)
    assert request.received_on == date(2026, 2, 25)
    assert request.due_on == calendar_for(council).add(
        date(2026, 2, 25), council.need_to_know_working_days
    )
    assert request.due_on < calendar_for(council).add(
        AS_OF.date(), council.need_to_know_working_days
    )
    history = request.history.earliest()
    assert (history.history_user, history.history_change_reason) == (
        officer,
        "logged on the member's behalf",
    )
    assert "by letter on Wednesday 25 February 2026 at 9:15am" in (
        _event(request, "submitted").summary
    )
    told = OutboxMessage.objects.get(
        key=f"access_requests.AccessRequest:{request.pk}:logged-for-you"
    )
    assert list(told.recipients.all()) == [member.person]


def test_a_member_asking_themselves_is_received_now_through_the_portal(ntk):
    council, member, _ = ntk

    request = _submit(council, member)

    assert (request.channel, request.received_at) == (Channel.PORTAL, AS_OF)


@pytest.mark.parametrize(
    ("received_at", "channel", "field"),
    [
        (AS_OF + timedelta(seconds=1), Channel.PHONE, "received_at"),
        (AS_OF - timedelta(days=400), Channel.PHONE, "received_at"),
        (WEDNESDAY_LETTER, "carrier-pigeon", "channel"),
    ],
)
def test_an_impossible_receipt_is_refused(ntk, received_at, channel, field):
    council, member, officer = ntk

    with pytest.raises(ValidationError) as refused:
        _submit(council, member, channel=channel, received_at=received_at, actor=officer)

    assert field in refused.value.message_dict
    assert not AccessRequest.objects.exists()


def test_a_member_may_not_log_a_request_for_another_member(ntk):
    council, member, _ = ntk
    other = type(member).objects.filter(council=council).exclude(pk=member.pk).first()

    with pytest.raises(PermissionDenied):
        _submit(
            council,
            member,
            channel=Channel.PHONE,
            received_at=WEDNESDAY_LETTER,
            actor=other.person,
        )
    assert not AccessRequest.objects.exists()


def test_the_case_page_shows_when_and_how_it_was_received(client, ntk):
    council, member, officer = ntk
    request = _submit(
        council, member, channel=Channel.SURGERY, received_at=WEDNESDAY_LETTER, actor=officer
    )
    client.force_login(member.person)

    page = client.get(request.get_absolute_url()).content.decode()

    assert "25 February 2026 at 9:15am" in page
    assert "(at a surgery)" in page


# ---- the API -----------------------------------------------------------------------------


def _api(client, council, for_member, **extra):
    ask = h.group_ask(council)
    body = {
        "council": council.slug,
        "what": ask.what,
        "directorate": ask.directorate.slug,
        "purpose": ask.purpose,
        "justification": ask.justification,
        "other_group_papers": True,
        "member": for_member.person.username,
        "channel": Channel.PHONE,
        "received_at": "2026-02-25T09:15:00",
        **extra,
    }
    return client.post(
        "/api/v1/access-requests/",
        {k: v for k, v in body.items() if v is not None},
        content_type="application/json",
    )


def test_an_officer_logs_a_request_for_a_member_through_the_api(client, ntk, frozen):
    council, member, officer = ntk
    client.force_login(officer)

    response = _api(client, council, member)

    assert response.status_code == 201, response.json()
    request = AccessRequest.objects.get()
    assert request.requester_person == member.person
    assert (request.channel, request.received_at) == (Channel.PHONE, WEDNESDAY_LETTER)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_at": "2026-03-02T10:01:00"}, "received_at"),
        ({"received_at": "2024-01-01T10:00:00"}, "received_at"),
        ({"received_at": "whenever"}, "received_at"),
        ({"channel": None}, "channel"),
        ({"channel": "fax"}, "channel"),
        ({"member": "no-such-member"}, "member"),
    ],
)
def test_bad_receipt_through_the_api_gets_400(client, ntk, frozen, changes, field):
    council, member, officer = ntk
    client.force_login(officer)

    response = _api(client, council, member, **changes)

    assert response.status_code == 400
    assert field in response.json()
    assert not AccessRequest.objects.exists()


def test_a_member_may_not_log_a_request_for_another_through_the_api(client, ntk, frozen):
    council, member, _ = ntk
    other = type(member).objects.filter(council=council).exclude(pk=member.pk).first()
    client.force_login(other.person)

    assert _api(client, council, member).status_code == 403
    assert not AccessRequest.objects.exists()
