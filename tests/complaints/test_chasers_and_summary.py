"""Chasers fire once per rung however often the sweep runs; the quarterly summary."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from complaints import permissions as perms
from complaints import selectors, services
from complaints.models import QuarterlySummary
from complaints.states import Kind
from complaints.tasks import generate_quarterly_summaries
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.tasks import sweep_due_chasers
from protocol_portal.org.models import RoutingRule
from tests.complaints.factories import AS_OF, LONDON

pytestmark = pytest.mark.django_db


def morning(day: int) -> datetime:
    return datetime(2026, 3, day, 7, 30, tzinfo=LONDON)


def raise_about_officer(o, **extra):
    return services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.officer,
        summary="Rude",
        details="Details",
        as_of=AS_OF,
        **extra,
    )


def rungs(complaint):
    return list(
        OutboxMessage.objects.filter(case_id=complaint.pk, rung__gt="")
        .order_by("created_at")
        .values_list("rung", flat=True)
    )


def test_each_rung_fires_exactly_once_however_often_the_sweep_runs(corg):
    complaint = raise_about_officer(corg)  # acknowledge by Thursday 5 March
    for _ in range(3):
        sweep_due_chasers(morning(3).isoformat())
    assert rungs(complaint) == []
    for _ in range(3):
        sweep_due_chasers(morning(4).isoformat())  # reminder: one working day before
    assert rungs(complaint) == ["reminder"]
    for _ in range(3):
        sweep_due_chasers(morning(6).isoformat())  # chase: one working day after
    assert rungs(complaint) == ["reminder", "chase"]
    for _ in range(3):
        sweep_due_chasers(morning(10).isoformat())  # escalate: three working days after
        sweep_due_chasers(morning(20).isoformat())
    assert rungs(complaint) == ["reminder", "chase", "escalate-chief-executive"]
    complaint.refresh_from_db()
    assert complaint.next_action_at is None
    assert complaint.breached_on == date(2026, 3, 6)


def test_a_post_a_late_complaint_is_escalated_to_may_then_see_it(corg):
    corg.ladder[2].notify = ["deputy_chief_executive"]
    corg.ladder[2].save()
    complaint = raise_about_officer(corg)
    viewer = corg.dce.holder  # outside the handler's line of management
    assert not perms.can(viewer, perms.VIEW, complaint)
    for _ in range(4):
        sweep_due_chasers(morning(10).isoformat())
    assert rungs(complaint)[-1] == "escalate-chief-executive"
    assert perms.can(viewer, perms.VIEW, complaint)
    assert not perms.can(viewer, perms.ACT, complaint)
    assert not perms.can(viewer, perms.DISCIPLINARY, complaint)


def test_acknowledging_restarts_the_ladder_for_the_outcome(corg):
    complaint = raise_about_officer(corg)
    sweep_due_chasers(morning(4).isoformat())
    services.complaint_acknowledge(
        complaint=complaint,
        actor=corg.director.holder,
        intent="needs_time",
        message="OK",
        outcome_due_on=date(2026, 3, 13),
        as_of=morning(4),
    )
    sweep_due_chasers(morning(12).isoformat())
    sweep_due_chasers(morning(12).isoformat())
    keys = list(
        OutboxMessage.objects.filter(case_id=complaint.pk, rung="reminder").values_list(
            "key", flat=True
        )
    )
    assert len(keys) == 2
    assert keys[0] != keys[1]  # a new clock cycle: its own exactly-once keys


def test_closed_complaints_are_not_chased(corg):
    complaint = raise_about_officer(corg)
    services.complaint_withdraw(
        complaint=complaint, actor=corg.complainant.person, reason="", as_of=AS_OF
    )
    sweep_due_chasers(morning(20).isoformat())
    assert rungs(complaint) == []


# ---- quarterly summary ------------------------------------------------------------------


def member_report(o, subject, on, kind=Kind.COMPLAINT_ABOUT_MEMBER):
    return services.complaint_raise(
        council=o.council,
        raiser=o.officer.holder,
        kind=kind,
        subject_member=subject,
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=on,
    )


def test_quarter_bounds():
    assert selectors.quarter_bounds(date(2026, 2, 14)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert selectors.quarter_bounds(date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert selectors.previous_quarter(date(2026, 4, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert selectors.previous_quarter(date(2026, 1, 1)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_summary_counts_breaches_in_the_quarter_without_names(corg):
    member_report(corg, corg.blue_member, AS_OF)
    member_report(corg, corg.red_whip, AS_OF, kind=Kind.CODE_OF_CONDUCT)
    member_report(corg, corg.blue_leader, AS_OF)
    member_report(corg, corg.blue_member, AS_OF + timedelta(days=40))  # next quarter
    raise_about_officer(corg)  # about an officer: not a member's breach
    summary = services.summary_generate(
        council=corg.council, start=date(2026, 1, 1), end=date(2026, 3, 31), as_of=AS_OF
    )
    assert summary.totals["count"] == 3
    assert summary.totals["by_type"] == {
        "a member": 1,
        "a possible Code of Conduct breach": 1,
        "a political group leader": 1,
    }
    assert summary.totals["open"] == 3
    text = str(summary.rows) + selectors.summary_csv(summary=summary).decode("utf-8-sig")
    for person in (
        corg.blue_member.person,
        corg.red_whip.person,
        corg.officer.holder,
        corg.mo.holder,
        corg.complainant.person,
    ):
        assert person.first_name not in text
        assert person.last_name not in text or person.last_name in ("Member", "Officer")
        assert person.username not in text


def test_summary_is_visible_to_the_mo_and_ce_only(corg):
    summary = services.summary_generate(
        council=corg.council, start=date(2026, 1, 1), end=date(2026, 3, 31), as_of=AS_OF
    )
    assert perms.can(corg.mo.holder, perms.VIEW_SUMMARY, summary)
    assert perms.can(corg.ce.holder, perms.VIEW_SUMMARY, summary)
    assert not perms.can(corg.director.holder, perms.VIEW_SUMMARY, summary)
    assert not perms.can(corg.complainant.person, perms.VIEW_SUMMARY, summary)


def test_csv_cells_cannot_run_as_formulas(corg):
    RoutingRule.objects.filter(pk=corg.rules["member"].pk).update(
        source='=HYPERLINK("http://evil.example","x")'
    )
    member_report(corg, corg.blue_member, AS_OF)
    summary = services.summary_generate(
        council=corg.council, start=date(2026, 1, 1), end=date(2026, 3, 31), as_of=AS_OF
    )
    rows = list(csv.reader(io.StringIO(selectors.summary_csv(summary=summary).decode("utf-8-sig"))))
    route = rows[1][2]
    assert route.startswith("c-officer-member")
    assert selectors.csv_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for cell in ("+1", "-1", "@SUM(A1)", "\tx", "=1"):
        assert selectors.csv_safe(cell).startswith("'")
    assert selectors.csv_safe("plain") == "plain"
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_summary_cell_that_starts_with_a_formula_is_escaped(corg):
    member_report(corg, corg.blue_member, AS_OF)
    summary = services.summary_generate(
        council=corg.council, start=date(2026, 1, 1), end=date(2026, 3, 31), as_of=AS_OF
    )
    summary.rows[0]["stage"] = "=cmd|' /C calc'!A0"
    rows = list(csv.reader(io.StringIO(selectors.summary_csv(summary=summary).decode("utf-8-sig"))))
    assert rows[1][4] == "'=cmd|' /C calc'!A0"


def test_quarter_end_task_summarises_the_quarter_just_ended(corg):
    member_report(corg, corg.blue_member, AS_OF)
    count = generate_quarterly_summaries(datetime(2026, 4, 1, 6, 0, tzinfo=LONDON).isoformat())
    assert count == 1
    summary = QuarterlySummary.objects.get(council=corg.council)
    assert (summary.quarter_start, summary.quarter_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert summary.totals["count"] == 1
    generate_quarterly_summaries(datetime(2026, 4, 1, 6, 5, tzinfo=LONDON).isoformat())
    assert QuarterlySummary.objects.count() == 1


def test_time_taken_counts_days_to_the_outcome(corg):
    complaint = member_report(corg, corg.blue_member, AS_OF)
    services.complaint_acknowledge(
        complaint=complaint,
        actor=corg.mo.holder,
        intent="will_act",
        message="m",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF,
    )
    services.determination_issue(
        complaint=complaint,
        actor=corg.mo.holder,
        outcome="no_further_action",
        reasons="r",
        as_of=AS_OF + timedelta(days=9),
    )
    summary = services.summary_generate(
        council=corg.council, start=date(2026, 1, 1), end=date(2026, 3, 31), as_of=AS_OF
    )
    assert summary.rows[0]["days_taken"] == 9
    assert summary.rows[0]["outcome"] == "No further action"
    assert summary.totals["average_days"] == 9


def test_the_subject_is_never_chased_about_their_own_complaint(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=corg.ce,
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.owner_post == corg.dce
    for _ in range(4):
        sweep_due_chasers(morning(12).isoformat())
    escalation = OutboxMessage.objects.get(case_id=complaint.pk, rung="escalate-chief-executive")
    recipients = set(escalation.recipients.values_list("pk", flat=True))
    assert corg.ce.holder_id not in recipients
    assert recipients  # it went to the post acting for the Chief Executive
    assert not perms.can(corg.ce.holder, perms.VIEW, complaint)
