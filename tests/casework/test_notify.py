"""Outbox messages through GOV.UK Notify's API (NOTIFY_API_KEY set), against a fake Notify on
127.0.0.1 that speaks the v2 email endpoint and checks the JWT the client signs: success, a
temporary failure retried, a refusal recorded and not retried, redelivery sending nothing twice,
and the refusals listed for the admin."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from protocol_portal.casework.models import DeliveryStatus, Notice, OutboxMessage
from protocol_portal.casework.tasks import (
    deliver_outbox_message,
    deliver_outbox_messages,
    deliver_pending_outbox,
)
from protocol_portal.org.models import Person
from tests.factories import CouncilFactory, PersonFactory

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
TEMPLATE_ID = str(uuid.uuid4())

ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: signature, api token not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


class FakeNotify:
    """GOV.UK Notify's POST /v2/notifications/email, answering from a script (201 otherwise)."""

    def __init__(self):
        self.script: list[int] = []
        self.received: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = fake.answer(self.path, self.headers.get("Authorization", ""), body)
                if status == 201:
                    reply = {
                        "id": str(uuid.uuid4()),
                        "reference": body.get("reference"),
                        "content": {"subject": body["personalisation"]["subject"]},
                        "template": {"id": body["template_id"], "version": 1},
                    }
                else:
                    error, message = ERRORS[status]
                    reply = {
                        "status_code": status,
                        "errors": [{"error": error, "message": message}],
                    }
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, authorization: str, body: dict) -> int:
        if path != "/v2/notifications/email" or not authorization.startswith("Bearer "):
            return 400
        try:
            claims = jwt.decode(
                authorization.removeprefix("Bearer "),
                SECRET,
                algorithms=["HS256"],
                options={"require": ["iss", "iat"]},
            )
        except jwt.PyJWTError:
            return 403
        if claims["iss"] != SERVICE_ID or abs(claims["iat"] - time.time()) > 30:
            return 403
        self.received.append(body)
        return self.script.pop(0) if self.script else 201


@pytest.fixture
def notify(settings):
    """The fake, with the site pointed at it. Tasks run inline as in every unit test, but let
    Celery handle a retry as a worker would (propagating would raise it at the caller instead)."""
    from protocol_portal.celery import app

    app.conf.task_eager_propagates = False
    fake = FakeNotify()
    fake.thread.start()
    settings.NOTIFY_API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_BASE_URL = fake.url
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _message(*recipients: Person, key: str = "enquiry:1:acknowledged") -> OutboxMessage:
    message = OutboxMessage.objects.create(
        key=key,
        council=CouncilFactory(),
        subject="Your enquiry HAC-ENQ-2026-00001 has been acknowledged",
        body="Members' Services will answer by 20 January 2027.",
        created_at=timezone.now() - timedelta(minutes=10),
    )
    for person in recipients or (PersonFactory(),):
        Notice.objects.create(message=message, person=person)
    return message


def test_a_message_goes_through_notify_with_the_outbox_key_as_reference(notify):
    person = PersonFactory(email="cllr.dalston@hackney.example")
    message = _message(person)
    assert deliver_outbox_message.delay(message.pk).get() is True

    [sent] = notify.received
    assert sent["email_address"] == "cllr.dalston@hackney.example"
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["reference"] == "enquiry:1:acknowledged"
    assert sent["personalisation"]["subject"] == message.subject
    assert sent["personalisation"]["body"].startswith("Members' Services will answer")
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.delivery_error == ""
    assert message.provider_id == Notice.objects.get(message=message).provider_id != ""


def test_a_temporary_failure_is_retried_and_then_sent(notify):
    notify.script = [500]
    message = _message()
    deliver_outbox_message.delay(message.pk)

    assert len(notify.received) == 2
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.attempts == 2
    assert message.delivery_error == ""


def test_a_rate_limit_is_temporary_too(notify):
    notify.script = [429, 429]
    message = _message()
    deliver_outbox_message.delay(message.pk)

    assert len(notify.received) == 3
    message.refresh_from_db()
    assert (message.delivery_status, message.attempts) == (DeliveryStatus.SENT, 3)


