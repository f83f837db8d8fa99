"""The outbox against a real Celery worker on Redis and PostgreSQL (marked `services`)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.services import outbox_write
from protocol_portal.org.models import Council, Person
from tests.services import celery_worker, require_services, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
AS_OF = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def test_outbox_message_is_delivered_by_a_real_worker():
    require_services()
    council = Council.objects.create(slug="hackney", name="Hackney")
    alice = Person.objects.create(username="alice", email="alice@example.org")
    with celery_worker(name="outbox"):
        with transaction.atomic():
            message = outbox_write(
                key="worker:1",
                council=council,
                case=None,
                subject="Hello",
                body="Delivered by a worker",
                recipients=[alice],
                at=AS_OF,
            )
        assert wait_until(
            lambda: OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=False).exists()
        )
    message.refresh_from_db()
    assert message.attempts == 1
