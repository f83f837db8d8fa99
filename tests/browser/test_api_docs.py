"""/api/docs/ in Chromium under the site's own CSP (code review B2; security probe F14): Swagger
UI from this site (drf-spectacular-sidecar) runs and shows every operation, for a signed-in
person; an anonymous visitor is refused (403)."""

import pytest

from protocol_portal.org.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


def test_the_api_docs_run_under_the_csp_for_a_signed_in_person(browser, live_server):
    Person.objects.create_user("api-reader", password=PASSWORD)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    try:
        assert page.goto(f"{live_server.url}/api/docs/").status == 403
        problems.clear()  # the browser reports the 403 itself

        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "api-reader")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".opblock", timeout=30_000)
        assert page.locator(".opblock").count() > 50
        assert "Protocol Portal API" in page.locator(".title").first.inner_text()
    finally:
        context.close()
    # drf-spectacular's page template has one inline <style> (cosmetic: box-sizing and a
    # background), which style-src 'self' blocks; no script is blocked or fails.
    assert [p for p in problems if "style-src" not in p] == []
