"""Users at once over HTTP: the portal and django-helpdesk 2.6.1 under gunicorn + PostgreSQL.

    bench/peer/install                                          # once: the peer's virtualenv
    .venv/bin/python bench/load.py --n 2000 --seconds 20        # a trial
    .venv/bin/python bench/load.py                              # 100,000 cases, 60 s a side

Seeds both at --n on one PostgreSQL server exactly as bench/side_by_side.py does (two fresh
databases, dropped at the end), then for each side in turn starts gunicorn on 127.0.0.1 (a free
port; --workers processes, 2 by default) and drives --users closed-loop users (20) for
--seconds (60): each user, signed in as a real seeded user (a session in the database, as a
login leaves), sends its next request as soon as the last one is answered, drawing what to do
from the same mix on both sides:

    queue 35%   the portal: the officer's own queue (triage: the triage queue);
                helpdesk: its ticket-list data view (all open tickets, 25 rows)
    case 35%    the portal: an enquiry page from the user's queue; helpdesk: a ticket page
    home 15%    the portal: the home page; helpdesk: its dashboard
    create 5%   the form, then submitting it: the portal: a member logs an enquiry;
                helpdesk: the staff user opens a ticket
    action 10%  the form, then submitting it: the portal: the officer changes an enquiry's
                flags (policy or not); helpdesk: the staff user adds a follow-up

It reports, per side, requests answered a second, median and p95 per kind of request and
errors (anything but 200 for a page and a redirect for a submitted form), with the load
average. Only 127.0.0.1 is ever contacted; every request has a 30 s timeout; the run stops by
itself. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.enquiries import verified_client  # noqa: E402 - after the path is set
from bench.measure import percentile  # noqa: E402
from bench.side_by_side import (  # noqa: E402
    PEER_PYTHON,
    LoadSampler,
    both_databases,
    reporter,
    seed_both,
)

HOST = "127.0.0.1"  # the only address this script ever sends to
MIX = {"queue": 35, "case": 35, "home": 15, "create": 5, "action": 10}
KINDS = [
    "queue",
    "case",
    "home",
    "create: form",
    "create: submit",
    "action: form",
    "action: submit",
]
TIMEOUT = 30
MAX_SECONDS = 600
MAX_USERS = 50
# One key for the sessions made here and the servers that read them (a session carries an HMAC of
# the user's password hash made with it). Bench only.
SECRET_KEY = "bench-load-only-not-a-secret-" + "x" * 40


# --------------------------------------------------------------------------- forms


class Forms(HTMLParser):
    """The forms of a page: action, method and fields as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
            self._form["fields"] = []
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            checked = "checked" in a
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form["fields"].append(
                {"name": name, "type": kind, "value": a.get("value", default), "checked": checked}
            )
        elif tag == "select" and name:
            self._select = name
            self._form["fields"].append({"name": name, "type": "select", "options": []})
        elif tag == "option" and self._select is not None:
            field = self._form["fields"][-1]
            field["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].append({"name": name, "type": "textarea", "value": ""})

    def handle_data(self, data) -> None:
        if self._textarea is not None and self._form is not None:
            self._form["fields"][-1]["value"] += data

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _fill(data: dict, field: dict) -> None:
    """A field's value as the browser would send it untouched."""
    name = field["name"]
    if field["type"] in ("checkbox", "radio"):
        if field["checked"]:
            data[name] = field["value"]
        elif field["type"] == "radio":
            data.setdefault(name, field["value"])  # none checked: the first choice
    elif field["type"] == "select":
        chosen = [v for v, selected in field["options"] if selected and v]
        real = [v for v, _ in field["options"] if v]
        if chosen or real:
            data[name] = (chosen or real)[0]
    else:
        data.setdefault(name, field["value"])


def form_data(html: str, choose, overrides: dict) -> tuple[str, dict] | None:
    """(action, data) of the first POST form that `choose(action)` accepts, filled in as a
    browser leaves it (checked boxes, selected or first real option), then `overrides`
    (a value of None leaves the field out)."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] != "post" or not choose(form["action"]):
            continue
        data: dict = {}
        for field in form["fields"]:
            _fill(data, field)
        for name, value in overrides.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return form["action"], data
    return None


# --------------------------------------------------------------------------- users


class User:
    """One closed-loop user: its session, its pages, and what it does next."""

    def __init__(self, side: str, base: str, cookies: dict, plan: dict, seed_value: int):
        import requests

        self.side = side
        self.base = base
        self.cookies = dict(cookies)
        self.plan = plan
        self.rng = random.Random(seed_value)
        self.http = requests.Session()
        self.flag = False

    def _request(self, method: str, path: str, **kwargs):
        url = f"{self.base}{path}"
        assert url.startswith(f"http://{HOST}:"), url  # loopback only, whatever the plan says
        # Cookies by hand: the portal marks them Secure (as in production), and this is plain
        # HTTP on the loopback, where a cookie jar would hold them back.
        self.http.cookies.clear()
        response = self.http.request(
            method,
            url,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=TIMEOUT,
            **kwargs,
        )
        for name in ("csrftoken", "sessionid"):
            if name in response.cookies:
                self.cookies[name] = response.cookies[name]
        return response

    def timed(self, record, kind: str, method: str, path: str, ok, **kwargs):
        started = time.perf_counter()
        try:
            response = self._request(method, path, **kwargs)
            good = ok(response.status_code)
            where = response.headers.get("Location", "").split("?")[0]
            error = None if good else f"{kind}: answered {response.status_code} {where}".rstrip()
        except Exception as exc:  # noqa: BLE001 - a timeout or refused connection is a result
            response, error = None, f"{kind}: {type(exc).__name__}"
        record(kind, time.perf_counter() - started, error)
        return response if error is None else None

    def step(self, record) -> None:
        kind = self.rng.choices(list(MIX), list(MIX.values()))[0]
        plan = self.plan
        if kind in ("case", "action") and not plan["cases"]:
            kind = "queue"  # an empty queue: nothing to open
        page = lambda status: status == 200  # noqa: E731
        if kind == "queue":
            self.timed(record, "queue", "GET", plan["queue"], page)
        elif kind == "case":
            self.timed(record, "case", "GET", self.rng.choice(plan["cases"]), page)
        elif kind == "home":
            self.timed(record, "home", "GET", plan["home"], page)
        elif kind == "create":
            self.create(record)
        else:
            self.act(record)

    def create(self, record) -> None:
        """The create form, then submitting it (the portal: in a member's session)."""
        plan = self.plan
        page = lambda status: status == 200  # noqa: E731
        moved = lambda status: status in (301, 302, 303)  # noqa: E731
        cookies = self.cookies
        if "create_cookies" in plan:
            self.cookies = dict(plan["create_cookies"])
        try:
            form = self.timed(record, "create: form", "GET", plan["create"], page)
            if form is None:
                return
            filled = plan["fill_create"](form.text, self.rng)
            if filled is None:
                record("create: form", 0.0, "create: no form on the page")
                return
            action, data = filled
            self.timed(record, "create: submit", "POST", action or plan["create"], moved, data=data)
        finally:
            if "create_cookies" in plan:
                plan["create_cookies"] = dict(self.cookies)
                self.cookies = cookies

    def act(self, record) -> None:
        """An action's form on one of the user's cases, then submitting it."""
        plan = self.plan
        page = lambda status: status == 200  # noqa: E731
        moved = lambda status: status in (301, 302, 303)  # noqa: E731
        path = self.rng.choice(plan["cases"])
        form_path = plan["action_form"](path)
        form = self.timed(record, "action: form", "GET", form_path, page)
        if form is None:
            return
        self.flag = not self.flag
        filled = plan["fill_action"](form.text, self.flag)
        if filled is None:
            record("action: form", 0.0, "action: no form on the page")
            return
        action, data = filled
        self.timed(record, "action: submit", "POST", action or form_path, moved, data=data)


def drive(side: str, base: str, users: list[tuple[dict, dict]], seconds: float) -> dict:
    """Closed-loop users until the deadline; every request's duration and outcome."""
    results: dict = defaultdict(list)
    errors: dict = defaultdict(int)
    lock = threading.Lock()

    def record(kind: str, duration: float, error: str | None) -> None:
        with lock:
            if error:
                errors[error] += 1
                results[kind + " (errors)"].append(duration)
            else:
                results[kind].append(duration)

    deadline = time.monotonic() + seconds
    people = [User(side, base, cookies, plan, i) for i, (cookies, plan) in enumerate(users)]

    def loop(person: User) -> None:
        while time.monotonic() < deadline:
            person.step(record)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(p,), daemon=True) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 5)
    return {"results": results, "errors": errors, "elapsed": time.monotonic() - started}


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start(command: list[str], env: dict, cwd: Path, log: Path, probe: str) -> subprocess.Popen:
    """Start gunicorn, wait until `probe` answers at all (at most 120 s)."""
    import requests

    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("w")
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at once: see {log}")
        try:
            requests.get(probe, timeout=5, allow_redirects=False)
            return process
        except requests.RequestException:
            time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer within 120 s: see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def collect_static(env: dict) -> None:
    """DEBUG off serves static files from a manifest: collect them once (var/bench-load)."""
    if (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


def portal_env(port: int, workers: int, conn_max_age: int = 60) -> dict:
    var = ROOT / "var" / "bench-load"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "protocol_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": HOST,
        "STATIC_ROOT": str(var / "static"),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_MAX_REQUESTS": "0",
        "CONN_MAX_AGE": str(conn_max_age),
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "memorymail://",
        "LOG_LEVEL": "WARNING",
    }


