"""What `bin/up` does on a fresh clone, in a fresh var directory: with the embedded broker, a
command that publishes a task (seed_demo's acknowledgements) must not find its folders missing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_broker_works_in_an_empty_var_directory(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
    } | {"PORTAL_VAR_DIR": str(tmp_path / "var")}
    publish = (
        "import django; django.setup();"
        "from protocol_portal.celery import app;"
        "app.send_task('protocol_portal.casework.tasks.deliver_pending_outbox')"
    )
    result = subprocess.run(
        [sys.executable, "-c", publish],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "protocol_portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(list((tmp_path / "var" / "celery" / "queue").iterdir())) == 1
    assert not (ROOT / "control").exists(), "the broker writes only under the var directory"
