"""Lookups that write their values into the statement, for reads whose plan hangs on them.

The portal's connections prepare a statement they have run five times and PostgreSQL then may
plan it once for any values (a generic plan: settings.DATABASES, "DATABASE_PREPARED"). Two
kinds of read went slow that way (bench/README.md, "Generic plans"):
- A partial index can serve a statement only if its condition follows from the statement's
  own text, so `status IN ($1, $2, ...)` never reaches `enquiry_open_council_due` (built for
  the open statuses) under a generic plan: the triage team's overdue list at a million
  enquiries then walked the council's every enquiry in due order, open or not (312 ms against
  3.9 planned for the values).
- The access check of a list read a page at a time (`casework.access.visible`, `per_row`)
  bound the case type and the permission, and the generic plan looked each case's access rows
  up by case, seven of them, then matched the post, instead of probing the post's open rows:
  the triage team's overdue list at 100,000 took 34 ms in the database against 15.

`in_literal` (`status__in_literal=OPEN`, `case_type_id__in_literal=[7]`) is `IN` with the
values written in; `contains_literal` (`perms__contains_literal=",view_enquiry,"`) is
`contains`, likewise. Only for values from code, never from a request: a name must be letters,
digits and underscores (commas too for `contains_literal`), a number an `int`, or the value is
refused.
"""

from __future__ import annotations

import re

from django.db.models import CharField, ForeignKey, Lookup

NAME = re.compile(r"[A-Za-z0-9_]+\Z")
NAMES = re.compile(r"[A-Za-z0-9_,]+\Z")


def written(value) -> str:
    """One value as SQL: an integer as digits, a name between quotes (`casework.access`'s
    hand-written visible-set read writes its values with this too)."""
    if isinstance(value, bool):
        raise ValueError(f"in_literal takes names or numbers from code, not {value!r}")
    if isinstance(value, int):
        return str(int(value))
    text = str(value)
    if not NAME.match(text):
        raise ValueError(f"in_literal takes names or numbers from code, not {value!r}")
    return f"'{text}'"


class InLiteral(Lookup):
    lookup_name = "in_literal"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        written_in = sorted({written(value) for value in self.rhs})
        if not written_in:
            raise ValueError("in_literal needs at least one value")
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(written_in)})", params


class ContainsLiteral(Lookup):
    lookup_name = "contains_literal"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        cast = connection.ops.lookup_cast("contains", self.lhs.output_field.get_internal_type())
        operator = connection.operators["contains"].replace(
            "%s", contains_pattern(self.rhs, connection)
        )
        return f"{cast % lhs} {operator}", params


def contains_pattern(text, connection) -> str:
    """`text` as the quoted LIKE pattern `contains` binds: its wildcards escaped as `contains`
    escapes them, and `%` doubled for the driver, since the statement still has placeholders
    for it to fill."""
    if not isinstance(text, str) or not NAMES.match(text):
        raise ValueError(f"contains_literal takes a name from code, not {text!r}")
    return "'%%" + connection.ops.prep_for_like_query(text) + "%%'"


CharField.register_lookup(InLiteral)
ForeignKey.register_lookup(InLiteral)
CharField.register_lookup(ContainsLiteral)
