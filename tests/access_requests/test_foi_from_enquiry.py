"""003 §59 and FOIA s.10(1): an enquiry an officer finds to be an FOI request becomes an FOI
case in the FOI list, its twenty working days running from the enquiry's receipt."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from access_requests.models import FoiRequest
from access_requests.selectors import foi_visible_to
from enquiries.services import enquiry_create, enquiry_refer_foi
from protocol_portal.org.models import Member, ServiceArea
from tests.access_requests.conftest import AS_OF, LONDON, load

pytestmark = pytest.mark.django_db


def test_003_59_an_enquiry_referred_to_foi_is_an_foi_case_from_its_receipt(client):
    """003 §59: "Officers should therefore in all cases ascertain from the member whether or
    not the information is sought under the Freedom of Information Act and if so ... the
    request will be dealt with within the statutory time limit of 20 working days" — counted
    from receipt (FOIA s.10(1): "the twentieth working day following the date of receipt")."""
    council = load("southwark")
    member = Member.objects.filter(council=council, ward__isnull=False).order_by("pk").first()
    area = ServiceArea.objects.filter(council=council).order_by("slug").first()
    enquiry = enquiry_create(  # received Monday 2 March 2026
        member=member,
        subject="All contracts let for the estates' lift repairs since 2020",
        description="Copies of the contracts, please.",
        service_area=area,
        ward=member.ward,
        actor=member.person,
        as_of=AS_OF,
    )
    officer = enquiry.owner_post.holder
    referred_at = datetime(2026, 3, 9, 11, 0, tzinfo=LONDON)  # a week later
    enquiry_refer_foi(enquiry=enquiry, note="Asks for documents", actor=officer, as_of=referred_at)
    foi = FoiRequest.objects.get(opened_from=enquiry.reference)
    assert foi.received_on == date(2026, 3, 2)
    # Day one Tuesday 3 March; 17 March (a Northern Ireland bank holiday) is no FOI working day
    # (s.10(6)): due Tuesday 31 March 2026, not 7 April as counted from the referral.
    assert foi.due_on == date(2026, 3, 31)
    assert foi.requester_person == member.person
    assert "58–60" in foi.rule_source
    # It is in the FOI list: the member's, through the web and the API.
    assert foi in foi_visible_to(user=member.person)
    client.force_login(member.person)
    page = client.get(reverse("access_requests:list"))
    assert page.status_code == 200
    assert foi.reference in page.content.decode()
    api = APIClient()
    api.force_authenticate(member.person)
    listed = api.get("/api/v1/foi-requests/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(r["reference"], r["opened_from"]) for r in rows] == [
        (foi.reference, enquiry.reference)
    ]
    # And the FOI officer's.
    assert foi in foi_visible_to(user=foi.owner_post.holder)
    # Referring again opens no second case.
    enquiry_refer_foi(enquiry=enquiry, note="Again", actor=officer, as_of=referred_at)
    assert FoiRequest.objects.filter(opened_from=enquiry.reference).count() == 1
