"""Retention: closed cases past their council's period are anonymised or deleted, with their
history, timeline, outbox messages and files; each run is recorded; running again changes
nothing. The clock is frozen with time-machine."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import services as complaint_services
from complaints.models import Complaint, Determination, Kind
from complaints.states import AckIntent, DeterminationOutcome
from enquiries.models import Enquiry, EnquiryAttachment
from enquiries.services import enquiry_close, enquiry_respond
from protocol_portal.casework.models import (
    CaseEvent,
    OutboxMessage,
    RetentionAction,
    RetentionPolicy,
    RetentionRecord,
    RetentionRun,
)
from protocol_portal.casework.retention import (
    PLACEHOLDER_USERNAME,
    case_models,
    retention_apply,
    retention_policy_for,
)
from protocol_portal.casework.tasks import apply_retention
from protocol_portal.celery import app
from protocol_portal.org.models import Person
from tests.complaints.factories import AS_OF, build_complaint_org
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% test attachment\n"
# The moment the daily job runs in these tests.
RUN_AT = AS_OF + relativedelta(years=3)


def _events(case) -> list[CaseEvent]:
    content_type = ContentType.objects.get_for_model(case)
    return list(CaseEvent.objects.filter(case_type=content_type, case_id=case.pk))


def _messages(case) -> int:
    content_type = ContentType.objects.get_for_model(case)
    return OutboxMessage.objects.filter(case_type=content_type, case_id=case.pk).count()


def _closed_enquiry(org, closed_at, subject):
    enquiry = log(
        org,
        closed_at - timedelta(days=5),
        subject=subject,
        attachments=[SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")],
    )
    officer = enquiry.owner_post.holder
    enquiry = enquiry_respond(
        enquiry=enquiry, response="Repaired by Jo Bloggs.", actor=officer, as_of=closed_at
    )
    return enquiry_close(enquiry=enquiry, actor=officer, as_of=closed_at)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def two_enquiries(org, media, django_capture_on_commit_callbacks):
    """One enquiry closed a day short of the two-year default, one closed a day past it."""
    cutoff = RUN_AT - relativedelta(months=24)
    with django_capture_on_commit_callbacks(execute=True):
        short = _closed_enquiry(org, cutoff + timedelta(days=1), "Boiler at 4 Elm Street")
        past = _closed_enquiry(org, cutoff - timedelta(days=1), "Damp at 9 Oak Road")
    return short, past


def _run(django_capture_on_commit_callbacks):
    with time_machine.travel(RUN_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        return apply_retention()


def test_a_case_one_day_short_is_kept_and_one_past_is_anonymised(
    org, two_enquiries, media, django_capture_on_commit_callbacks
):
    short, past = two_enquiries
    short_file = Path(media, short.attachments.get().file.name)
    past_file = Path(media, past.attachments.get().file.name)
    short_history = short.history.count()
    assert past_file.exists()
    assert past.history.count() > 1
    assert _messages(past) > 0

    assert _run(django_capture_on_commit_callbacks) == 1

    short.refresh_from_db()
    assert short.subject == "Boiler at 4 Elm Street"
    assert short.history.count() == short_history
    assert short_file.exists()
    assert len(_events(short)) > 1

    past.refresh_from_db()
    print(f"anonymised {past.reference}: subject={past.subject!r}")
    assert past.reference.endswith("-00002")
    assert past.status == "closed"
    assert past.subject == "[anonymised]"
    assert past.description == "[anonymised]"
    assert past.resident_reference == "[anonymised]"
    assert past.received_on is not None
    assert not EnquiryAttachment.objects.filter(enquiry=past).exists()
    assert not past_file.exists()
    history = list(past.history.all())
    assert len(history) == 1
    assert history[0].history_change_reason.startswith("Anonymised under the retention policy")
    assert history[0].description == "[anonymised]"
    events = _events(past)
    assert [e.kind for e in events] == ["anonymised"]
    assert _messages(past) == 0
    assert RetentionRecord.objects.filter(reference=past.reference, action="anonymise").exists()


def test_each_run_is_recorded_per_council_and_case_type(
    org, two_enquiries, django_capture_on_commit_callbacks, capsys
):
    _run(django_capture_on_commit_callbacks)
    runs = RetentionRun.objects.filter(council=org.council)
    assert {r.case_type for r in runs} == {m._meta.label for m in case_models()}
    run = runs.get(case_type="enquiries.Enquiry")
    with capsys.disabled():
        print(
            f"\nretention: one run per case type ({len(runs)}); enquiries past 24 months: "
            f"{run.cases_anonymised} anonymised, {run.history_rows_removed} history rows, "
            f"{run.events_removed} events, {run.messages_removed} messages, "
            f"{run.files_removed} files removed; a case one day short kept"
        )
    assert run.as_of == RUN_AT
    assert run.cutoff == RUN_AT - relativedelta(months=24)
    assert (run.action, run.keep_for_months, run.policy_source) == ("anonymise", 24, "default")
    assert run.cases_anonymised == 1
    assert run.cases_deleted == 0
    assert run.files_removed == 1
    assert run.history_rows_removed > 1
    assert run.events_removed > 1
    assert run.messages_removed >= 1
    assert run.finished_at is not None


def test_running_again_changes_nothing(org, two_enquiries, django_capture_on_commit_callbacks):
    short, past = two_enquiries
    _run(django_capture_on_commit_callbacks)
    past.refresh_from_db()
    snapshot = (past.history.count(), len(_events(past)), past.updated_at)

    assert _run(django_capture_on_commit_callbacks) == 0

    past.refresh_from_db()
    assert (past.history.count(), len(_events(past)), past.updated_at) == snapshot
    second = RetentionRun.objects.filter(case_type="enquiries.Enquiry").order_by("-pk").first()
    assert (second.cases_anonymised, second.history_rows_removed, second.files_removed) == (0, 0, 0)
    assert RetentionRun.objects.filter(case_type="enquiries.Enquiry").count() == 2


def test_an_open_case_is_never_touched(org, media):
    enquiry = log(org, AS_OF - relativedelta(years=10))
    with time_machine.travel(RUN_AT, tick=False):
        apply_retention()
    enquiry.refresh_from_db()
    assert enquiry.subject == "Broken boiler at 4 Elm Street"
    assert not RetentionRecord.objects.exists()


def test_the_council_policy_overrides_the_default(org, two_enquiries):
    short, _ = two_enquiries
    RetentionPolicy.objects.create(
        council=org.council,
        case_type="enquiries.Enquiry",
        keep_for_months=12,
        action=RetentionAction.ANONYMISE,
    )
    assert retention_policy_for(council=org.council, label="enquiries.Enquiry") == (
        12,
        "anonymise",
        "council",
    )
    with time_machine.travel(RUN_AT, tick=False):
        run = retention_apply(council=org.council, model=Enquiry, as_of=RUN_AT)
    assert run.cases_anonymised == 2
    assert run.policy_source == "council"


def test_defaults_suit_uk_councils():
    """Six years after closure for complaints and declarations, two for routine enquiries."""
    council = build_complaint_org().council
    assert retention_policy_for(council=council, label="complaints.Complaint")[:2] == (
        72,
        "anonymise",
    )
    assert retention_policy_for(council=council, label="interests.Relationship")[0] == 72
    assert retention_policy_for(council=council, label="enquiries.Enquiry")[0] == 24


def test_the_job_runs_daily_from_beat():
    entry = app.conf.beat_schedule["apply-retention"]
    assert entry["task"] == "protocol_portal.casework.tasks.apply_retention"
    assert entry["schedule"].hour == {2}
    assert len(entry["schedule"].day_of_week) == 7


# --- delete, with protected children -----------------------------------------------------------


@pytest.fixture
def determined_complaint():
    """A Code of Conduct complaint with a determination that was later superseded."""
    o = build_complaint_org()
    complaint = complaint_services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.red_whip,
        summary="Misused resources",
        details="Cllr Whip used the council's printer for leaflets.",
        as_of=AS_OF,
    )
    complaint = complaint_services.complaint_acknowledge(
        complaint=complaint,
        actor=o.mo.holder,
        intent=AckIntent.NEEDS_TIME,
        message="I will look into this.",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF + timedelta(days=1),
    )
    first = complaint_services.determination_issue(
        complaint=complaint,
        actor=o.mo.holder,
        outcome=DeterminationOutcome.NO_FURTHER_ACTION,
        reasons="No evidence.",
        as_of=AS_OF + timedelta(days=3),
    )
    complaint_services.determination_supersede(
        determination=first,
        actor=o.mo.holder,
        outcome=DeterminationOutcome.NO_FURTHER_ACTION,
        reasons="No evidence, on review.",
        why="A typing error in the first.",
        as_of=AS_OF + timedelta(days=4),
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        closed_at=AS_OF + timedelta(days=5), next_action_at=None
    )
    return o, Complaint.objects.get(pk=complaint.pk)


def test_delete_policy_removes_the_case_its_children_and_all_history(determined_complaint):
    o, complaint = determined_complaint
    RetentionPolicy.objects.create(
        council=o.council,
        case_type="complaints.Complaint",
        keep_for_months=72,
        action=RetentionAction.DELETE,
    )
    determinations = list(complaint.determinations.values_list("pk", flat=True))
    assert len(determinations) == 2
    assert _events(complaint)
    too_soon = AS_OF + relativedelta(months=72)
    with time_machine.travel(too_soon, tick=False):
        kept = retention_apply(council=o.council, model=Complaint, as_of=too_soon)
    assert kept.cases_deleted == 0
    assert Complaint.objects.filter(pk=complaint.pk).exists()

    later = AS_OF + relativedelta(months=72, days=6)
    with time_machine.travel(later, tick=False):
        run = retention_apply(council=o.council, model=Complaint, as_of=later)

    assert run.cases_deleted == 1
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert not Determination._base_manager.filter(pk__in=determinations).exists()
    assert not Complaint.history.filter(id=complaint.pk).exists()
    assert not Determination.history.filter(id__in=determinations).exists()
    assert _events(complaint) == []
    assert _messages(complaint) == 0
    assert RetentionRecord.objects.get(reference=complaint.reference).action == "delete"
    print(f"deleted {complaint.reference}: {run.history_rows_removed} history rows")


def test_anonymising_a_complaint_unlinks_the_people(determined_complaint):
    o, complaint = determined_complaint
    later = AS_OF + relativedelta(months=72, days=6)
    with time_machine.travel(later, tick=False):
        run = retention_apply(council=o.council, model=Complaint, as_of=later)
    assert run.cases_anonymised == 1
    complaint.refresh_from_db()
    assert complaint.raiser_person.username == PLACEHOLDER_USERNAME
    assert complaint.subject_person.username == PLACEHOLDER_USERNAME
    assert complaint.details == "[anonymised]"
    assert complaint.rule_key  # the route stays, for statistics
    reasons = set(Determination._base_manager.filter(complaint=complaint).values_list("reasons"))
    assert reasons == {("[anonymised]",)}
    assert complaint.history.count() == 1


def test_runs_and_policies_are_in_the_admin(client, org, two_enquiries):
    with time_machine.travel(RUN_AT, tick=False):
        apply_retention()
    admin = Person.objects.create_superuser("root", password="a-long-password-1")
    client.force_login(admin)
    runs = client.get(reverse("admin:casework_retentionrun_changelist"))
    assert runs.status_code == 200
    assert "enquiries.Enquiry" in runs.content.decode()
    add = client.get(reverse("admin:casework_retentionpolicy_add"))
    assert add.status_code == 200
    assert "complaints.Complaint" in add.content.decode()  # the case types to choose from
    response = client.post(
        reverse("admin:casework_retentionpolicy_add"),
        {
            "council": org.council.pk,
            "case_type": "complaints.Complaint",
            "keep_for_months": 84,
            "action": "delete",
            "reason": "Our schedule: 7 years",
        },
    )
    assert response.status_code == 302
    assert retention_policy_for(council=org.council, label="complaints.Complaint") == (
        84,
        "delete",
        "council",
    )


def test_deleting_an_enquiry_removes_its_files_and_history(
    org, two_enquiries, media, django_capture_on_commit_callbacks
):
    short, past = two_enquiries
    RetentionPolicy.objects.create(
        council=org.council,
        case_type="enquiries.Enquiry",
        keep_for_months=24,
        action=RetentionAction.DELETE,
    )
    past_file = Path(media, past.attachments.get().file.name)
    attachment_ids = list(past.attachments.values_list("pk", flat=True))
    with time_machine.travel(RUN_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(council=org.council, model=Enquiry, as_of=RUN_AT)
    assert (run.cases_deleted, run.files_removed) == (1, 1)
    assert not Enquiry.objects.filter(pk=past.pk).exists()
    assert not EnquiryAttachment.objects.filter(pk__in=attachment_ids).exists()
    assert not past_file.exists()
    assert not Enquiry.history.filter(id=past.pk).exists()
    assert _events(past) == []
    assert _messages(past) == 0
    assert Enquiry.objects.filter(pk=short.pk).exists()


def test_an_enquirys_stored_emails_go_with_it(
    org, two_enquiries, media, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from enquiries.models import InboundMessage, InboundOutcome, Mailbox

    short, past = two_enquiries
    mailbox = Mailbox.objects.create(
        council=org.council,
        address="enquiries@testshire.example",
        host="127.0.0.1",
        service_area=org.policy_area,
    )

    def email(enquiry, uid):
        row = InboundMessage(
            council=org.council,
            mailbox=mailbox,
            uidvalidity=1,
            uid=uid,
            fingerprint=f"<{uid}@example>",
            subject=enquiry.subject,
            body_text="The damp at 9 Oak Road is back, says Jo Bloggs.",
            received_at=AS_OF,
            outcome=InboundOutcome.OPENED,
            member=enquiry.member,
            enquiry=enquiry,
            processed_at=AS_OF,
        )
        row.raw.save(f"{uid}.eml", ContentFile(b"From: x\r\n\r\nDamp\r\n"), save=False)
        row.save()
        return row, Path(media, row.raw.name)

    kept, kept_file = email(short, 1)
    gone, gone_file = email(past, 2)

    _run(django_capture_on_commit_callbacks)

    assert InboundMessage.objects.filter(pk=kept.pk).exists()
    assert kept_file.exists()
    assert not InboundMessage.objects.filter(pk=gone.pk).exists()
    assert not gone_file.exists()
