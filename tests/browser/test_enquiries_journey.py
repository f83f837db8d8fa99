"""A councillor logs an enquiry in a real browser and the officer it is routed to finds it in
their queue. Both pages pass axe-core under the real CSP and are screenshotted for review:
var/screenshots/enquiry-logged.png and var/screenshots/officer-queue.png."""

import re

import pytest

from enquiries.models import Enquiry
from tests.conftest import build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


@pytest.fixture
def org():
    org = build_org()
    for person in (org.raiser.person, org.housing_officer.holder, org.housing_officer_2.holder):
        person.set_password(PASSWORD)
        person.first_name, person.last_name = person.first_name or "Sam", person.last_name or "Lee"
        person.save()
    return org


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_a_member_logs_an_enquiry_and_the_routed_officer_sees_it(
    page, browser, live_server, org, axe_check, shot
):
    sign_in(page, live_server, org.raiser.person.username)
    page.goto(f"{live_server.url}/enquiries/new/")
    page.get_by_label("Subject", exact=True).fill("Broken boiler at 4 Elm Street")
    page.get_by_label("What does the resident need?").fill(
        "No heating since Friday; the tenant is elderly and housebound."
    )
    page.get_by_label("Service area").select_option(label="Housing repairs")
    page.get_by_label("Ward", exact=True).select_option(label=org.raiser.ward.name)
    page.get_by_label("Resident's reference").fill("Mrs A, tenancy 1234")
    page.get_by_role("button", name="Send enquiry").click()
    page.wait_for_url(re.compile(r".*/enquiries/[A-Z]{3}-ENQ-\d{4}-\d{5}/$"))

    enquiry = Enquiry.objects.select_related("owner_post__holder").get()
    owner = enquiry.owner_post
    assert owner.directorate_id == org.housing.pk  # routine → an officer of the directorate
    body = page.locator("main").inner_text()
    assert enquiry.reference in body
    assert owner.title in body
    assert f"{enquiry.due_on:%-d %B %Y}" in body or f"{enquiry.due_on:%d %B %Y}" in body
    axe_check(page, "enquiry logged")
    shot(page, "enquiry-logged")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    officer = context.new_page()
    try:
        sign_in(officer, live_server, owner.holder.username)
        officer.goto(f"{live_server.url}/enquiries/queue/")
        row = officer.locator("tr", has_text=enquiry.reference)
        assert row.count() == 1
        assert "Broken boiler at 4 Elm Street" in row.inner_text()
        axe_check(officer, "officer queue")
        shot(officer, "officer-queue")
        row.get_by_role("link", name=enquiry.reference).click()
        officer.wait_for_url(f"{live_server.url}/enquiries/{enquiry.reference}/")
        assert "Mrs A, tenancy 1234" in officer.locator("main").inner_text()
    finally:
        context.close()

    # Another officer of the same directorate, not on the route, has nothing in their queue.
    other = org.housing_officer_2 if owner == org.housing_officer else org.housing_officer
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    stranger = context.new_page()
    try:
        sign_in(stranger, live_server, other.holder.username)
        stranger.goto(f"{live_server.url}/enquiries/queue/")
        assert enquiry.reference not in stranger.locator("main").inner_text()
        response = stranger.goto(f"{live_server.url}/enquiries/{enquiry.reference}/")
        assert response.status == 404
    finally:
        context.close()
