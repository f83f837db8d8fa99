"""Check, add up or count again the SLA dashboard's stored totals (enquiries/tallies.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from enquiries import tallies


class Command(BaseCommand):
    help = (
        "The SLA dashboard's stored totals (PostgreSQL): --check compares them with a count made "
        "afresh (exit 1 if any differs), --fold adds up what was appended, --rebuild counts "
        "everything again."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--check", action="store_true", help="compare with a fresh count")
        what.add_argument("--fold", action="store_true", help="add up the rows appended")
        what.add_argument("--rebuild", action="store_true", help="count everything again")

    def handle(self, *args, check, fold, rebuild, **options):
        if not tallies.kept():
            raise CommandError("Totals are stored on PostgreSQL only; here the dashboard counts.")
        with transaction.atomic():
            if rebuild:
                self.stdout.write(f"{tallies.rebuild()} rows counted afresh.")
            elif fold:
                self.stdout.write(f"{tallies.fold()} rows folded away.")
            else:
                wrong = tallies.differences()
                for row in wrong:
                    self.stdout.write("  ".join(str(cell) for cell in row))
                if wrong:
                    raise CommandError(f"{len(wrong)} stored totals differ from a fresh count.")
                self.stdout.write("The stored totals agree with a fresh count.")
