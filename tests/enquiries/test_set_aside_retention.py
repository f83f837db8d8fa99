"""Set-aside email is kept for the council's period and then removed (enquiries/
mail_retention.py): from when member services dealt with it, or from arrival for mail no
person wrote; one still waiting for member services is never removed unread."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from enquiries.mail import inbound_dismiss, inbound_log_as_enquiry, inbound_take
from enquiries.mail_retention import set_aside_expire
from enquiries.models import InboundMessage, InboundOutcome, Mailbox, SetAsideReason
from enquiries.tasks import expire_set_aside_email
from protocol_portal.casework.models import RetentionAction, RetentionPolicy, RetentionRun
from tests.conftest import LONDON

ARRIVED = datetime(2026, 2, 27, 16, 40, tzinfo=LONDON)


@pytest.fixture
def mailbox(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Mailbox.objects.create(
        council=org.council,
        address="enquiries@testshire.example",
        host="127.0.0.1",
        service_area=org.policy_area,
    )


def _take(mailbox, raw: bytes, as_of, uid: int):
    return inbound_take(
        mailbox=mailbox, uidvalidity=7, uid=uid, raw=raw, size=len(raw), arrived_at=ARRIVED,
        as_of=as_of,
    )  # fmt: skip


def _stranger(n: int = 1) -> bytes:
    return (
        f"From: resident{n}@elsewhere.example\r\nSubject: Leaking roof\r\n"
        f"Message-ID: <roof{n}@elsewhere.example>\r\n\r\nThe roof at 9 Ash Close leaks.\r\n"
    ).encode()


def _bounce() -> bytes:
    return (
        b"From: MAILER-DAEMON@mail.example\r\nSubject: Undeliverable: your enquiry\r\n"
        b"Message-ID: <bounce@mail.example>\r\n\r\nDelivery failed.\r\n"
    )


def test_dealt_with_email_is_deleted_six_months_after_history_and_raw_message_too(
    org, mailbox, as_of
):
    row = _take(mailbox, _stranger(), as_of, uid=1)
    assert row.reason == SetAsideReason.UNKNOWN_SENDER
    raw = row.raw.path
    dealt = as_of + timedelta(days=1)
    inbound_dismiss(inbound=row, note="Forwarded to housing.", actor=org.triage.holder, as_of=dealt)

    kept = set_aside_expire(
        council=org.council, as_of=dealt + relativedelta(months=6) - timedelta(minutes=1)
    )
    assert kept.cases_deleted == 0
    assert InboundMessage.objects.filter(pk=row.pk).exists()

    with django_capture_commits():
        run = set_aside_expire(
            council=org.council, as_of=dealt + relativedelta(months=6, minutes=1)
        )

    assert (run.cases_deleted, run.files_removed, run.case_type) == (
        1, 1, "enquiries.InboundMessage"
    )  # fmt: skip
    assert run.history_rows_removed >= 2
    assert not InboundMessage.objects.filter(pk=row.pk).exists()
    assert not InboundMessage.history.filter(id=row.pk).exists()
    assert not os.path.exists(raw)


def django_capture_commits():
    """Run on-commit callbacks (the raw message's removal) as a real commit would."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_email_still_waiting_for_member_services_is_never_removed_unread(org, mailbox, as_of):
    row = _take(mailbox, _stranger(), as_of, uid=1)

    run = set_aside_expire(council=org.council, as_of=as_of + relativedelta(years=3))

    assert run.cases_deleted == 0
    assert InboundMessage.objects.filter(pk=row.pk).exists()


def test_automatic_mail_goes_six_months_after_it_arrived_dealt_with_or_not(org, mailbox, as_of):
    bounce = _take(mailbox, _bounce(), as_of, uid=1)
    copy = _take(mailbox, _bounce(), as_of, uid=2)
    assert bounce.reason == SetAsideReason.BOUNCE
    assert copy.outcome == InboundOutcome.DUPLICATE

    set_aside_expire(council=org.council, as_of=ARRIVED + relativedelta(months=6, days=-1))
    assert InboundMessage.objects.count() == 2

    run = set_aside_expire(council=org.council, as_of=ARRIVED + relativedelta(months=6, days=1))

    assert run.cases_deleted == 2
    assert not InboundMessage.objects.exists()


def test_email_logged_as_an_enquiry_stays_with_the_enquiry(org, mailbox, as_of):
    row = _take(mailbox, _stranger(), as_of, uid=1)
    inbound_log_as_enquiry(
        inbound=row,
        actor=org.triage.holder,
        as_of=as_of,
        member=org.raiser,
        subject="Leaking roof",
        description="The roof at 9 Ash Close leaks.",
        service_area=org.repairs,
        ward=org.raiser.ward,
        channel="email",
        received_at=ARRIVED,
    )

    set_aside_expire(council=org.council, as_of=as_of + relativedelta(years=3))

    assert InboundMessage.objects.filter(pk=row.pk).exists()


def test_a_councils_own_period_and_action_are_honoured(org, mailbox, as_of):
    RetentionPolicy.objects.create(
        council=org.council,
        case_type="enquiries.InboundMessage",
        keep_for_months=1,
        action=RetentionAction.ANONYMISE,
    )
    row = _take(mailbox, _stranger(), as_of, uid=1)
    inbound_dismiss(inbound=row, note="Spam.", actor=org.triage.holder, as_of=as_of)

    run = set_aside_expire(council=org.council, as_of=as_of + relativedelta(months=1, days=1))

    assert (run.cases_anonymised, run.keep_for_months, run.policy_source) == (1, 1, "council")
    row.refresh_from_db()
    assert (row.from_address, row.body_text, row.raw.name) == ("", "", "")
    assert "Ash Close" not in row.subject + row.notes + row.dealt_with_note
    again = set_aside_expire(council=org.council, as_of=as_of + relativedelta(months=2))
    assert again.cases_anonymised == 0  # once
    assert (
        InboundMessage.history.filter(id=row.pk)
        .get()
        .history_change_reason.startswith("Anonymised")
    )


def test_the_daily_task_reads_the_clock(org, mailbox, as_of):
    _take(mailbox, _bounce(), as_of, uid=1)

    with time_machine.travel(ARRIVED + relativedelta(months=7), tick=False):
        assert expire_set_aside_email() == 1

    assert RetentionRun.objects.filter(case_type="enquiries.InboundMessage").count() == 1


def test_the_pages_say_how_long_set_aside_email_is_kept(client, org, mailbox, as_of):
    row = _take(mailbox, _bounce(), as_of, uid=1)
    client.force_login(org.triage.holder)

    listing = client.get("/enquiries/set-aside/").content.decode()
    detail = client.get(f"/enquiries/set-aside/{row.pk}/").content.decode()

    assert "kept for 6 months after it is dealt with, then deleted" in listing
    removed = (ARRIVED + relativedelta(months=6)).date()
    assert f"{removed:%-d %B %Y}, then deleted" in detail
