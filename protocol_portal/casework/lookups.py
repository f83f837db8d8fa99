"""`in_literal`: `IN` with the values written into the statement, for a filter a partial index
is built on.

The portal's connections prepare a statement they have run five times and PostgreSQL then may
plan it once for any values (a generic plan: settings.DATABASES, "DATABASE_PREPARED"). A
partial index can serve a statement only if its condition follows from the statement's own
text, so `status IN ($1, $2, ...)` never reaches `enquiry_open_council_due` (built for the open
statuses) under a generic plan: the triage team's overdue list then walked the council's every
enquiry in due order, open or not (312 ms at a million enquiries, against 3.9 planned for the
values; bench/README.md, "Generic plans"). Written in, the values are part of the statement and
the index is proven to fit however it is planned.

Only for values from code (a status list, say), never from a request: each must be letters,
digits and underscores, or it is refused.
"""

from __future__ import annotations

import re

from django.db.models import CharField, Lookup

NAME = re.compile(r"[A-Za-z0-9_]+\Z")


@CharField.register_lookup
class InLiteral(Lookup):
    lookup_name = "in_literal"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        values = sorted({str(value) for value in self.rhs})
        if not values:
            raise ValueError("in_literal needs at least one value")
        for value in values:
            if not NAME.match(value):
                raise ValueError(f"in_literal takes names from code, not {value!r}")
        lhs, params = self.process_lhs(compiler, connection)
        written = ", ".join(f"'{value}'" for value in values)
        return f"{lhs} IN ({written})", params
