"""The case-type kit: the kernel knows no case type by name; each case app registers one
`CaseTypeSpec` and the kernel serves it from the registry (navigation, home panels, retention
defaults, routing case types, hooks)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from protocol_portal.casework import retention
from protocol_portal.casework.conflicts import _checkers
from protocol_portal.casework.registry import case_apps, spec_for
from protocol_portal.org.models import CaseType
from protocol_portal.web.context_processors import _navigation

CASE_APPS = ("enquiries", "complaints", "interests", "access_requests")
KERNEL = ("protocol_portal/org", "protocol_portal/casework", "protocol_portal/web")
KERNEL_FILES = (
    "protocol_portal/working_days",
    "protocol_portal/api.py",
    "protocol_portal/api_parsers.py",
)
# Configuration may name the case apps; subject_access.py is another change's (PORTAL_APPS).
ALLOWED_FILES = {"settings.py", "urls.py", "celery.py", "subject_access.py"}
# Strings that merely look like an app name: (file, string, why).
NOT_APP_NAMES = {
    # The demo login of a council's complaints team post ("<council>.complaints"), not the app.
    ("protocol_portal/org/demo.py", "complaints"),
    # A model field's help text: changing it needs a migration of the kernel; left as it is.
    ("protocol_portal/casework/models.py", "The case model, e.g. complaints.Complaint."),
}
_NAMES = re.compile(r"(?<![\w-])(" + "|".join(CASE_APPS) + r")(?![\w-])")


def _kernel_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    files = [
        path
        for part in (*KERNEL, *KERNEL_FILES)
        for path in ([root / part] if part.endswith(".py") else sorted((root / part).rglob("*.py")))
        if "migrations" not in path.parts and path.name not in ALLOWED_FILES
    ]
    assert len(files) > 20, "the kernel was found"
    return files


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *ast.walk(tree)]
    return {
        id(node.body[0].value)
        for node in nodes
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _names_of_case_apps(path: Path) -> list[str]:
    """Identifiers, imports and string values (not docstrings or comments) naming a case app."""
    relative = path.relative_to(settings.BASE_DIR).as_posix()
    tree = ast.parse(path.read_text())
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            texts = [node.id]
        elif isinstance(node, ast.Attribute):
            texts = [node.attr]
        elif isinstance(node, ast.alias):
            texts = [node.name]
        elif isinstance(node, ast.ImportFrom):
            texts = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings or (relative, node.value) in NOT_APP_NAMES:
                continue
            texts = [node.value]
        else:
            continue
        found += [f"{relative}:{node.lineno}: {t!r}" for t in texts if _NAMES.search(t)]
    return found


def test_no_kernel_module_names_a_case_app():
    """The kernel knows no case type (STYLE: the kernel never imports a case app; the code
    review A3 found it named them in five places): it iterates the registry instead."""
    named = [hit for path in _kernel_modules() for hit in _names_of_case_apps(path)]
    assert named == []


def test_the_check_sees_a_case_app_named_in_the_kernel(tmp_path, settings):
    (tmp_path / "k.py").write_text(
        '"""Docstrings may say complaints.Complaint."""\n'
        'NAV = ("Complaints", "complaints:list")\n'
        "from access_requests import home\n"
        "DEFAULT = {'enquiries.Enquiry': 24}\n"
    )
    settings.BASE_DIR = tmp_path
    hits = _names_of_case_apps(tmp_path / "k.py")
    assert sorted(h.split(": ", 1)[1] for h in hits) == [
        "'access_requests'",
        "'complaints:list'",
        "'enquiries.Enquiry'",
    ]


def test_each_case_app_registers_one_spec():
    assert [spec.app_label for spec in case_apps()] == [
        "enquiries",
        "complaints",
        "interests",
        "access_requests",
    ]
    # The FOI clock rides on the need-to-know spec and is swept like it.
    assert spec_for("access_requests.FoiRequest").on_rung is not None


def test_every_routing_case_type_belongs_to_one_case_app():
    claimed = [value for spec in case_apps() for value in spec.routing_case_types]
    assert sorted(claimed) == sorted(CaseType.values)


def test_every_case_model_has_its_apps_retention_default():
    """Complaints and interests cases six years, enquiries and need-to-know two (retention.py)."""
    months = {
        model._meta.label: retention.retention_default(model._meta.label)[0]
        for model in retention.case_models()
    }
    assert months == {
        "access_requests.AccessRequest": 24,
        "access_requests.FoiRequest": 24,
        "complaints.Complaint": 72,
        "enquiries.Enquiry": 24,
        "interests.ActingAgainstNotice": 72,
        "interests.AdviceRequest": 72,
        "interests.RegisterReturn": 72,
        "interests.Relationship": 72,
    }
    assert retention.retention_default("someapp.NewCase") == retention.FALLBACK


def test_the_conflict_checker_comes_from_the_interests_spec():
    assert spec_for("interests.RegisterReturn").conflict_checker in _checkers


class _Council:
    def __init__(self, **roles):
        for role in ("member", "officer", "monitoring", "member_services"):
            setattr(self, f"is_{role}", roles.get(role, False))


class _User:
    is_authenticated = True
    is_superuser = False
    is_staff = False


@pytest.mark.parametrize(
    ("roles", "enquiries_link"),
    [
        ({"member": True}, "/enquiries/"),
        ({"officer": True}, "/enquiries/queue/"),
        ({}, None),
    ],
)
def test_navigation_comes_from_the_specs(rf, roles, enquiries_link):
    request = rf.get("/")
    items = {i["text"]: i["href"] for i in _navigation(request, _User(), [_Council(**roles)])}
    assert items.get("Enquiries") == enquiries_link
    assert list(items)[:1] + [t for t in items if t != "Enquiries"][1:4] == [
        "Home",
        "Complaints",
        "Interests",
        "Need to know",
    ]
    assert apps.is_installed("enquiries")


def test_a_site_with_no_conflict_checker_fails_its_system_check():
    """Code review A3: removing the app that registers the checker made every conflict check
    answer "none" silently (fail open); `manage.py check` now fails instead."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from protocol_portal.casework.checks import conflict_checker_registered
    from protocol_portal.casework.conflicts import register_checker, unregister_checker

    assert conflict_checker_registered() == []
    call_command("check")
    registered = list(_checkers)
    for checker in registered:
        unregister_checker(checker)
    try:
        errors = conflict_checker_registered()
        assert [e.id for e in errors] == ["casework.E001"]
        with pytest.raises(SystemCheckError, match="No conflict checker is registered"):
            call_command("check")
    finally:
        for checker in registered:
            register_checker(checker)
    assert conflict_checker_registered() == []
