"""Every page, for every role, in a real browser: 0 axe-core violations of serious or critical
impact on the WCAG 2.0–2.2 A/AA rules, error states included, at 1280 px and again on a 390 px
phone, where no page may scroll sideways (WCAG 1.4.10 Reflow; a wide table scrolls inside its
own region instead).

The page list comes from the URL patterns, so a new page is checked as soon as it is routed: ids
are filled from the seeded world (tests/browser/world.py), and a pattern with an id this file
cannot fill fails the test until a line is added to `ids_for`. Each role signs in and GETs every
page; a page the role may not see answers 403 or 404, and those pages are checked once per role.
Forms are then submitted empty (the error summary must appear, take focus and pass axe).
The Django admin and the API (including its Swagger page) are third-party screens and skipped.

With PORTAL_SCREENSHOTS=<folder> every page checked is also photographed at both widths, and the
folder gets an index (README.md) by role. (`bin/screenshots` photographs the demo data instead:
tests/browser/demo_screenshots.py.)
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.conftest import AXE, BLOCKING_IMPACTS, CHROMIUM_ARGS, WCAG_TAGS  # noqa: F401
from tests.browser.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# /health/ is for the council's monitoring (JSON or plain text), not a page for people.
SKIP_PREFIXES = ("admin/", "api/", "health/")
# Apps still being built whose id-taking pages have no seed yet: listed, not failed.
PENDING_SEEDS: set[str] = set()
ROLES = ("anonymous", "member", "officer", "monitoring officer", "admin")
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = {
    ("member", "enquiries:new"),
    ("officer", "enquiries:detail"),
    ("monitoring officer", "complaints:mo-desk"),
    ("admin", "subject-access"),
    ("member", "interests:index"),
    ("anonymous", "accessibility"),
}


def url_patterns(resolvers=None, prefix="", namespace=None):
    """(name, route prefix, kwarg names) for every named pattern under the root URLconf."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from url_patterns(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, sorted(entry.pattern.regex.groupindex)


def ids_for(o) -> dict[str, list[dict]]:
    """Kwargs for each pattern that takes ids: every variant worth a look."""
    from enquiries.views import ACTIONS

    ref = o.enquiry.reference
    complaints = [o.complaint.pk, o.conduct.pk]
    one = {
        "complaints:summary": [{"pk": o.summary.pk}],
        "complaints:summary-csv": [{"pk": o.summary.pk}],
        "complaints:supersede": [{"pk": o.conduct.pk, "determination_pk": o.determination.pk}],
        "enquiries:attachment": [{"reference": ref, "pk": o.attachment.pk}],
        "enquiries:set-aside-detail": [{"pk": o.inbound.pk}],
        "enquiries:act": [{"reference": ref, "name": n} for n in ACTIONS],
        "interests:relationship-detail": [{"pk": o.relationship.pk}],
        "interests:relationship-close": [
            {"pk": o.relationship.pk, "action": a} for a in ("end", "withdraw")
        ],
        "interests:interest-remove": [{"pk": o.interest.pk}],
        "interests:interest-sensitivity": [{"pk": o.interest.pk}],
        "interests:register-return-submit": [{"pk": o.register_return.pk}],
        "interests:register-public": [{"slug": o.council.slug}],
        "coverage": [{"slug": o.council.slug}],
        "coverage-csv": [{"slug": o.council.slug}],
        "interests:acting-against-detail": [{"pk": o.acting.pk}],
        "interests:advice-detail": [{"pk": o.advice.pk}],
        "interests:acting-against-withdraw": [{"pk": o.acting.pk}],
        "interests:advice-withdraw": [{"pk": o.advice.pk}],
        # A reset link that is not valid: the "link has expired" page.
        "accounts:password-reset-confirm": [{"uidb64": "MQ", "token": "abc-123"}],
    }
    requests = [o.access_request.pk, o.granted_request.pk, o.refused_request.pk]
    for name in ("detail", "decide", "refer", "dispute", "foi", "withdraw", "release"):
        one[f"access_requests:{name}"] = [{"pk": pk} for pk in requests]
    one["access_requests:download"] = [{"pk": o.granted_request.pk, "release_pk": o.release.pk}]
    for name in ("foi-detail", "foi-answer"):
        one[f"access_requests:{name}"] = [{"pk": o.foi.pk}]
    for name in ("detail", "export", "reopen"):
        one[f"enquiries:{name}"] = [{"reference": ref}]
    one["case-access-history"] = [{"reference": ref}]
    # A notice opens its case for its own recipient (the member here), a 404 for anyone else.
    from protocol_portal.casework.models import Notice

    one["notice"] = [{"pk": Notice.objects.filter(person=o.logins["member"]).first().pk}]
    for name in ("detail", "acknowledge", "nominate", "outcome", "disciplinary", "respond"):
        one[f"complaints:{name}"] = [{"pk": pk} for pk in complaints]
    for name in ("withdraw", "release", "determine"):
        one[f"complaints:{name}"] = [{"pk": pk} for pk in complaints]
    return one


