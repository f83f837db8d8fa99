"""The shell in a real browser: each page passes axe-core's WCAG 2.2 AA rules under the real CSP,
works by keyboard, and is screenshotted to var/screenshots/ for review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from protocol_portal.casework.models import Notice, OutboxMessage
from protocol_portal.org.models import (
    CalendarKind,
    Council,
    Directorate,
    Member,
    MemberRole,
    MemberRoleKind,
    Person,
    PoliticalGroup,
    Post,
    PostKind,
    RoutingRule,
    Ward,
)
from protocol_portal.org.services import post_set_holder
from protocol_portal.web import home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


@pytest.fixture
def council():
    council = Council.objects.create(
        slug="testshire", name="Testshire District Council", protocol="000"
    )
    housing = Directorate.objects.create(council=council, slug="housing", name="Housing")
    people = {}

    def post(slug, title, kind, holder, **kw):
        p = Post.objects.create(council=council, slug=slug, title=title, kind=kind, **kw)
        first, last = holder.split()
        people[slug] = Person.objects.create_user(slug, first_name=first, last_name=last)
        post_set_holder(post=p, holder=people[slug])
        return p

    ce = post("ce", "Chief Executive", PostKind.CHIEF_EXECUTIVE, "Chloe Chowdhury")
    post("mo", "Monitoring Officer", PostKind.MONITORING_OFFICER, "Maya Mensah", line_manager=ce)
    post(
        "dir-housing",
        "Director of Housing",
        PostKind.DIRECTOR,
        "Dev Doyle",
        directorate=housing,
        line_manager=ce,
    )
    RoutingRule.objects.create(
        council=council,
        key="complaint-about-director",
        case_type="complaint",
        raised_by="member",
        concerning="director",
        stage="first",
        handler_kind="director",
        handler_of="subject_directorate",
        copied=[{"kind": "monitoring_officer", "of": "council"}],
        deadline_days=3,
        deadline_calendar=CalendarKind.CALENDAR,
        next_stage="review",
        informal_first="Raise it with the director informally first, where that is reasonable.",
        source="000 §11.3",
        note="The director of the service where the fault lies acknowledges within three days.",
    )
    RoutingRule.objects.create(
        council=council,
        key="complaint-review",
        case_type="complaint",
        raised_by="member",
        concerning="director",
        stage="review",
        handler_kind="chief_executive",
        deadline_days=10,
        source="000 §11.5",
    )
    RoutingRule.objects.create(
        council=council,
        key="enquiry-all",
        case_type="enquiry",
        raised_by="member",
        concerning="any",
        stage="first",
        handler_kind="director",
        handler_of="case_directorate",
        deadline_days=10,
        source="000 §7.1",
    )
    return council


@pytest.fixture
def councillor(council):
    person = Person.objects.create_user(
        "alice", password=PASSWORD, first_name="Alice", last_name="Adeyemi"
    )
    ward = Ward.objects.create(council=council, slug="hoxton-east", name="Hoxton East")
    group = PoliticalGroup.objects.create(council=council, slug="labour", name="Labour Group")
    member = Member.objects.create(council=council, person=person, ward=ward, group=group)
    MemberRole.objects.create(
        member=member, kind=MemberRoleKind.CABINET_MEMBER, portfolio="Housing"
    )
    for i, subject in enumerate(
        [
            "Your enquiry TES-ENQ-2026-00012 has been answered",
            "Reminder: TES-ENQ-2026-00009 is due in 2 working days",
            "TES-CMP-2026-00003 was acknowledged by the Director of Housing",
        ]
    ):
        message = OutboxMessage.objects.create(
            key=f"demo:{i}",
            council=council,
            subject=subject,
            body="…",
            created_at=timezone.now() - timedelta(hours=i * 5),
        )
        Notice.objects.create(message=message, person=person)
    return person


@pytest.fixture
def admin_person(council):
    return Person.objects.create_user(
        "ada", password=PASSWORD, first_name="Ada", last_name="Okafor", is_staff=True
    )


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_sign_in_page(page, live_server, axe_check, shot):
    page.goto(f"{live_server.url}/login/")
    assert page.title() == "Sign in – Protocol Portal"
    # The first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    # govuk-frontend's JavaScript ran under the CSP.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    axe_check(page, "sign in")
    shot(page, "login")


def test_sign_in_errors(page, live_server, axe_check, shot):
    page.goto(f"{live_server.url}/login/")
    page.click("button:has-text('Sign in')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.is_visible("#id_username-error")
    axe_check(page, "sign in with errors")
    shot(page, "login-errors")


def _declarations_panel(request):
    """A stand-in for a case app's panel, so its markup is checked and seen too."""
    return {
        "title": "Declarations to renew",
        "count": 2,
        "url": "/interests/",
        "items": [
            {
                "text": "Register of interests: annual review",
                "url": "/interests/",
                "hint": "Due 31 May 2026",
                "tag": "Due soon",
                "tag_colour": "yellow",
            },
            {"text": "Gift: tickets from a developer (£80)", "tag": "Overdue", "tag_colour": "red"},
        ],
    }


