"""Defects found by the protocol-fidelity audit (issue 13), each written from the protocol text
(shared/protocols/) and run on the real council files (fixtures/councils/*.yaml, demo people).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from enquiries.models import WardNotice
from enquiries.services import enquiry_create
from enquiries.states import Urgency
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.org import council_files
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, ServiceArea
from tests.conftest import LONDON
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def load(slug: str) -> Council:
    """One real council, from its file, with demo people in its posts and wards."""
    council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    return Council.objects.get(slug=slug)


def _enquiry_in_another_ward(council, **flags):
    member = Member.objects.filter(council=council, ward__isnull=False).order_by("pk").first()
    other = (
        Member.objects.filter(council=council)
        .exclude(ward=member.ward)
        .exclude(ward__isnull=True)
        .order_by("pk")
        .first()
    )
    area = ServiceArea.objects.filter(council=council).order_by("slug").first()
    enquiry = enquiry_create(
        member=member,
        subject="Fly-tipping behind the library",
        description="Reported by a resident of the next ward.",
        service_area=area,
        ward=other.ward,
        actor=member.person,
        as_of=AS_OF,
        **flags,
    )
    return enquiry, member, other


def _told_others(enquiry, raiser):
    """Every message about the enquiry that reached a member other than the raiser."""
    return list(
        OutboxMessage.objects.filter(case_id=enquiry.pk, notices__person__memberships__isnull=False)
        .exclude(notices__person=raiser.person)
        .distinct()
    )


# ------------------------------------------------------------------ confidentiality (000, 004)


@pytest.mark.parametrize(
    "slug",
    [
        # "Any request from a Member for information will be treated in confidence by Officers
        # and will not be made known to any other Member or political group" (000 §7.19).
        "tower-hamlets",
        # "will be treated with strict confidence by the officers concerned and will not be
        # accessible to any other political group" (004 §9.1.1).
        "hackney",
    ],
)
def test_an_enquiry_about_another_ward_is_not_made_known_to_its_members(slug):
    enquiry, raiser, other = _enquiry_in_another_ward(load(slug))
    assert enquiry.about_other_ward
    assert not WardNotice.objects.filter(enquiry=enquiry).exists()
    assert _told_others(enquiry, raiser) == []


def test_at_south_oxfordshire_the_ward_member_hears_who_is_involved():
    # "members involved in an issue in another member's ward will speak with the relevant ward
    # member to inform them of their involvement" (002 §34).
    enquiry, raiser, other = _enquiry_in_another_ward(load("south-oxfordshire"))
    notice = WardNotice.objects.get(enquiry=enquiry, member=other)
    [message] = OutboxMessage.objects.filter(case_id=enquiry.pk, notices__person=other.person)
    assert str(raiser) in message.body
    assert "002 §34" in message.body
    assert enquiry.description not in message.body
    assert notice.told_at is not None


def test_an_unnamed_ward_notice_does_not_say_who_raised_it(org, as_of):
    org.council.protocol_settings = {"ward_notice": {"value": "unnamed", "source": "test §1"}}
    org.council.save()
    enquiry = log(org, as_of, ward=org.south)
    messages = OutboxMessage.objects.filter(case_id=enquiry.pk, notices__person=org.opponent.person)
    [message] = messages
    assert "South" in message.body
    assert str(org.raiser) not in message.body
    assert str(org.raiser.person) not in message.body


def test_a_council_without_the_setting_tells_nobody(org, as_of):
    assert org.council.protocol_settings == {}
    enquiry = log(org, as_of, ward=org.south)
    assert enquiry.about_other_ward
    assert not WardNotice.objects.filter(enquiry=enquiry).exists()


# ------------------------------------------------------------------ precedence (004 §12.5)


@pytest.mark.parametrize(
    "extra",
    [
        {"urgency": Urgency.URGENT, "urgency_reason": "A family is homeless tonight"},
        {"relates_to_legal_proceedings": True},
        {"is_policy": True},
    ],
)
def test_a_hackney_enquiry_across_directorates_goes_through_the_chief_executive(extra):
    # "All requests for advice and information that cross directorate boundaries or involve
    # multi-directorate activities should be directed through the Chief Executive" (004 §12.5).
    enquiry, _, _ = _enquiry_in_another_ward(load("hackney"), is_cross_directorate=True, **extra)
    assert enquiry.concerning == "cross_directorate"
    assert enquiry.owner_post.slug == "chief-executive"
    assert "004 §12.5" in enquiry.route_source


# ------------------------------------------------------------------ FOI receipt (FOIA s.10(1))


def _refer_foi(enquiry, officer, when):
    from enquiries.services import enquiry_refer_foi

    return enquiry_refer_foi(
        enquiry=enquiry, note="Not about council business", actor=officer, as_of=when
    )


def test_an_enquiry_referred_to_foi_keeps_its_receipt_date(org, as_of):
    # "the twentieth working day following the date of receipt" (FOIA s.10(1)); the request
    # was received when the enquiry was (003 §58–59), not when the officer referred it.
    enquiry = log(org, as_of)  # received Monday 2 March 2026
    referred = _refer_foi(
        enquiry, org.housing_officer.holder, datetime(2026, 3, 9, 11, 0, tzinfo=LONDON)
    )
    assert referred.received_on == date(2026, 3, 2)
    assert referred.clock_started_on == date(2026, 3, 2)
    # Day one Tuesday 3 March; St Patrick's Day (17 March, a Northern Ireland bank holiday) is
    # not an FOI working day (s.10(6)): the twentieth is Tuesday 31 March 2026. Counted from the
    # referral it would be 7 April.
    assert referred.due_on == date(2026, 3, 31)


def test_a_request_received_on_a_saturday_counts_from_monday_as_day_one(org):
    # Received Saturday 20 November 2027: Monday 22 November is day one; Tuesday 30 November
    # (St Andrew's Day) is a bank holiday in Scotland, so not an FOI working day (s.10(6));
    # the twentieth working day is Monday 20 December 2027.
    saturday = datetime(2027, 11, 20, 10, 0, tzinfo=LONDON)
    monday = datetime(2027, 11, 22, 9, 0, tzinfo=LONDON)
    enquiry = log(org, monday, received_at=saturday, channel="email")
    assert enquiry.received_on == date(2027, 11, 20)
    referred = _refer_foi(enquiry, org.housing_officer.holder, monday)
    assert referred.due_on == date(2027, 12, 20)


def test_the_enquiry_clock_counts_monday_as_day_one_after_a_weekend_receipt(org):
    # Ten working days with Monday 22 November 2027 as day one end on Friday 3 December.
    saturday = datetime(2027, 11, 20, 10, 0, tzinfo=LONDON)
    enquiry = log(
        org, datetime(2027, 11, 22, 9, 0, tzinfo=LONDON), received_at=saturday, channel="email"
    )
    assert enquiry.due_on == date(2027, 12, 3)


def test_a_council_counting_receipt_as_day_one_is_due_a_day_sooner(org):
    org.council.protocol_settings = {"clock_day_one": {"value": "receipt_day", "source": "t"}}
    org.council.save()
    tuesday = datetime(2027, 11, 23, 10, 0, tzinfo=LONDON)
    enquiry = log(org, tuesday)
    # Day one Tuesday 23 November; day ten Monday 6 December (next_working_day: Tuesday 7th).
    assert enquiry.due_on == date(2027, 12, 6)


# ------------------------------------------------------------------ legal proceedings (000 §13.5)


def _legal(org, as_of):
    return log(org, as_of, relates_to_legal_proceedings=True)


def test_a_legal_proceedings_enquiry_is_not_passed_down_to_a_junior_officer(org, as_of):
    # "all enquiries must be addressed to either the appropriate Director or Corporate
    # Director" (000 §13.5).
    from django.core.exceptions import ValidationError

    from enquiries.services import enquiry_reassign

    enquiry = _legal(org, as_of)
    assert enquiry.owner_post == org.housing_director
    for junior in (org.housing_manager, org.housing_officer, org.triage):
        with pytest.raises(ValidationError, match="000 §13.5"):
            enquiry_reassign(
                enquiry=enquiry,
                to_post=junior,
                reason="for the team to answer",
                actor=org.housing_director.holder,
                as_of=as_of,
            )
    moved = enquiry_reassign(
        enquiry=enquiry,
        to_post=org.env_director,
        reason="the other Director holds the file",
        actor=org.housing_director.holder,
        as_of=as_of,
    )
    assert moved.owner_post == org.env_director


# ------------------------------------------------------------------ citations (the council's own)


@pytest.mark.parametrize(
    ("stored", "cited", "not_cited"),
    [
        (
            {"confidentiality": {"value": "requester_permits_copies", "source": "000 §7.19"}},
            "000 §7.19",
            "002 §85",
        ),
        ({}, "the protocol is silent", "002 §85"),
    ],
)
def test_who_could_see_an_enquiry_cites_the_councils_own_protocol(
    org, as_of, stored, cited, not_cited
):
    # A Tower Hamlets enquiry cited South Oxfordshire's 002 §85.
    from django.test import Client

    org.council.protocol_settings = stored
    org.council.save()
    enquiry = log(org, as_of)
    client = Client()
    client.force_login(org.mo.holder)
    text = client.get(f"/case-access/{enquiry.reference}/").content.decode()
    assert cited in text
    assert not_cited not in text


# ------------------------------------------------------------------ which officer (officer_for)


def test_a_southwark_contract_spend_enquiry_reaches_the_commissioning_officer_not_a_social_worker():
    # Enquiries go to the officer for the service concerned (003 §19): which officer handles
    # what is in the council file (settings: officer_for).
    council = load("southwark")
    member = Member.objects.filter(council=council, ward__isnull=False).order_by("pk").first()
    commissioning = ServiceArea.objects.get(council=council, slug="commissioning")
    enquiry = enquiry_create(
        member=member,
        subject="Spend on the home care contract",
        description="How much was paid to the provider last year?",
        service_area=commissioning,
        ward=member.ward,
        actor=member.person,
        as_of=AS_OF,
    )
    assert enquiry.owner_post.slug == "commissioning-officer"
    adult = ServiceArea.objects.get(council=council, slug="adult-social-care")
    other = enquiry_create(
        member=member,
        subject="A resident's care package",
        description="Mrs B's assessment.",
        service_area=adult,
        ward=member.ward,
        actor=member.person,
        as_of=AS_OF,
    )
    assert other.owner_post.slug == "social-worker"


@pytest.mark.parametrize("slug", ["south-oxfordshire", "vale-of-white-horse"])
def test_a_legal_services_enquiry_reaches_legal_and_democratic_services_not_customer_services(
    slug,
):
    # Members "approach relevant officers" (002 §77) and Democratic Services signpost them "to
    # the correct area" (§31): an enquiry about Legal services is not the Customer Services
    # Officer's, though that is the first officer post of Transformation and Operations.
    council = load(slug)
    member = Member.objects.filter(council=council, ward__isnull=False).order_by("pk").first()
    legal = ServiceArea.objects.get(council=council, slug="legal-services")
    enquiry = enquiry_create(
        member=member,
        subject="A covenant on the community centre",
        description="Who holds the deed?",
        service_area=legal,
        ward=member.ward,
        actor=member.person,
        as_of=AS_OF,
    )
    assert enquiry.owner_post.slug == "legal-and-democratic-services"
    customer = ServiceArea.objects.get(council=council, slug="customer-services")
    other = enquiry_create(
        member=member,
        subject="Opening hours of the contact centre",
        description="Are they changing?",
        service_area=customer,
        ward=member.ward,
        actor=member.person,
        as_of=AS_OF,
    )
    assert other.owner_post.slug == "customer-services-officer"


def test_a_southwark_foi_request_about_the_environment_reaches_information_governance():
    from access_requests import selectors as access_selectors
    from protocol_portal.org.models import Directorate

    council = load("southwark")
    environment = Directorate.objects.get(
        council=council, slug="environment-neighbourhoods-and-growth"
    )
    handler, _, _ = access_selectors.route_posts(
        council=council,
        route=access_selectors.foi_route(council=council),
        directorate=environment,
        exclude=frozenset(),
        case_type="foi",
    )
    assert handler.slug == "information-governance-officer"


# ------------------------------------------------------------------ the settings themselves


def test_an_admin_cannot_save_a_setting_the_portal_does_not_know(org):
    from django.core.exceptions import ValidationError

    council = org.council
    for bad in (
        {"ward_notice": {"value": "everyone", "source": "000 §7.19"}},
        {"ward_notice": {"value": "none"}},
        {"enquiry_precedence": {"value": ["urgent"], "source": "x"}},
        {"no_such_setting": {"value": 1, "source": "x"}},
    ):
        council.protocol_settings = bad
        with pytest.raises(ValidationError):
            council.full_clean()
    council.protocol_settings = {"ward_notice": {"value": "unnamed", "source": "001 §5.3.9.2"}}
    council.full_clean()


def test_a_council_file_setting_must_cite_its_paragraph_and_name_real_posts():
    from protocol_portal.org import protocol_settings

    errors: list[str] = []
    data = {"posts": [{"slug": "officer"}], "routing": [{"key": "r"}]}
    protocol_settings.validate(
        {
            "officer_for": {"value": {"waste": "nobody"}, "source": "x"},
            "subject_responds_first": {"value": ["missing-rule"], "source": "x"},
            "clock_day_one": {"value": "receipt_day"},
        },
        data,
        "t.yaml",
        errors,
    )
    assert any("unknown post 'nobody'" in e for e in errors)
    assert any("missing-rule" in e for e in errors)
    assert any("clock_day_one' must cite its source" in e for e in errors)
