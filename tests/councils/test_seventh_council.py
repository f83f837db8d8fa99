"""A seventh council, synthetic (tests/councils/seventhshire.yaml), loaded with the real loader
and worked end to end through the API and the web client with no Python written for it: its
routing rules, enquiry precedence, ward notice, confidentiality, clock day one, officer_for,
registration window, duplicate check, acknowledgement and breach-summary settings all come from
its file.

Other council data (need-to-know rulebooks, relationship bars) is being moved into council
files: when a section exists, add it to `EXTRA_SECTIONS` below (one block) and a step to the
end-to-end test; nothing else here needs to change.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
import yaml
from rest_framework.test import APIClient

from complaints.models import Complaint, QuarterlySummary
from complaints.tasks import generate_quarterly_summaries
from enquiries.models import Enquiry, WardNotice
from interests import services as interest_services
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.org import council_files, protocol_settings
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, Person, Post, RoutingRule
from tests.conftest import LONDON

pytestmark = pytest.mark.django_db

FILE = Path(__file__).parent / "seventhshire.yaml"
SLUG = "seventhshire"
AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday 2 March 2026

# Sections other helpers are moving into council files (need-to-know `rulebook:`, relationship
# `bars:`): add them here when the loader knows them, e.g. {"bars": [...]}.
EXTRA_SECTIONS: dict = {}


@pytest.fixture
def council(tmp_path) -> Council:
    data = yaml.safe_load(FILE.read_text())
    data.update(EXTRA_SECTIONS)
    path = tmp_path / "seventhshire.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert council_files.validate(council_files.read(path), path.name) == []
    council_files.load([path])
    seed_demo()
    return Council.objects.get(slug=SLUG)


def person(username: str) -> Person:
    return Person.objects.get(username=f"{SLUG}.{username}")


def holder(council, slug: str) -> Person:
    return Post.objects.get(council=council, slug=slug).holder


def api(who: Person) -> APIClient:
    client = APIClient()
    client.force_authenticate(who)
    return client


def test_the_file_is_not_demo_data():
    assert FILE.parent != council_files.COUNCILS_DIR
    assert SLUG not in {p.stem for p in council_files.council_files()}


def test_its_settings_load_with_their_sources(council):
    assert protocol_settings.setting(council, "enquiry_precedence")[0] == "urgent"
    assert protocol_settings.setting_source(council, "confidentiality") == "907 §3.2"
    assert protocol_settings.setting(council, "clock_day_one") == "receipt_day"
    assert RoutingRule.objects.filter(council=council).count() == 15


def test_end_to_end_through_the_api(council):
    raiser = person("cllr-upper-1")
    member = Member.objects.get(person=raiser)
    lower = Member.objects.filter(council=council, ward__slug="lower").order_by("pk")
    with time_machine.travel(AS_OF, tick=False):
        # ---- an enquiry about the other ward, routed by officer_for, on the council's clock
        created = api(raiser).post(
            "/api/v1/enquiries/",
            {
                "subject": "Bins not collected on Mill Lane",
                "description": "Missed three weeks running.",
                "service_area": "waste-and-recycling",
                "ward": "lower",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        body = created.json()
        enquiry = Enquiry.objects.get(reference=body["reference"])
        assert enquiry.owner_post.slug == "waste-officer"  # officer_for, not the parks officer
        assert enquiry.route_source == "907 §2.1"
        # receipt_day: Monday 2 March is day one; seven working days end on Tuesday 10 March.
        assert enquiry.due_on == date(2026, 3, 10)
        # ward_notice unnamed: the lower ward's members hear of it, not who raised it.
        assert set(WardNotice.objects.filter(enquiry=enquiry).values_list("member", flat=True)) == {
            m.pk for m in lower
        }
        told = OutboxMessage.objects.filter(case_id=enquiry.pk, notices__person=lower[0].person)
        assert told.exists()
        assert all(str(member) not in m.body for m in told)
        # either_may_release: confidential until released; then open to public inspection.
        assert body["kept_confidential"] is True
        assert body["public_inspection"]["open"] is False
        # The same enquiry again: this council's duplicate check is off.
        again = api(raiser).post(
            "/api/v1/enquiries/",
            {
                "subject": "Bins not collected on Mill Lane",
                "description": "Missed three weeks running.",
                "service_area": "waste-and-recycling",
                "ward": "lower",
            },
            format="json",
        )
        assert again.status_code == 201, again.content

        # ---- the officer accepts, shares (releasing it) and answers
        officer = api(holder(council, "waste-officer"))
        reference = enquiry.reference
        assert officer.post(f"/api/v1/enquiries/{reference}/accept/").status_code == 200
        shared = officer.post(
            f"/api/v1/enquiries/{reference}/share/",
            {"member": lower[0].person.username},
            format="json",
        )
        assert shared.status_code == 200, shared.content
        assert shared.json()["kept_confidential"] is False
        assert shared.json()["public_inspection"]["source"] == "907 §3.3"
        answered = officer.post(
            f"/api/v1/enquiries/{reference}/respond/",
            {"response": "Collected today; the crew has been briefed."},
            format="json",
        )
        assert answered.status_code == 200, answered.content
        assert answered.json()["status"] == "responded"

        # ---- precedence: urgent beats cross-directorate and legal proceedings here
        urgent = api(raiser).post(
            "/api/v1/enquiries/",
            {
                "subject": "Flooded play area",
                "description": "Children's play area under water.",
                "service_area": "parks",
                "ward": "upper",
                "urgency": "urgent",
                "urgency_reason": "A safety risk today.",
                "is_cross_directorate": True,
                "relates_to_legal_proceedings": True,
            },
            format="json",
        )
        assert urgent.status_code == 201, urgent.content
        assert Enquiry.objects.get(reference=urgent.json()["reference"]).owner_post.slug == (
            "head-of-neighbourhoods"
        )

        # ---- a complaint: a member's concern about an officer
        complaint = api(raiser).post(
            "/api/v1/complaints/",
            {
                "council": SLUG,
                "kind": "officer_concern",
                "subject_post": Post.objects.get(council=council, slug="parks-officer").pk,
                "summary": "Rude at a site visit",
                "details": "The officer shouted at residents.",
                "informal_attempted": True,
            },
            format="json",
        )
        assert complaint.status_code == 201, complaint.content
        made = Complaint.objects.get(pk=complaint.json()["id"])
        assert made.owner_post.slug == "head-of-neighbourhoods"
        assert made.rule_source == "907 §5.1"
        assert "Head of HR" in complaint.json()["copied_to"]
        # Acknowledged as this council asks: received, with the outcome's date (907 §5.5).
        acknowledged = api(holder(council, "head-of-neighbourhoods")).post(
            f"/api/v1/complaints/{made.reference}/acknowledge/",
            {"message": "Received; I will report by 20 March.", "outcome_due_on": "2026-03-20"},
            format="json",
        )
        assert acknowledged.status_code == 200, acknowledged.content

        # ---- a declaration of a close relationship
        declared = api(raiser).post(
            "/api/v1/interests/relationships/",
            {
                "council": SLUG,
                "other_person": holder(council, "parks-officer").pk,
                "nature": "family",
                "since": "2019-06-01",
                "details": "My brother.",
            },
            format="json",
        )
        assert declared.status_code == 201, declared.content
        assert declared.json()["handled_by"] == "Monitoring Officer"

        # ---- a need-to-know request
        asked = api(raiser).post(
            "/api/v1/access-requests/",
            {
                "council": SLUG,
                "what": "The waste collection contract's missed-bin figures",
                "directorate": "place",
                "purpose": "ward",
                "justification": "Residents in my ward keep reporting missed bins.",
            },
            format="json",
        )
        assert asked.status_code == 201, asked.content
        from access_requests.models import AccessRequest

        request = AccessRequest.objects.get(pk=asked.json()["id"])
        assert request.owner_post.slug == "director-of-place"

    # ---- the register window: 21 days with member services (the rule's deadline)
    newbie = Member.objects.filter(council=council).order_by("pk").last()
    newbie.took_office_on = date(2026, 5, 8)
    newbie.save()
    ret = interest_services.register_return_open_initial(
        member=newbie, as_of=datetime(2026, 5, 8, 10, 0, tzinfo=LONDON)
    )
    assert ret.due_on == date(2026, 5, 28)
    assert ret.owner_post.slug == "member-services"

    # ---- no quarterly breach summary at this council
    generate_quarterly_summaries(datetime(2026, 4, 1, 6, 0, tzinfo=LONDON).isoformat())
    assert not QuarterlySummary.objects.filter(council=council).exists()


def test_end_to_end_in_the_browser(client, council):
    raiser = person("cllr-upper-1")
    client.force_login(raiser)
    with time_machine.travel(AS_OF, tick=False):
        form = client.get("/enquiries/new/").content.decode()
        assert "Waste and recycling" in form
        posted = client.post(
            "/enquiries/new/",
            {
                "subject": "Overgrown verge",
                "description": "Blocking the pavement by the school.",
                "service_area": council.service_areas.get(slug="parks").pk,
                "ward": council.wards.get(slug="upper").pk,
                "urgency": "routine",
            },
        )
        assert posted.status_code == 302, posted.content.decode()[:2000]
        enquiry = Enquiry.objects.get(subject="Overgrown verge")
        assert enquiry.owner_post.slug == "parks-officer"
        client.force_login(holder(council, "parks-officer"))
        page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
        assert "Parks Officer" in page
        assert "Release this enquiry from confidence" in page
        assert "Not open to the inspection of the public" in page
        assert client.post(f"/enquiries/{enquiry.reference}/accept/").status_code == 302
        answered = client.post(
            f"/enquiries/{enquiry.reference}/respond/",
            {"response": "Cut back this morning."},
        )
        assert answered.status_code == 302
        enquiry.refresh_from_db()
        assert enquiry.status == "responded"
