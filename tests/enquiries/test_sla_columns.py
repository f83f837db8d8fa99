"""The dashboard's stored columns (`received_month`, `sla_met`) stay right through every
transition, through bulk loads and through the migration that fills them; and the dashboard
counts exactly what it counted when it worked them out per row."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncMonth

from enquiries import selectors, services
from enquiries.models import Enquiry, sla_met
from enquiries.states import OPEN, Status
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


def stored(enquiry: Enquiry) -> tuple[date | None, bool | None]:
    """The columns as saved, checked against the rule applied to the saved row."""
    row = Enquiry.objects.get(pk=enquiry.pk)
    assert row.received_month == row.received_on.replace(day=1)
    assert row.sla_met is sla_met(row)
    return row.received_month, row.sla_met


def test_logging_stores_the_month_and_leaves_the_verdict_open(org, as_of):
    enquiry = log(org, as_of)
    assert stored(enquiry) == (date(2026, 3, 1), None)


def test_an_answer_by_the_due_date_is_met(org, as_of):
    enquiry = log(org, as_of)  # due Monday 16 March
    services.enquiry_respond(
        enquiry=enquiry,
        response="Done",
        actor=org.housing_officer.holder,
        as_of=as_of.replace(day=16, hour=23, minute=30),  # late evening, still the 16th in the UK
    )
    assert stored(enquiry) == (date(2026, 3, 1), True)


def test_an_answer_after_the_due_date_is_missed(org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_respond(
        enquiry=enquiry,
        response="Done",
        actor=org.housing_officer.holder,
        as_of=as_of.replace(day=17),
    )
    assert stored(enquiry) == (date(2026, 3, 1), False)


def test_closing_without_an_answer_is_met(org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_close(enquiry=enquiry, actor=org.housing_officer.holder, as_of=as_of)
    assert stored(enquiry) == (date(2026, 3, 1), True)


def test_closing_after_a_late_answer_stays_missed(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    late = as_of.replace(day=20)
    services.enquiry_respond(enquiry=enquiry, response="Done", actor=officer, as_of=late)
    services.enquiry_close(enquiry=enquiry, actor=officer, as_of=late)
    assert stored(enquiry) == (date(2026, 3, 1), False)


def test_referral_to_complaints_is_met_and_other_referrals_stay_open(org, as_of):
    officer = org.housing_officer.holder
    complaint = services.enquiry_refer_complaint(
        enquiry=log(org, as_of), note="", actor=officer, as_of=as_of
    )
    foi = services.enquiry_refer_foi(enquiry=log(org, as_of), note="", actor=officer, as_of=as_of)
    access = services.enquiry_refer_access(
        enquiry=log(org, as_of), note="", actor=officer, as_of=as_of
    )
    assert complaint.status == Status.REFERRED_COMPLAINT
    assert stored(complaint) == (date(2026, 3, 1), True)
    assert stored(foi) == (date(2026, 3, 1), None)
    assert stored(access) == (date(2026, 3, 1), None)


def test_reopening_clears_the_verdict_and_keeps_the_month(org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_respond(
        enquiry=enquiry, response="Done", actor=org.housing_officer.holder, as_of=as_of
    )
    assert stored(enquiry) == (date(2026, 3, 1), True)
    enquiry = services.enquiry_reopen(
        enquiry=enquiry,
        reason="Not fixed",
        actor=org.raiser.person,
        as_of=as_of + timedelta(days=30),  # 1 April: a new month, but received in March
        by_member=False,
    )
    assert stored(enquiry) == (date(2026, 3, 1), None)
    services.enquiry_respond(
        enquiry=enquiry,
        response="Fixed now",
        actor=org.housing_officer.holder,
        as_of=as_of + timedelta(days=31),
    )
    assert stored(enquiry) == (date(2026, 3, 1), True)


def test_a_clarification_pause_moves_the_date_the_answer_is_judged_by(org, as_of):
    enquiry = log(org, as_of)  # due Monday 16 March
    officer = org.housing_officer.holder
    services.enquiry_request_clarification(
        enquiry=enquiry, question="Which flat?", actor=officer, as_of=as_of + timedelta(days=1)
    )
    assert stored(enquiry) == (date(2026, 3, 1), None)
    enquiry = services.enquiry_reply(
        enquiry=enquiry, text="Flat 2", actor=org.raiser.person, as_of=as_of + timedelta(days=4)
    )
    assert enquiry.due_on == date(2026, 3, 19)
    # Answered on the 18th: after the first due date, within the one the pause moved it to.
    services.enquiry_respond(
        enquiry=enquiry, response="Done", actor=officer, as_of=as_of.replace(day=18)
    )
    assert stored(enquiry) == (date(2026, 3, 1), True)


def test_closing_while_waiting_for_the_member_is_met(org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    services.enquiry_request_clarification(
        enquiry=enquiry, question="Which flat?", actor=officer, as_of=as_of
    )
    services.enquiry_close(enquiry=enquiry, actor=officer, as_of=as_of + timedelta(days=40))
    assert stored(enquiry) == (date(2026, 3, 1), True)


def test_bulk_loads_derive_the_columns_too(org, as_of):
    template = log(org, as_of)
    copy = Enquiry.objects.get(pk=template.pk)
    copy.pk = None
    copy.reference = "T-ENQ-2026-99999"
    copy.received_on = date(2026, 1, 14)
    copy.clock_started_on = copy.received_on
    copy.due_on = date(2026, 1, 28)
    copy.status = Status.RESPONDED
    copy.responded_at = as_of.replace(month=1, day=29)
    copy.received_month = copy.sla_met = None
    [made] = Enquiry.objects.bulk_create([copy])
    assert stored(made) == (date(2026, 1, 1), False)


def test_the_migration_fills_what_the_services_would_have_stored(org, as_of):
    officer = org.housing_officer.holder
    answered = log(org, as_of)
    services.enquiry_respond(enquiry=answered, response="Done", actor=officer, as_of=as_of)
    late = log(org, as_of)
    services.enquiry_respond(
        enquiry=late, response="Done", actor=officer, as_of=as_of + timedelta(days=20)
    )
    closed = log(org, as_of)
    services.enquiry_close(enquiry=closed, actor=officer, as_of=as_of)
    waiting = log(org, as_of)
    services.enquiry_request_clarification(
        enquiry=waiting, question="?", actor=officer, as_of=as_of
    )
    log(org, as_of.replace(month=4, day=1))
    kept = dict(Enquiry.objects.values_list("pk", "sla_met"))
    months = dict(Enquiry.objects.values_list("pk", "received_month"))
    assert sorted(kept.values(), key=str) == [False, None, None, True, True]
    Enquiry.objects.update(received_month=None, sla_met=None)
    migration = importlib.import_module("enquiries.migrations.0004_sla_dashboard_columns")
    migration.fill(apps, None)
    assert dict(Enquiry.objects.values_list("pk", "sla_met")) == kept
    assert dict(Enquiry.objects.values_list("pk", "received_month")) == months


def _as_before(user, today: date) -> dict:
    """The dashboard's month rows as they were counted before the columns were stored: a month
    and a UK date worked out per row (kept here as the reference)."""
    visible = selectors.enquiries_visible_to(user=user).filter(due_on__isnull=False)
    answered = Q(responded_at__isnull=False)
    on_time = (answered & Q(answered_on__lte=F("due_on"))) | (~answered & ~Q(status__in=OPEN))
    rows = (
        visible.filter(answered | Q(due_on__lt=today))
        .alias(answered_on=TruncDate("responded_at"))
        .values("directorate__name", month=TruncMonth("received_on"))
        .annotate(on_time=Count("pk", filter=on_time), late=Count("pk", filter=~on_time))
        .order_by("directorate__name", "month")
    )
    return {(r["directorate__name"], r["month"], r["on_time"], r["late"]) for r in rows}


def test_the_dashboard_counts_what_it_counted_per_row(org, as_of):
    officer = org.housing_officer.holder
    for day, outcome in [
        (2, "on time"),
        (3, "late"),
        (4, "closed"),
        (5, "open"),
        (6, "waiting"),
        (9, "complaint"),
    ]:
        for month in (1, 2):
            moment = as_of.replace(month=month, day=day)
            enquiry = log(org, moment, subject=f"{outcome} {month}/{day}")
            if outcome == "on time":
                services.enquiry_respond(
                    enquiry=enquiry, response="Ok", actor=officer, as_of=moment
                )
            elif outcome == "late":
                services.enquiry_respond(
                    enquiry=enquiry,
                    response="Ok",
                    actor=officer,
                    as_of=moment + timedelta(days=25),
                )
            elif outcome == "closed":
                services.enquiry_close(enquiry=enquiry, actor=officer, as_of=moment)
            elif outcome == "waiting":
                services.enquiry_request_clarification(
                    enquiry=enquiry, question="?", actor=officer, as_of=moment
                )
            elif outcome == "complaint":
                services.enquiry_refer_complaint(
                    enquiry=enquiry, note="", actor=officer, as_of=moment
                )
        log(org, as_of, subject="Elsewhere", service_area=org.waste)
    moment = as_of.replace(month=2, day=20)
    with time_machine.travel(moment, tick=False):
        for viewer in (org.housing_director.holder, org.ce.holder, org.triage.holder):
            board = selectors.dashboard(user=viewer, as_of=moment)
            now = {(r.directorate, r.month, r.on_time, r.late) for r in board.rows}
            assert now == _as_before(viewer, moment.date())
            assert now  # something was counted
