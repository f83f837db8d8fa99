"""manage.py seed_demo: demo people and logins for every loaded council (idempotent)."""

from django.core.management.base import BaseCommand

from protocol_portal.org.demo import DEMO_PASSWORD, run_demo_hooks, seed_demo


class Command(BaseCommand):
    help = "Give every post a demo holder, every ward two members, and print the demo logins."

    def handle(self, *args, **options):
        report = seed_demo()
        run_demo_hooks(report)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {report.people} people, {report.members} members.")
        )
        self.stdout.write(f"Every demo login's password: {DEMO_PASSWORD}  (admin: admin)")
        for council, logins in report.logins.items():
            self.stdout.write(f"  {council}: " + ", ".join(logins))
