"""CSRF on every state-changing URL, no unlisted `csrf_exempt`, and no bulk `.update()` on a
model whose history is kept (it would change rows without a history entry)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.test_idor_sweep import PUBLIC, _url, frozen_objects, provider_for, providers

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("protocol_portal", "enquiries", "complaints", "interests", "access_requests")
# file → why it may use csrf_exempt (none so far: DRF enforces CSRF for session auth itself).
CSRF_EXEMPT_ALLOWED: dict[str, str] = {}
# "file:function" → why a bulk update on a history-tracked model is acceptable.
BULK_UPDATE_ALLOWED: dict[str, str] = {
    "complaints/services.py:determination_supersede": (
        "an issued determination refuses save() by design (never edited); superseding stamps "
        "superseded_at/_reason/_by on the old row and then writes that row's history entry "
        "itself (actor, reason, time: test_superseding_a_determination_is_in_its_history); the "
        "new Determination row (history with the actor) and a timeline event record the rest"
    ),
    "protocol_portal/casework/retention.py:case_anonymise": (
        "the retention job redacts personal data, rewrites history itself and records the run"
    ),
    "enquiries/mail_retention.py:set_aside_expire": (
        "retention of set-aside email redacts personal data, rewrites history itself and "
        "records the run (as casework/retention.py:case_anonymise)"
    ),
    "protocol_portal/casework/retention.py:case_delete": (
        "the retention job unlinks protected foreign keys before deleting a case and its history"
    ),
}
__all__ = ["frozen_objects"]


def app_sources():
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def all_patterns():
    found = []

    def walk(patterns, prefix, namespace):
        for item in patterns:
            if isinstance(item, URLResolver):
                inner = item.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(item.url_patterns, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern) and not (prefix + str(item.pattern)).startswith(
                ("admin/", "api/schema", "api/docs")
            ):
                name = f"{namespace}:{item.name}" if namespace else item.name
                found.append((name, frozenset(item.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "", None)
    return found


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_rejected(frozen_objects, capsys):
    o = frozen_objects
    table = providers(o)
    # An entitled person (the enquiry's raiser would do; any signed-in person meets the check
    # before the view runs) with CSRF enforced, as a browser is.
    client = Client(enforce_csrf_checks=True)
    client.force_login(o.intruders["enquiries"][0])
    wrong, tried = [], 0
    for name, kwargs in all_patterns():
        if name in PUBLIC or name == "interests-public-register-detail":
            continue
        row = provider_for(name, table)
        url = _url(name, kwargs, row[2] if row else {}) if kwargs - {"format"} else reverse(name)
        tried += 1
        response = client.post(url, {"x": "1"})
        if response.status_code != 403:
            wrong.append(f"POST {url}: {response.status_code}")
    with capsys.disabled():
        print(f"\n[CSRF] {tried} URLs posted to without a token: {len(wrong)} accepted")
    assert not wrong, "\n".join(wrong)


def test_no_csrf_exempt_outside_the_allow_list():
    found = []
    for path in app_sources():
        if "csrf_exempt" in path.read_text():
            rel = str(path.relative_to(ROOT))
            if rel not in CSRF_EXEMPT_ALLOWED:
                found.append(rel)
    assert not found, f"csrf_exempt used outside the allow-list: {found}"


def _tracked_model_names() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    }


def test_no_bulk_update_on_a_history_tracked_model(capsys):
    """`Model.objects.filter(...).update()` writes no history row: changes must go through a
    service that saves the instance with `_history_user` set."""
    tracked = _tracked_model_names()
    assert {"Enquiry", "Complaint", "Relationship"} <= tracked
    by_name = re.compile(r"\b(" + "|".join(sorted(tracked)) + r")\.objects\b")
    queryset = re.compile(r"\.(filter|exclude|all|select_for_update|select_related)\(")
    offenders, scanned = [], 0
    for path in app_sources():
        scanned += 1
        tree = ast.parse(path.read_text())
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            where = f"{path.relative_to(ROOT)}:{func.name}"
            for node in ast.walk(func):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "update"
                ):
                    continue
                receiver = ast.unparse(node.func.value)
                named = re.match(r"(\w+)\.objects\b", receiver)
                untracked = named is not None and named.group(1) not in tracked
                if (by_name.search(receiver) or (queryset.search(receiver) and not untracked)) and (
                    where not in BULK_UPDATE_ALLOWED
                ):
                    offenders.append(f"{where} line {node.lineno}: {receiver}.update(...)")
    offenders = sorted(set(offenders))
    with capsys.disabled():
        print(
            f"\n[audit] {scanned} app modules scanned for bulk .update() on "
            f"{len(tracked)} history-tracked models: {len(offenders)} found"
        )
    assert not offenders, "\n".join(offenders)


# Hand-written SQL that writes rows, with why its history is still written.
RAW_WRITE_ALLOWED: dict[str, str] = {
    "protocol_portal/casework/rows.py:rows_update": (
        "a chaser batch's case rows in one UPDATE; its only caller, _save_with_history, writes "
        "one history entry per case in the same transaction (test_chaser_batches compares the "
        "history with firing one case at a time)"
    ),
    "protocol_portal/casework/rows.py:history_rows_copy": (
        "writes the history entries themselves: one per case of a chaser batch, copied from the "
        "rows rows_update has just written (test_chaser_batches compares every column with "
        "simple-history's bulk_history_create for the same cases)"
    ),
    "protocol_portal/casework/rows.py:rows_insert": (
        "inserts new rows of models that keep no history (timeline lines, access rows, outbox "
        "messages, notices: the rows are the record); it refuses a model that keeps history "
        "(test_rows)"
    ),
    # The SLA dashboard's stored totals: derived figures, not a record (no history is kept for
    # them); what they add up — enquiries and access rows — keeps its own history.
    "enquiries/tallies.py:_append": (
        "the triggers' append of signed totals (and rebuild's), into enquiries_slatally only"
    ),
    "enquiries/tallies.py:rebuild": "empties enquiries_slatally before counting it afresh",
    "enquiries/tallies.py:fold": "adds enquiries_slatally's rows up into one per key",
}


def _sql_text(node: ast.AST) -> str:
    """A string literal's text; an f-string's with {} for each placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return ""


