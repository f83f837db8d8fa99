"""A read whose shape never changes, compiled once.

Django builds and compiles a queryset each time it runs. For most reads that is a small part
of their cost, but the header every page shows (the reader's councils and roles, and their
unread notices that the access policy still lets them see) is a union of three queries, one
with the policy's correlated EXISTS, and compiling it cost three times what running it did
(bench/README.md, "Compiling and planning"). `Compiled` builds such a queryset once for each
database and set of constants, with stand-ins for the values that change between calls (a
person's id), keeps its SQL, and runs that with the values given.

The rows come as the database driver returns them: for columns that need no conversion (ids,
text, counts). The queryset is still written with the ORM, so the policy it applies stays the
one in casework.access.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import QuerySet

# Negative, so never a primary key: stand-ins for the values a call gives. A compiled query
# whose SQL or constants happened to contain one would be refused, not run (see `_compile`).
STAND_IN = -48_151_623


class Compiled:
    """`build(**values)` returns the queryset; `rows(key, **values)` runs it. `key` names every
    constant the build reads from the database (content type ids, say): a different key is
    compiled afresh. Values are integers (ids)."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self._build = build
        self._compiled: dict[Hashable, tuple[str, tuple, dict[int, str]]] = {}

    def rows(self, key: Hashable = (), **values: int) -> list[tuple]:
        cache_key = (connection.vendor, connection.alias, key, tuple(sorted(values)))
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            compiled = self._compiled[cache_key] = self._compile(sorted(values))
        sql, constants, slots = compiled
        params = [values[slots[i]] if i in slots else value for i, value in enumerate(constants)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compile(self, names: list[str]) -> tuple[str, tuple, dict[int, str]]:
        stand_ins = {STAND_IN - index: name for index, name in enumerate(names)}
        queryset = self._build(**{name: value for value, name in stand_ins.items()})
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        slots = {i: stand_ins[p] for i, p in enumerate(params) if _is_stand_in(p, stand_ins)}
        missing = set(names) - set(slots.values())
        written_in = [str(value) for value in stand_ins if str(value) in sql]
        if missing or written_in:
            raise ValueError(
                f"cannot compile once: {sorted(missing)} not bound as parameters"
                if missing
                else f"stand-ins {written_in} written into the SQL"
            )
        return sql, tuple(params), slots


def _is_stand_in(param: object, stand_ins: dict[int, str]) -> bool:
    return type(param) is int and param in stand_ins
