"""The pages that used to scroll sideways on a phone (issue 14): the member's enquiries, the
officer's queue, the interests page and a complaints summary's chart fit a 390 px screen, and
still read as tables (and a full-width chart) at 1280 px; screenshots go to
var/screenshots/fit-*.png."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_accessibility_all_pages import OVERFLOW_JS, _sign_in
from tests.browser.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def world():
    from protocol_portal.org.calendars import _council_calendar

    _council_calendar.cache_clear()
    return build_world()


# The chart's words that a bar covers (the type's name once sat beside its bar and a long one
# ran under it), and any of them cut off by the edge of the SVG.
HIDDEN_LABELS = """() => {
    const svg = document.querySelector('svg.portal-chart');
    const box = svg.getBoundingClientRect();
    const bars = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
    const meets = (a, b) => a.left < b.right && b.left < a.right
        && a.top < b.bottom && b.top < a.bottom;
    return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()])
        .filter(([, r]) => bars.some(b => meets(r, b)) || r.right > box.right + 1
            || r.left < box.left - 1)
        .map(([text]) => text);
}"""


def pages(o):
    """(role, name, url) for each page of the issue, for each role that sees it."""
    summary = reverse("complaints:summary", kwargs={"pk": o.summary.pk})
    return [
        ("member", "enquiries-index", reverse("enquiries:index")),
        ("member", "interests-index", reverse("interests:index")),
        ("officer", "enquiries-queue", reverse("enquiries:queue")),
        ("officer", "interests-index", reverse("interests:index")),
        ("monitoring officer", "enquiries-queue", reverse("enquiries:queue")),
        ("monitoring officer", "interests-index", reverse("interests:index")),
        ("monitoring officer", "complaints-summary", summary),
    ]


def test_the_four_pages_fit_a_phone(browser, live_server, world, shot, axe_check):
    too_wide = []
    for role in ("member", "officer", "monitoring officer"):
        context = browser.new_context(viewport=WIDE, locale="en-GB")
        page = context.new_page()
        _sign_in(page, live_server, world.logins[role])
        for who, name, url in pages(world):
            if who != role:
                continue
            label = f"{role.replace(' ', '-')}-{name}"
            for width, size in (("1280", WIDE), ("390", PHONE)):
                page.set_viewport_size(size)
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, f"{role} {url}: {response.status}"
                found = page.evaluate(OVERFLOW_JS)
                if found:
                    too_wide.append(f"{label} at {width}: {found}")
                if name == "complaints-summary":
                    assert not page.evaluate(HIDDEN_LABELS), f"{label} at {width}"
                axe_check(page, f"{label} at {width}px")
                shot(page, f"fit-{label}-{width}")
        context.close()
    assert not too_wide, too_wide