def page_urls(o) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """[(name, url)], the patterns no seed fills (failing), and those pending (listed)."""
    fills = ids_for(o)
    urls, unseeded, pending = [], [], []
    for name, _route, kwargs in url_patterns():
        if not kwargs:
            urls.append((name, reverse(name)))
        elif name in fills:
            urls.extend((name, reverse(name, kwargs=k)) for k in fills[name])
        elif name.split(":")[0] in PENDING_SEEDS:
            pending.append(name)
        else:
            unseeded.append(name)
    return urls, unseeded, pending


@dataclass
class Sweep:
    checked: Counter = field(default_factory=Counter)  # role -> pages checked by axe
    statuses: Counter = field(default_factory=Counter)
    blocking: list[str] = field(default_factory=list)
    minor: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    errors_checked: list[str] = field(default_factory=list)
    accepted_empty: list[str] = field(default_factory=list)
    form_kinds: set = field(default_factory=set)
    same_templates: int = 0
    timing: Counter = field(default_factory=Counter)
    overflow: list[str] = field(default_factory=list)
    phone_checked: int = 0
    screenshots: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    shot_keys: set = field(default_factory=set)

    def axe(self, page, role: str, label: str) -> None:
        t0 = time.monotonic()
        results = page.evaluate(
            """async (tags) => await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
            WCAG_TAGS,
        )
        self.checked[role] += 1
        self.timing["axe"] += time.monotonic() - t0
        for v in results["violations"]:
            targets = [n["target"] for n in v["nodes"]][:3]
            line = f"{role} {label}: {v['impact']} {v['id']} – {v['help']} {targets}"
            if v["impact"] in BLOCKING_IMPACTS:
                self.blocking.append(line)
            else:
                self.minor[v["id"]] += 1
                print("  minor:", line)


# What makes a page wider than the phone: the outermost elements past its right edge that are
# not inside a region that scrolls sideways on its own.
OVERFLOW_JS = """() => {
    const root = document.documentElement;
    const extra = root.scrollWidth - root.clientWidth;
    if (extra <= 0) return null;
    const scrolls = el => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const x = getComputedStyle(a).overflowX;
            if (x === 'auto' || x === 'scroll') return true;
        }
        return false;
    };
    const wide = [...document.body.querySelectorAll('*')].filter(el =>
        el.getBoundingClientRect().right > root.clientWidth + 1 && !scrolls(el)
        && !(el.parentElement && el.parentElement.getBoundingClientRect().right
             > root.clientWidth + 1));
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].slice(0, 2).map(c => '.' + c).join('');
    return {extra, culprits: wide.slice(0, 3).map(name)};
}"""


def _phone(sweep: Sweep, page, role: str, name: str, label: str) -> None:
    """The same page on a 390 px phone: no sideways scrolling, and axe again."""
    page.set_viewport_size(PHONE)
    found = page.evaluate(OVERFLOW_JS)
    if found:
        line = f"{role} {label}: {found['extra']} px too wide ({', '.join(found['culprits'])})"
        sweep.overflow.append(line)
    sweep.axe(page, role, f"{label} (390 px)")
    sweep.phone_checked += 1


# A screenshot stops this far down the page (most pages end sooner): the set stays small.
SHOT_MOST_HEIGHT = 2400


def _screenshots(sweep: Sweep, page, role: str, name: str, label: str, url: str) -> None:
    """PORTAL_SCREENSHOTS mode: the page at 1280 px and at 390 px, once per page and role (a
    second case's copy of the same page is left out), and once for everyone where the page is
    the same for every role (a public page, the 403 and 404 pages)."""
    # The sign-in and account pages (two-step set-up, backup codes) look the same for everyone.
    shared = (
        label.endswith(("(403)", "(404)")) or role == "anonymous" or name.startswith("accounts:")
    )
    key = label.split(" (")[-1] if label.endswith(("(403)", "(404)")) else name
    if (role, name) in sweep.shot_keys or ("*", key) in sweep.shot_keys:
        return
    sweep.shot_keys.add(("*", key) if shared else (role, name))
    folder = Path(os.environ["PORTAL_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{role.replace(' ', '-')}--{name.replace(':', '-')}"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    files = []
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        height = page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(height, SHOT_MOST_HEIGHT)}
        file = f"{stem}--{size['width']}.png"
        page.screenshot(path=str(folder / file), full_page=True, clip=clip)
        files.append(file)
    sweep.screenshots.append((role, label, url, files))


def _write_index(sweep: Sweep, folder: Path) -> None:
    lines = [
        "# Screenshots of every page, by role",
        "",
        "Made by `bin/screenshots` (the accessibility sweep, "
        "`tests/browser/test_accessibility_all_pages.py`, with `PORTAL_SCREENSHOTS` set) on the",
        "test council's seeded cases: each page a role reaches, at 1280 px and on a 390 px phone.",
        "A page that is the same for everyone (public pages, the 403 and 404 pages) is shown",
        f"once, under the first role that reached it; pages are cut off at {SHOT_MOST_HEIGHT} px.",
        "",
    ]
    for role in ROLES:
        shots = [s for s in sweep.screenshots if s[0] == role]
        lines += [f"## {role.capitalize()}", "", "| page | address | 1280 px | 390 px |"]
        lines.append("| --- | --- | --- | --- |")
        for _, label, url, (wide, phone) in shots:
            lines.append(f"| {label} | `{url}` | [{wide}]({wide}) | [{phone}]({phone}) |")
        lines.append("")
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def _context(browser):
    """A tab with axe-core preloaded into every document (through DevTools, so the page's
    Content Security Policy does not block it)."""
    context = browser.new_context(viewport=WIDE, locale="en-GB")
    context.add_init_script(path=str(AXE))
    return context


def _sign_in(page, live_server, person) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def _form_signature(page) -> str:
    """The names of the fields of the page's first form that has any ("" if none)."""
    return page.evaluate(
        """() => {
            const form = [...document.querySelectorAll('main form[method=post i]')]
              .find(f => f.querySelector('textarea, select, input:not([type=hidden])'));
            if (!form || !form.querySelector('[required]')) return '';
            return [...form.querySelectorAll('textarea, select, input:not([type=hidden])')]
              .map(el => el.name).filter(Boolean).sort().join(',');
        }"""
    )


def _page_to_check(sweep: Sweep, response, role: str, name: str, url: str, seen: set):
    """(url to open, label, templates) if this response is a page not yet checked for the
    role; None if it is not a page (CSV, POST-only) or one already checked."""
    status = response.status_code
    sweep.statuses[status] += 1
    if status in (301, 302):
        target = response.headers.get("Location", "")
        key = target.split("?")[0]
        if key in seen:
            return None
        seen.add(key)
        return target, f"{name} → {key}", ()
    if status in (403, 404):
        if status in seen:
            return None
        seen.add(status)
        return url, f"{name} ({status})", ()
    if status == 405:
        return None  # a POST-only endpoint: no page of its own
    if status != 200:
        sweep.problems.append(f"{role} {name} {url}: HTTP {status}")
        return None
    if "text/html" not in response.headers.get("Content-Type", ""):
        return None  # CSV, attachment download
    if f'href="{reverse("accessibility")}"' not in response.content.decode():
        sweep.problems.append(f"{name}: no link to the accessibility statement")
    # A page is its combination of templates: the same combination for the same role (the
    # second complaint's action pages, say) adds nothing to check.
    templates = tuple(sorted({t.name for t in response.templates if t.name}))
    if (role, templates) in seen:
        sweep.same_templates += 1
        return None
    seen.add((role, templates))
    return url, name, templates


def _visit(sweep: Sweep, page, client, role, name, url, seen: set, live_server, shot):
    t0 = time.monotonic()
    # Ask Django first (in-process, nothing rendered in the browser) what the page is.
    found = _page_to_check(sweep, client.get(url), role, name, url, seen)
    if found is None:
        return
    target, label, templates = found
    page.goto(live_server.url + target if target.startswith("/") else target)
    submit_empty = False
    if templates:
        signature = _form_signature(page)
        if signature and (templates, signature) not in sweep.form_kinds:
            sweep.form_kinds.add((templates, signature))
            submit_empty = True
    sweep.timing["visit"] += time.monotonic() - t0
    sweep.axe(page, role, label)
    if (role, name) in SHOTS:
        shot(page, f"a11y-{role.replace(' ', '-')}-{name.replace(':', '-')}")
    _phone(sweep, page, role, name, label)
    if os.environ.get("PORTAL_SCREENSHOTS"):
        _screenshots(sweep, page, role, name, label, target)
    page.set_viewport_size(WIDE)
    if submit_empty:
        _submit_empty(sweep, page, role, name, shot)


def _submit_empty(sweep: Sweep, page, role: str, name: str, shot) -> None:
    """Submit the page's form with every field emptied: the error state. Only forms with a
    required field are tried, so no case changes state under the sweep."""
    page.evaluate(
        """() => {
            const form = [...document.querySelectorAll('main form[method=post i]')]
              .find(f => f.querySelector('textarea, select, input:not([type=hidden])'));
            for (const el of form.querySelectorAll('textarea, input[type=text], input:not([type]),'
                + ' input[type=email], input[type=number], input[type=date]')) el.value = '';
            for (const el of form.querySelectorAll('input[type=radio], input[type=checkbox]'))
                el.checked = false;
            for (const el of form.querySelectorAll('select')) el.selectedIndex = 0;
            for (const el of form.querySelectorAll('input[type=file]')) el.value = '';
            form.setAttribute('data-empty-submit', '1');
        }"""
    )
    with page.expect_navigation():
        page.evaluate("() => document.querySelector('form[data-empty-submit]').requestSubmit()")
    if not page.is_visible(".govuk-error-summary"):
        sweep.accepted_empty.append(name)
        return
    focused = page.evaluate(
        "() => document.activeElement.classList.contains('govuk-error-summary')"
    )
    if not focused:
        sweep.problems.append(f"{name}: the error summary did not receive focus")
    if not page.title().startswith("Error: "):
        sweep.problems.append(f"{name}: the title does not start with 'Error: '")
    sweep.axe(page, role, f"{name} (submitted empty)")
    sweep.errors_checked.append(name)
    if len(sweep.errors_checked) <= 3:
        shot(page, f"a11y-error-{name.replace(':', '-')}")


def test_every_page_for_every_role(browser, live_server, settings, tmp_path, shot, capsys):
    settings.MEDIA_ROOT = tmp_path
    started = time.monotonic()
    o = build_world()
    urls, unseeded, pending = page_urls(o)
    sweep = Sweep()
    for role in ROLES:
        context = _context(browser)
        page = context.new_page()
        page.on("pageerror", lambda e, r=role: sweep.problems.append(f"{r}: script error {e}"))
        page.on(
            "console",
            lambda m, r=role: (
                sweep.problems.append(f"{r}: console {m.text}")
                if m.type == "error" and "status of 40" not in m.text
                else None
            ),
        )
        client = Client()
        if role != "anonymous":
            _sign_in(page, live_server, o.logins[role])
            client.force_login(o.logins[role])
        seen: set = set()
        for name, url in urls:
            _visit(sweep, page, client, role, name, url, seen, live_server, shot)
        context.close()

    total = sum(sweep.checked.values())
    lines = [
        f"\naccessibility sweep: {len(urls)} page URLs from {len({n for n, _ in urls})} URL "
        f"patterns × {len(ROLES)} roles = {len(urls) * len(ROLES)} page × role visits; axe-core "
        f"ran on {total} rendered pages ({dict(sweep.checked)}; repeats of a template "
        f"combination skipped: {sweep.same_templates}), {len(sweep.errors_checked)} of them "
        f"forms submitted empty; HTTP {dict(sorted(sweep.statuses.items()))}",
        f"axe WCAG 2.2 A/AA violations: serious/critical {len(sweep.blocking)}, "
        f"minor/moderate {sum(sweep.minor.values())} {dict(sweep.minor) or ''}",
        f"forms that accepted an empty submission: {sweep.accepted_empty}",
        f"390 px phone: {sweep.phone_checked} pages checked again with axe; wider than the "
        f"screen: {len(sweep.overflow)} {sweep.overflow or ''}",
    ]
    if pending:
        lines.append(f"pages of apps still being built, not yet seeded: {pending}")
    lines.append(
        f"took {time.monotonic() - started:.0f} s (browser visits "
        f"{sweep.timing['visit']:.0f} s, axe {sweep.timing['axe']:.0f} s)"
    )
    if os.environ.get("PORTAL_SCREENSHOTS"):
        _write_index(sweep, Path(os.environ["PORTAL_SCREENSHOTS"]))
        lines.append(
            f"screenshots: {len(sweep.screenshots) * 2} in {os.environ['PORTAL_SCREENSHOTS']}"
        )
    with capsys.disabled():
        print("\n".join(lines))
    assert not unseeded, f"add ids for these pages to ids_for(): {unseeded}"
    assert not sweep.problems, sweep.problems
    assert not sweep.blocking, "\n".join(sweep.blocking)
    assert not sweep.overflow, "wider than a 390 px phone:\n" + "\n".join(sweep.overflow)
    # A form that takes an empty submission without a word loses what the person meant to send.
    assert not sweep.accepted_empty, (
        f"forms that accepted an empty submission: {sweep.accepted_empty}"
    )
    assert total >= 40


def test_the_accessibility_statement_follows_the_gov_uk_model(client):
    """Compliance status, known issues, how to report, the EHRC's enforcement, the date."""
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in (
        "Accessibility statement",
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this statement",
    ):
        assert heading in page, heading
    assert "Equality and Human Rights Commission (EHRC)" in page
    assert "This statement was prepared on" in page
    assert "partially compliant" in page
