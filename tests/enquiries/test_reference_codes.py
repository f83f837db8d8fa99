"""Any council code the schema allows opens everywhere (security probe F5): Vale of White Horse's
VOWH, an eight-character code and a number past 99999 are logged, opened, listed and exported
through the browser and the API, and the staff Vale shares with South Oxfordshire see their
lists."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from enquiries.models import Enquiry
from protocol_portal.casework.models import ReferenceCounter
from protocol_portal.casework.references import COUNCIL_CODE_MOST, reference_pattern
from protocol_portal.org import council_files
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Person, council_code_from_slug
from tests.conftest import LONDON
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
VALE_MEMBER = "vale-of-white-horse.cllr-watchfield-and-shrivenham-2"
SHARED_STAFF = [
    "south-oxfordshire.democratic-services-manager",
    "south-oxfordshire.chief-executive",
]


@pytest.fixture
def vale(db):
    for slug in ("south-oxfordshire", "vale-of-white-horse"):
        council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    with time_machine.travel(AS_OF, tick=False):
        yield Council.objects.get(slug="vale-of-white-horse")


def _opens(client, enquiry: Enquiry) -> None:
    """The enquiry's page, its CSV export and its API detail open for someone who may see it."""
    for url in (
        reverse("enquiries:detail", args=[enquiry.reference]),
        reverse("enquiries:export", args=[enquiry.reference]),
        f"/api/v1/enquiries/{enquiry.reference}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert enquiry.reference in response.content.decode(), url


def test_a_vale_enquiry_is_logged_opened_listed_and_exported(vale, client):
    assert vale.reference_code == "VOWH"
    member = Person.objects.get(username=VALE_MEMBER)
    client.force_login(member)
    body = {
        "subject": "Vale car park",
        "description": "The barrier is stuck.",
        "service_area": "car-parks",
        "ward": "watchfield-and-shrivenham",
    }
    response = client.post("/api/v1/enquiries/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    by_api = Enquiry.objects.get(reference=response.json()["reference"])
    assert by_api.reference == "VOWH-ENQ-2026-00001"

    form = {
        "subject": "Vale bins",
        "description": "Missed twice.",
        "service_area": vale.service_areas.get(slug="car-parks").pk,
        "ward": by_api.ward_id,
        "urgency": "routine",
        "confirm_not_duplicate": "on",
    }
    response = client.post("/enquiries/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    by_form = Enquiry.objects.exclude(pk=by_api.pk).get(council=vale)
    assert response["Location"] == reverse("enquiries:detail", args=[by_form.reference])
    assert by_form.reference == "VOWH-ENQ-2026-00002"

    for page in ("/", "/enquiries/", "/api/v1/enquiries/"):
        assert client.get(page).status_code == 200, page
    for enquiry in (by_api, by_form):
        _opens(client, enquiry)

    # The officer it went to opens it; the staff Vale shares with South Oxfordshire list it.
    client.force_login(by_api.owner_post.holder)
    _opens(client, by_api)
    for username in SHARED_STAFF:
        client.force_login(Person.objects.get(username=username))
        for page in ("/", "/enquiries/", "/enquiries/queue/", "/api/v1/enquiries/"):
            response = client.get(page, follow=True)
            assert response.status_code == 200, (username, page, response.status_code)


def test_an_eight_character_code_and_a_six_digit_number_open_everywhere(org, client):
    org.council.reference_code = "ABCDEFGH"
    org.council.save()
    assert len(org.council.reference_code) == COUNCIL_CODE_MOST
    first = log(org, AS_OF)
    assert first.reference == "ABCDEFGH-ENQ-2026-00001"
    ReferenceCounter.objects.filter(council=org.council, prefix="ENQ").update(last=123_455)
    later = log(org, AS_OF, subject="Fly-tipping on Mill Lane")
    assert later.reference == "ABCDEFGH-ENQ-2026-123456"
    for enquiry in (first, later):
        client.force_login(org.raiser.person)
        _opens(client, enquiry)
        client.force_login(enquiry.owner_post.holder)
        _opens(client, enquiry)
        response = client.get("/api/v1/enquiries/")
        assert enquiry.reference in {row["reference"] for row in response.json()["results"]}


@given(slug=st.from_regex(r"\A[a-z0-9_]{1,12}(-[a-z0-9_]{1,12}){0,9}\Z"))
def test_every_code_made_from_a_slug_is_matched(slug):
    """Whatever slug a council has, the code made from it fits the URL pattern."""
    reference = f"{council_code_from_slug(slug)}-ENQ-2026-00042"
    assert re.fullmatch(reference_pattern("ENQ"), reference), reference


@pytest.mark.parametrize("code", ["HA-C", "HAC/1", "HAC ", "HÄC", "ABCDEFGHI", "H.C"])
def test_the_schema_refuses_a_code_no_reference_could_be_routed_by(org, code):
    """The council's code is validated (admin form, full_clean) to what reference URLs match,
    so no council can be given a code whose cases would never open."""
    from django.core.exceptions import ValidationError

    org.council.reference_code = code
    with pytest.raises(ValidationError) as caught:
        org.council.full_clean()
    assert "reference_code" in caught.value.message_dict


@given(code=st.from_regex(r"\A[A-Za-z0-9_]{1,8}\Z"))
def test_every_code_the_schema_allows_is_matched(code):
    from protocol_portal.org.models import Council

    field = Council._meta.get_field("reference_code")
    for validator in field.validators:
        validator(code)
    assert re.fullmatch(reference_pattern("ENQ"), f"{code}-ENQ-2026-00042")
