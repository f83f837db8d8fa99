"""manage.py load_councils [FILE ...] [--check]: load the reviewed council files."""

from django.core.management.base import BaseCommand, CommandError

from protocol_portal.org.council_files import CouncilFileError, load


class Command(BaseCommand):
    help = (
        "Validate and load council files (default: every fixtures/councils/*.yaml). "
        "Nothing is written unless every file is valid; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Council YAML files (default: all).")
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")

    def handle(self, *args, files, check, **options):
        try:
            report = load(files, check_only=check)
        except CouncilFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was written.") from exc
        verb = "valid" if check else "loaded"
        self.stdout.write(self.style.SUCCESS(f"Council files {verb}: {report}"))
