"""One council with a case of every type, built through the services, and a sign-in for each
role: the pages the accessibility sweep and the keyboard journey visit.

The complaint test council (tests/complaints/factories.py) supplies the organisation and the
complaint rules; enquiry rules, a service area, the chaser ladder and need-to-know rules are
added here.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access_requests import services as access_services
from access_requests.selectors import Ask
from access_requests.states import Ground, Outcome, Purpose
from complaints import services as complaint_services
from complaints.models import Kind
from complaints.states import AckIntent, DeterminationOutcome
from enquiries.services import enquiry_create
from interests import services as interest_services
from interests.models import ActorKind, Capacity, InterestCategory, Nature, ReturnKind
from protocol_portal.org.models import PostKind
from tests.complaints.factories import build_complaint_org
from tests.factories import (
    PersonFactory,
    RoutingRuleFactory,
    ServiceAreaFactory,
    access_request_rules_create,
    ladder_create,
)

PASSWORD = "a-long-password-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _enquiry_rules(o) -> None:
    for concerning, kind, of in (
        ("routine", PostKind.OFFICER, "case_directorate"),
        ("policy", PostKind.DIRECTOR, "case_directorate"),
        ("urgent", PostKind.DIRECTOR, "case_directorate"),
        ("cross_directorate", PostKind.CHIEF_EXECUTIVE, "council"),
        ("legal_proceedings", PostKind.DIRECTOR, "case_directorate"),
        ("access_in_doubt", PostKind.MONITORING_OFFICER, "council"),
        ("complaint_referral", PostKind.CHIEF_EXECUTIVE, "council"),
    ):
        RoutingRuleFactory(
            council=o.council,
            key=f"enquiry-{concerning.replace('_', '-')}",
            concerning=concerning,
            handler_kind=kind,
            handler_of=of,
            deadline_days=10,
            source="T §7",
        )


def _access_requests(o, now) -> None:
    """An open need-to-know request, one granted with a document released, and one under FOI."""
    member = o.complainant

    def ask(what: str) -> Ask:
        return Ask(
            what=what,
            directorate=o.housing,
            purpose=Purpose.OTHER,
            justification="The housing panel is reviewing repairs.",
            contract_information=True,
        )

    o.access_request = access_services.access_request_submit(
        council=o.council, requester=member.person, ask=ask("Repairs contract prices"), as_of=now
    )
    o.granted_request = access_services.access_request_submit(
        council=o.council, requester=member.person, ask=ask("Repairs backlog report"), as_of=now
    )
    access_services.access_request_decide(
        request=o.granted_request,
        actor=o.director.holder,
        outcome=Outcome.GRANTED,
        reasons="Needed for the panel's review.",
        as_of=now,
    )
    # Refused with a further stage: the dispute form is offered only for a refusal.
    o.refused_request = access_services.access_request_submit(
        council=o.council, requester=member.person, ask=ask("Repairs audit letters"), as_of=now
    )
    access_services.access_request_decide(
        request=o.refused_request,
        actor=o.director.holder,
        outcome=Outcome.REFUSED,
        grounds=[Ground.FISHING],
        reasons="No need shown for the letters.",
        as_of=now,
    )
    o.release = access_services.release_create(
        request=o.granted_request,
        actor=o.director.holder,
        title="Repairs backlog report, March",
        upload=SimpleUploadedFile("backlog.pdf", PDF, content_type="application/pdf"),
        as_of=now,
    )
    foi_request = access_services.access_request_submit(
        council=o.council,
        requester=member.person,
        ask=ask("Repairs spend by contractor"),
        as_of=now,
        wants_foi=True,
    )
    o.foi = foi_request.foi


def _set_aside_email(o, now):
    """An email to the members' enquiries mailbox from an unknown sender, set aside."""
    from enquiries.mail import inbound_take
    from enquiries.models import Mailbox

    mailbox = Mailbox.objects.create(
        council=o.council,
        address="enquiries@testshire.example",
        host="127.0.0.1",
        service_area=o.repairs,
        enabled=False,
    )
    raw = (
        b"From: resident@elsewhere.example\r\nSubject: Help with my bins\r\n"
        b"Message-ID: <bins@elsewhere.example>\r\n\r\nThe bins were not collected.\r\n"
    )
    return inbound_take(
        mailbox=mailbox, uidvalidity=1, uid=1, raw=raw, size=len(raw), arrived_at=now, as_of=now
    )


