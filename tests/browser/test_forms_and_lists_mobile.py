"""Forms and lists on a phone (390 px) and a desktop (1280 px) in Chromium: no sideways
scrolling, no serious or critical axe-core failure, the check-answers step works with the
autocomplete over the long officer list; screenshots go to var/screenshots/ux-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.states import AckIntent, DeterminationOutcome, Kind
from protocol_portal.org.calendars import _council_calendar
from tests.complaints.factories import build_complaint_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-1"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def org():
    _council_calendar.cache_clear()
    o = build_complaint_org()
    for person in (o.complainant.person, o.mo.holder):
        person.set_password(PASSWORD)
        person.save()
    now = timezone.now()
    for n, post in enumerate([o.officer, o.officer_2, o.manager]):
        services.complaint_raise(
            council=o.council,
            raiser=o.complainant.person,
            kind=Kind.CONCERN_ABOUT_OFFICER,
            subject_post=post,
            summary=f"A concern about the way a housing visit was handled, number {n + 1}",
            details="Details.",
            as_of=now - timedelta(days=10 * n),
        )
    conduct = services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.red_whip,
        summary="Leaflets printed on the council's printer",
        details="Details.",
        as_of=now - timedelta(days=5),
    )
    conduct = services.complaint_acknowledge(
        complaint=conduct,
        actor=o.mo.holder,
        intent=AckIntent.NEEDS_TIME,
        message="I will look into this.",
        outcome_due_on=(now + timedelta(days=20)).date(),
        as_of=now - timedelta(days=4),
    )
    first = services.determination_issue(
        complaint=conduct,
        actor=o.mo.holder,
        outcome=DeterminationOutcome.NO_FURTHER_ACTION,
        reasons="No evidence.",
        as_of=now - timedelta(days=3),
    )
    services.determination_supersede(
        determination=first,
        actor=o.mo.holder,
        outcome=DeterminationOutcome.NO_FURTHER_ACTION,
        reasons="No evidence, on review.",
        why="A typing error.",
        as_of=now - timedelta(days=2),
    )
    return o


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def no_sideways_scroll(page) -> int:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"
    return width


def test_list_and_form_on_a_phone_and_a_desktop(page, live_server, org, axe_check, shot):
    sign_in(page, live_server, org.complainant.person.username)
    for label, size in (("390", PHONE), ("1280", {"width": 1280, "height": 900})):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/complaints/?sort=due")
        no_sideways_scroll(page)
        axe_check(page, f"complaints list at {label}px")
        shot(page, f"ux-complaints-list-{label}")
        if label == "390":
            # MoJ filter toggle: hidden behind a button on a phone, shown when asked.
            assert not page.is_visible(".moj-filter")
            page.click("button:has-text('Show filter')")
            assert page.is_visible(".moj-filter")

        page.goto(f"{live_server.url}/complaints/new/")
        no_sideways_scroll(page)
        axe_check(page, f"complaint form at {label}px")
        shot(page, f"ux-complaint-form-{label}")

    page.check(f"input[value='{Kind.CONCERN_ABOUT_OFFICER}']")
    # The officer list is long: a type-ahead over the select (accessible-autocomplete).
    page.fill("#id_subject_post", "Housing-Officer-2")
    page.click("#id_subject_post__listbox li >> nth=0")
    page.fill("#id_summary", "Dismissive at the surgery")
    page.fill("#id_details", "On 3 March.")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("h1:has-text('Check your answers before sending')")
    assert page.is_visible("text=Dismissive at the surgery")
    no_sideways_scroll(page)
    axe_check(page, "check answers at 1280px")
    shot(page, "ux-complaint-check-1280")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shot(page, "ux-complaint-check-390")
    # "Change" goes back with everything kept.
    page.click("button:has-text('Change') >> nth=2")
    page.wait_for_selector("h1:has-text('Raise a concern or complaint')")
    assert page.input_value("#id_summary") == "Dismissive at the surgery"


def test_register_of_determinations(page, live_server, org, axe_check, shot):
    sign_in(page, live_server, org.mo.holder.username)
    for label, size in (("1280", {"width": 1280, "height": 900}), ("390", PHONE)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/determinations/")
        assert page.is_visible("text=2 determinations")
        no_sideways_scroll(page)
        axe_check(page, f"register of determinations at {label}px")
        shot(page, f"ux-determinations-{label}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.check("input[name='state'][value='superseded']")
    page.click("button:has-text('Apply filters')")
    page.wait_for_url("**state=superseded**")
    shot(page, "ux-determinations-filtered-1280")
    assert page.locator("caption").first.inner_text() == "1 determination"
    chosen = page.locator(".moj-filter__tag")
    assert chosen.count() == 1
    assert "Superseded only" in chosen.inner_text()
    # Removing the filter gives the whole register back.
    chosen.click()
    page.wait_for_selector("caption:has-text('2 determinations')")


@pytest.fixture
def form_page(browser):
    """A tab like conftest's `page`, except that a form with errors answering 400 (as the
    site's forms do, by design) is not a failure; script errors and CSP violations still are."""
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error"
            and "status of 404" not in message.text
            and "status of 400" not in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert not problems, problems


def test_date_input_and_person_picker_on_a_phone(form_page, live_server, org, axe_check, shot):
    """The relationship form: a GOV.UK date input (no native picker), GOV.UK messages for an
    impossible date, the people picker saying who is a councillor."""
    page = form_page
    sign_in(page, live_server, org.complainant.person.username)
    page.goto(f"{live_server.url}/interests/relationships/new/")
    assert page.locator("input[type=date]").count() == 0
    assert page.locator("#id_since_0").is_visible()
    assert "(optional) (optional)" not in page.content()
    options = page.locator("#id_other_person-select option, #id_other_person option")
    assert any(text.startswith("Cllr ") for text in options.all_inner_texts())
    page.fill("#id_since_0", "31")
    page.fill("#id_since_1", "2")
    page.fill("#id_since_2", "2024")
    page.click("button:has-text('Declare the relationship')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.is_visible("text=The date the relationship began must be a real date")
    assert page.input_value("#id_since_0") == "31"
    no_sideways_scroll(page)
    axe_check(page, "relationship form with errors at 390px")
    shot(page, "ux-relationship-date-errors-390")
