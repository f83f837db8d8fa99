"""`bin/up`: it serves where PORT says, prints where to sign in and the demo logins, turns the
demo logins page on, points email links at the port served, and stops the site and the worker
on TERM. The script runs for real against stand-ins for Python, Celery and bin/setup."""

import os
import shutil
import signal
import subprocess
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from protocol_portal.org.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]

FAKE = """#!/usr/bin/env bash
# The worker's stand-in sets its TERM trap before it says it is running, and the site's stand-in
# waits until it has: otherwise, on a loaded machine, bin/up could stop the worker before its
# stand-in had started and the test would see no "worker stopped" (CI stop 19).
# Each stand-in that waits for TERM traps it before it writes its line: the test sends TERM as
# soon as it reads "runserver" in the log (CI stop 21: the site's trap came after its line).
case "$*" in *worker*) trap 'echo "worker stopped" >> "$LOG"; exit 0' TERM ;; esac
if [ -n "${HOLD:-}" ]; then
  case "$*" in *runserver*) trap 'echo "runserver stopped" >> "$LOG"; exit 0' TERM ;; esac
fi
echo "$(basename "$0") $* DEMO=${DEMO:-} PORTAL_BASE_URL=${PORTAL_BASE_URL:-}" >> "$LOG"
case "$*" in
  *runserver*)
    for _ in $(seq 400); do grep -q "^celery .*worker" "$LOG" && break; sleep 0.05; done
    if [ -n "${HOLD:-}" ]; then while :; do sleep 0.05; done; fi ;;
  *worker*) while :; do sleep 0.05; done ;;
esac
"""


@pytest.fixture
def clone(tmp_path):
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "up", tmp_path / "bin" / "up")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("python", "celery"):
        (venv / name).write_text(FAKE)
        (venv / name).chmod(0o755)
    (tmp_path / "bin" / "setup").write_text("#!/usr/bin/env bash\nmkdir -p var\n")
    (tmp_path / "bin" / "setup").chmod(0o755)
    return tmp_path


def _up(clone, **env):
    log = clone / "calls.log"
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PORT", "PORTAL_BASE_URL", "DEMO")
    }
    result = subprocess.run(
        ["bash", str(clone / "bin" / "up")],
        env=environment | {"LOG": str(log)} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result, log.read_text().splitlines()


@pytest.mark.parametrize(
    ("port", "served", "url"),
    [
        (None, "127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8103", "127.0.0.1:8103", "http://127.0.0.1:8103"),
        ("0.0.0.0:8104", "0.0.0.0:8104", "http://127.0.0.1:8104"),
    ],
)
def test_bin_up_serves_where_port_says(clone, port, served, url):
    result, calls = _up(clone, **({"PORT": port} if port else {}))
    assert result.returncode == 0, result.stderr
    steps = [c.split(" DEMO=")[0] for c in calls]
    assert steps[:3] == [
        "python manage.py migrate --no-input",
        "python manage.py load_councils",
        "python manage.py seed_demo",
    ]
    assert f"python manage.py demo_banner {served} --pid" in "\n".join(steps)
    serve = next(c for c in calls if "runserver" in c)
    assert serve.startswith(f"python manage.py runserver {served} ")
    assert f"DEMO=true PORTAL_BASE_URL={url}" in serve
    assert "worker stopped" in calls  # the worker does not outlive the site


def test_bin_up_stops_site_and_worker_on_term(clone):
    log = clone / "calls.log"
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    process = subprocess.Popen(
        ["bash", str(clone / "bin" / "up")],
        env=env | {"LOG": str(log), "HOLD": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):  # until the site is up (polling a file, not sleeping on time)
            if log.exists() and "runserver" in log.read_text():
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        process.kill()
    calls = log.read_text()
    assert "runserver stopped" in calls
    assert "worker stopped" in calls


def test_the_banner_says_where_to_sign_in_and_how_to_pick_the_port():
    out = StringIO()
    call_command("demo_banner", "0.0.0.0:8103", pid="4242", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8103/login/" in text
    assert "http://127.0.0.1:8103/demo/logins/" in text
    assert DEMO_PASSWORD in text
    assert "username is admin" in text
    assert "PORT=8103 bin/up" in text
    assert "kill 4242" in text
