"""How long set-aside email is kept, and removing it after that (UK GDPR Art. 5(1)(e)).

Email the mailbox set aside — from an unknown sender, a bounce, an automatic reply, a mail
loop, a reply to a closed enquiry, one the portal failed to take in — is not part of any
enquiry, so the enquiries' retention (two years after closure) does not reach it. It is kept:

- once member services have recorded what they did with it: for the council's period after
  that (default `settings.ENQUIRY_SET_ASIDE_KEEP_MONTHS`, six months: long enough to answer
  "what happened to my email?");
- mail nobody needs to act on — a bounce, an automatic reply, a mail loop, a second copy of a
  message already taken in — for the same period after it arrived;
- anything else still waiting for member services: until they deal with it (nothing a person
  wrote is removed unread).

A council sets its own period in the admin as a retention policy for the case type
"enquiries.InboundMessage" (the action is honoured: deleted, or anonymised — sender, subject,
text and notes blanked, the raw message removed). Email that became part of an enquiry (logged
as one, or threaded onto one) goes with that enquiry under its retention instead.
Each daily run is recorded as a `RetentionRun` like the cases'.
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enquiries.models import InboundMessage, InboundOutcome, SetAsideReason
from protocol_portal.casework.models import RetentionAction, RetentionRun
from protocol_portal.casework.retention import REDACTED, retention_policy_for
from protocol_portal.org.models import Council

LABEL = "enquiries.InboundMessage"
# Mail no person wrote to the council: removed a period after it arrived, dealt with or not.
AUTOMATIC = (SetAsideReason.BOUNCE, SetAsideReason.AUTO_REPLY, SetAsideReason.LOOP)


def set_aside_keep(council: Council) -> tuple[int, str]:
    """(months, action) for the council's set-aside email."""
    months, action, _ = retention_policy_for(council=council, label=LABEL)
    return months, action


def set_aside_delete_on(inbound: InboundMessage, months: int) -> date | None:
    """The day retention removes this email, or None while it waits for member services (or
    belongs to an enquiry)."""
    if inbound.enquiry_id is not None:
        return None
    if inbound.dealt_with_at is not None:
        start = inbound.dealt_with_at
    elif inbound.outcome == InboundOutcome.DUPLICATE or inbound.reason in AUTOMATIC:
        start = inbound.received_at
    else:
        return None
    return timezone.localdate(start + relativedelta(months=months))


def set_aside_past_retention(*, council: Council, cutoff: datetime):
    return (
        InboundMessage.objects.filter(
            council=council,
            enquiry__isnull=True,
            outcome__in=[InboundOutcome.SET_ASIDE, InboundOutcome.DUPLICATE],
        )
        .filter(
            Q(dealt_with_at__lt=cutoff)
            | Q(dealt_with_at__isnull=True, received_at__lt=cutoff)
            & (Q(reason__in=AUTOMATIC) | Q(outcome=InboundOutcome.DUPLICATE))
        )
        .exclude(fingerprint=REDACTED)
    )


def _remove_raw(rows: list[InboundMessage]) -> int:
    stored = [(row.raw.storage, row.raw.name) for row in rows if row.raw]

    def remove() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(remove)
    return len(stored)


@transaction.atomic
def set_aside_expire(*, council: Council, as_of: datetime) -> RetentionRun:
    """Delete (or anonymise) the council's set-aside email past its period, history and raw
    message included; recorded as a retention run."""
    months, action = set_aside_keep(council)
    cutoff = as_of - relativedelta(months=months)
    run = RetentionRun(
        council=council,
        case_type=LABEL,
        started_at=timezone.now(),
        as_of=as_of,
        cutoff=cutoff,
        action=action,
        keep_for_months=months,
        policy_source=retention_policy_for(council=council, label=LABEL)[2],
    )
    rows = list(set_aside_past_retention(council=council, cutoff=cutoff).select_for_update())
    pks = [row.pk for row in rows]
    run.files_removed = _remove_raw(rows)
    history = InboundMessage.history.model.objects.filter(id__in=pks)
    if action == RetentionAction.DELETE:
        InboundMessage.objects.filter(pk__in=pks).delete()
        # After the delete, which writes a history row of its own.
        run.history_rows_removed = history.delete()[0]
        run.cases_deleted = len(pks)
    else:
        run.history_rows_removed = history.delete()[0]
        InboundMessage.objects.filter(pk__in=pks).update(
            fingerprint=REDACTED,
            message_id="",
            in_reply_to="",
            from_address="",
            from_name="",
            subject=REDACTED,
            body_text="",
            notes="",
            raw="",
            member=None,
            dealt_with_by=None,
            dealt_with_note="",
        )
        InboundMessage.history.bulk_history_create(
            list(InboundMessage.objects.filter(pk__in=pks)),
            update=True,
            default_change_reason=f"Anonymised under the retention policy ({months} months)",
            default_date=as_of,
        )
        run.cases_anonymised = len(pks)
    run.finished_at = timezone.now()
    run.save()
    return run


def set_aside_expire_all(*, as_of: datetime) -> list[RetentionRun]:
    """The daily job: every council with a mailbox's email."""
    councils = Council.objects.filter(
        pk__in=InboundMessage.objects.values("council_id").distinct()
    ).order_by("pk")
    return [set_aside_expire(council=council, as_of=as_of) for council in councils]
