"""manage.py council_schema [--json | --check]: the council file's schema.

Without options, rewrites the generated reference part of fixtures/councils/SCHEMA.md (between
its markers; the hand-written introduction is kept). --json prints the JSON Schema (for an
editor's YAML support); --check fails when SCHEMA.md is out of date.
"""

from django.core.management.base import BaseCommand, CommandError

from protocol_portal.org import council_schema
from protocol_portal.org.council_files import COUNCILS_DIR

SCHEMA_MD = COUNCILS_DIR / "SCHEMA.md"


class Command(BaseCommand):
    help = "Write fixtures/councils/SCHEMA.md's reference from the schema, or print the schema."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--json", action="store_true", help="Print the JSON Schema.")
        group.add_argument("--check", action="store_true", help="Fail if SCHEMA.md is out of date.")

    def handle(self, *args, json, check, **options):
        if json:
            self.stdout.write(council_schema.as_json(), ending="")
            return
        current = SCHEMA_MD.read_text(encoding="utf-8")
        wanted = council_schema.markdown_with_reference(current)
        if check:
            if wanted != current:
                raise CommandError(f"{SCHEMA_MD} is out of date: run `manage.py council_schema`.")
            self.stdout.write("SCHEMA.md is up to date.")
            return
        if wanted != current:
            SCHEMA_MD.write_text(wanted, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote the reference part of {SCHEMA_MD}."))
