"""Bring every case's audiences up to date after the organisation chart changed."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from protocol_portal.casework.access import access_rebuild


class Command(BaseCommand):
    help = (
        "Re-derive who may see each case from the organisation as it is now (a new member "
        "services post, a changed line manager). Idempotent: unchanged audiences are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "labels",
            nargs="*",
            help="Case models as app_label.ModelName (default: every case type with audiences)",
        )

    def handle(self, *args, labels, **options):
        with transaction.atomic():
            count = access_rebuild(as_of=timezone.now(), labels=labels or None)
        self.stdout.write(f"{count} cases read; their audiences are up to date.")
