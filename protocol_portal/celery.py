"""The Celery app and its beat schedule, written out where anyone can read it.

Delivery settings make chasers exactly-once together with the outbox's unique key: a task is
acknowledged only after it ran (late acks), is handed back if its worker dies, and is published
only after the transaction that asked for it commits.
"""

import gc
import os
from datetime import timedelta

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocol_portal.settings")

app = Celery("protocol_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    # The filesystem broker of the embedded default has no broadcast exchange.
    worker_enable_remote_control=os.environ.get("CELERY_BROKER_URL", "filesystem://")
    != "filesystem://",
)


@signals.worker_process_init.connect
def _freeze_what_the_worker_imported(**kwargs):
    """As gunicorn's master does (gunicorn.conf.py, when_ready): once a worker process has
    started, with Django set up and the tasks imported, what it holds moves to the collector's
    permanent generation, so its collections never walk those objects again while it works."""
    gc.collect()
    gc.freeze()


@signals.setup_logging.connect
def _log_as_the_site_does(**kwargs):
    """Workers and beat log through settings.LOGGING (JSON lines with the request id), not
    Celery's own format; LOG_LEVEL sets the level, as for the site."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# The request id travels in each task's headers (publish) and is restored while it runs.
import protocol_portal.ops.request_id  # noqa: E402, F401

app.autodiscover_tasks(
    ["protocol_portal.casework", "enquiries", "complaints", "interests", "access_requests"]
)


app.conf.beat_schedule = {
    # Find open cases whose next chaser is due and hand each to its rung (one indexed query).
    "sweep-chasers": {
        "task": "protocol_portal.casework.tasks.sweep_due_chasers",
        "schedule": timedelta(seconds=int(os.environ.get("PORTAL_SWEEP_SECONDS", "60"))),
    },
    # Deliver outbox messages that were written but not yet sent (e.g. after a broker outage).
    "deliver-outbox": {
        "task": "protocol_portal.casework.tasks.deliver_pending_outbox",
        "schedule": timedelta(minutes=5),
    },
    # Take in the members' enquiries mailboxes (IMAP): new enquiries, replies, set-asides.
    "poll-enquiry-mailboxes": {
        "task": "enquiries.tasks.poll_mailboxes",
        "schedule": timedelta(seconds=int(os.environ.get("ENQUIRY_MAILBOX_POLL_SECONDS", "60"))),
    },
    # Open the 28-day registration return for anyone who has just become a member.
    "open-new-member-returns": {
        "task": "interests.tasks.open_new_member_returns",
        "schedule": timedelta(hours=1),
    },
    # Data protection: anonymise or delete closed cases past their council's retention period
    # (set per case type in the admin; defaults in protocol_portal/casework/retention.py).
    "apply-retention": {
        "task": "protocol_portal.casework.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=2),
    },
    # The same for email the enquiries mailbox set aside (enquiries/mail_retention.py).
    "expire-set-aside-email": {
        "task": "enquiries.tasks.expire_set_aside_email",
        "schedule": crontab(minute=45, hour=2),
    },
    # The SLA dashboard's stored totals: what the triggers appended, added up (enquiries/tallies).
    "fold-sla-tallies": {
        "task": "enquiries.tasks.fold_sla_tallies",
        "schedule": timedelta(minutes=10),
    },
    # Hackney §15.4: the Standards Committee's summary of the quarter just ended.
    "quarterly-standards-summary": {
        "task": "complaints.tasks.generate_quarterly_summaries",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
    },
}