def build_world() -> SimpleNamespace:
    """The organisation, one case of each type, and the people who sign in as each role."""
    o = build_complaint_org(slug="testshire")
    o.repairs = ServiceAreaFactory(directorate=o.housing, slug="repairs", name="Housing repairs")
    _enquiry_rules(o)
    ladder_create(o.council)
    access_request_rules_create(o.council)
    now = timezone.now()
    today = timezone.localdate(now)
    member = o.complainant
    o.enquiry = enquiry_create(
        member=member,
        subject="Broken boiler at 4 Elm Street",
        description="No heating since Friday; the tenant is elderly.",
        service_area=o.repairs,
        ward=member.ward,
        resident_reference="Mrs A, tenancy 1234",
        attachments=[SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")],
        actor=member.person,
        as_of=now,
    )
    o.attachment = o.enquiry.attachments.get()
    o.inbound = _set_aside_email(o, now)
    o.complaint = complaint_services.complaint_raise(
        council=o.council,
        raiser=member.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.officer,
        summary="Rude on the phone",
        details="The officer was rude when I rang about a constituent's repairs.",
        informal_attempted=True,
        informal_detail="I spoke to the manager.",
        as_of=now,
    )
    o.conduct = complaint_services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.red_whip,
        summary="Misused resources",
        details="Used the council's printer for party leaflets.",
        as_of=now,
    )
    o.conduct = complaint_services.complaint_acknowledge(
        complaint=o.conduct,
        actor=o.mo.holder,
        intent=AckIntent.NEEDS_TIME,
        message="I will look into this.",
        outcome_due_on=today + timedelta(days=20),
        as_of=now,
    )
    o.determination = complaint_services.determination_issue(
        complaint=o.conduct,
        actor=o.mo.holder,
        outcome=DeterminationOutcome.NO_FURTHER_ACTION,
        reasons="No evidence.",
        as_of=now,
    )
    o.summary = complaint_services.summary_generate(
        council=o.council,
        start=today.replace(day=1) - timedelta(days=92),
        end=today,
        as_of=now,
    )
    o.relationship = interest_services.relationship_declare(
        council=o.council,
        declarer=member.person,
        other_person=o.officer.holder,
        nature=Nature.FAMILY,
        since=None,
        details="My cousin.",
        as_of=now,
    )
    o.interest = interest_services.interest_register(
        member=member,
        actor=member.person,
        category=InterestCategory.LAND,
        description="House at 1 High Street",
        as_of=now,
    )
    o.register_return = interest_services.register_return_open(
        member=member, kind=ReturnKind.ANNUAL, trigger_on=today, as_of=now
    )
    o.acting = interest_services.acting_against_notify(
        member=member,
        actor=member.person,
        acting_party=ActorKind.SELF,
        capacity=Capacity.PRIVATE,
        action="Appealing a planning refusal for my house.",
        as_of=now,
    )
    o.advice = interest_services.advice_request(
        council=o.council,
        requester=member.person,
        question="Must I declare my allotment?",
        as_of=now,
    )
    _access_requests(o, now)
    o.admin = PersonFactory(
        username="site-admin", first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True
    )
    o.logins = {
        "member": member.person,
        "officer": o.officer.holder,
        "monitoring officer": o.mo.holder,
        "admin": o.admin,
    }
    for person in o.logins.values():
        person.set_password(PASSWORD)
        person.save()
    return o
