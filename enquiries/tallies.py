"""Stored totals for the SLA dashboard on PostgreSQL: what each post's enquiries add up to.

The dashboard counts the enquiries its reader may open, by directorate, month received and
channel. Counted from the enquiries themselves, that grows with a council's casework: at a
million enquiries Southwark's triage team may open 193,000, and its dashboard took 250 ms
against 55 at 100,000 (bench/README.md, "Stored totals"). Here the totals are kept as the
casework changes, so the dashboard reads a few hundred stored rows whatever the volume.

**What is stored.** `SlaTally` rows: for a post, a council, a directorate, a month received
and a channel, how many enquiries the post may open (an open access row with `view_enquiry`,
casework.access — the one policy; nothing here decides who sees what), how many of them were
answered, answered on time, closed or referred without needing an answer, the working days
their answers took and how many of those are recorded. Enquiries without a due date are not
counted, as on the dashboard.

**Who keeps it.** PostgreSQL, by triggers (`TRIGGERS`) in the transaction that changes the
rows — on the access rows one per statement, on an enquiry one that runs only when a value the
totals count has changed (a chaser's rung changes none): whatever writes a row — a service, a bulk
update, the admin, a migration, the bench's seeding — the totals follow, with nothing to call.
A trigger appends signed rows (+1 for each enquiry a post came to see or a value it now counts,
-1 for what it no longer does) and never updates one, so two transactions never wait on each
other's totals; `fold` adds each post's rows up into one per key (Celery beat, every ten
minutes, `enquiries.tasks.fold_sla_tallies`). `rebuild` counts everything again from the
enquiries and their access rows (`manage.py sla_tallies --rebuild`; the migration that made the
table ran it), and `manage.py sla_tallies --check` compares the stored totals with a count made
afresh.

**The day.** Whether an unanswered enquiry counts depends on the day: it counts, as late (or,
closed without needing an answer, as met), once its due date has passed. So unanswered enquiries
are kept under their due date (`pending_due`), and the dashboard takes out those due today or
later (`enquiries.selectors.dashboard`): one read, no enquiry counted live. A key then has a row
for each due date of its unanswered enquiries, a few dozen at most, however many there are.

**Where it is used.** A reader whose sight of enquiries comes from one post alone
(`casework.access.sole_post`): the triage team, a Director, the Chief Executive. Someone who
holds two posts, or who may open enquiries in person (a councillor who is also an officer),
gets the count made from the enquiries, as on SQLite, where nothing is stored.
"""

from __future__ import annotations

from django.db import connection

# An access row that lets its post open an enquiry (as casework.access.visible asks it).
# Statements are always run with parameters (none), so a percent sign is written twice.
_VIEWING = "a.until IS NULL AND a.perms LIKE '%%,view_enquiry,%%'"
_ENQUIRY_TYPE = (
    "(SELECT id FROM django_content_type WHERE app_label = 'enquiries' AND model = 'enquiry')"
)
# An enquiry's access row through which a post may open it.
_POST_SEES = f"a.case_type_id = {_ENQUIRY_TYPE} AND a.post_id IS NOT NULL AND {_VIEWING}"
_MEASURES = (
    "received",
    "answered",
    "answered_on_time",
    "met_unanswered",
    "spent",
    "spent_n",
    "legacy",
)
# An unanswered enquiry is kept under its due date (`pending_due`), an answered one under none:
# whether an unanswered one counts yet depends on the day the dashboard is read.
_KEY = ("post_id", "council_id", "directorate_id", "received_month", "channel", "pending_due")


def _grouped(source: str) -> str:
    """Signed totals by key, given `source`: a query of rows (post_id, council_id,
    directorate_id, received_month, channel, due_on, responded_at, sla_met,
    answered_working_days, sign). Keys whose totals are all nought are left out."""
    sums = (
        "SUM(c.sign)",
        "SUM(c.sign) FILTER (WHERE c.responded_at IS NOT NULL)",
        "SUM(c.sign) FILTER (WHERE c.responded_at IS NOT NULL AND c.sla_met)",
        "SUM(c.sign) FILTER (WHERE c.responded_at IS NULL AND c.sla_met)",
        "SUM(c.sign * c.answered_working_days)",
        "SUM(c.sign) FILTER (WHERE c.answered_working_days IS NOT NULL)",
        "SUM(c.sign) FILTER (WHERE c.responded_at IS NOT NULL AND c.answered_working_days IS NULL)",
    )
    summed = ", ".join(f"COALESCE({s}, 0) AS {m}" for s, m in zip(sums, _MEASURES, strict=True))
    nought = " OR ".join(f"g.{m} <> 0" for m in _MEASURES)
    return (
        "SELECT g.* FROM ("
        "SELECT c.post_id, c.council_id, c.directorate_id, c.received_month, c.channel,"
        f" CASE WHEN c.responded_at IS NULL THEN c.due_on END AS pending_due, {summed}"
        f" FROM ({source}) c WHERE c.due_on IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6"
        f") g WHERE {nought}"
    )


