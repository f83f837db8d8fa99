"""Repository-wide pytest hooks: the services gate.

Tests marked `services` need PostgreSQL, Redis and a real Celery worker. On a laptop without
them they are skipped with a reason; with REQUIRE_SERVICES=1 (as .ci/run sets) a skipped or
deselected services test fails the run, so CI can never go green without having run them.
"""

import os

import pytest

REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"
_services_ran: list[str] = []
_services_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if "services" not in report.keywords:
        return
    if report.when == "call" and report.passed:
        _services_ran.append(report.nodeid)
    elif report.skipped:
        _services_skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRED:
        return
    if _services_skipped or not _services_ran:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"REQUIRE_SERVICES=1 but {len(_services_skipped)} services test(s) were skipped "
            f"and {len(_services_ran)} ran: failing the run."
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _services_ran or _services_skipped:
        terminalreporter.write_line(
            f"services tests (PostgreSQL/Redis/Celery worker): {len(_services_ran)} passed, "
            f"{len(_services_skipped)} skipped"
        )


@pytest.fixture(autouse=True)
def _celery_inline_unless_services(request):
    """Unit tests run tasks inline; `services` tests publish to the real broker and worker."""
    from protocol_portal.celery import app

    app.conf.task_always_eager = "services" not in request.keywords
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
