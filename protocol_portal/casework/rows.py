"""Set-based writes of many rows that the ORM makes slow, for the chaser batch and the outbox.

Django's `bulk_create` and `bulk_update` prepare every value of every row through its field
and build the statement from a compiled expression per value; at a chaser batch's size that was
more than the database's own work (bench/README.md, "Chaser firing"). Here each statement is
written once per batch, and each value is prepared as the ORM would prepare it, the cheap way
where that is the same thing. None of these writes history: `rows_update`'s caller writes it
(`history_rows_copy`), and `rows_insert` refuses a model that keeps any.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.constants import OnConflict
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object, get_history_manager_for_model

from protocol_portal.casework.models import Case

# Field classes (of a column, or of the key a foreign key points at) whose database value, on
# PostgreSQL, is the Python value itself when it is exactly this type: preparing it through the
# field would hand the driver the same object.
_AS_IS: tuple[tuple[type[Field], type], ...] = (
    (BooleanField, bool),
    (IntegerField, int),
    (CharField, str),
    (TextField, str),
)


def _preparer(field: Field) -> Callable[[object], object]:
    """How to prepare this field's values for the database, as `get_db_prep_save` would: the
    value itself where that is the same (None, or exactly the column's Python type; a datetime
    only when it carries its time zone), else `get_db_prep_save`. Only on PostgreSQL."""
    target = field.target_field if field.is_relation else field

    def prepared(value):
        return field.get_db_prep_save(value, connection=connection)

    if connection.vendor != "postgresql":
        return prepared
    if isinstance(target, DateTimeField):

        def moment(value):
            if value is None or (type(value) is datetime and value.tzinfo is not None):
                return value
            return prepared(value)

        return moment
    kind = next((kind for cls, kind in _AS_IS if isinstance(target, cls)), None)
    if kind is None:
        return prepared

    def as_is(value):
        return value if value is None or type(value) is kind else prepared(value)

    return as_is


def pre_saved(fields: Sequence[Field]) -> list[Field]:
    """Those of these fields whose `pre_save` does more than read the value (auto_now,
    auto_now_add, derived columns): the others' `pre_save` need not be called."""
    return [f for f in fields if type(f).pre_save is not Field.pre_save]


def rows_insert(
    objs: Sequence[Model], *, ignore_conflicts: bool = False, returning: Sequence[str] = ()
) -> list[tuple]:
    """Insert these new objects as `bulk_create` would (each field's `pre_save` with add=True,
    each value prepared for its column), in one statement (`_rows_source`). `ignore_conflicts`:
    a row that would break a unique constraint is left out (ON CONFLICT DO NOTHING).
    `returning`: the names of columns to hand back for each row written, in order (a row left
    out answers nothing); without it, nothing is returned. The objects' keys are not set.

    The objects must be of one model with an automatic key and no history of its own (the
    rows written are the record: timeline lines, access rows, outbox messages, notices).
    PostgreSQL only; elsewhere the ORM's insert does the same."""
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    if getattr(meta, "simple_history_manager_attribute", None):
        raise ValueError(f"{meta.label} keeps history: save it through the ORM")
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    answer = [meta.get_field(name) for name in returning]
    if connection.vendor != "postgresql" or not all(map(_unnestable, fields)):
        return _orm_insert(model, objs, fields, answer, ignore_conflicts)
    derived = set(pre_saved(fields))
    prepare = [_preparer(f) for f in fields]
    rows = [
        [
            prep(f.pre_save(obj, True) if f in derived else getattr(obj, f.attname))
            for f, prep in zip(fields, prepare, strict=True)
        ]
        for obj in objs
    ]
    source, params = _rows_source(fields, rows)
    qn = connection.ops.quote_name
    sql = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) {source}"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if answer:
        sql += " RETURNING " + ", ".join(qn(f.column) for f in answer)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if answer else []


def _unnestable(field: Field) -> bool:
    """Whether a column's values can travel as one typed array (Django's own test)."""
    target = field.target_field if field.is_relation else field
    return not hasattr(field, "get_placeholder") and (
        target.get_internal_type() in connection.data_types
    )


def _orm_insert(model, objs, fields, answer, ignore_conflicts) -> list[tuple]:
    if not answer:
        model._default_manager.bulk_create(objs, ignore_conflicts=ignore_conflicts)
        return []
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    rows: list[tuple] = []
    for start in range(0, len(objs), size):
        written = model._default_manager._insert(
            objs[start : start + size],
            fields=fields,
            returning_fields=answer,
            on_conflict=on_conflict,
        )
        rows += [tuple(row) for row in written if row is not None]  # one left out: [None]
    return rows


# The historical model's own columns, besides a copy of every tracked field.
_HISTORY_OWN = {"history_id", "history_date", "history_change_reason", "history_type"}


