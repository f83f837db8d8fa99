"""manage.py seed_demo: demo people, logins and cases for every loaded council (idempotent)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from protocol_portal.org.demo import (
    DEMO_PASSWORD,
    chasers_replay,
    run_demo_hooks,
    seed_demo,
)


class Command(BaseCommand):
    help = (
        "Give every post a demo holder and every ward two members; let each case app add its "
        "demo cases over the last eight weeks; send the chasers those cases are due; print the "
        "demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, **options):
        started = time.monotonic()
        # One transaction: SQLite writes the demo once rather than syncing after every step,
        # and a failure leaves no half-made demo behind.
        with transaction.atomic():
            report = seed_demo()
            run_demo_hooks(report)
            rungs = chasers_replay(report)
        cases = sum(report.cases.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {report.people} people, {report.members} members, {cases} cases, "
                f"{rungs} chaser steps sent, in {time.monotonic() - started:.1f} s."
            )
        )
        for label, made in sorted(report.cases.items()):
            self.stdout.write(f"  {label}: {made} new")
        for skipped in report.skipped:
            self.stdout.write(f"  not made (the council's rules refuse it): {skipped}")
        if options["quiet_logins"]:
            return
        self.stdout.write(f"Every demo login has the password {DEMO_PASSWORD}.")
        self.stdout.write("The site administrator's username is admin (same password).")
        for council, logins in report.logins.items():
            self.stdout.write(f"  {council}: " + ", ".join(logins))
