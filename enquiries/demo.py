"""Demo member enquiries for `manage.py seed_demo`: in every council, one enquiry in each state
over the last eight weeks (new, in progress, overdue, paused for clarification, answered on time
and late, closed, referred on), made through the services with their clocks backdated, so every
queue, the dashboard and the chaser ladder have something in them. Idempotent: a scenario whose
enquiry exists (by subject) is not made again.
"""

from __future__ import annotations

from dataclasses import dataclass

from enquiries import services
from enquiries.models import Enquiry
from enquiries.states import Urgency
from protocol_portal.org.demo import DemoReport
from protocol_portal.org.models import Council, Member, Post, PostKind, ServiceArea


@dataclass(frozen=True)
class Scenario:
    subject: str
    description: str
    # Days before the seeding day it was logged; then what happened to it, each a (days ago,
    # step) with step one of: accept, clarify, reply, respond, close, foi, mo, complaint.
    logged: int
    steps: tuple[tuple[int, str], ...] = ()
    urgent: bool = False
    cross: bool = False
    other_ward: bool = False
    # Through triage to a service officer first, where the council routes to a central team.
    handed_on: bool = True


SCENARIOS = (
    Scenario("Fly-tipping behind the shopping parade", "Bags and a mattress, a week now.", 1),
    Scenario(
        "Street light out outside the primary school",
        "Dark at home time; parents worried.",
        5,
        ((4, "accept"),),
    ),
    Scenario(
        "Damp and mould in a council flat",
        "A family with a baby; the landlord's repairs line has not called back.",
        34,
        ((33, "accept"),),
    ),
    Scenario(
        "Missed bin collections on Elm Road",
        "Three weeks of missed collections for the whole road.",
        45,
        handed_on=False,
    ),
    Scenario(
        "Parking suspension for a funeral",
        "A family needs the bay suspended on Friday.",
        9,
        ((8, "accept"), (3, "clarify")),
    ),
    Scenario(
        "Pothole on the High Street",
        "A cyclist came off; photos attached to the resident's email.",
        21,
        ((20, "accept"), (13, "respond")),
    ),
    Scenario(
        "Noise from the late-night takeaway",
        "Residents cannot sleep; the licence conditions may be breached.",
        50,
        ((49, "accept"), (8, "respond")),
    ),
    Scenario(
        "Overgrown trees blocking the footpath",
        "Wheelchair users step into the road.",
        55,
        ((54, "accept"), (46, "respond"), (41, "close")),
    ),
    Scenario(
        "Asbestos report for the community hall",
        "The tenants' association wants the survey; the officer doubts they may have it.",
        6,
        ((5, "mo"),),
    ),
    Scenario(
        "Spend on agency staff last year",
        "A resident asks for the figures by directorate.",
        12,
        ((11, "foi"),),
    ),
    Scenario(
        "Rude reply from the housing repairs line",
        "The resident feels they were dismissed and wants to complain.",
        16,
        ((15, "complaint"),),
    ),
    Scenario(
        "Heating failed in a sheltered housing block",
        "Elderly residents without heat in freezing weather.",
        2,
        urgent=True,
    ),
    Scenario(
        "Youth club closure and the estate's safety",
        "Needs housing, community safety and youth services together.",
        26,
        ((25, "accept"), (24, "clarify"), (19, "reply"), (17, "respond")),
        cross=True,
    ),
    Scenario(
        "Dangerous crossing on the ward boundary",
        "Residents of the next ward use it too.",
        13,
        ((12, "accept"),),
        other_ward=True,
    ),
)


def _member(council: Council) -> list[Member]:
    """The demo's listed backbench login first (README), then the others."""
    members = list(Member.objects.filter(council=council).select_related("person", "ward"))
    members.sort(key=lambda m: -m.pk)
    return members


def _service_officer(enquiry: Enquiry) -> Post | None:
    posts = Post.objects.filter(
        council=enquiry.council,
        directorate=enquiry.directorate,
        kind=PostKind.OFFICER,
        holder__isnull=False,
    ).order_by("slug")
    return posts.first()