@pytest.fixture
def declarations_panel():
    home.register_panel(_declarations_panel)
    yield
    home.unregister_panel(_declarations_panel)


def test_home_page(page, live_server, councillor, declarations_panel, axe_check, shot):
    sign_in(page, live_server, "alice")
    assert page.is_visible("text=Declarations to renew")
    assert page.is_visible("text=Your work")
    assert page.is_visible("text=Reminder: TES-ENQ-2026-00009 is due in 2 working days")
    assert page.is_visible(".portal-header >> text=Testshire District Council")
    axe_check(page, "home")
    shot(page, "home")


def test_home_page_on_a_phone(browser, live_server, councillor, axe_check, shot):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-GB")
    phone = context.new_page()
    try:
        sign_in(phone, live_server, "alice")
        axe_check(phone, "home (phone)")
        shot(phone, "home-phone")
    finally:
        context.close()


def test_sign_out(page, live_server, councillor):
    sign_in(page, live_server, "alice")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")


def test_routing_explainer_with_a_result(page, live_server, admin_person, axe_check, shot):
    sign_in(page, live_server, "ada")
    page.click("a.govuk-service-navigation__link:has-text('Routing explainer')")
    page.select_option("#id_council", "testshire")
    page.click("button:has-text('Choose council')")
    page.select_option("#id_case_type", "complaint")
    page.select_option("#id_concerning", "director")
    page.select_option("#id_directorate", "housing")
    page.click("button:has-text('Explain the route')")
    page.wait_for_selector("#result")
    result = page.inner_text("#result")
    assert "complaint-about-director" in result
    assert "000 §11.3" in result
    assert "Dev Doyle" in result
    assert "Maya Mensah" in result
    axe_check(page, "routing explainer")
    shot(page, "routing-explainer")


def test_routing_explainer_errors(page, live_server, admin_person, axe_check, shot):
    sign_in(page, live_server, "ada")
    page.goto(
        f"{live_server.url}/routing/?council=testshire&case_type=complaint"
        "&raised_by=member&concerning=nonsense&stage=first"
    )
    assert page.is_visible("#id_concerning-error")
    axe_check(page, "routing explainer with errors")
    shot(page, "routing-explainer-errors")


def test_accessibility_statement(page, live_server, axe_check, shot):
    page.goto(f"{live_server.url}/accessibility/")
    assert page.is_visible("h1:has-text('Accessibility statement')")
    axe_check(page, "accessibility statement")
    shot(page, "accessibility")


def test_not_found_page(page, live_server, axe_check, shot):
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    assert page.is_visible("h1:has-text('Page not found')")
    axe_check(page, "404")
    shot(page, "404")


def test_pages_work_without_javascript(browser, live_server, councillor):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        sign_in(tab, live_server, "alice")
        assert tab.is_visible("text=Your work")
        tab.click("button:has-text('Sign out')")
        tab.wait_for_url(f"{live_server.url}/login/")
    finally:
        context.close()
