"""`bin/screenshots`: every page each demo login reaches, photographed on the demo councils'
data (`load_councils` then `seed_demo`, as `bin/up` seeds them), at 1280 px and on a 390 px
phone, into docs/screenshots/ with an index by role (docs/screenshots/README.md).

Each role signs in through the sign-in page with its real demo login (the ones `seed_demo`
prints and the README lists) and opens every page that takes no id and is a page for it, then
its own cases: for each case type, an overdue one, an open one and a finished one, so the
case pages show their next-step banners in each kind of state. Pages it may not open (403, 404)
are left out; the pages that look the same for everyone (signing in, the account pages, the
accessibility statement, the 404 page) are shown once.

Run only when PORTAL_SCREENSHOTS names the folder (it is a generator, not a check: the checks
on every page are tests/browser/test_accessibility_all_pages.py).
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.browser.test_accessibility_all_pages import url_patterns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNCIL = os.environ.get("PORTAL_SCREENSHOTS_COUNCIL", "hackney")
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MOST_HEIGHT = 2000  # px: a screenshot stops this far down (most pages end sooner)
# The demo logins photographed, by the alias `seed_demo` prints beside each login.
ROLES = (
    ("member", "member"),
    ("officer", "officer"),
    ("director", "director"),
    ("monitoring officer", "mo"),
    ("chief executive", "ce"),
)
SKIP_PREFIXES = ("admin/", "api/", "health/", "demo/")
SKIP_NAMES = {"logout", "accounts:logout"}
SHARED = ("accounts:", "accessibility", "login")


def _logins(out: str) -> dict[str, str]:
    """{alias: username} for the council, from seed_demo's list of logins."""
    line = next(x for x in out.splitlines() if x.strip().startswith(f"{COUNCIL}:"))
    found = {}
    for username, alias in re.findall(r"([\w.-]+) \(([^)]+)\)", line.split(":", 1)[1]):
        found.setdefault(alias.split(",")[0].strip(), username)
    return found


def _plain_pages() -> list[tuple[str, str]]:
    return [
        (name, reverse(name))
        for name, route, kwargs in url_patterns()
        if not kwargs and not route.startswith(SKIP_PREFIXES) and name not in SKIP_NAMES
    ]


def _case_pages(person) -> list[tuple[str, str]]:
    """(label, url) for each case type: an overdue case, an open one and a finished one."""
    from access_requests.selectors import foi_visible_to, requests_visible_to
    from complaints.selectors import complaints_visible_to
    from enquiries.selectors import enquiries_visible_to
    from interests import selectors as interests

    today = timezone.localdate()
    sources = {
        "enquiry": enquiries_visible_to(user=person),
        "complaint": complaints_visible_to(user=person),
        "need-to-know": requests_visible_to(user=person),
        "foi": foi_visible_to(user=person),
        "relationship": interests.relationships_visible_to(user=person),
        "notice": interests.notices_visible_to(user=person),
        "advice": interests.advice_visible_to(user=person),
    }
    pages = []
    for kind, qs in sources.items():
        picks = {
            "overdue": qs.filter(closed_at__isnull=True, due_on__lt=today),
            "open": qs.filter(closed_at__isnull=True),
            "done": qs.filter(closed_at__isnull=False),
        }
        chosen = set()
        for state, pick in picks.items():
            case = pick.order_by("-received_on", "-pk").first()
            if case is not None and case.pk not in chosen:
                chosen.add(case.pk)
                pages.append((f"{kind}-{state}", case.get_absolute_url()))
    return pages


class Shots:
    def __init__(self, folder: Path):
        self.folder = folder
        self.index: list[tuple[str, str, str, list[str]]] = []

    def take(self, page, role: str, label: str, url: str) -> None:
        stem = f"{role.replace(' ', '-')}--{label.replace(':', '-')}"
        page.evaluate("document.activeElement && document.activeElement.blur()")
        files = []
        for size in (WIDE, PHONE):
            page.set_viewport_size(size)
            height = page.evaluate("document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": size["width"], "height": min(height, MOST_HEIGHT)}
            file = f"{stem}--{size['width']}.png"
            page.screenshot(path=str(self.folder / file), full_page=True, clip=clip)
            files.append(file)
        page.set_viewport_size(WIDE)
        self.index.append((role, label, url, files))

    def write_index(self, roles: list[tuple[str, str]]) -> None:
        lines = [
            "# Screenshots of every page, by role",
            "",
            "Made by `bin/screenshots` (tests/browser/demo_screenshots.py) on the demo data "
            f"(`load_councils`, `seed_demo`), signed in as {COUNCIL}'s demo logins: each page a "
            "role reaches, and for each case type an overdue, an open and a finished case it "
            f"may see, at 1280 px and on a 390 px phone. Pages are cut off at {MOST_HEIGHT} px.",
            "",
        ]
        for role, username in roles:
            shots = [s for s in self.index if s[0] == role]
            who = f" (`{username}`)" if username else ""
            lines += [f"## {role.capitalize()}{who}", "", "| page | address | 1280 px | 390 px |"]
            lines.append("| --- | --- | --- | --- |")
            for _, label, url, (wide, phone) in shots:
                lines.append(f"| {label} | `{url}` | [{wide}]({wide}) | [{phone}]({phone}) |")
            lines.append("")
        (self.folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def _photograph(page, client, shots, live_server, role, pages, seen) -> None:
    for label, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # not a page for this role (403, 404), POST only (405) or a redirect
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue  # a CSV or a download
        # The account pages and the accessibility statement look the same for everyone.
        key = ("*", url) if label.startswith(SHARED) else (role, url)
        if key in seen:
            continue
        seen.add(key)
        page.goto(live_server.url + url)
        shots.take(page, role, label, url)


@pytest.mark.skipif(not os.environ.get("PORTAL_SCREENSHOTS"), reason="bin/screenshots only")
def test_demo_screenshots(browser, live_server, settings, capsys):
    from protocol_portal.org.demo import DEMO_PASSWORD
    from protocol_portal.org.models import Person

    settings.DEMO = True
    folder = Path(os.environ["PORTAL_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    call_command("load_councils", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    logins = _logins(out.getvalue())
    shots = Shots(folder)
    plain = _plain_pages()
    context = browser.new_context(viewport=WIDE, locale="en-GB")
    page = context.new_page()
    seen: set = set()
    # The visitor who has not signed in: the sign-in page, public pages and the 404 page.
    public = list(plain)
    public.append(("register-public", reverse("interests:register-public", args=[COUNCIL])))
    _photograph(page, Client(), shots, live_server, "anonymous", public, seen)
    page.goto(live_server.url + "/no-such-page/")
    shots.take(page, "anonymous", "not-found", "/no-such-page/")
    roles = [("anonymous", "")]
    for role, alias in (*ROLES, ("admin", "admin")):
        username = "admin" if alias == "admin" else logins.get(alias)
        if username is None:
            continue
        roles.append((role, username))
        person = Person.objects.get(username=username)
        client = Client()
        client.force_login(person)
        context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        pages = plain + _case_pages(person)
        _photograph(page, client, shots, live_server, role, pages, seen)
    context.close()
    shots.write_index(roles)
    with capsys.disabled():
        print(f"\nscreenshots: {len(shots.index) * 2} in {folder}")
