"""docker-compose.yml: a one-off migrate that the web, worker and beat wait for (so web replicas
never race to migrate), health checks that ask /health/, gunicorn run from gunicorn.conf.py."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_migrations_run_once_before_web_worker_and_beat_start():
    migrate = SERVICES["migrate"]
    assert "manage.py migrate --no-input" in migrate["command"]
    assert "manage.py load_councils" in migrate["command"]
    assert migrate["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in str(SERVICES[name]["command"])


def test_the_health_checks_ask_health():
    assert "/health/" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    worker = " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert "inspect ping" in worker
    assert "health_check health --no-http" in worker


def test_gunicorn_runs_from_its_config_file():
    assert SERVICES["web"]["command"].startswith("gunicorn -c gunicorn.conf.py ")
