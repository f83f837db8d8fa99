"""Real-browser checks: Debian's Chromium driven by Playwright, with axe-core for WCAG 2.2 AA.

The pages run under the portal's real Content Security Policy, so a blocked inline script or
style shows up here as a failure rather than passing unnoticed.
"""

import os
from collections import Counter
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to work
# beside it without this (the live server itself runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run npm install")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; fails the test on a script error or a CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "status of 404" not in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert not problems, problems


@pytest.fixture
def shot():
    """Save a full-page screenshot to var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check():
    """The axe-core check below, as a fixture: `axe_check(page, "home")`."""
    return run_axe


def run_axe(page, name: str = "") -> dict:
    """Run axe-core's WCAG 2.0–2.2 A/AA rules on the page; fail on serious or critical.

    The CSP forbids inline scripts, so axe is evaluated through the DevTools protocol (which
    the page's CSP does not govern) rather than injected as a <script> tag.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    violations = results["violations"]
    impacts = Counter(v["impact"] for v in violations)
    checked = sum(len(results[k]) for k in ("passes", "violations", "incomplete", "inapplicable"))
    print(
        f"axe {name or page.url}: {checked} rules checked ({len(results['passes'])} passed, "
        f"{len(results['inapplicable'])} not applicable, {len(results['incomplete'])} for "
        f"review); violations: {dict(impacts) or 'none'}"
    )
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]][:5]
        print(f"  {violation['impact']}: {violation['id']} – {violation['help']} {targets}")
    blocking = [v["id"] for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"serious or critical accessibility failures on {name}: {blocking}"
    assert_own_font(page)
    return results


def assert_own_font(page) -> None:
    """GDS Transport is GOV.UK's alone: no element (or ::before/::after) of the page uses it."""
    users = page.evaluate(
        """() => {
            const found = [];
            for (const el of document.querySelectorAll('*')) {
                for (const pseudo of [null, '::before', '::after']) {
                    if (getComputedStyle(el, pseudo).fontFamily.includes('GDS Transport')) {
                        found.push(el.tagName.toLowerCase() + '.' + el.className + (pseudo || ''));
                    }
                }
            }
            return found.slice(0, 10);
        }"""
    )
    assert not users, f"elements still set in GDS Transport: {users}"