def test_no_hand_written_sql_writes_rows_outside_the_allow_list(capsys):
    """An UPDATE, INSERT or DELETE in an SQL string writes no history row either."""
    writes = re.compile(r"\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\b\s+[\"{\w]")
    found = []
    for path in app_sources():
        tree = ast.parse(path.read_text())
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            where = f"{path.relative_to(ROOT)}:{func.name}"
            body = func.body[1:] if ast.get_docstring(func) else func.body
            for node in (n for stmt in body for n in ast.walk(stmt)):
                text = _sql_text(node)
                if text and writes.search(text) and where not in RAW_WRITE_ALLOWED:
                    found.append(f"{where} line {node.lineno}: {text[:60]!r}")
    with capsys.disabled():
        print(f"\n[audit] hand-written SQL writes outside the allow-list: {len(found)}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_superseding_a_determination_is_in_its_history(frozen_objects, capsys):
    """The allow-listed bulk update in determination_supersede still leaves one attributed
    history entry on the superseded row."""
    from complaints import services
    from complaints.models import Determination
    from tests.security.conftest import AS_OF

    old = frozen_objects.determination
    actor = old.issued_by
    before = old.history.count()
    new = services.determination_supersede(
        determination=old,
        actor=actor,
        outcome="no_further_action",
        reasons="Looked again.",
        why="New evidence",
        as_of=AS_OF,
    )
    rows = Determination.history.filter(id=old.pk).order_by("-history_id")
    assert rows.count() == before + 1, "one history entry for the superseded row"
    top = rows.first()
    assert (top.history_user_id, top.superseded_by_id) == (actor.pk, new.pk)
    assert "New evidence" in top.history_change_reason
    with capsys.disabled():
        print("\n[audit] determination_supersede: superseded row has 1 attributed history entry")
