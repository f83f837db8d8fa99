"""The mailbox's harder cases, against the real IMAP server (tests/imapd.py): a reply to a
closed enquiry, and a message whose processing fails every time (a poison message)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from enquiries import mail
from enquiries.models import (
    Enquiry,
    InboundAttempt,
    InboundMessage,
    InboundOutcome,
    SetAsideReason,
)
from enquiries.services import enquiry_close
from enquiries.states import Status
from tests.enquiries.test_mailbox import (
    ARRIVED,
    email,
    light_events,
    poll,
    seen,
)


def test_a_reply_to_a_closed_enquiry_is_set_aside_for_member_services_not_threaded(
    org, mailbox, imap_server, as_of, client
):
    member = org.raiser.person.email
    imap_server.deliver(mailbox.folder, email(member, "Streetlight out"), arrived_at=ARRIVED)
    poll(mailbox, imap_server, as_of)
    enquiry = enquiry_close(
        enquiry=Enquiry.objects.get(),
        reason="Fixed.",
        actor=Enquiry.objects.get().owner_post.holder,
        as_of=as_of + timedelta(hours=1),
    )
    imap_server.deliver(
        mailbox.folder,
        email(member, f"Re: {enquiry.reference}: closed", "It is out again."),
        arrived_at=as_of + timedelta(hours=2),
    )

    poll(mailbox, imap_server, as_of + timedelta(hours=3))

    row = InboundMessage.objects.latest("pk")
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.REPLY_TO_CLOSED)
    assert row.member == org.raiser
    assert enquiry.reference in row.notes
    enquiry.refresh_from_db()
    assert enquiry.status == Status.CLOSED  # not reopened behind anyone's back
    events = light_events(enquiry)
    assert not events.filter(kind="member_emailed").exists()  # not threaded
    told = events.get(kind="member_emailed_closed")
    assert "set aside for member services" in told.summary
    assert "out again" not in told.summary + told.detail
    assert seen(imap_server, mailbox) == [True, True]
    # Member services see it, with the reason and the enquiry's reference.
    client.force_login(org.triage.holder)
    page = client.get(f"/enquiries/set-aside/{row.pk}/").content.decode()
    assert "A reply to a closed enquiry" in page
    assert enquiry.reference in page


def _always_fails(**kwargs):
    raise RuntimeError("routing table is broken")


def test_a_message_that_fails_every_time_is_set_aside_after_the_most_attempts(
    org, mailbox, imap_server, as_of, monkeypatch, settings
):
    settings.ENQUIRY_MAIL_MOST_ATTEMPTS = 3
    member = org.raiser.person.email
    imap_server.deliver(mailbox.folder, email(member, "Poison"), arrived_at=ARRIVED)
    imap_server.deliver(mailbox.folder, email(member, "Fine"), arrived_at=ARRIVED)
    real_create = mail.services.enquiry_create

    def fails_for_poison(**kwargs):
        if kwargs["subject"] == "Poison":
            _always_fails(**kwargs)
        return real_create(**kwargs)

    monkeypatch.setattr(mail.services, "enquiry_create", fails_for_poison)
    reports = [poll(mailbox, imap_server, as_of + timedelta(minutes=n)) for n in range(3)]

    # The next message was taken at the first poll: the bad one held nothing up.
    assert reports[0].taken == 1
    assert reports[0].failed == 1
    assert reports[1].failed == 1
    assert reports[2].outcomes[InboundOutcome.SET_ASIDE] == 1  # the third failure sets it aside
    assert list(Enquiry.objects.values_list("subject", flat=True)) == ["Fine"]
    row = InboundMessage.objects.get(subject="Poison")
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.FAILED)
    assert "3 times" in row.notes
    assert "RuntimeError: routing table is broken" in row.notes
    assert row.member == org.raiser
    assert row.raw
    assert seen(imap_server, mailbox) == [True, True]
    assert not InboundAttempt.objects.exists()

    again = poll(mailbox, imap_server, as_of + timedelta(minutes=5))
    assert (again.waiting, again.failed) == (0, 0)  # never tried again


def test_a_message_that_kills_its_worker_every_time_is_set_aside_too(
    org, mailbox, imap_server, as_of, monkeypatch, settings
):
    settings.ENQUIRY_MAIL_MOST_ATTEMPTS = 2
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)

    def killed(**kwargs):
        raise KeyboardInterrupt("the worker was killed")  # not caught: the poll dies

    with monkeypatch.context() as patched:
        patched.setattr(mail.services, "enquiry_create", killed)
        for n in range(2):
            with pytest.raises(KeyboardInterrupt):
                poll(mailbox, imap_server, as_of + timedelta(minutes=n))
    assert InboundAttempt.objects.get().attempts == 2
    assert seen(imap_server, mailbox) == [False]

    report = poll(mailbox, imap_server, as_of + timedelta(minutes=3))

    row = InboundMessage.objects.get()
    assert (row.outcome, row.reason) == (InboundOutcome.SET_ASIDE, SetAsideReason.FAILED)
    assert "2 times" in row.notes
    assert "stopped" in row.notes
    assert report.outcomes[InboundOutcome.SET_ASIDE] == 1
    assert Enquiry.objects.count() == 0
    assert seen(imap_server, mailbox) == [True]


def test_a_failure_below_the_most_attempts_is_tried_again_and_then_taken(
    org, mailbox, imap_server, as_of, monkeypatch
):
    imap_server.deliver(mailbox.folder, email(org.raiser.person.email), arrived_at=ARRIVED)
    with monkeypatch.context() as patched:
        patched.setattr(mail.services, "enquiry_create", _always_fails)
        assert poll(mailbox, imap_server, as_of).failed == 1
    assert InboundAttempt.objects.get().last_error.startswith("RuntimeError")

    assert poll(mailbox, imap_server, as_of + timedelta(minutes=1)).taken == 1

    assert InboundMessage.objects.get().outcome == InboundOutcome.OPENED
    assert not InboundAttempt.objects.exists()


def test_the_acknowledgement_goes_to_the_address_the_member_wrote_from(
    org, mailbox, imap_server, as_of, mailoutbox
):
    from enquiries.models import MemberAddress
    from protocol_portal.casework.models import Notice
    from protocol_portal.casework.tasks import deliver_outbox_message

    MemberAddress.objects.create(member=org.raiser, address="Cllr.Raiser@Home.example")
    imap_server.deliver(
        mailbox.folder,
        email("Cllr Raiser <cllr.raiser@home.example>", "From home"),
        arrived_at=ARRIVED,
    )
    imap_server.deliver(
        mailbox.folder, email(org.raiser.person.email, "From work"), arrived_at=ARRIVED
    )

    poll(mailbox, imap_server, as_of)

    home, work = (
        Notice.objects.get(message__key=f"enquiries.Enquiry:{e.pk}:ack", person=org.raiser.person)
        for e in Enquiry.objects.order_by("pk")
    )
    assert (home.address, work.address) == ("cllr.raiser@home.example", org.raiser.person.email)
    for notice in (home, work):
        deliver_outbox_message(notice.message_id)
    assert [m.to for m in mailoutbox] == [["cllr.raiser@home.example"], [org.raiser.person.email]]
    assert "From home" in mailoutbox[0].body
