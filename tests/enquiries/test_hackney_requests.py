"""004 §2.2.7, §10.1.2 and §17.1 on Hackney's real council file (demo people): each test is
written from the protocol text (shared/protocols/004_38b815959c6a9871.txt)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from enquiries import services
from enquiries.states import Status
from protocol_portal.casework.models import CaseEvent
from protocol_portal.org.models import Post, PostKind, ServiceArea
from tests.enquiries.helpers import log, messages_to
from tests.enquiries.test_stages import AS_OF, LATER, enquiry_at, load

pytestmark = pytest.mark.django_db


def _events(enquiry, kind):
    return list(CaseEvent.objects.filter(case_id=enquiry.pk, kind=kind))


def _area(council):
    return ServiceArea.objects.filter(council=council).order_by("slug").first()


# ------------------------------------------------------------------ 004 §2.2.7


def test_member_services_refer_an_inappropriate_request_to_their_service_head(client):
    # "Member services officers are provided to assist Councillors only in their role as
    # Council members. ... Member services officers will refer inappropriate requests for
    # assistance to their service head." (004 §2.2.7)
    council = load("hackney")
    enquiry = enquiry_at(council, _area(council))
    assert enquiry.owner_post.kind == PostKind.MEMBER_SERVICES
    member_services = enquiry.owner_post.holder
    client.force_login(member_services)
    page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
    assert "Not a request member services can help with" in page
    response = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/refer-inappropriate/",
        {"reason": "A party political leaflet"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    enquiry.refresh_from_db()
    head = Post.objects.get(council=council, slug="head-of-governance")
    assert enquiry.owner_post == head
    assert enquiry.route_source == "004 §2.2.7"
    [event] = _events(enquiry, "referred_inappropriate")
    assert event.detail == "A party political leaflet"
    told = messages_to(enquiry.member.person, case=enquiry)
    assert any("004 §2.2.7" in m.body for m in told)
    assert messages_to(head.holder, case=enquiry)


def test_a_council_without_the_rule_has_no_such_referral():
    council = load("tower-hamlets")
    enquiry = enquiry_at(council, _area(council))
    with pytest.raises(ValidationError, match="names nobody"):
        services.enquiry_refer_inappropriate(
            enquiry=enquiry, reason="x", actor=enquiry.owner_post.holder, as_of=AS_OF
        )


# ------------------------------------------------------------------ 004 §10.1.2


def test_an_officer_records_that_extra_work_needs_the_cabinets_authority(client):
    # Members "Recognise the officers' right to suggest that senior officers, the Cabinet,
    # Council, or a committee/commission need to authorise additional work requested by
    # individual members." (004 §10.1.2)
    council = load("hackney")
    enquiry = enquiry_at(council, _area(council))
    officer = enquiry.owner_post.holder
    due = enquiry.due_on
    client.force_login(officer)
    bad = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/needs-authority/",
        {"authority": "the mayor", "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    form = client.post(
        f"/enquiries/{enquiry.reference}/needs-authority/",
        {"authority": "cabinet", "note": "A borough-wide survey of street lights"},
    )
    assert form.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.AWAITING_AUTHORITY
    assert enquiry.authority_from == "cabinet"
    # Hackney's reading: the right to say so, not a stop to the time standards.
    assert enquiry.due_on == due
    [event] = _events(enquiry, "awaiting_authority")
    assert "the Cabinet" in event.summary
    assert "004 §10.1.2" in event.summary
    page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
    assert "The authority of the Cabinet for the additional work" in page
    assert "Waiting for authority for the additional work" in page
    assert any(
        "needs authority" in m.subject for m in messages_to(enquiry.member.person, case=enquiry)
    )
    decided = services.enquiry_authority_decided(
        enquiry=enquiry, given=False, note="Not a priority this year", actor=officer, as_of=LATER
    )
    assert decided.status == Status.IN_PROGRESS
    assert decided.authority_from == ""


def test_where_the_council_pauses_the_clock_the_due_date_moves(org, as_of):
    org.council.protocol_settings = {
        "extra_work_authority": {"value": "pause_clock", "source": "test §1"}
    }
    org.council.save()
    enquiry = log(org, as_of)  # Monday 2 March 2026
    officer = enquiry.owner_post.holder
    due_before = enquiry.due_on
    waiting = services.enquiry_needs_authority(
        enquiry=enquiry, authority="committee", note="A new scheme", actor=officer, as_of=as_of
    )
    assert waiting.clock_paused_on == date(2026, 3, 2)
    resumed = services.enquiry_authority_decided(
        enquiry=waiting, given=True, note="Approved", actor=officer, as_of=LATER
    )
    assert resumed.clock_paused_days > 0
    assert resumed.due_on > due_before


def test_a_council_whose_protocol_is_silent_does_not_offer_it():
    council = load("tower-hamlets")
    enquiry = enquiry_at(council, _area(council))
    with pytest.raises(ValidationError, match="does not provide"):
        services.enquiry_needs_authority(
            enquiry=enquiry,
            authority="cabinet",
            note="x",
            actor=enquiry.owner_post.holder,
            as_of=AS_OF,
        )


# ------------------------------------------------------------------ 004 §17.1


def test_advice_on_the_protocol_goes_to_the_monitoring_officer(client):
    # "Advice on the application of this protocol should be sought from either the Chief
    # Executive or the Monitoring Officer." (004 §17.1)
    council = load("hackney")
    enquiry = enquiry_at(
        council, _area(council), is_protocol_advice=True, is_cross_directorate=True
    )
    assert enquiry.concerning == "protocol_advice"
    assert enquiry.owner_post.kind == PostKind.MONITORING_OFFICER
    assert enquiry.route_source == "004 §17.1"
    client.force_login(enquiry.member.person)
    assert (
        "advice on the member and officer protocol"
        in client.get("/enquiries/new/").content.decode()
    )


def test_the_protocol_advice_flag_is_council_data(client):
    council = load("tower-hamlets")
    with pytest.raises(ValidationError, match="names nobody to advise"):
        enquiry_at(council, _area(council), is_protocol_advice=True)
    enquiry = enquiry_at(council, _area(council))
    client.force_login(enquiry.member.person)
    assert (
        "advice on the member and officer protocol"
        not in client.get("/enquiries/new/").content.decode()
    )
