"""Demo need-to-know and FOI requests for `manage.py seed_demo`: in every council, requests
awaiting a decision (one overdue and chased), referred, granted and released, refused, disputed,
withdrawn, sent to FOI, and an FOI request answered, over the last eight weeks. Made through the
services with their clocks backdated; idempotent (a request whose wording exists is skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile

from access_requests import services
from access_requests.models import AccessRequest
from access_requests.selectors import Ask
from access_requests.states import Ground, Outcome, Part, Purpose, Status
from protocol_portal.org.demo import DemoReport
from protocol_portal.org.models import Committee, Council, Directorate, Member, MemberRoleKind

LABEL = "access_requests.AccessRequest"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _backbencher(council: Council) -> Member | None:
    return (
        Member.objects.filter(council=council)
        .exclude(committees__is_executive=True)
        .exclude(roles__kind__in=[MemberRoleKind.CABINET_MEMBER, MemberRoleKind.LEADER])
        .order_by("-pk")
        .first()
    )


def _asks(council: Council, member: Member) -> dict[str, Ask]:
    directorates = list(Directorate.objects.filter(council=council).order_by("slug"))
    cabinet = Committee.objects.filter(council=council, is_executive=True).first()
    own = member.committees.filter(is_executive=False).order_by("slug").first()
    other_ward = council.wards.exclude(pk=member.ward_id).first()
    first, last = directorates[0], directorates[-1]
    committee_papers = Ask(
        what="Committee report on the depot site",
        directorate=last,
        purpose=Purpose.COMMITTEE,
        justification="It is on my committee's agenda.",
        for_meeting=own is not None,
        committee=own,
        part=Part.PART_1 if own else "",
        within_terms_of_reference=own is not None,
    )
    # Asked as the ward member, so FOI does not take it from the start (003 §60).
    justify = Ask(
        what="The repairs contract with its prices",
        directorate=first,
        purpose=Purpose.WARD,
        matter_ward=member.ward,
        justification="Residents report repairs are late; I need the terms to press for them.",
        contract_information=True,
    )
    return {
        "open": Ask(
            what="Part II Cabinet report on the leisure centre contract",
            directorate=last,
            purpose=Purpose.SCRUTINY,
            justification="The scrutiny committee is reviewing the contract.",
            for_meeting=cabinet is not None,
            committee=cabinet,
            part=Part.PART_2 if cabinet else "",
            within_terms_of_reference=True,
        ),
        "refused": Ask(
            what="Correspondence about a disrepair case",
            directorate=first,
            purpose=Purpose.WARD,
            justification="A resident asked me to look into it.",
            matter_ward=member.ward or other_ward,
            third_party_personal_data=True,
        ),
        "foi": Ask(
            what="Another group's budget briefing",
            directorate=first,
            purpose=Purpose.OTHER,
            justification="To prepare for the budget debate.",
            other_group_papers=True,
        ),
        "overdue": justify,
        "granted": committee_papers,
        "referred": replace(committee_papers, what="Committee report on the library closures"),
        "disputed": replace(
            justify,
            what="Officers' notes of the tenants' association meeting",
            third_party_personal_data=True,
            contract_information=False,
        ),
        "withdrawn": replace(
            justify, what="Draft flood plan for the ward", draft_policy_papers=True
        ),
        "foi_answered": replace(justify, what="Spend on agency staff by directorate, last year"),
    }


# fate: (days ago submitted, steps as (days ago, step))
FATES: dict[str, tuple[int, tuple[tuple[int, str], ...]]] = {
    "open": (2, ()),
    "refused": (20, ((14, "refuse"),)),
    "foi": (10, ((9, "to_foi"),)),
    "overdue": (30, ()),
    "granted": (18, ((15, "grant"), (14, "release"))),
    "referred": (8, ((5, "refer"),)),
    "disputed": (26, ((21, "refuse"), (19, "dispute"))),
    "withdrawn": (12, ((11, "withdraw"),)),
    "foi_answered": (24, ((3, "answer_foi"),)),
}


def _steps(request: AccessRequest) -> dict[str, Callable]:
    holder = request.owner_post.holder if request.owner_post_id else None
    requester = request.requester_person

    def decide(outcome, as_of):
        services.access_request_decide(
            request=request,
            actor=request.owner_post.holder,
            outcome=outcome,
            grounds=[Ground.FISHING] if outcome == Outcome.REFUSED else [],
            reasons="No link to your duties as a member has been shown."
            if outcome == Outcome.REFUSED
            else "You need the report to take part in the committee's decision.",
            as_of=as_of,
        )
        request.refresh_from_db()
        if request.status != Status.REFERRED:
            return
        # A first refusal referred on for determination (000 §7.2b): the determiner decides.
        services.access_request_decide(
            request=request,
            actor=request.owner_post.holder,
            outcome=outcome,
            grounds=[Ground.FISHING] if outcome == Outcome.REFUSED else [],
            reasons="No link to your duties as a member has been shown."
            if outcome == Outcome.REFUSED
            else "You need the report to take part in the committee's decision.",
            as_of=as_of,
        )

    return {
        "grant": lambda as_of: decide(Outcome.GRANTED, as_of),
        "refuse": lambda as_of: decide(Outcome.REFUSED, as_of),
        "refer": lambda as_of: services.access_request_refer(
            request=request, actor=holder, reasons="Parts may be exempt.", as_of=as_of
        ),
        "dispute": lambda as_of: services.access_request_dispute(
            request=request,
            actor=requester,
            reasons="I chair the tenants' panel; I need the notes to do that.",
            as_of=as_of,
        ),
        "withdraw": lambda as_of: services.access_request_withdraw(
            request=request, actor=requester, reason="No longer needed.", as_of=as_of
        ),
        "to_foi": lambda as_of: services.access_request_to_foi(
            request=request,
            actor=holder,
            reason="Not need-to-know: offered under the Freedom of Information Act.",
            as_of=as_of,
        ),
        "release": lambda as_of: services.release_create(
            request=request,
            actor=request.owner_post.holder,
            title="The committee report",
            upload=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
            redactions="Names of residents removed.",
            as_of=as_of,
        ),
        "answer_foi": lambda as_of: services.foi_answer(
            foi=request.foi,
            actor=request.foi.owner_post.holder,
            response="The figures are attached: £1.2m across four directorates.",
            as_of=as_of,
        ),
    }


def _make(council: Council, member: Member, fate: str, ask: Ask, report: DemoReport) -> None:
    submitted, steps = FATES[fate]
    request = services.access_request_submit(
        council=council,
        requester=member.person,
        ask=ask,
        wants_foi=fate == "foi_answered",
        as_of=report.ago(submitted, hour=9),
    )
    for hour, (days, step) in enumerate(steps, start=11):
        request.refresh_from_db()
        if request.status == Status.FOI and step != "answer_foi":
            break  # FOI from the start under the council's rules (003 §60)
        if step == "dispute" and (request.dispute_final or not request.next_stage):
            break  # the refusal was determined without a dispute (000 §7.2b)
        _steps(request)[step](report.ago(days, hour=hour))


def seed_access_requests(report: DemoReport) -> None:
    """Every council: a need-to-know request in each state, and FOI requests open and
    answered."""
    for council in Council.objects.order_by("slug"):
        member = _backbencher(council)
        if member is None or not council.directorates.exists():
            continue
        have = set(AccessRequest.objects.filter(council=council).values_list("what", flat=True))
        for fate, ask in _asks(council, member).items():
            if ask.what in have:
                continue
            report.scenario(
                LABEL,
                council,
                ask.what,
                _make,
                council,
                member,
                fate,
                ask,
                report,
            )
