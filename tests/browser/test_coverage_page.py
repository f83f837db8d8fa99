"""The coverage map in a real browser: reached from the navigation by a council's officer, it
passes axe-core's WCAG 2.2 AA rules, and on a phone only its wide table scrolls sideways."""

import pytest

from protocol_portal.org.models import Council, Person, Post, PostKind
from protocol_portal.org.services import post_set_holder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


@pytest.fixture
def officer():
    council = Council.objects.create(
        slug="hackney", name="London Borough of Hackney", protocol="004"
    )
    post = Post.objects.create(
        council=council, slug="member-services", title="Member Services", kind=PostKind.OFFICER
    )
    person = Person.objects.create_user(
        "mo-services", password=PASSWORD, first_name="Mo", last_name="Services"
    )
    post_set_holder(post=post, holder=person)
    return person


def test_an_officer_opens_the_coverage_map_from_the_navigation(
    page, live_server, officer, axe_check, shot
):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "mo-services")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.click("a.govuk-service-navigation__link:has-text('Protocol coverage')")
    page.wait_for_url(f"{live_server.url}/coverage/hackney/")
    assert page.is_visible("h1:has-text('Protocol coverage')")
    assert "All case types" in page.inner_text("table >> nth=0")
    assert page.is_visible("#p-12-5")  # 004 §12.5, cross-directorate requests
    axe_check(page, "coverage map")
    shot(page, "coverage-map")
    page.set_viewport_size({"width": 390, "height": 844})
    from tests.browser.test_accessibility_all_pages import OVERFLOW_JS

    assert page.evaluate(OVERFLOW_JS) is None
    axe_check(page, "coverage map (390 px)")