def _append(source: str, folded: bool = False) -> str:
    """The statement that appends the signed totals of `source` (`_grouped`)."""
    columns = ", ".join((*_KEY, *_MEASURES, "folded"))
    return (
        f"INSERT INTO enquiries_slatally ({columns}) "
        f"SELECT t.*, {'TRUE' if folded else 'FALSE'} FROM ({_grouped(source)}) t"
    )


_VALUES = (
    "e.council_id, e.directorate_id, e.received_month, e.channel, e.due_on, e.responded_at,"
    " e.sla_met, e.answered_working_days"
)


def _access_changed(before: str, after: str) -> str:
    """A trigger function's statement for a change of access rows: each (post, enquiry) pair
    whose post could open the enquiry before the statement and cannot now counts -1, and the
    other way +1. `before`/`after`: the transition tables ("" where the event has none).

    Counted, not probed: the table, read in an AFTER trigger, already holds the change, so a
    pair's rows granting sight before the statement are its rows now, less those the statement
    wrote (`after`), plus those it took away or changed (`before`). One index read per pair and
    one pass over each transition table, however many rows the statement wrote (a probe of a
    transition table for each pair, which has no index, made a seeding batch quadratic)."""
    sides = []
    if after:
        sides.append(f"SELECT t.post_id, t.case_id, 1 AS added, 0 AS removed FROM {after} t")
    if before:
        sides.append(f"SELECT t.post_id, t.case_id, 0 AS added, 1 AS removed FROM {before} t")
    written = " UNION ALL ".join(
        f"{side} WHERE t.post_id IS NOT NULL AND t.case_type_id = {_ENQUIRY_TYPE}"
        f" AND {_VIEWING.replace('a.', 't.')}"
        for side in sides
    )
    now = (
        "(SELECT COUNT(*) FROM casework_caseaccess a WHERE a.post_id = w.post_id"
        f" AND a.case_type_id = {_ENQUIRY_TYPE} AND a.case_id = w.case_id AND {_VIEWING})"
    )
    pairs = (
        "SELECT p.post_id, p.case_id, (p.now > 0)::int - (p.now - p.added + p.removed > 0)::int"
        f" AS sign FROM (SELECT w.post_id, w.case_id, {now} AS now, SUM(w.added) AS added,"
        f" SUM(w.removed) AS removed FROM ({written}) w GROUP BY w.post_id, w.case_id) p"
    )
    return _append(
        f"SELECT d.post_id, {_VALUES}, d.sign FROM ({pairs}) d"
        " JOIN enquiries_enquiry e ON e.id = d.case_id WHERE d.sign <> 0"
    )


def _viewers(ids: str = "") -> str:
    """(post, enquiry) pairs where the post may open the enquiry: of the enquiries `ids` (an
    SQL list or query), or of every enquiry."""
    of = f" AND a.case_id IN ({ids})" if ids else ""
    return f"SELECT DISTINCT a.post_id, a.case_id FROM casework_caseaccess a WHERE {_POST_SEES}{of}"


# What the totals count, compared between an enquiry's old and new values.
_COUNTED = (
    "council_id",
    "directorate_id",
    "received_month",
    "channel",
    "due_on IS NULL",
    "responded_at IS NULL",
    "sla_met",
    "answered_working_days",
)


def _enquiry_changed() -> str:
    """A row trigger's statement for an enquiry whose counted values changed (the trigger's
    condition, `_CHANGED`, lets no other row reach it: a chaser's update of a batch, which
    changes none of them, runs nothing): every post that may open it counts its old values -1
    and its new ones +1."""
    viewers = _viewers("NEW.id")
    side = "SELECT v.post_id, {values}, {sign} FROM ({viewers}) v"
    return _append(
        side.format(values=_VALUES.replace("e.", "OLD."), sign="-1 AS sign", viewers=viewers)
        + " UNION ALL "
        + side.format(values=_VALUES.replace("e.", "NEW."), sign="1", viewers=viewers)
    )


_CHANGED = (
    f"({', '.join(f'OLD.{c}' for c in _COUNTED)})"
    f" IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in _COUNTED)})"
)


