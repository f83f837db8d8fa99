"""A read whose shape never changes, compiled once.

Django builds and compiles a queryset each time it runs. For most reads that is a small part
of their cost, but the header every page shows (the reader's councils and roles, and their
unread notices that the access policy still lets them see) is a union of three queries, one
with the policy's correlated EXISTS, and compiling it cost three times what running it did
(bench/README.md, "Compiling and planning"). `Compiled` builds such a queryset once for each
database and set of constants, with stand-ins for the values that change between calls (a
person's id), keeps its SQL, and runs that with the values given.

`rows` gives the rows as the database driver returns them: for columns that need no conversion
(ids, text, counts). `objects` gives model instances, built from the rows as the queryset's own
iteration builds them (related records joined by `select_related`, annotations, deferred
fields): the enquiry page's read of its enquiry compiled in longer than it ran prepared. The
queryset is still written with the ORM, so the policy it applies stays the one in
casework.access.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins for the values a call gives. The build runs twice, with two sets: a parameter is
# a value's slot when it is that value's stand-in in both compilations, so a constant that
# happens to equal one stays a constant; SQL that differs between the two, or that has a
# stand-in written into it, is refused (see `_compile`). Small and positive, as an integer
# field's lookup with a value out of its range matches nothing and writes no SQL at all.
STAND_INS = (30_001, 30_501)
STAND_IN_TEXT = "compiled-stand-in-"


class Compiled:
    """`build(**values)` returns the queryset; `rows(key, **values)` runs it, `objects(key,
    **values)` runs it and builds its model instances. `key` names every constant the build
    reads from the database (content type ids, say): a different key is compiled afresh.
    Values are integers (ids) or strings (a reference)."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self._build = build
        self._compiled: dict[Hashable, _Statement] = {}

    def rows(self, key: Hashable = (), **values: int | str) -> list[tuple]:
        statement = self._statement(key, values)
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, statement.params(values))
            return cursor.fetchall()

    def objects(self, key: Hashable = (), **values: int | str) -> list[Model]:
        """The queryset's model instances, as iterating it would give them."""
        statement = self._statement(key, values)
        compiler = statement.compiler
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, statement.params(values))
            rows = cursor.fetchall()
        return _instances(compiler, rows)

    def _statement(self, key: Hashable, values: dict[str, int | str]) -> _Statement:
        names = tuple(sorted((name, type(value).__name__) for name, value in values.items()))
        cache_key = (connection.vendor, connection.alias, key, names)
        statement = self._compiled.get(cache_key)
        if statement is None:
            statement = self._compiled[cache_key] = self._compile(values)
        return statement

    def _compile(self, values: dict[str, int | str]) -> _Statement:
        names = sorted(values)
        compiled = []
        for first in STAND_INS:
            stand_ins = {_stand_in(first, i, values[name]): name for i, name in enumerate(names)}
            queryset = self._build(**{name: value for value, name in stand_ins.items()})
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            compiled.append((sql, tuple(params), stand_ins, compiler))
        (sql, params, stand_ins, compiler), (other_sql, other_params, other_ins, _) = compiled
        # A slot keeps the type its stand-in was given (psycopg's Int8 for a big integer
        # column, so PostgreSQL is told the parameter's type).
        slots = {
            i: (stand_ins[p], type(p))
            for i, (p, q) in enumerate(zip(params, other_params, strict=False))
            if _is_stand_in(p, stand_ins)
            and _is_stand_in(q, other_ins)
            and stand_ins[p] == other_ins[q]
        }
        missing = set(names) - {name for name, _ in slots.values()}
        written_in = [str(value) for value in stand_ins if str(value) in sql]
        if sql != other_sql or len(params) != len(other_params) or written_in:
            raise ValueError(f"cannot compile once: stand-ins {written_in} written into the SQL")
        if missing:
            raise ValueError(f"cannot compile once: {sorted(missing)} not bound as parameters")
        return _Statement(sql, params, slots, compiler)


class _Statement:
    """A compiled read: its SQL, its parameters with the slots the values fill, and the
    compiler that wrote it (which knows how its columns map onto model instances)."""

    def __init__(
        self, sql: str, constants: tuple, slots: dict[int, tuple[str, type]], compiler: SQLCompiler
    ) -> None:
        self.sql, self.constants, self.slots, self.compiler = sql, constants, slots, compiler

    def params(self, values: dict[str, int | str]) -> list:
        params = list(self.constants)
        for i, (name, kind) in self.slots.items():
            params[i] = kind(values[name])
        return params


def _stand_in(first: int, index: int, value: int | str) -> int | str:
    return first + index if type(value) is int else f"{STAND_IN_TEXT}{first + index}"


def _instances(compiler: SQLCompiler, rows: list[tuple]) -> list[Model]:
    """Model instances from a compiled statement's rows, as Django's ModelIterable builds them
    for a queryset without prefetching: the model's own columns, then each record joined by
    select_related, then the annotations. The compiler keeps, from writing the SQL, which
    column is whose (`select`, `klass_info`, `annotation_col_map`)."""
    select, klass_info = compiler.select, compiler.klass_info
    annotation_col_map = compiler.annotation_col_map
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    db = compiler.using
    populators = get_related_populators(klass_info, select, db)
    found = []
    for row in compiler.results_iter([rows]):
        obj = model.from_db(db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotation_col_map.items():
            setattr(obj, name, row[position])
        found.append(obj)
    return found


def _is_stand_in(param: object, stand_ins: dict[int | str, str]) -> bool:
    return isinstance(param, int | str) and not isinstance(param, bool) and param in stand_ins