def _hand_on(enquiry: Enquiry, report: DemoReport, as_of) -> Enquiry:
    if enquiry.owner_post.kind != PostKind.MEMBER_SERVICES:
        return enquiry
    officer = _service_officer(enquiry)
    if officer is None:
        return enquiry
    return services.enquiry_reassign(
        enquiry=enquiry,
        to_post=officer,
        reason=f"{officer.title} looks after this service.",
        actor=enquiry.owner_post.holder,
        as_of=as_of,
    )


def _step(enquiry: Enquiry, step: str, as_of) -> Enquiry:
    owner = enquiry.owner_post.holder
    member = enquiry.member.person
    if step == "accept":
        return services.enquiry_accept(enquiry=enquiry, actor=owner, as_of=as_of)
    if step == "clarify":
        return services.enquiry_request_clarification(
            enquiry=enquiry,
            question="Which address exactly, and has the resident reported it before?",
            actor=owner,
            as_of=as_of,
        )
    if step == "reply":
        return services.enquiry_reply(
            enquiry=enquiry,
            text="Flats 1 to 12; first reported in October.",
            actor=member,
            as_of=as_of,
        )
    if step == "respond":
        return services.enquiry_respond(
            enquiry=enquiry,
            response="We have inspected it and booked the work for next week. "
            "The resident will get a letter with the date.",
            actor=owner,
            as_of=as_of,
        )
    if step == "close":
        return services.enquiry_close(
            enquiry=enquiry, reason="The work is done.", actor=owner, as_of=as_of
        )
    if step == "foi":
        return services.enquiry_refer_foi(
            enquiry=enquiry, note="A request for recorded information.", actor=owner, as_of=as_of
        )
    if step == "mo":
        return services.enquiry_refer_access(
            enquiry=enquiry,
            note="Whether the member may see this is in doubt.",
            actor=owner,
            as_of=as_of,
        )
    if step == "complaint":
        enquiry = services.enquiry_refer_complaint(
            enquiry=enquiry,
            note="This reads as a complaint about the service.",
            actor=owner,
            as_of=as_of,
        )
        if services.at_complaint_advice(enquiry) and enquiry.owner_post.holder_id:
            # The senior officer advises that it is a complaint (002 §76).
            enquiry = services.enquiry_refer_complaint(
                enquiry=enquiry,
                note="Advice given: yes, this should be regarded as a complaint.",
                actor=enquiry.owner_post.holder,
                as_of=as_of,
            )
        return enquiry
    raise ValueError(step)


def _make(council: Council, n: int, scenario: Scenario, members, areas, report: DemoReport):
    # Half the enquiries are the listed backbench login's, so their list is full.
    member = members[0] if n % 2 == 0 else members[1 + n % (len(members) - 1)]
    area = areas[n % len(areas)]
    ward = member.ward
    if scenario.other_ward:
        ward = council.wards.exclude(pk=member.ward_id).order_by("slug").first() or ward
    logged = report.ago(scenario.logged, hour=9)
    enquiry = services.enquiry_create(
        member=member,
        subject=scenario.subject,
        description=scenario.description,
        service_area=area,
        ward=ward,
        resident_reference=f"Resident {100 + n}",
        urgency=Urgency.URGENT if scenario.urgent else Urgency.ROUTINE,
        urgency_reason="Vulnerable residents at risk tonight." if scenario.urgent else "",
        is_cross_directorate=scenario.cross,
        about_other_ward=scenario.other_ward,
        actor=member.person,
        as_of=logged,
    )
    if scenario.handed_on:
        enquiry = _hand_on(enquiry, report, report.ago(scenario.logged, hour=11))
    for hour, (days, step) in enumerate(scenario.steps, start=12):
        enquiry = _step(enquiry, step, report.ago(days, hour=hour))


def seed_enquiries(report: DemoReport) -> None:
    """Every council: an enquiry in each state, logged over the last eight weeks."""
    for council in Council.objects.order_by("slug"):
        members = _member(council)
        areas = list(ServiceArea.objects.filter(council=council).order_by("slug"))
        if len(members) < 2 or not areas:
            continue
        have = set(Enquiry.objects.filter(council=council).values_list("subject", flat=True))
        for n, scenario in enumerate(SCENARIOS):
            if scenario.subject in have:
                continue
            report.scenario(
                services.LABEL,
                council,
                scenario.subject,
                _make,
                council,
                n,
                scenario,
                members,
                areas,
                report,
            )
