"""Protocol Portal: a council's Member/Officer Relations Protocol run as casework."""

from protocol_portal.celery import app as celery_app

__all__ = ("celery_app",)