# --------------------------------------------------------------------------- the two sides


def portal_action(html: str, flag: bool) -> tuple[str, dict] | None:
    """The officer's action: an enquiry's flags form, "about another member's ward" ticked or
    not. Not a flag that re-routes it (policy, legal proceedings...): that passes the enquiry
    on as the protocol says, and the officer's next visit would rightly be refused (404)."""
    return form_data(
        html,
        lambda action: action == "" or action.endswith("/flags/"),
        {"about_other_ward": "on" if flag else None},
    )


def portal_users(count: int) -> list[tuple[dict, dict]]:
    """The busiest officers (and two triage team members) signed in, with their queues' cases;
    the busiest members' sessions for logging enquiries."""
    from django.db.models import Count

    from enquiries.models import Enquiry
    from enquiries.selectors import enquiry_queue
    from enquiries.states import OPEN
    from protocol_portal.org.models import Member, Post, PostKind

    open_ = Enquiry.objects.filter(status__in=OPEN)
    officers = list(
        open_.exclude(owner_post__kind=PostKind.MEMBER_SERVICES)
        .filter(owner_post__holder__isnull=False, owner_post__holder__is_active=True)
        .values("owner_post__holder")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_post__holder")[: max(1, count - 2)]
    )
    busiest = list(
        Enquiry.objects.values_list("council", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "council")[:2]
    )
    triage = [
        Post.objects.filter(kind=PostKind.MEMBER_SERVICES, holder__is_active=True, council=council)
        .order_by("pk")
        .values("holder", "council")
        .first()
        for council in busiest
    ]
    triage = [t for t in triage if t]
    members = list(
        Member.objects.filter(person__is_active=True)
        .annotate(n=Count("enquiries"))
        .order_by("-n", "pk")
        .select_related("person")
    )[:5]

    def session(user) -> dict:
        """Signed in with a password and, as staff must be with DEBUG off (MFA_REQUIRED), the
        authenticator's code given (bench/enquiries.py, verified_client)."""
        return {"sessionid": verified_client(user).session.session_key}

    from django.contrib.auth import get_user_model

    people = get_user_model().objects.in_bulk(
        [o["owner_post__holder"] for o in officers] + [t["holder"] for t in triage]
    )
    member_sessions = [session(m.person) for m in members]

    def fill_create(html: str, rng) -> tuple[str, dict] | None:
        return form_data(
            html,
            lambda action: action in ("", "/enquiries/new/"),
            {
                "subject": f"Blocked drain outside {rng.randint(1, 400)} Station Road",
                "description": "A resident reports a blocked drain flooding the pavement.",
                "confirm_not_duplicate": "on",
            },
        )

    users = []
    for index, row in enumerate(officers + triage):
        is_triage = index >= len(officers)
        person = people[row["holder"] if is_triage else row["owner_post__holder"]]
        # The cases in the user's own queue, as the queue page lists them (the access policy's).
        cases = enquiry_queue(user=person, scope="triage" if is_triage else "mine")
        refs = list(cases.order_by("pk").values_list("reference", flat=True)[:50])
        plan = {
            "queue": f"/enquiries/queue/?scope={'triage' if is_triage else 'mine'}",
            "cases": [f"/enquiries/{ref}/" for ref in refs],
            "home": "/",
            "create": "/enquiries/new/",
            "create_cookies": member_sessions[index % len(member_sessions)],
            "fill_create": fill_create,
            "action_form": lambda path: f"{path}flags/",
            "fill_action": portal_action,
        }
        users.append((session(person), plan))
    return users[:count]


