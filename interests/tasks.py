"""Thin Celery tasks for interests: take ids or a moment, call a service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from interests.services import register_returns_open_for_new_members


@shared_task
def open_new_member_returns(as_of: str | None = None) -> int:
    """Open the 28-day register return of every newly elected member (Localism Act 2011
    s.30(1)); idempotent, so running it hourly or twice is harmless."""
    moment = datetime.fromisoformat(as_of) if as_of else timezone.now()
    return register_returns_open_for_new_members(as_of=moment)
