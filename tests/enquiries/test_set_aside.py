"""What member services do with email the mailbox set aside, the mailbox as council data, and
the Microsoft 365 token — the parts of email-in that need no IMAP server (the taking-in itself
is tested against a real one in test_mailbox.py)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml
from django.urls import reverse

from enquiries.mail import inbound_take
from enquiries.mailbox import MailboxError, access_token, secret_name
from enquiries.models import Channel, Enquiry, InboundOutcome, Mailbox, MailboxAuth
from protocol_portal.org.council_files import COUNCILS_DIR, CouncilFileError, load
from tests.conftest import LONDON

ARRIVED = datetime(2026, 2, 27, 16, 40, tzinfo=LONDON)  # the Friday before the tests' as_of


@pytest.fixture
def mailbox(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Mailbox.objects.create(
        council=org.council,
        address="enquiries@testshire.example",
        host="127.0.0.1",
        service_area=org.policy_area,
    )


def _take(mailbox, raw: bytes, as_of, uid=1):
    return inbound_take(
        mailbox=mailbox,
        uidvalidity=7,
        uid=uid,
        raw=raw,
        size=len(raw),
        arrived_at=ARRIVED,
        as_of=as_of,
    )


def _from_stranger() -> bytes:
    return (
        b"From: Cllr Raiser <raiser.private@gmail.example>\r\nSubject: Leaking roof\r\n"
        b"Message-ID: <roof@gmail.example>\r\n\r\nThe roof at 9 Ash Close leaks.\r\n"
    )


def test_member_services_log_a_set_aside_email_as_the_members_enquiry(client, org, mailbox, as_of):
    inbound = _take(mailbox, _from_stranger(), as_of)
    assert inbound.outcome == InboundOutcome.SET_ASIDE
    client.force_login(org.triage.holder)
    url = f"{reverse('enquiries:log')}?email={inbound.pk}"
    form = client.get(url).content.decode()
    assert "Leaking roof" in form  # filled in from the email
    assert 'value="16:40"' in form

    response = client.post(
        url,
        {
            "member": org.raiser.pk,
            "channel": Channel.EMAIL,
            "received_on_day": "27",
            "received_on_month": "2",
            "received_on_year": "2026",
            "received_time": "16:40",
            "subject": "Leaking roof",
            "description": "The roof at 9 Ash Close leaks.",
            "service_area": org.repairs.pk,
            "ward": org.north.pk,
            "urgency": "routine",
        },
    )

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert (enquiry.member, enquiry.channel, enquiry.received_at) == (
        org.raiser,
        Channel.EMAIL,
        ARRIVED,
    )
    inbound.refresh_from_db()
    assert inbound.enquiry == enquiry
    assert inbound.dealt_with_by == org.triage.holder
    assert client.get(reverse("enquiries:set-aside")).content.decode().count("Leaking roof") == 0


def test_member_services_record_what_they_did_with_a_set_aside_email(client, org, mailbox, as_of):
    inbound = _take(mailbox, _from_stranger(), as_of)
    client.force_login(org.triage.holder)
    page = client.get(reverse("enquiries:set-aside-detail", args=[inbound.pk]))
    assert "The roof at 9 Ash Close leaks." in page.content.decode()

    empty = client.post(reverse("enquiries:set-aside-detail", args=[inbound.pk]), {"note": ""})
    assert "Enter" in empty.content.decode() or "required" in empty.content.decode()
    done = client.post(
        reverse("enquiries:set-aside-detail", args=[inbound.pk]),
        {"note": "Asked the councillor to use their council address."},
    )

    assert done.status_code == 302
    inbound.refresh_from_db()
    assert inbound.dealt_with_note == "Asked the councillor to use their council address."
    assert inbound.history.latest().history_user == org.triage.holder


def test_set_aside_email_is_for_member_services_of_its_council_only(client, org, mailbox, as_of):
    inbound = _take(mailbox, _from_stranger(), as_of)
    for person in (org.raiser.person, org.housing_director.holder, org.ce.holder):
        client.force_login(person)
        assert client.get(reverse("enquiries:set-aside")).status_code == 403
        detail = client.get(reverse("enquiries:set-aside-detail", args=[inbound.pk]))
        assert detail.status_code == 404


def _council_file(tmp_path, mailbox: dict) -> str:
    data = yaml.safe_load((COUNCILS_DIR / "hackney.yaml").read_text())
    data["mailbox"] = mailbox
    path = tmp_path / "hackney.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return str(path)


@pytest.mark.django_db
def test_the_mailbox_is_council_data(tmp_path):
    path = _council_file(
        tmp_path,
        {
            "address": "members.enquiries@hackney.example",
            "host": "outlook.office365.com",
            "auth": "xoauth2",
            "done_folder": "Taken into the portal",
            "service_area": "Governance and Members' Services",
            "source": "004 §12.2",
        },
    )

    load([path])
    again = load([path])

    mailbox = Mailbox.objects.get(council__slug="hackney")
    assert (mailbox.auth, mailbox.port, mailbox.folder) == (MailboxAuth.XOAUTH2, 993, "INBOX")
    assert mailbox.service_area.name == "Governance and Members' Services"
    assert again.created == 0


@pytest.mark.django_db
def test_a_mailbox_with_mistakes_is_refused_with_reasons(tmp_path):
    path = _council_file(
        tmp_path, {"address": "nobody", "auth": "basic", "service_area": "Nowhere", "pw": "x"}
    )

    with pytest.raises(CouncilFileError) as refused:
        load([path])

    text = str(refused.value)
    for expected in ("unknown key 'pw'", "mailbox.address", "mailbox.host", "mailbox.auth"):
        assert expected in text
    assert "mailbox.service_area" in text
    assert not Mailbox.objects.exists()


class _TokenEndpoint(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        type(self).seen.append((self.path, form))
        body = json.dumps({"access_token": "token-from-entra", "expires_in": 3599}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_microsoft_365_token_comes_by_the_client_credentials_grant(
    org, mailbox, settings, monkeypatch
):
    server = HTTPServer(("127.0.0.1", 0), _TokenEndpoint)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    settings.ENQUIRY_MAILBOX_TOKEN_URL = (
        f"http://127.0.0.1:{server.server_port}/{{tenant}}/oauth2/v2.0/token"
    )
    for what, value in (("TENANT_ID", "tenant-1"), ("CLIENT_ID", "app"), ("CLIENT_SECRET", "s")):
        monkeypatch.setenv(secret_name("testshire", what), value)

    token = access_token(mailbox)

    thread.join(5)
    server.server_close()
    assert token == "token-from-entra"
    path, form = _TokenEndpoint.seen[-1]
    assert path == "/tenant-1/oauth2/v2.0/token"
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["https://outlook.office365.com/.default"]
    assert (form["client_id"], form["client_secret"]) == (["app"], ["s"])


def test_without_its_secrets_the_mailbox_says_which_to_set(org, mailbox):
    with pytest.raises(MailboxError, match="ENQUIRY_MAILBOX_TESTSHIRE_TENANT_ID"):
        access_token(mailbox)
