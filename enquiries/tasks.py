"""Thin Celery tasks: take ids, return early if the work is gone, call a service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from enquiries import tallies
from enquiries.mail_retention import set_aside_expire_all
from enquiries.mailbox import mailbox_poll
from enquiries.models import Mailbox


@shared_task
def poll_mailboxes() -> int:
    """Hand each council's enabled members' enquiries mailbox to its own poll."""
    ids = list(Mailbox.objects.filter(enabled=True).values_list("pk", flat=True))
    for pk in ids:
        poll_mailbox.delay(pk)
    return len(ids)


@shared_task
def poll_mailbox(mailbox_id: int) -> int:
    """Take in what is waiting in one mailbox; how many messages were taken. Two polls of one
    mailbox would be safe (each message is taken under a row lock, once) but wasteful, so a
    poll still running makes the next one return at once."""
    mailbox = (
        Mailbox.objects.filter(pk=mailbox_id, enabled=True)
        .select_related("council", "service_area")
        .first()
    )
    lock = f"enquiries:mailbox-poll:{mailbox_id}"
    held_for = settings.ENQUIRY_MAILBOX_POLL_SECONDS * 10
    if mailbox is None or not cache.add(lock, 1, timeout=held_for):
        return 0
    try:
        return mailbox_poll(mailbox=mailbox).taken
    finally:
        cache.delete(lock)


@shared_task
def expire_set_aside_email(as_of: str | None = None) -> int:
    """Remove set-aside email past each council's period (enquiries/mail_retention.py); how
    many messages went."""
    moment = datetime.fromisoformat(as_of) if as_of else timezone.now()
    runs = set_aside_expire_all(as_of=moment)
    return sum(r.cases_deleted + r.cases_anonymised for r in runs)


@shared_task
def fold_sla_tallies() -> int:
    """Add up the SLA dashboard's stored totals appended since the last fold (PostgreSQL;
    nothing to do elsewhere): how many rows were folded away (enquiries/tallies.py)."""
    if not tallies.kept():
        return 0
    with transaction.atomic():
        return tallies.fold()
