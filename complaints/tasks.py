"""Thin Celery tasks for complaints (chasers run through the kernel's sweep)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from complaints.selectors import previous_quarter
from complaints.services import summary_generate
from protocol_portal.org import protocol_settings
from protocol_portal.org.models import Council


@shared_task
def generate_quarterly_summaries(as_of: str | None = None) -> int:
    """At quarter end, summarise the alleged breaches of the quarter just ended for the Standards
    Committee of every council whose `breach_summary` setting asks (004 §15.4). Re-running
    rewrites the same summaries."""
    moment = datetime.fromisoformat(as_of) if as_of else timezone.now()
    start, end = previous_quarter(timezone.localdate(moment))
    councils = [
        council
        for council in Council.objects.order_by("pk")
        if protocol_settings.setting(council, "breach_summary") == "quarterly"
    ]
    for council in councils:
        summary_generate(council=council, start=start, end=end, as_of=moment)
    return len(councils)
