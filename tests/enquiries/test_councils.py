"""Every routing case of every council file (fixtures/councils/*.yaml, demo people): an enquiry
with each flag reaches the post the council's protocol names, through `enquiry_create`.

The enquiry is about the first service area of the council (by slug), so "the Director" is that
directorate's. Where a council's rules say nothing about a flag, the enquiry takes the next flag
down (enquiries/README.md, "Routing"); legal proceedings and complaint referrals without a rule of
their own go to the portal's defaults (the Director, 000 §13.5; the Complaints Team, 002 §76).
"""

from datetime import datetime

import pytest

from enquiries.services import enquiry_create
from enquiries.states import Urgency
from protocol_portal.casework.services import reference_next
from protocol_portal.org import council_files
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, ServiceArea
from tests.conftest import LONDON
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

FLAGS = {
    "routine": {},
    "policy": {"is_policy": True},
    "urgent": {"urgency": Urgency.URGENT, "urgency_reason": "A child at risk tonight"},
    "cross_directorate": {"is_cross_directorate": True},
    "legal_proceedings": {"relates_to_legal_proceedings": True},
}

# council: {flag: expected post slug}, with the paragraph that decides it.
EXPECTED = {
    "tower-hamlets": {
        "routine": "member-enquiries-team",  # through the Member Enquiries team (000 §7.1, §7.3)
        "policy": "director-adult-social-care",  # policy → the Director (000 §7.1)
        "urgent": "director-adult-social-care",  # extremely urgent → Director (000 §7.2a)
        # No cross-directorate rule: it falls to policy, the Director (000 §7.1).
        "cross_directorate": "director-adult-social-care",
        "legal_proceedings": "director-adult-social-care",  # the Director only (000 §13.5)
    },
    "part-5-3": {
        # Only a routine rule: everything goes through member services; legal proceedings
        # go to the Director of the directorate concerned (portal default, modelled on
        # 000 §13.5: the route cites "default").
        "routine": "member-services",
        "policy": "member-services",
        "urgent": "member-services",
        "cross_directorate": "member-services",
        "legal_proceedings": "director-policy-performance",
    },
    "south-oxfordshire": {
        "routine": "planning-officer",  # straight to the service (002 §31, §77)
        "policy": "deputy-chief-executive-place",  # contentious or policy (002 §31)
        "urgent": "planning-officer",  # the officer decides whether it is urgent (002 §30)
        "cross_directorate": "deputy-chief-executive-place",  # falls to policy (002 §31)
        # Contentious, so the statutory officer for legal matters (a reading of 002 §31).
        "legal_proceedings": "head-of-legal-and-democratic",
    },
    "vale-of-white-horse": {
        "routine": "planning-officer",
        "policy": "deputy-chief-executive-place",
        "urgent": "planning-officer",
        "cross_directorate": "deputy-chief-executive-place",
        "legal_proceedings": "head-of-legal-and-democratic",
    },
    "southwark": {
        "routine": "social-worker",  # the officer, head of service copied (003 §19)
        # Anything else through senior management (003 §18, §19).
        "policy": "head-of-adult-social-care",
        "urgent": "head-of-adult-social-care",
        "cross_directorate": "head-of-adult-social-care",
        # The Director (portal default, modelled on 000 §13.5).
        "legal_proceedings": "strategic-director-childrens-and-adults",
    },
    "hackney": {
        # Every enquiry through Member Services (004 §12.2) ...
        "routine": "member-services",
        "policy": "member-services",
        "urgent": "member-services",
        # ... and cross-directorate work through the Chief Executive (004 §12.5).
        "cross_directorate": "chief-executive",
        "legal_proceedings": "director-adult-social-care",  # the Director (portal default)
    },
}


def test_every_flag_at_every_council_reaches_the_post_its_protocol_names():
    council_files.load()
    seed_demo()
    assert set(EXPECTED) == set(Council.objects.values_list("slug", flat=True))
    wrong = []
    for council in Council.objects.order_by("slug"):
        as_of = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
        area = ServiceArea.objects.filter(council=council).order_by("slug").first()
        member = Member.objects.filter(council=council, ward__isnull=False).order_by("pk").first()
        for flag, extra in FLAGS.items():
            enquiry = enquiry_create(
                member=member,
                subject=f"{flag} enquiry",
                description="About a resident.",
                service_area=area,
                ward=member.ward,
                actor=member.person,
                as_of=as_of,
                **extra,
            )
            expected = EXPECTED[council.slug][flag]
            if enquiry.owner_post.slug != expected:
                wrong.append(f"{council.slug} {flag}: {enquiry.owner_post.slug} != {expected}")
            assert enquiry.due_on is not None
            assert enquiry.route_source, "every route cites its paragraph"
    assert not wrong, "\n".join(wrong)


def test_two_councils_sharing_a_slug_prefix_get_distinct_references():
    southwark = CouncilFactory(slug="southwark", name="Southwark")
    south_oxon = CouncilFactory(slug="south-oxfordshire", name="South Oxfordshire")
    first = reference_next(council=southwark, prefix="ENQ", year=2026)
    second = reference_next(council=south_oxon, prefix="ENQ", year=2026)
    assert first != second
    assert (first[:4], second[:3]) == ("SOU-", "SO-")


def test_a_council_whose_code_is_taken_gets_a_numbered_one():
    first = CouncilFactory(slug="south-oxford", name="South Oxford")
    second = CouncilFactory(slug="south-orkney", name="South Orkney")
    numbered = CouncilFactory(slug="council-10", name="Council 10")
    assert (first.reference_code, second.reference_code, numbered.reference_code) == (
        "SO",
        "SO2",
        "C10",
    )
