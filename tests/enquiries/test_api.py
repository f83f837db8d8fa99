"""The JSON API: create with bad input, every action, and the reasons it gives."""

from __future__ import annotations

import pytest
import time_machine

from enquiries.models import Enquiry
from enquiries.states import Status
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enquiries/"


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def payload(org, **overrides):
    return {
        "subject": "Pothole on Mill Lane",
        "description": "Deep enough to damage a wheel.",
        "service_area": org.waste.slug,
        "ward": org.north.slug,
        **overrides,
    }


def test_member_creates_an_enquiry(client, org, frozen):
    client.force_login(org.raiser.person)
    response = post(client, BASE, payload(org))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "received"
    assert body["owner"] == org.env_officer.title
    assert body["due_on"] == "2026-03-16"
    assert [e["kind"] for e in body["timeline"]] == ["received", "routed"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"service_area": "no-such-area"}, "service_area"),
        ({"ward": "nowhere"}, "ward"),
        ({"urgency": "urgent"}, "urgency_reason"),
        ({"urgency": "whenever"}, "urgency"),
        ({"council": "elsewhere"}, "council"),
    ],
)
def test_bad_input_gets_400_with_the_field_and_reason(client, org, frozen, overrides, field):
    client.force_login(org.raiser.person)
    response = post(client, BASE, payload(org, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert not Enquiry.objects.exists()


def test_a_duplicate_needs_confirmation(client, org, frozen):
    client.force_login(org.raiser.person)
    assert post(client, BASE, payload(org)).status_code == 201
    again = post(client, BASE, payload(org))
    assert again.status_code == 400
    # The test council's protocol is silent: the warning cites no other council's paragraph
    # (tests/enquiries/test_duplicate_check.py).
    assert "add to it" in again.json()["confirm_not_duplicate"][0]
    assert post(client, BASE, payload(org, confirm_not_duplicate=True)).status_code == 201


def test_officers_name_the_member_they_log_for(client, org, frozen):
    client.force_login(org.housing_officer.holder)
    response = post(client, BASE, payload(org))
    assert response.status_code == 400
    assert "member" in response.json()


def test_officer_actions_and_their_refusals(client, org, frozen):
    enquiry = log(org, frozen)
    url = f"{BASE}{enquiry.reference}/"
    client.force_login(org.housing_officer.holder)
    assert post(client, url + "accept/").json()["status"] == "in_progress"
    assert post(client, url + "accept/").status_code == 200  # idempotent
    assert post(client, url + "respond/", {"response": ""}).status_code == 400
    response = post(client, url + "reassign/", {"to_post": "no-such-post", "reason": "x"})
    assert response.status_code == 400
    assert "to_post" in response.json()
    assert post(client, url + "clarify/", {"question": "Which flat?"}).json()["status"] == (
        "awaiting_member"
    )
    refused = post(client, url + "accept/")
    assert refused.status_code == 409
    assert "clarification" in refused.json()["detail"]
    client.force_login(org.raiser.person)
    assert post(client, url + "reply/", {"text": "Flat 2"}).json()["status"] == "in_progress"
    client.force_login(org.housing_officer.holder)
    body = post(client, url + "respond/", {"response": "Repair booked"}).json()
    assert body["status"] == "responded"
    assert post(client, url + "close/").json()["status"] == "closed"
    client.force_login(org.raiser.person)
    assert post(client, url + "reopen/", {"reason": "Not fixed"}).json()["status"] == "received"


@pytest.mark.parametrize(
    ("action", "status", "owner"),
    [
        ("refer-complaint", Status.REFERRED_COMPLAINT, "complaints"),
        ("refer-foi", Status.FOI, "housing_officer"),
        ("refer-access", Status.REFERRED_MO, "mo"),
    ],
)
def test_referrals(client, org, frozen, action, status, owner):
    enquiry = log(org, frozen)
    client.force_login(org.housing_officer.holder)
    response = post(client, f"{BASE}{enquiry.reference}/{action}/", {"note": "Because"})
    assert response.status_code == 200
    enquiry.refresh_from_db()
    assert enquiry.status == status
    assert enquiry.owner_post == getattr(org, owner)


def test_flags_and_involved_officer(client, org, frozen):
    enquiry = log(org, frozen)
    url = f"{BASE}{enquiry.reference}/"
    client.force_login(org.housing_manager.holder)
    body = post(client, url + "flags/", {"relates_to_legal_proceedings": True}).json()
    assert body["concerning"] == "legal_proceedings"
    assert body["owner"] == org.housing_director.title
    # Passed up to the Director, the enquiry is no longer the manager's to see (casework.access).
    assert client.get(url).status_code == 404
    client.force_login(org.housing_director.holder)
    assert post(client, url + "flags/", {"urgency": "urgent"}).status_code == 400
    assert post(client, url + "involved/", {"officer": "nobody"}).status_code == 400
    response = post(client, url + "involved/", {"officer": org.housing_director.holder.username})
    assert response.json()["owner"] == org.ce.title
    # An officer involved in the proceedings never sees the enquiry again (000 §13.5).
    assert client.get(url).status_code == 404


def test_share_only_by_the_requester(client, org, frozen):
    enquiry = log(org, frozen)
    url = f"{BASE}{enquiry.reference}/share/"
    client.force_login(org.housing_officer.holder)
    assert post(client, url, {"member": org.colleague.person.username}).status_code == 403
    client.force_login(org.raiser.person)
    assert post(client, url, {"member": "nobody"}).status_code == 400
    body = post(client, url, {"member": org.colleague.person.username}).json()
    assert [c["reason"] for c in body["copies"]] == ["requester"]
    client.force_login(org.colleague.person)
    assert client.get(f"{BASE}{enquiry.reference}/").status_code == 200
    assert post(client, f"{BASE}{enquiry.reference}/accept/").status_code == 403


def test_bulk_reassign(client, org, frozen):
    first, second = log(org, frozen), log(org, frozen, subject="Damp")
    hidden = log(org, frozen, subject="Bins", service_area=org.waste)
    client.force_login(org.housing_manager.holder)
    data = {
        "council": org.council.slug,
        "to_post": org.housing_officer_2.slug,
        "reason": "Leave cover",
    }
    refused = post(
        client, BASE + "bulk-reassign/", {**data, "references": [first.reference, hidden.reference]}
    )
    assert refused.status_code == 400
    assert hidden.reference in refused.json()["references"][0]
    done = post(
        client, BASE + "bulk-reassign/", {**data, "references": [first.reference, second.reference]}
    )
    assert done.json() == {"moved": 2}


def test_list_filters(client, org, frozen):
    log(org, frozen)
    log(org, frozen, subject="Bins", service_area=org.waste, ward=org.south)
    client.force_login(org.triage.holder)
    assert client.get(BASE).json()["count"] == 2
    assert client.get(BASE + f"?ward={org.south.pk}").json()["count"] == 1
    assert client.get(BASE + "?status=closed").json()["count"] == 0
    assert client.get(BASE + "?due_this_week=true").json()["count"] == 0
    assert client.get(BASE + "?status=nonsense").status_code == 400


def test_the_schema_describes_the_enquiry_endpoints(client, org):
    client.force_login(org.raiser.person)
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/enquiries/{reference}/accept/",
        "/api/v1/enquiries/bulk-reassign/",
        "/api/v1/enquiries/{reference}/attachments/{attachment_id}/",
    ):
        assert path in schema
