"""Demo relationships and interests for `manage.py seed_demo`: in every council, relationship
declarations awaiting a decision, decided, ended and withdrawn; register entries (one withheld as
sensitive, one removed); register returns due, overdue and chased, confirmed and cancelled;
acting-against notices and advice requests open, answered and withdrawn. Made through the
services with their clocks backdated; idempotent (a scenario whose text exists is skipped).
"""

from __future__ import annotations

from datetime import timedelta

from interests import selectors, services
from interests.models import (
    ActingAgainstNotice,
    ActorKind,
    AdviceRequest,
    Capacity,
    Interest,
    InterestCategory,
    Nature,
    RegisterReturn,
    Relationship,
    ReturnKind,
)
from protocol_portal.org.demo import DemoReport
from protocol_portal.org.models import Council, Member, Post, PostKind

# details: (days ago declared, what then: None, decide, end or withdraw, days ago)
RELATIONSHIPS = {
    "My sister works in this team; we do not discuss casework.": (3, None, None),
    "We were at university together and are close friends.": (30, "decide", 24),
    "We ran a small business together until last year.": (50, "end", 10),
    "Declared by mistake: a namesake, not my cousin.": (20, "withdraw", 19),
}
INTERESTS = {
    # description: (category, sensitive, removed days ago)
    "Deputy head teacher, Riverside Primary School": (InterestCategory.EMPLOYMENT, False, None),
    "Home address (withheld: threats from a neighbour)": (InterestCategory.LAND, True, None),
    "Allotment tenancy from the council": (InterestCategory.LICENCES, False, 12),
    "Tickets to a charity gala, Community Arts Trust": (InterestCategory.GIFT, False, None),
}
NOTICES = {
    # action: (days ago, then: None, acknowledge or withdraw, days ago)
    "My partner is objecting to the council's planning decision on our street": (5, None, None),
    "I act as a solicitor for a tenant suing the council over disrepair": (
        33,
        "acknowledge",
        30,
    ),
    "A company I advise may bid against the council's own trading arm": (18, "withdraw", 15),
}
ADVICE = {
    # question: (days ago, then: None, advise or withdraw, days ago)
    "Must I declare my membership of the allotment society at Planning?": (4, None, None),
    "My son has applied for a job in Housing: do I need to declare it?": (25, "advise", 21),
    "Is a free coffee at a developer's briefing a gift I must register?": (14, "withdraw", 13),
}


def _decider(relationship: Relationship):
    if relationship.owner_post_id and relationship.owner_post.holder_id:
        return relationship.owner_post.holder
    member = relationship.notified_members.select_related("person").first()
    return member.person if member else None


def _relationship(council, declarer, other, details, plan, report):
    declared, then, days = plan
    relationship = services.relationship_declare(
        council=council,
        declarer=declarer,
        other_person=other,
        nature=Nature.FAMILY if "sister" in details else Nature.CLOSE_FRIENDSHIP,
        since=None,
        details=details,
        as_of=report.ago(declared, hour=9),
    )
    as_of = report.ago(days, hour=11) if days is not None else None
    if then == "decide":
        services.relationship_decide(
            relationship=relationship,
            actor=_decider(relationship),
            decision="Noted. The member will not sit on panels that decide this officer's pay.",
            mitigations="Left the room for item 6 at the Appointments Panel.",
            as_of=as_of,
        )
    elif then == "end":
        services.relationship_end(
            relationship=relationship, actor=declarer, reason="The business was sold.", as_of=as_of
        )
    elif then == "withdraw":
        services.relationship_withdraw(
            relationship=relationship, actor=declarer, reason="Declared in error.", as_of=as_of
        )


def _interest(member: Member, mo, description, plan, report):
    category, sensitive, removed = plan
    gift = category == InterestCategory.GIFT
    registered = report.ago(40, hour=9)
    interest = services.interest_register(
        member=member,
        actor=member.person,
        category=category,
        description=description,
        value_pounds=max(120, member.council.gifts_threshold_pounds) if gift else None,
        donor="Community Arts Trust" if gift else "",
        received_on=registered.date() - timedelta(days=3) if gift else None,
        sensitive_requested=sensitive,
        sensitive_reason="A neighbour has threatened my family." if sensitive else "",
        as_of=registered,
    )
    if sensitive and mo is not None:
        services.interest_sensitivity_decide(
            interest=interest, actor=mo, agreed=True, as_of=report.ago(38, hour=10)
        )
    if removed is not None:
        services.interest_remove(
            interest=interest, actor=member.person, as_of=report.ago(removed, hour=10)
        )