def _enquiries_deleted() -> str:
    return _append(
        f"SELECT v.post_id, {_VALUES}, -1 AS sign FROM ({_viewers('SELECT id FROM old_rows')}) v"
        " JOIN old_rows e ON e.id = v.case_id"
    )


def _function(name: str, statement: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {statement}; RETURN NULL; END $$"
    )


def _trigger(name: str, event: str, table: str, each: str) -> str:
    return f"CREATE TRIGGER {name} AFTER {event} ON {table} {each} EXECUTE FUNCTION {name}()"


# (trigger and function name, event, table, for each statement or row, what it runs)
TRIGGERS = (
    (
        "sla_tally_access_inserted",
        "INSERT",
        "casework_caseaccess",
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT",
        _access_changed("", "new_rows"),
    ),
    (
        "sla_tally_access_updated",
        "UPDATE",
        "casework_caseaccess",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT",
        _access_changed("old_rows", "new_rows"),
    ),
    (
        "sla_tally_access_deleted",
        "DELETE",
        "casework_caseaccess",
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT",
        _access_changed("old_rows", ""),
    ),
    (
        "sla_tally_enquiry_updated",
        "UPDATE",
        "enquiries_enquiry",
        f"FOR EACH ROW WHEN ({_CHANGED})",
        _enquiry_changed(),
    ),
    (
        "sla_tally_enquiry_deleted",
        "DELETE",
        "enquiries_enquiry",
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT",
        _enquiries_deleted(),
    ),
)


def install(schema_editor) -> None:
    """Create the triggers (PostgreSQL only) and count everything once."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, event, table, each, statement in TRIGGERS:
        schema_editor.execute(_function(name, statement), ())
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(_trigger(name, event, table, each))
    rebuild(schema_editor.connection)


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _event, table, _each, _statement in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def kept(using=None) -> bool:
    """Whether this database keeps the totals (PostgreSQL: its triggers keep them)."""
    return (using or connection).vendor == "postgresql"


def rebuild(using=None) -> int:
    """Count every post's totals again from the enquiries and their open access rows, in place
    of what is stored (one transaction); the number of rows written."""
    using = using or connection
    with using.cursor() as cursor:
        cursor.execute("DELETE FROM enquiries_slatally", [])
        cursor.execute(_append(_COUNTED_AFRESH, folded=True), [])
        return cursor.rowcount


# Every post's enquiries as counted from the access rows and the enquiries themselves.
_COUNTED_AFRESH = (
    f"SELECT v.post_id, {_VALUES}, 1 AS sign FROM ({_viewers()}) v"
    " JOIN enquiries_enquiry e ON e.id = v.case_id"
)


def _added_up(rows: str) -> str:
    """The totals of these stored rows (a table or a CTE's name) by key, keys whose totals are
    all nought left out."""
    key = ", ".join(_KEY)
    return (
        f"SELECT {key}, {', '.join(f'SUM({m}) AS {m}' for m in _MEASURES)}"
        f" FROM {rows} GROUP BY {key} HAVING {' OR '.join(f'SUM({m}) <> 0' for m in _MEASURES)}"
    )


def differences(using=None) -> list[tuple]:
    """Keys whose stored totals differ from a count made afresh: each as the afresh row or the
    stored one, marked "afresh" or "stored" (none when the totals are right)."""
    using = using or connection
    stored = _added_up("enquiries_slatally")
    afresh = _grouped(_COUNTED_AFRESH)
    with using.cursor() as cursor:
        cursor.execute(
            f"(SELECT 'afresh', * FROM (({afresh}) EXCEPT ({stored})) x)"
            f" UNION ALL (SELECT 'stored', * FROM (({stored}) EXCEPT ({afresh})) y)"
            " ORDER BY 2, 3, 4, 5, 6, 1",
            [],
        )
        return cursor.fetchall()


def fold(using=None) -> int:
    """Add up the rows appended since the last fold, post by post, into one row per key (keys
    whose totals are all nought go); the number of rows folded away. Rows appended meanwhile by
    transactions not yet committed are left for the next fold."""
    using = using or connection
    columns = ", ".join((*_KEY, *_MEASURES))
    with using.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM enquiries_slatally WHERE post_id IN"
            " (SELECT post_id FROM enquiries_slatally WHERE NOT folded) RETURNING *),"
            f" kept AS (INSERT INTO enquiries_slatally ({columns}, folded)"
            f" SELECT s.*, TRUE FROM ({_added_up('gone')}) s RETURNING 1)"
            " SELECT (SELECT COUNT(*) FROM gone) - (SELECT COUNT(*) FROM kept)",
            [],
        )
        return cursor.fetchone()[0]
