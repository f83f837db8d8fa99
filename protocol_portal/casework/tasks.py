"""Thin Celery tasks: take ids, return early if the work is gone, call a service."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from protocol_portal.casework.chasers import chaser_fire, due_everywhere
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.retention import retention_apply_all


def _as_of(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else timezone.now()


@shared_task
def sweep_due_chasers(as_of: str | None = None) -> int:
    """Hand every case whose next chaser rung is due to its own task (one query per case type)."""
    moment = _as_of(as_of)
    due = due_everywhere(as_of=moment)
    for label, pk in due:
        fire_chaser.delay(label, pk, moment.isoformat())
    return len(due)


@shared_task
def fire_chaser(label: str, pk: int, as_of: str | None = None) -> str | None:
    """Fire one case's due rung (a no-op if another run already did)."""
    return chaser_fire(spec=spec_for(label), pk=pk, as_of=_as_of(as_of))


@shared_task
def deliver_outbox_message(message_id: int) -> bool:
    """Email one outbox message to its recipients, once."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        addresses = [p.email for p in message.recipients.all() if p.email]
        if addresses:
            send_mail(
                message.subject,
                f"{message.body}\n\n{settings.PORTAL_BASE_URL}/",
                settings.DEFAULT_FROM_EMAIL,
                addresses,
            )
        message.sent_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["sent_at", "attempts"])
        return True


@shared_task
def deliver_pending_outbox() -> int:
    """Send what was written but never sent (e.g. the broker was down when it committed)."""
    cutoff = timezone.now() - timedelta(minutes=2)
    pending = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in pending:
        deliver_outbox_message.delay(pk)
    return len(pending)


@shared_task
def apply_retention(as_of: str | None = None) -> int:
    """Anonymise or delete closed cases past each council's retention period; one recorded run
    per council and case type (UK GDPR Art. 5(1)(e))."""
    runs = retention_apply_all(as_of=_as_of(as_of))
    return sum(r.cases_anonymised + r.cases_deleted for r in runs)