def peer_users(peer, count: int) -> list[tuple[dict, dict]]:
    import base64
    import json

    query = {
        "filtering": {"status__in": [1, 2]},
        "sorting": "created",
        "search_string": "",
        "sortreverse": False,
    }
    encoded = base64.b64encode(json.dumps(query).encode()).decode()

    def fill_create(html: str, rng) -> tuple[str, dict] | None:
        return form_data(
            html,
            lambda action: action == "" or "/tickets/submit" in action,
            {
                "title": f"Blocked drain outside {rng.randint(1, 400)} Station Road",
                "body": "A resident reports a blocked drain flooding the pavement.",
                "submitter_email": "resident@example.org",
            },
        )

    def fill_action(html: str, flag: bool) -> tuple[str, dict] | None:
        return form_data(
            html,
            lambda action: action.rstrip("/").endswith("update"),
            {"comment": "Called the resident back; visit booked.", "public": None},
        )

    users = []
    for signed in peer.call("sessions", count=count)["sessions"]:
        plan = {
            "queue": f"/datatables_ticket_list/{encoded}?draw=1&start=0&length=25",
            "cases": [f"/tickets/{pk}/" for pk in signed["tickets"]],
            "home": "/dashboard/",
            "create": "/tickets/submit/",
            "fill_create": fill_create,
            "action_form": lambda path: path,
            "fill_action": fill_action,
        }
        users.append(({"sessionid": signed["sessionid"]}, plan))
    return users