def history_rows_copy(model: type[Case], cases: Sequence[Case]) -> None:
    """One history entry per case (`~`, changed), as simple-history's `bulk_history_create`
    writes it, but copied by the database from the rows just written: one INSERT ... SELECT
    joined to each case's date, change reason and user, instead of a historical object built
    and prepared in Python for every case (a fifth of a chaser rung's time: bench/README.md,
    "Prepared statements and compiled reads"). The caller holds the rows' locks and has just
    stored the cases' values, so the rows are the cases. A historical model with columns of
    its own beyond simple-history's, or a database without UPDATE ... FROM's kin, gets
    `bulk_history_create`."""
    if not cases or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    manager = get_history_manager_for_model(model)
    history = manager.model
    tracked = {f.name for f in history.tracked_fields}
    others = [f for f in history._meta.concrete_fields if f.name not in tracked]
    if {f.name for f in others} != _HISTORY_OWN | {"history_user"} or not _has_update_from():
        manager.bulk_history_create(cases, update=True)
        return
    qn = connection.ops.quote_name
    meta, hmeta = model._meta, history._meta
    pk = meta.pk.column
    copied = [
        (hmeta.get_field(f.name).column, meta.get_field(f.name).column)
        for f in history.tracked_fields
    ]
    fields = [meta.pk, hmeta.get_field("history_date"), hmeta.get_field("history_change_reason")]
    fields.append(hmeta.get_field("history_user"))
    names = ", ".join(qn(c) for c, _ in copied)
    sources = ", ".join(f"c.{qn(source)}" for _, source in copied)
    per_statement = max(1, (connection.features.max_query_params or 30_000) // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(cases), per_statement):
            rows = []
            for case in cases[start : start + per_statement]:
                user = getattr(case, "_history_user", history.get_default_history_user(case))
                rows.append(
                    [
                        case.pk,
                        fields[1].get_db_prep_save(
                            getattr(case, "_history_date", None) or timezone.now(), connection
                        ),
                        get_change_reason_from_object(case) or "",
                        user.pk if user is not None else None,
                    ]
                )
            source, params = _rows_source(fields, rows)
            cursor.execute(
                f"WITH v (case_pk, moment, reason, person) AS ({source}) "
                f"INSERT INTO {qn(hmeta.db_table)} ({names}, {qn('history_date')}, "
                f"{qn('history_change_reason')}, {qn('history_type')}, "
                f"{qn(hmeta.get_field('history_user').column)}) "
                f"SELECT {sources}, v.moment, v.reason, '~', v.person "
                f"FROM {qn(meta.db_table)} c JOIN v ON c.{qn(pk)} = v.case_pk ORDER BY v.case_pk",
                params,
            )


def _array_type(field: Field) -> str:
    """The PostgreSQL array type of a column's values (without a length: nothing truncated)."""
    return field.db_type(connection).split("(")[0] + "[]"


def _rows_source(fields: Sequence[Field], rows: list[list]) -> tuple[str, list]:
    """A query of these rows of values, one column a field, and its parameters. On PostgreSQL
    one typed array a column (UNNEST: a few parameters however many rows, as Django's own bulk
    insert there), or, for a column whose values cannot travel as an array, a VALUES list with
    each value cast to its column's type (VALUES columns take their first row's type otherwise);
    elsewhere a VALUES list."""
    if connection.vendor != "postgresql":
        cell = ", ".join("%s" for _ in fields)
    elif all(map(_unnestable, fields)):
        arrays = ", ".join(f"(%s)::{_array_type(f)}" for f in fields)
        columns = [list(column) for column in zip(*rows, strict=True)]
        return f"SELECT * FROM UNNEST({arrays})", columns
    else:
        cell = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    return "VALUES " + ", ".join(f"({cell})" for _ in rows), [v for row in rows for v in row]


def _has_update_from() -> bool:
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 33)
    )


def rows_update(objs: Sequence[Model], names: Sequence[str]) -> None:
    """Store each object's own values of these fields: `bulk_update` in one statement.

    Django's `bulk_update` builds a CASE WHEN per row for every column, which cost a chaser
    batch more than the rest of its firing (bench/README.md). Here the rows' values are joined
    to the table on the primary key (`_rows_source`: PostgreSQL; SQLite 3.33 and newer, which
    has UPDATE ... FROM), each value prepared as `save()` would prepare it. Elsewhere it is
    `bulk_update`. Writes no history: the caller does (`_save_with_history`).
    """
    if not objs or not names:
        return
    model = type(objs[0])
    meta = model._meta
    if not _has_update_from():
        model._default_manager.bulk_update(objs, names)
        return
    columns = [meta.pk, *(meta.get_field(name) for name in names)]
    prepare = [_preparer(f) for f in columns]
    qn = connection.ops.quote_name
    table, key = qn(meta.db_table), qn(meta.pk.column)
    names_sql = ", ".join(qn(f.column) for f in columns)
    sets = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in columns[1:])
    per_statement = max(1, (connection.features.max_query_params or 30_000) // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            rows = [
                [prep(getattr(obj, f.attname)) for f, prep in zip(columns, prepare, strict=True)]
                for obj in objs[start : start + per_statement]
            ]
            source, params = _rows_source(columns, rows)
            cursor.execute(
                f"WITH v ({names_sql}) AS ({source}) "
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.{key} = v.{key}",
                params,
            )
