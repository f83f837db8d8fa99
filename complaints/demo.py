"""Demo complaints for `manage.py seed_demo`: in every council, a member's concern about an
officer in each state (new, overdue and chased, acknowledged, investigated, outcome given,
escalated, closed, withdrawn), Code of Conduct complaints determined by the Monitoring Officer
(one referred to the Standards Committee), and this quarter's Standards summary. Made through
the services with their clocks backdated; idempotent (a scenario whose summary line exists is
not made again).
"""

from __future__ import annotations

from datetime import date, timedelta

from complaints import services
from complaints.models import Complaint, QuarterlySummary
from complaints.states import AckIntent, DeterminationOutcome, Kind, Outcome
from protocol_portal.org.demo import DemoReport
from protocol_portal.org.models import Council, Member, MemberRoleKind, Post, PostKind

LABEL = "complaints.Complaint"

# summary: (days ago raised, steps as (days ago, step)); steps: ack, investigate, outcome,
# satisfied, escalate, withdraw.
ABOUT_OFFICER = {
    "Rude reply to a resident's email": (2, ()),
    "Officer did not turn up to a site meeting": (26, ()),
    "Ward surgery information shared with a third party": (9, ((7, "ack"),)),
    "Repeatedly ignored requests for a callback": (20, ((18, "ack"), (15, "investigate"))),
    "Misleading advice at a planning committee site visit": (
        31,
        ((29, "ack"), (6, "outcome")),
    ),
    "Dismissive manner at a ward meeting": (
        54,
        ((52, "ack"), (40, "outcome"), (38, "satisfied")),
    ),
    "Handling of a housing transfer": (
        47,
        ((45, "ack"), (30, "outcome"), (27, "escalate")),
    ),
    "Tone of a telephone call": (12, ((10, "withdraw"),)),
}
# summary: (days ago raised, the Monitoring Officer's determination, days ago determined)
ABOUT_MEMBER = {
    "Disrespectful comments to an officer at committee": (
        36,
        DeterminationOutcome.NO_FURTHER_ACTION,
        28,
    ),
    "Failure to declare an interest at Licensing": (
        42,
        DeterminationOutcome.STANDARDS_COMMITTEE,
        22,
    ),
    "Social media post about a named officer": (4, None, None),
}


def _officer_subject(council: Council) -> Post | None:
    return (
        Post.objects.filter(council=council, kind=PostKind.OFFICER, holder__isnull=False)
        .order_by("slug")
        .first()
    )


def _investigator(complaint: Complaint) -> Post | None:
    barred = {complaint.subject_person_id, complaint.raiser_person_id, complaint.handler_person_id}
    posts = Post.objects.filter(
        council=complaint.council,
        kind__in=[PostKind.MANAGER, PostKind.HEAD_OF_SERVICE],
        holder__isnull=False,
    ).exclude(holder_id__in=[p for p in barred if p])
    same = posts.filter(directorate_id=getattr(complaint.subject_post, "directorate_id", None))
    return (same.order_by("slug").first()) or posts.order_by("slug").first()


def _step(complaint: Complaint, step: str, as_of) -> Complaint:
    handler = complaint.handler_person
    raiser = complaint.raiser_person
    if step == "ack":
        return services.complaint_acknowledge(
            complaint=complaint,
            actor=handler,
            intent=AckIntent.NEEDS_TIME,
            message="Thank you for raising this. I am looking into it and will write again.",
            outcome_due_on=as_of.date() + timedelta(days=21),
            as_of=as_of,
        )
    if step == "investigate":
        return services.complaint_nominate_investigator(
            complaint=complaint,
            actor=handler,
            investigator_post=_investigator(complaint),
            as_of=as_of,
        )
    if step == "outcome":
        return services.complaint_give_outcome(
            complaint=complaint,
            actor=handler,
            outcome=Outcome.PARTLY_UPHELD,
            reasons="The reply was late and curt; the advice itself was correct.",
            action_taken=True,
            disciplinary_notes="Spoken to by their manager.",
            as_of=as_of,
        )
    if step in ("satisfied", "escalate"):
        return services.complaint_respond(
            complaint=complaint,
            actor=raiser,
            choice=step,
            as_of=as_of,
            reason="" if step == "satisfied" else "The outcome does not address the delay.",
        )
    if step == "withdraw":
        return services.complaint_withdraw(
            complaint=complaint,
            actor=raiser,
            reason="Resolved with the officer directly.",
            as_of=as_of,
        )
    raise ValueError(step)


def _about_officer(council, raiser: Member, subject: Post, summary, raised, steps, report):
    complaint = services.complaint_raise(
        council=council,
        raiser=raiser.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=subject,
        summary=summary,
        details=f"{summary}. The resident and I would like it looked into.",
        informal_attempted=True,
        informal_detail="I spoke to the officer's manager first.",
        as_of=report.ago(raised, hour=9),
    )
    for hour, (days, step) in enumerate(steps, start=11):
        complaint = _step(complaint, step, report.ago(days, hour=hour))
        complaint.refresh_from_db()


def _about_member(council, raiser: Post, subject: Member, summary, plan, report):
    raised, outcome, decided = plan
    complaint = services.complaint_raise(
        council=council,
        raiser=raiser.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=subject,
        summary=summary,
        details=f"{summary}. Witnesses can be named.",
        informal_attempted=True,
        informal_detail="Raised with the member's group whip.",
        as_of=report.ago(raised, hour=9),
    )
    if outcome is None:
        return
    complaint = _step(complaint, "ack", report.ago(raised - 1, hour=10))
    complaint.refresh_from_db()
    services.determination_issue(
        complaint=complaint,
        actor=complaint.handler_person,
        outcome=outcome,
        reasons="Having read the account and the witnesses' notes, the Monitoring Officer "
        "determines as stated.",
        as_of=report.ago(decided, hour=14),
    )


def _quarter(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=first_month, day=1)
    after = date(start.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)
    return start, after - timedelta(days=1)


def seed_complaints(report: DemoReport) -> None:
    """Every council: concerns about an officer in each state, conduct complaints determined,
    and this quarter's summary for the Standards Committee."""
    for council in Council.objects.order_by("slug"):
        subject = _officer_subject(council)
        members = list(
            Member.objects.filter(council=council)
            .exclude(roles__kind__in=[MemberRoleKind.GROUP_LEADER, MemberRoleKind.LEADER])
            .select_related("person")
            .order_by("-pk")
        )
        if subject is None or len(members) < 2:
            continue
        have = set(Complaint.objects.filter(council=council).values_list("summary", flat=True))
        for summary, (raised, steps) in ABOUT_OFFICER.items():
            if summary not in have:
                report.scenario(
                    LABEL,
                    council,
                    summary,
                    _about_officer,
                    council,
                    members[0],
                    subject,
                    summary,
                    raised,
                    steps,
                    report,
                )
        for summary, plan in ABOUT_MEMBER.items():
            if summary not in have:
                report.scenario(
                    LABEL,
                    council,
                    summary,
                    _about_member,
                    council,
                    subject,
                    members[1],
                    summary,
                    plan,
                    report,
                )
        start, end = _quarter(report.now.date())
        if not QuarterlySummary.objects.filter(council=council, quarter_start=start).exists():
            report.scenario(
                "complaints.QuarterlySummary",
                council,
                "this quarter",
                services.summary_generate,
                council=council,
                start=start,
                end=end,
                as_of=report.now,
            )