def summary(side: str, run: dict, load: str) -> list[str]:
    results, errors, elapsed = run["results"], run["errors"], run["elapsed"]
    answered = sum(len(v) for k, v in results.items() if not k.endswith("(errors)"))
    failed = sum(errors.values())
    lines = [
        f"{side}: {answered} requests answered in {elapsed:.0f} s = {answered / elapsed:.1f} a "
        f"second, {failed} errors; {load}",
        f"  {'request':<16} {'count':>6} {'per s':>7} {'median ms':>10} {'p95 ms':>9} "
        f"{'errors':>7}",
    ]
    for kind in KINDS:
        times = sorted(results.get(kind, []))
        bad = len(results.get(kind + " (errors)", []))
        if not times and not bad:
            continue
        median = percentile(times, 0.5) * 1000 if times else float("nan")
        p95 = percentile(times, 0.95) * 1000 if times else float("nan")
        lines.append(
            f"  {kind:<16} {len(times):6d} {len(times) / elapsed:7.1f} {median:10.1f} "
            f"{p95:9.1f} {bad:7d}"
        )
    for error, n in sorted(errors.items(), key=lambda e: -e[1])[:8]:
        lines.append(f"  error: {error} × {n}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="enquiries, and tickets")
    parser.add_argument("--seconds", type=float, default=60, help=f"a side (≤ {MAX_SECONDS})")
    parser.add_argument("--users", type=int, default=20, help=f"at once (≤ {MAX_USERS})")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes a side")
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="CONN_MAX_AGE for both sides (docker-compose.yml's 60: each worker keeps its "
        "connection; 0 opens one a request)",
    )
    parser.add_argument(
        "--reuse",
        metavar="NAME",
        default="",
        help="run on NAME_ours and NAME_peer (as side_by_side.py --reuse), seeding if missing",
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS or not 0 < args.users <= MAX_USERS:
        parser.error(f"--seconds must be 1–{MAX_SECONDS} and --users 1–{MAX_USERS}")
    if not PEER_PYTHON.exists():
        parser.error("the peer is not installed: run bench/peer/install first")
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("the load run is on PostgreSQL: DATABASE_URL must be postgres://")

    os.environ["SECRET_KEY"] = SECRET_KEY
    started = time.perf_counter()
    say = reporter(started)
    with both_databases(url, args.keep, "bench_load", args.reuse) as (peer, peer_url):
        lines = run(args, peer, peer_url, say)
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


def run(args, peer, peer_url: str, say) -> list[str]:
    import logging

    from django.db import connections

    logging.getLogger("celery").setLevel(logging.WARNING)
    seed_both(args.n, peer, peer_url, say)
    ours = portal_users(args.users)
    theirs = peer_users(peer, args.users)
    connections.close_all()
    var = ROOT / "var" / "bench-load"
    lines = [
        f"{args.users} closed-loop users a side for {args.seconds:.0f} s, gunicorn "
        f"{args.workers} workers (1 thread each) on {HOST}, PostgreSQL, {args.n} cases a side, "
        f"CONN_MAX_AGE {args.conn_max_age} both sides; "
        f"mix {', '.join(f'{k} {v}%' for k, v in MIX.items())}",
        "",
    ]

    port = free_port()
    env = portal_env(port, args.workers, args.conn_max_age)
    collect_static(env)
    server = start(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"]
        + ["protocol_portal.wsgi:application"],
        env,
        ROOT,
        var / "portal-gunicorn.log",
        f"http://{HOST}:{port}/health/",
    )
    try:
        say(f"portal: gunicorn on {HOST}:{port}; {len(ours)} users for {args.seconds:.0f} s")
        load = LoadSampler(every=2)
        load.start()
        result = drive("portal", f"http://{HOST}:{port}", ours, args.seconds)
        lines += summary("portal", result, load.stop())
        print("\n".join(lines), file=sys.stderr)
    finally:
        stop(server)

    port = free_port()
    env = {
        **os.environ,
        "PEER_DATABASE_URL": peer_url,
        "CONN_MAX_AGE": str(args.conn_max_age),
        "DJANGO_SETTINGS_MODULE": "peerdesk.settings",
        "PYTHONWARNINGS": "ignore::RuntimeWarning",
    }
    server = start(
        [str(PEER_PYTHON.parent / "gunicorn"), "--workers", str(args.workers)]
        + ["--bind", f"{HOST}:{port}", "--chdir", str(ROOT / "bench" / "peer")]
        + ["peerdesk.wsgi:application"],
        env,
        ROOT / "bench" / "peer",  # not the portal's gunicorn.conf.py
        var / "peer-gunicorn.log",
        f"http://{HOST}:{port}/login/",
    )
    try:
        say(f"peer: gunicorn on {HOST}:{port}; {len(theirs)} users for {args.seconds:.0f} s")
        load = LoadSampler(every=2)
        load.start()
        result = drive("peer", f"http://{HOST}:{port}", theirs, args.seconds)
        lines += ["", *summary("peer (django-helpdesk 2.6.1)", result, load.stop())]
    finally:
        stop(server)
    return lines


if __name__ == "__main__":
    main()
