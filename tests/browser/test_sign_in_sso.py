"""Single sign-on end to end: Chromium, the portal's live server, and a real OpenID Connect
provider (django-oauth-toolkit, tests/oidc_provider/) running as its own process on 127.0.0.1.
Nothing is mocked: the browser fills in the provider's own login form, the portal exchanges the
code (with its PKCE verifier) for an RS256-signed ID token and checks it against the provider's
published keys.

The provider sends Entra-shaped claims (`tid`, `oid`, `groups`), and the portal is set up as
for Microsoft Entra ID: people are matched on the tenant and object id.
"""

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import Group

from protocol_portal.accounts.models import GroupClaimMapping, IdentityLink, PendingIdentityLink
from protocol_portal.org.models import Council, Person, Post, PostKind
from protocol_portal.org.services import post_set_holder
from tests.oidc_provider.process import running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    with running_provider(
        tmp_path_factory.mktemp("provider"),
        redirect_uri=f"{live_server.url}/oidc/callback/",
        users=["dev:council-staff", "stranger", "bola"],
    ) as running:
        yield running


@pytest.fixture
def sso(provider, settings):
    """The portal set up as for Entra ID, against the test provider; MFA required for staff."""
    for name, value in provider.portal_settings().items():
        setattr(settings, name, value)
    settings.OIDC_ISSUER_CLAIM = "tid"
    settings.OIDC_SUBJECT_CLAIM = "oid"
    settings.MFA_REQUIRED = True
    return provider


@pytest.fixture
def officer(sso):
    """Dev Doyle holds a post (staff, so a password sign-in would need two-step verification)
    and is linked by an admin to his object id at the provider."""
    council = Council.objects.create(slug="testshire", name="Testshire District Council")
    person = Person.objects.create_user("dev.doyle", first_name="Dev", last_name="Doyle")
    post = Post.objects.create(
        council=council, slug="dir-housing", title="Director of Housing", kind=PostKind.DIRECTOR
    )
    post_set_holder(post=post, holder=person)
    IdentityLink.objects.create(person=person, issuer=sso.tenant_id, subject=sso.object_id("dev"))
    return person


def provider_sign_in(page, username: str) -> None:
    """On the provider's own login form."""
    page.wait_for_selector("text=Test council identity provider")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password")
    page.click("button:has-text('Sign in to the council')")


