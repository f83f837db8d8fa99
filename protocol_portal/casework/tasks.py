"""Thin Celery tasks: take ids, return early if the work is gone, call a service."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from protocol_portal.casework.chasers import cases_due, chaser_fire, chasers_fire, sweep_batches
from protocol_portal.casework.models import DeliveryStatus, Notice, OutboxMessage
from protocol_portal.casework.notify import (
    TemporaryDeliveryError,
    notify_client,
    outbox_deliver_by_notify,
)
from protocol_portal.casework.registry import all_specs, spec_for
from protocol_portal.casework.retention import retention_apply_all


def _as_of(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else timezone.now()


@shared_task
def sweep_due_chasers(as_of: str | None = None) -> int:
    """Hand the cases whose next chaser rung is due to batch tasks (one query per case type)."""
    moment = _as_of(as_of)
    due = 0
    for spec in all_specs():
        pks = cases_due(spec=spec, as_of=moment)
        due += len(pks)
        for batch in sweep_batches(pks):
            fire_chasers.delay(spec.label, batch, moment.isoformat())
    return due


@shared_task
def fire_chasers(label: str, pks: list[int], as_of: str | None = None) -> int:
    """Fire a batch of cases' due rungs in one transaction (skipping any another run fired)."""
    spec = spec_for(label)
    fired = chasers_fire(spec=spec, pks=pks, as_of=_as_of(as_of))
    if len(fired) < len(pks):
        # Redelivered after its worker died between commit and publishing the delivery: the
        # rungs are fired, so send what they wrote that nobody has sent (a no-op if sent).
        unsent = list(
            OutboxMessage.objects.filter(
                case_type=ContentType.objects.get_for_model(spec.model),
                case_id__in=[pk for pk in pks if pk not in fired],
                sent_at__isnull=True,
            )
            .exclude(rung="")
            .values_list("pk", flat=True)
        )
        if unsent:
            deliver_outbox_messages.delay(unsent)
    return len(fired)


@shared_task
def fire_chaser(label: str, pk: int, as_of: str | None = None) -> str | None:
    """Fire one case's due rung (a no-op if another run already did)."""
    return chaser_fire(spec=spec_for(label), pk=pk, as_of=_as_of(as_of))


# A temporary failure of GOV.UK Notify is retried with exponential backoff (with jitter), never
# waiting longer than NOTIFY_RETRY_MAX_SECONDS, which stays below the broker's visibility
# timeout (tests/casework/test_notify.py checks it).
_RETRIED = {
    "autoretry_for": (TemporaryDeliveryError,),
    "retry_backoff": True,
    "retry_backoff_max": settings.NOTIFY_RETRY_MAX_SECONDS,
    "retry_jitter": True,
    "max_retries": settings.NOTIFY_MAX_RETRIES,
}


def _deliver(message_ids: list[int]) -> int:
    """Send these outbox messages not yet sent, each once: through GOV.UK Notify when
    NOTIFY_API_KEY is set, else by SMTP; how many were sent."""
    if settings.NOTIFY_API_KEY:
        return _deliver_by_notify(message_ids)
    return _deliver_by_smtp(message_ids)


def _deliver_by_notify(message_ids: list[int]) -> int:
    """Each message in its own transaction; a temporary failure of one does not hold back the
    rest, and is raised at the end so the task is retried (the sent ones are skipped then)."""
    client = notify_client()
    sent, temporary = 0, None
    for pk in sorted(message_ids):
        try:
            sent += (
                outbox_deliver_by_notify(message_id=pk, client=client, at=timezone.now())
                == DeliveryStatus.SENT
            )
        except TemporaryDeliveryError as exc:
            temporary = exc
    if temporary is not None:
        raise temporary
    return sent


def _deliver_by_smtp(message_ids: list[int]) -> int:
    """Email these outbox messages not yet sent, each once; how many were sent."""
    with transaction.atomic():
        # Read as values: a chaser batch's messages are only read here, never saved as objects.
        messages = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=message_ids, sent_at__isnull=True)
            .exclude(delivery_status=DeliveryStatus.FAILED)
            .order_by("pk")
            .values_list("pk", "subject", "body", named=True)
        )
        # Each message's recipients' addresses (`Notice.address`), read as values in one query:
        # a chaser batch has a few hundred, and prefetching the notices and their people as
        # objects was a third of the delivery's time (bench/README.md, "Chaser firing").
        to: dict[int, list[str]] = defaultdict(list)
        recipients = (
            Notice.objects.filter(message_id__in=[m.pk for m in messages])
            .order_by("pk")
            .values_list("message_id", "email", "person__email")
        )
        for message_id, own, person in recipients:
            if own or person:
                to[message_id].append(own or person)
        emails = []
        for message in messages:
            addresses = to[message.pk]
            if addresses:
                emails.append(
                    EmailMessage(
                        message.subject,
                        f"{message.body}\n\n{settings.PORTAL_BASE_URL}/",
                        settings.DEFAULT_FROM_EMAIL,
                        addresses,
                    )
                )
        if emails:
            # One connection for the batch (one SMTP session, not one per message); an error
            # raises, the transaction rolls back and the task is retried: nothing marked sent.
            get_connection(fail_silently=False).send_messages(emails)
        if messages:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                delivery_status=DeliveryStatus.SENT,
                delivery_error="",
            )
        return len(messages)


@shared_task(**_RETRIED)
def deliver_outbox_message(message_id: int) -> bool:
    """Email one outbox message to its recipients, once."""
    return _deliver([message_id]) == 1


@shared_task(**_RETRIED)
def deliver_outbox_messages(message_ids: list[int]) -> int:
    """Email a batch of outbox messages (a chaser batch's), each once."""
    return _deliver(message_ids)


@shared_task
def deliver_pending_outbox() -> int:
    """Send what was written but never sent (e.g. the broker was down when it committed)."""
    cutoff = timezone.now() - timedelta(minutes=2)
    pending = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .exclude(delivery_status=DeliveryStatus.FAILED)
        .values_list("pk", flat=True)[:1000]
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
