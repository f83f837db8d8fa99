"""'Your work' and a case page in a real browser, on a desktop (1280 px) and a phone (390 px):
no sideways scrolling on the phone, no serious or critical axe-core failures, the items and
the next step shown, and screenshots in var/screenshots/ for review (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from enquiries import services as enquiry_services
from tests.browser.conftest import AXE, run_axe
from tests.browser.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def _world():
    o = build_world()
    now = timezone.now()
    # An enquiry logged four weeks ago and never answered: overdue in the officer's queue.
    o.late = enquiry_services.enquiry_create(
        member=o.complainant,
        subject="Bins not collected on Mare Street for three weeks",
        description="The whole street.",
        service_area=o.repairs,
        ward=o.complainant.ward,
        actor=o.complainant.person,
        as_of=now - timedelta(days=28),
    )
    # The officer asks the member a question about the other one.
    enquiry_services.enquiry_request_clarification(
        enquiry=o.enquiry,
        question="Which flat is it, and when can we visit?",
        actor=o.enquiry.owner_post.holder,
        as_of=now,
    )
    return o


def _sign_in(page, live_server, person) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def _no_sideways_scroll(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{name}: the page is {width} px wide in a {inner} px window"


def _check_page(page, role: str, name: str, label: str) -> None:
    """What each page must show its reader."""
    text = page.inner_text("main")
    if name == "home" and role == "member":
        assert "Log an enquiry" in text
        assert "Your enquiries" in text
        assert "Reply so they can answer" in text
    if name == "home" and role == "officer":
        assert "Enquiries in your queue" in text
        assert "working days overdue" in text
    if name == "enquiry":
        banner = page.locator(".portal-next-step")
        assert banner.is_visible()
        top = banner.bounding_box()["y"]
        # The next step is on the first screen, even on a phone.
        assert top < 900, f"{label}: the banner starts at {top} px"
        if role == "member":
            assert "Reply to the officer’s question" in banner.inner_text()
            assert "Which flat is it" in banner.inner_text()


def _open_a_notice(page, live_server) -> None:
    """The navigation's unread count, then a notice opened: its case, and one fewer unread."""
    page.goto(live_server.url + "/")
    badge = page.locator(".govuk-service-navigation .moj-notification-badge")
    before = int(badge.inner_text().split()[0])
    page.locator("section[aria-labelledby=notices-title] li a").first.click()
    page.wait_for_load_state()
    assert "/enquiries/" in page.url
    page.goto(live_server.url + "/")
    after = int(badge.inner_text().split()[0]) if badge.count() else 0
    assert after == before - 1


def test_your_work_and_a_case_page_on_desktop_and_phone(browser, live_server, shot, capsys):
    o = _world()
    pages = {
        "member": [("home", "/"), ("enquiry", o.enquiry.get_absolute_url())],
        "officer": [("home", "/"), ("enquiry", o.late.get_absolute_url())],
    }
    who = {"member": o.complainant.person, "officer": o.late.owner_post.holder}
    for person in who.values():
        person.set_password(PASSWORD)
        person.save()
    for width in WIDTHS:
        for role, visits in pages.items():
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            _sign_in(page, live_server, who[role])
            for name, path in visits:
                page.goto(live_server.url + path)
                label = f"{role} {name} at {width} px"
                run_axe(page, label)
                if width < 400:
                    _no_sideways_scroll(page, label)
                _check_page(page, role, name, label)
                shot(page, f"your-work-{role}-{name}-{width}")
            if role == "member" and width == WIDTHS[0]:
                _open_a_notice(page, live_server)
            context.close()
    with capsys.disabled():
        print("\n[your work] home and enquiry page, member and officer, at 1280 and 390 px")


def test_a_queue_past_the_count_says_more_than_on_desktop_and_phone(
    browser, live_server, shot, monkeypatch
):
    """Past the reach the queue panel's count reads "More than 1" and its summary how many of
    those due soonest are overdue, fitting the panel's heading at both widths."""
    from protocol_portal.casework import bounds

    o = _world()
    officer = o.late.owner_post.holder
    monkeypatch.setattr(bounds, "COUNT_MOST", 1)
    officer.set_password(PASSWORD)
    officer.save()
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        _sign_in(page, live_server, officer)
        label = f"officer home, queue past the count, at {width} px"
        run_axe(page, label)
        if width < 400:
            _no_sideways_scroll(page, label)
        heading = page.locator("h2", has_text="Enquiries in your queue")
        assert "More than 1" in heading.inner_text()
        assert "1 of the 1 due soonest is overdue" in page.inner_text("main")
        shot(page, f"your-work-officer-more-than-{width}")
        context.close()