def _returns(member: Member, members: list[Member], mo, report) -> None:
    # Due in a fortnight; overdue (opened 40 days ago, so the ladder has chased it); confirmed;
    # cancelled because the member left office.
    services.register_return_open(
        member=member,
        kind=ReturnKind.CHANGE,
        trigger_on=report.ago(14).date(),
        as_of=report.ago(14),
        note="A change to the register.",
    )
    overdue = members[1]
    services.register_return_open(
        member=overdue,
        kind=ReturnKind.CHANGE,
        trigger_on=report.ago(40).date(),
        as_of=report.ago(40),
        note="A change to the register.",
    )
    done = services.register_return_open(
        member=members[2],
        kind=ReturnKind.CHANGE,
        trigger_on=report.ago(20).date(),
        as_of=report.ago(20),
        note="A change to the register.",
    )
    services.register_return_submit(ret=done, actor=members[2].person, as_of=report.ago(9))
    gone = services.register_return_open(
        member=members[3],
        kind=ReturnKind.CHANGE,
        trigger_on=report.ago(35).date(),
        as_of=report.ago(35),
        note="A change to the register.",
    )
    if mo is not None:
        services.register_return_cancel(
            ret=gone, actor=mo, reason="No longer a member.", as_of=report.ago(30)
        )


def _notice(member: Member, mo, action, plan, report):
    sent, then, days = plan
    notice = services.acting_against_notify(
        member=member,
        actor=member.person,
        acting_party=ActorKind.SPOUSE_PARTNER if "partner" in action else ActorKind.SELF,
        acting_party_name="Sam" if "partner" in action else "",
        capacity=Capacity.PROFESSIONAL if "solicitor" in action else Capacity.PRIVATE,
        action=action,
        as_of=report.ago(sent, hour=9),
    )
    if then == "acknowledge" and mo is not None:
        services.acting_against_acknowledge(
            notice=notice,
            actor=mo,
            response="Noted. You will not take part in any decision about the case.",
            as_of=report.ago(days, hour=10),
        )
    elif then == "withdraw":
        services.acting_against_withdraw(
            notice=notice, actor=member.person, as_of=report.ago(days, hour=10)
        )


def _advice(council, member: Member, question, plan, report):
    asked, then, days = plan
    request = services.advice_request(
        council=council,
        requester=member.person,
        question=question,
        as_of=report.ago(asked, hour=9),
    )
    if then == "advise":
        services.advice_give(
            request=request,
            actor=request.owner_post.holder,
            advice="Yes: declare it at the start of any item about Housing staffing, and leave.",
            as_of=report.ago(days, hour=10),
        )
    elif then == "withdraw":
        services.advice_withdraw(
            request=request, actor=member.person, as_of=report.ago(days, hour=10)
        )


def seed_interests(report: DemoReport) -> None:  # noqa: C901 (one loop per case type)
    """Every council: each interests case type in each of its states."""
    for council in Council.objects.order_by("slug"):
        members = list(Member.objects.filter(council=council).select_related("person", "council"))
        members.sort(key=lambda m: -m.pk)  # the README's listed backbench login first
        officers = list(
            Post.objects.filter(council=council, holder__isnull=False)
            .exclude(kind__in=[PostKind.CHIEF_EXECUTIVE, PostKind.MONITORING_OFFICER])
            .select_related("holder")
            .order_by("slug")
        )
        if len(members) < 4 or len(officers) < len(RELATIONSHIPS) + 1:
            continue
        mo_post = selectors.monitoring_officer_post(council=council)
        mo = mo_post.holder if mo_post else None
        member = members[0]
        have = set(Relationship.objects.filter(council=council).values_list("details", flat=True))
        for n, (details, plan) in enumerate(RELATIONSHIPS.items()):
            # One officer declares a relationship with a member; the member declares the rest.
            declarer, other = (
                (officers[0].holder, member.person)
                if n == 0
                else (member.person, officers[n].holder)
            )
            if details not in have:
                report.scenario(
                    "interests.Relationship",
                    council,
                    details,
                    _relationship,
                    council,
                    declarer,
                    other,
                    details,
                    plan,
                    report,
                )
        have = set(Interest.objects.filter(council=council).values_list("description", flat=True))
        for description, plan in INTERESTS.items():
            if description not in have:
                report.scenario(
                    "interests.Interest",
                    council,
                    description,
                    _interest,
                    member,
                    mo,
                    description,
                    plan,
                    report,
                )
        if not RegisterReturn.objects.filter(council=council, kind=ReturnKind.CHANGE).exists():
            report.scenario(
                "interests.RegisterReturn",
                council,
                "returns",
                _returns,
                member,
                members,
                mo,
                report,
            )
        have = set(
            ActingAgainstNotice.objects.filter(council=council).values_list("action", flat=True)
        )
        for action, plan in NOTICES.items():
            if action not in have:
                report.scenario(
                    "interests.ActingAgainstNotice",
                    council,
                    action,
                    _notice,
                    member,
                    mo,
                    action,
                    plan,
                    report,
                )
        have = set(AdviceRequest.objects.filter(council=council).values_list("question", flat=True))
        for question, plan in ADVICE.items():
            if question not in have:
                report.scenario(
                    "interests.AdviceRequest",
                    council,
                    question,
                    _advice,
                    council,
                    member,
                    question,
                    plan,
                    report,
                )
