"""Repository-wide pytest hooks: the services gate, and what pytest-xdist needs to run in parallel.

Tests marked `services` need PostgreSQL, Redis and a real Celery worker. On a laptop without
them they are skipped with a reason; with REQUIRE_SERVICES=1 (as .ci/run sets) a skipped or
deselected services test fails the run, so CI can never go green without having run them.

Under pytest-xdist (`-n 2`, as .ci/run runs) each worker process has its own test database
(pytest-django adds `_gw0`, `_gw1`, ...), its own tmp_path, live server port and browser. The
`services` tests share one Redis broker database (one of them restarts Redis) and start Celery
workers that would take each other's tasks, so each holds a lock file while it runs: they run
one at a time, whichever worker has them. (xdist's `--dist loadgroup` cannot do this under
pytest 9: it groups by renaming node ids, which pytest 9 no longer lets it do.)

A worker's own output is thrown away by xdist, so figures a test prints past
pytest's capture (`with capsys.disabled(): print(...)`) are carried back on its report and
printed by the controller, as they would be without xdist.
"""

import contextlib
import fcntl
import io
import os
from pathlib import Path

import pytest

REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"
_services_ran: list[str] = []
_services_skipped: list[str] = []
_terminal: list = []  # the controller's terminal reporter, when tests run in xdist workers


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)  # after the terminal reporter is registered
def pytest_configure(config):
    if not _is_xdist_worker(config):
        terminal = config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None and config.getoption("numprocesses", None):
            _terminal.append(terminal)
        return
    from django.conf import settings

    # Uploads that a test does not send to its own tmp_path stay apart from the other workers'.
    worker = config.workerinput["workerid"]
    settings.MEDIA_ROOT = settings.VAR_DIR / "xdist" / worker / "attachments"
    config.pluginmanager.register(_FiguresFromWorker(config), "portal-figures-from-worker")


# Under xdist the longest tests start first, so that no worker is left running one of them alone
# at the end (each is a single test of a minute or more on a 2-core machine).
_LONGEST_FIRST = (
    "tests/enquiries/test_councils.py::test_every_flag_at_every_council",
    "tests/org/test_council_fixtures.py::test_every_rule_resolves_to_a_real_post",
    "tests/security/test_api_fuzz.py",
    "tests/browser/test_accessibility_all_pages.py",
    "tests/security/test_permission_matrix.py",
    "tests/security/test_list_leakage.py",
    "tests/access_requests/test_state_machine.py",
    "tests/security/test_idor_sweep.py",
    "tests/browser/",
    "tests/security/",
)


def _longest_first(item) -> int:
    for rank, prefix in enumerate(_LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(_LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    if _is_xdist_worker(config):
        items.sort(key=_longest_first)  # stable: the order within each rank is kept


class _FiguresFromWorker:
    """In an xdist worker: keep what a test prints with capture disabled and send it back on
    the test's report (the worker's own stdout is /dev/null)."""

    def __init__(self, config):
        self.printed: list[str] = []
        capman = config.pluginmanager.getplugin("capturemanager")
        disabled = capman.global_and_fixture_disabled

        @contextlib.contextmanager
        def keeping_what_is_printed():
            with disabled():
                buffer = io.StringIO()
                try:
                    with contextlib.redirect_stdout(buffer):
                        yield
                finally:
                    self.printed.append(buffer.getvalue())

        capman.global_and_fixture_disabled = keeping_what_is_printed

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        text = "".join(self.printed)
        self.printed.clear()
        if text.strip():
            # TestReport keeps unknown keyword arguments, so xdist carries this to the controller.
            outcome.get_result().portal_printed = text


def pytest_runtest_logreport(report):
    printed = getattr(report, "portal_printed", "")
    if printed and _terminal:
        # In the controller: what a worker's test printed past capture, as its report arrives.
        _terminal[0].write("\n" + printed.strip("\n") + "\n")
    if "services" not in report.keywords:
        return
    if report.when == "call" and report.passed:
        _services_ran.append(report.nodeid)
    elif report.skipped:
        _services_skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRED or _is_xdist_worker(session.config):
        return
    if _services_skipped or not _services_ran:
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        terminal.write("\n")  # xdist's progress line does not end itself
        terminal.write_line(
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
def _one_services_test_at_a_time(request):
    """Under xdist, a `services` test holds var/services-tests.lock from before its first
    fixture until after its last (autouse, so set up before the test's own fixtures)."""
    if "services" not in request.keywords or not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    lock = Path(__file__).resolve().parent / "var" / "services-tests.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


@pytest.fixture(autouse=True)
def _celery_inline_unless_services(request):
    """Unit tests run tasks inline; `services` tests publish to the real broker and worker."""
    from protocol_portal.celery import app

    app.conf.task_always_eager = "services" not in request.keywords
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