def test_a_refusal_is_recorded_and_not_retried(notify):
    notify.script = [400]
    message = _message()
    assert deliver_outbox_message.delay(message.pk).get() is False

    assert len(notify.received) == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.delivery_error == (
        "GOV.UK Notify answered 400: Can't send to this recipient using a team-only API key"
    )
    # Neither a redelivery nor the five-minute sweep of unsent messages tries it again.
    deliver_outbox_message.delay(message.pk)
    assert deliver_pending_outbox.delay().get() == 0
    assert len(notify.received) == 1


def test_a_wrong_key_is_refused_by_notify_and_recorded(notify, settings):
    settings.NOTIFY_API_KEY = f"portal_test-{SERVICE_ID}-{uuid.uuid4()}"
    message = _message()
    deliver_outbox_message.delay(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_error.startswith("GOV.UK Notify answered 403: Invalid token")


def test_redelivering_the_same_row_sends_nothing_twice(notify):
    message = _message()
    deliver_outbox_message.delay(message.pk)
    deliver_outbox_message.delay(message.pk)
    deliver_outbox_messages.delay([message.pk])
    assert len(notify.received) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_retry_sends_only_to_the_recipients_not_yet_sent_to(notify):
    first, second = PersonFactory(), PersonFactory()
    notify.script = [201, 500]
    message = _message(first, second)
    deliver_outbox_message.delay(message.pk)

    addresses = [body["email_address"] for body in notify.received]
    assert addresses == [first.email, second.email, second.email]
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert len(message.provider_id.split()) == 2


def test_one_temporary_failure_in_a_batch_does_not_hold_back_the_rest(notify):
    messages = [_message(key=f"chaser:{n}") for n in range(3)]
    notify.script = [201, 500]
    deliver_outbox_messages.delay([m.pk for m in messages])

    assert len(notify.received) == 4  # 1, 2 (500), 3, then the retry sends 2 alone
    assert set(OutboxMessage.objects.values_list("delivery_status", flat=True)) == {"sent"}


def test_smtp_stays_the_default(settings, mailoutbox):
    assert django_settings.NOTIFY_API_KEY == ""
    message = _message()
    deliver_outbox_message.delay(message.pk)
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def test_retries_never_wait_past_the_brokers_visibility_timeout(settings):
    """A retry waiting longer than visibility_timeout would be handed to a second worker."""
    visibility = 600  # settings.CELERY_BROKER_TRANSPORT_OPTIONS's default on Redis
    for task in (deliver_outbox_message, deliver_outbox_messages):
        assert task.retry_backoff_max == settings.NOTIFY_RETRY_MAX_SECONDS < visibility
        assert task.retry_jitter is True


def test_the_admin_lists_the_messages_notify_refused(notify, client):
    notify.script = [400]
    refused = _message(key="complaint:7:acknowledged")
    deliver_outbox_message.delay(refused.pk)
    _message(key="enquiry:2:acknowledged")
    deliver_outbox_message.delay(OutboxMessage.objects.get(key="enquiry:2:acknowledged").pk)

    client.force_login(Person.objects.create_superuser("admin", password="x-long-password-1"))
    changelist = reverse("admin:casework_outboxmessage_changelist")
    html = client.get(changelist, {"delivery_status__exact": "failed"}).content.decode()
    assert "complaint:7:acknowledged" in html
    assert "team-only API key" in html
    assert "enquiry:2:acknowledged" not in html
    assert "Failed (will not be retried)" in client.get(changelist).content.decode()


def test_a_notice_with_its_own_address_is_emailed_there(notify):
    person = PersonFactory(email="cllr.dalston@hackney.example")
    message = _message(person)
    Notice.objects.filter(message=message).update(email="dalston@home.example")

    assert deliver_outbox_message.delay(message.pk).get() is True

    assert [sent["email_address"] for sent in notify.received] == ["dalston@home.example"]
