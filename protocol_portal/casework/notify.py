"""Delivering outbox messages through GOV.UK Notify's API (when NOTIFY_API_KEY is set).

Each recipient gets one email from one generic template (personalisation `subject` and `body`),
with the outbox key as Notify's `reference`, so a message can be found in Notify's dashboard
from the portal and the other way round. Notify answers each email with an id, kept on the
recipient's notice: a retry sends only to recipients without one, so nobody gets a message twice.

A temporary failure (Notify's 5xx, 429 rate limit, or no connection) is recorded on the row and
raised, and the task is retried with backoff. A refusal (400 bad request, 403 bad key) will not
change by retrying: the row is marked failed with Notify's reason, for the admin to see.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from notifications_python_client.errors import APIError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

from protocol_portal.casework.models import DeliveryStatus, OutboxMessage


class TemporaryDeliveryError(Exception):
    """Notify or the network failed in a way that a later try may not."""


def notify_client() -> NotificationsAPIClient:
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=15
    )


def _is_temporary(error: APIError) -> bool:
    # The client reports a failed connection or timeout as 503. A 2xx whose body is not JSON
    # may or may not have been sent: trying again is the lesser harm than never sending.
    return (
        isinstance(error, InvalidResponse) or error.status_code >= 500 or error.status_code == 429
    )


def _reason(error: APIError) -> str:
    detail = error.message
    if isinstance(detail, list):
        detail = "; ".join(
            str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in detail
        )
    return f"GOV.UK Notify answered {error.status_code}: {detail}"[:2000]


def outbox_deliver_by_notify(
    *, message_id: int, client: NotificationsAPIClient, at: datetime
) -> str:
    """Email one outbox message to each recipient once through Notify; returns its delivery
    status ('' if it is already sent, refused or gone). Raises TemporaryDeliveryError, after
    recording the attempt, when a later try may succeed."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, sent_at__isnull=True)
            .exclude(delivery_status=DeliveryStatus.FAILED)
            .first()
        )
        if message is None:
            return ""
        notices = list(message.notices.select_related("person").order_by("pk"))
        error = None
        for notice in notices:
            if notice.provider_id or not notice.address:
                continue
            try:
                answer = client.send_email_notification(
                    email_address=notice.address,
                    template_id=settings.NOTIFY_TEMPLATE_ID,
                    personalisation={
                        "subject": message.subject,
                        "body": f"{message.body}\n\n{settings.PORTAL_BASE_URL}/",
                    },
                    reference=message.key,
                )
            except APIError as exc:
                error = exc
                break
            notice.provider_id = str(answer["id"])[:40]
            notice.save(update_fields=["provider_id"])
        _record(message, notices, error, at)
    if error is not None and _is_temporary(error):
        raise TemporaryDeliveryError(message.delivery_error)
    return message.delivery_status


def _record(message: OutboxMessage, notices, error: APIError | None, at: datetime) -> None:
    message.attempts += 1
    message.provider_id = " ".join(n.provider_id for n in notices if n.provider_id)[:400]
    if error is None:
        message.sent_at = at
        message.delivery_status = DeliveryStatus.SENT
        message.delivery_error = ""
    else:
        message.delivery_error = _reason(error)
        if not _is_temporary(error):
            message.delivery_status = DeliveryStatus.FAILED
    message.save(
        update_fields=["attempts", "provider_id", "sent_at", "delivery_status", "delivery_error"]
    )