def test_a_linked_person_signs_in_through_the_provider(page, live_server, officer, sso, shot):
    staff = Group.objects.create(name="Routing administrators")
    GroupClaimMapping.objects.create(claim_value="council-staff", group=staff, grants_staff=True)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/o/authorize/" in r.url else None)

    page.goto(f"{live_server.url}/login/")
    shot(page, "login-with-sso")
    page.click("text=Sign in with the test council")
    provider_sign_in(page, "dev")
    page.wait_for_url(f"{live_server.url}/")

    # "Your work": signed in as the linked person, with no two-step prompt from the portal.
    assert page.is_visible("h1:has-text('Your work')")
    assert page.is_visible(".portal-header >> text=Dev Doyle")
    # Authorization code flow with PKCE (S256), state and nonce.
    query = parse_qs(urlparse(asked[0]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert all(query[name][0] for name in ("code_challenge", "state", "nonce"))
    # The provider's group gave the mapped portal group and the staff flag.
    officer.refresh_from_db()
    assert officer.is_staff
    assert list(officer.groups.filter(name="Routing administrators")) == [staff]
    assert page.is_visible(".govuk-service-navigation >> text=Routing explainer")
    assert IdentityLink.objects.get(person=officer).last_sign_in_at is not None


def test_someone_without_a_portal_account_is_told_whom_to_ask(
    page, live_server, officer, sso, settings, axe_check, shot
):
    settings.SIGN_IN_HELP_TEAM = "Testshire Member Services"
    settings.SIGN_IN_HELP_EMAIL = "member.services@testshire.example"
    page.goto(f"{live_server.url}/login/")
    page.click("text=Sign in with the test council")
    provider_sign_in(page, "stranger")
    page.wait_for_url(f"{live_server.url}/sign-in/no-account/")

    assert page.inner_text("h1") == "You do not have a Protocol Portal account"
    assert page.is_visible("text=ask Testshire Member Services")
    assert page.is_visible("a[href='mailto:member.services@testshire.example']")
    # The details an admin needs to link the account.
    assert page.is_visible(f"text={sso.object_id('stranger')}")
    axe_check(page, "no portal account")
    shot(page, "sso-no-account")
    # Not signed in, and nobody was created.
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert not Person.objects.exclude(pk=officer.pk).exists()


def test_link_on_first_sign_in_by_username_then_by_object_id_only(
    page, live_server, officer, sso, settings
):
    settings.OIDC_LINK_CLAIM = "preferred_username"
    bola = Person.objects.create_user("bola", first_name="Bola", last_name="Bakare")
    PendingIdentityLink.objects.create(person=bola, claim_value="bola@council.example")

    page.goto(f"{live_server.url}/login/")
    page.click("text=Sign in with the test council")
    provider_sign_in(page, "bola")
    page.wait_for_url(f"{live_server.url}/")

    assert page.is_visible(".portal-header >> text=Bola Bakare")
    link = IdentityLink.objects.get(person=bola)
    assert (link.issuer, link.subject) == (sso.tenant_id, sso.object_id("bola"))
    assert not PendingIdentityLink.objects.exists()


def test_with_local_passwords_off_only_the_provider_signs_in(
    browser, page, live_server, officer, sso, settings, axe_check, shot
):
    officer.set_password("a-long-password-1")
    officer.save()
    # A password form left open in a tab while the site switches passwords off is refused.
    # (Its own tab: the 403 is expected, and `page` fails a test on any error response.)
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{live_server.url}/login/")
    settings.LOCAL_PASSWORDS = False
    tab.fill("#id_username", "dev.doyle")
    tab.fill("#id_password", "a-long-password-1")
    with tab.expect_response(f"{live_server.url}/login/") as posted:
        tab.click("button:has-text('Sign in')")
    assert posted.value.status == 403
    assert tab.is_visible("text=This site does not accept passwords")
    tab.goto(f"{live_server.url}/")
    assert tab.url.startswith(f"{live_server.url}/login/")  # not signed in
    context.close()

    page.goto(f"{live_server.url}/login/")
    assert page.locator("#id_password").count() == 0
    assert page.locator("text=I have forgotten my password").count() == 0
    axe_check(page, "sign in, single sign-on only")
    shot(page, "login-sso-only")
    # The admin's own password form is gone too: it leads to the one sign-in page.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.locator("#id_password").count() == 0

    page.goto(f"{live_server.url}/login/")
    page.click("text=Sign in with the test council")
    provider_sign_in(page, "dev")
    page.wait_for_url(f"{live_server.url}/")
    assert page.is_visible(".portal-header >> text=Dev Doyle")


def test_people_without_an_account_do_not_lock_out_their_office(page, live_server, officer, sso):
    """Finding no portal account is not a failed login: django-axes (five failures) must not
    count it, or a few people without accounts would lock their whole office out."""
    for _ in range(6):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.click("text=Sign in with the test council")
        provider_sign_in(page, "stranger")
        page.wait_for_url(f"{live_server.url}/sign-in/no-account/")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.click("text=Sign in with the test council")
    provider_sign_in(page, "dev")
    page.wait_for_url(f"{live_server.url}/", timeout=10_000)


def test_a_switched_off_account_is_told_so(page, live_server, officer, sso):
    officer.is_active = False
    officer.save()
    page.goto(f"{live_server.url}/login/")
    page.click("text=Sign in with the test council")
    provider_sign_in(page, "dev")
    page.wait_for_url(f"{live_server.url}/login/")
    assert page.is_visible("text=This account has been switched off")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")
