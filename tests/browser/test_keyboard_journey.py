"""Logging an enquiry with the keyboard alone: Tab, Enter and typing, no mouse. Every element
that takes focus on the way shows it, and on an error the summary takes focus and its links
lead to the fields."""

from __future__ import annotations

import re

import pytest

from enquiries.models import Enquiry
from tests.browser.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing has focus';
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
        && !/^rgba\(.*,\s*0\)$/.test(s.outlineColor) && s.outlineColor !== 'transparent';
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    if (outline || shadow) return '';
    const what = `${el.tagName.toLowerCase()}#${el.id}.${el.className}`
        + ` "${el.textContent.trim().slice(0, 40)}"`;
    return `${what} shows no focus (outline ${s.outlineStyle} ${s.outlineWidth}`
        + ` ${s.outlineColor}; shadow ${s.boxShadow})`;
}"""


class Keyboard:
    """Drive the page by keyboard only, checking focus is visible at every stop."""

    def __init__(self, page):
        self.page = page
        self.tabs = 0
        self.stops: list[str] = []

    def focused(self, selector: str) -> bool:
        return self.page.evaluate("(s) => document.activeElement.matches(s)", selector)

    def tab_to(self, selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            self.tabs += 1
            problem = self.page.evaluate(FOCUS_SHOWN)
            assert not problem, problem
            self.stops.append(
                self.page.evaluate(
                    "() => document.activeElement.id || document.activeElement.textContent"
                    ".trim().slice(0, 30)"
                )
            )
            if self.focused(selector):
                return
        raise AssertionError(f"{selector} never took focus in {limit} tabs: {self.stops[-10:]}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def enter(self, *, navigates: bool = True) -> None:
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press("Enter")
        else:
            self.page.keyboard.press("Enter")


def test_logging_an_enquiry_by_keyboard_alone(page, live_server, settings, tmp_path, shot, capsys):
    settings.MEDIA_ROOT = tmp_path
    o = build_world()
    member = o.logins["member"]
    keys = Keyboard(page)

    page.goto(f"{live_server.url}/login/")
    keys.tab_to("a.govuk-skip-link")
    keys.tab_to("#id_username")
    keys.type(member.username)
    keys.tab_to("#id_password")
    keys.type(PASSWORD)
    keys.enter()
    assert page.url == f"{live_server.url}/"

    keys.tab_to("a[href='/enquiries/']")
    keys.enter()
    keys.tab_to("a[href='/enquiries/new/']")
    keys.enter()
    assert page.title().startswith("Log an enquiry")

    # Send it empty: the error summary takes focus and names each missing answer.
    keys.tab_to("main button[type=submit]")
    keys.enter()
    assert page.title().startswith("Error: ")
    assert keys.focused(".govuk-error-summary"), "the error summary did not take focus"
    shot(page, "keyboard-enquiry-errors")
    # Its first link leads to the subject field.
    keys.tab_to(".govuk-error-summary a")
    keys.enter(navigates=False)
    assert keys.focused("#id_subject")

    keys.type("Fly-tipping behind the shops")
    keys.tab_to("#id_description")
    keys.type("A mattress and rubble on Mill Lane since Monday.")
    keys.tab_to("#id_service_area")
    keys.type("Housing")  # a focused select picks the option typed
    keys.tab_to("#id_ward")
    keys.type("North")
    keys.tab_to("main button[type=submit]")
    keys.enter()

    enquiry = Enquiry.objects.get(subject="Fly-tipping behind the shops")
    assert re.search(rf"/enquiries/{enquiry.reference}/$", page.url), page.url
    assert enquiry.service_area == o.repairs
    assert enquiry.description == "A mattress and rubble on Mill Lane since Monday."
    with capsys.disabled():
        print(
            f"\nkeyboard journey: {keys.tabs} Tab presses and no mouse, focus visible at every "
            f"stop, error summary focused on error; logged {enquiry.reference}"
        )
    shot(page, "keyboard-enquiry-logged")
