"""gunicorn's settings for the web service (docker-compose.yml runs `gunicorn -c gunicorn.conf.py
protocol_portal.wsgi:application`), every value from the environment.

GUNICORN_WORKERS: processes (default 2 per CPU + 1). GUNICORN_THREADS: threads per process
(default 1; more suits waiting on PostgreSQL, as long as CONN_MAX_AGE connections fit).
GUNICORN_TIMEOUT: seconds before a silent worker is killed and replaced (default 30; the longest
page, a CSV export, takes a few seconds). GUNICORN_MAX_REQUESTS (+ _JITTER): a worker is
replaced after about this many requests, so a slow leak never builds up, and not all at once.
FORWARDED_ALLOW_IPS: the proxies whose X-Forwarded-Proto gunicorn believes (default 127.0.0.1),
and only when PROXY_COUNT says a proxy is in front; Django reads the client address itself.
GUNICORN_BIND: default 0.0.0.0:8000.
"""

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
if _int("PROXY_COUNT", 0) == 0:
    # No proxy in front: gunicorn must not take HTTPS from a client's X-Forwarded-Proto either
    # (it would tell Django the request is secure and skip the redirect; security probe F14).
    secure_scheme_headers = {}
# Workers are forked after the application is imported: less memory, faster restarts.
preload_app = True


def when_ready(server):
    """The application is imported: its objects (modules, URL patterns, settings, templates
    compiled so far) move to the collector's permanent generation before any worker is forked,
    so a worker's collections never walk them again (a tenth of a batched chaser rung went on
    collecting, bench/README.md) and the pages they sit on stay shared with the master."""
    gc.collect()
    gc.freeze()


# The access log as one JSON object a line, like the application's own logs (LOG_FORMAT=json),
# with the request id the site sent back (protocol_portal/ops/access_log.py).
accesslog = "-"
errorlog = "-"
logger_class = "protocol_portal.ops.access_log.JsonAccessLogger"
