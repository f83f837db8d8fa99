"""The sign-in page's switches, the admin's login, password reset and the single sign-on
callback's failures, through Django's test client."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import authenticate
from django.core import mail

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"


@pytest.fixture
def person():
    person = PersonFactory(username="ada", email="ada@council.example")
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.fixture
def sso(settings):
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:1/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:1/token"  # nothing listens there
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:1/jwks"
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:1"
    settings.OIDC_PROVIDER_NAME = "Testshire account"


def test_passwords_on_the_page_has_the_form_and_the_reset_link(client, person):
    page = client.get("/login/").content.decode()
    assert 'name="password"' in page
    assert "I have forgotten my password" in page
    assert "Sign in with" not in page
    response = client.post("/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)


def test_with_sso_the_page_offers_the_provider_too(client, sso):
    page = client.get("/login/?next=/enquiries/").content.decode()
    assert "Sign in with Testshire account" in page
    assert 'href="/oidc/authenticate/?next=/enquiries/"' in page
    assert 'name="password"' in page


def test_with_local_passwords_off_a_password_is_refused(client, rf, person, sso, settings):
    settings.LOCAL_PASSWORDS = False
    page = client.get("/login/").content.decode()
    assert 'name="password"' not in page
    assert "forgotten my password" not in page
    assert "Sign in with Testshire account" in page

    response = client.post("/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 403
    assert "This site does not accept passwords" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Nor by any other door: the backend itself refuses.
    assert authenticate(rf.post("/login/"), username="ada", password=PASSWORD) is None
    assert client.get("/password-reset/").status_code == 404
    assert client.post("/password-reset/", {"email": person.email}).status_code == 404
    assert mail.outbox == []


def test_the_admin_login_is_the_sites_sign_in_page(client, person):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    # Signed in but not staff: refused, not sent round in a loop.
    client.force_login(person)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_without_sso_its_addresses_are_not_found(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_start_sends_the_browser_to_the_provider_with_pkce(client, sso):
    response = client.get("/oidc/authenticate/?next=/enquiries/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["openid profile"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]


def test_a_provider_that_does_not_answer_is_a_message_not_an_error(client, sso):
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(f"/oidc/callback/?code=abc&state={state}", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "the sign-in service did not answer" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_replayed_or_forged_callback_is_refused_with_a_message(client, sso):
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/?code=abc&state=not-ours", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Signing in with Testshire account did not work" in response.content.decode()


def test_the_no_account_page_stands_alone(client, settings):
    settings.SIGN_IN_HELP_TEAM = "Testshire Member Services"
    page = client.get("/sign-in/no-account/").content.decode()
    assert "You do not have a Protocol Portal account" in page
    assert "ask Testshire Member Services" in page


# ---- Password reset -------------------------------------------------------------------------


def test_password_reset_from_email_to_new_password(client, person):
    response = client.post("/password-reset/", {"email": "ADA@council.example"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@council.example"]
    assert message.subject == "Reset your Protocol Portal password"
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    mismatch = client.post(
        set_url, {"new_password1": "a-new-long-passphrase", "new_password2": "different"}
    )
    assert "The two passwords do not match" in mismatch.content.decode()
    done = client.post(
        set_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done["Location"] == "/password-reset/done/"
    client.post("/login/", {"username": "ada", "password": "a-new-long-passphrase"})
    assert client.session.get("_auth_user_id") == str(person.pk)
    # The link works once.
    client.post("/logout/")
    assert "The link has expired" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, person):
    known = client.post("/password-reset/", {"email": "ada@council.example"}, follow=True)
    mail.outbox.clear()
    unknown = client.post("/password-reset/", {"email": "nobody@council.example"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert mail.outbox == []


def test_a_person_without_a_password_gets_no_reset_email(client, person):
    person.set_unusable_password()  # signs in only through the council's provider
    person.save()
    client.post("/password-reset/", {"email": "ada@council.example"})
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter an email address in the correct format"),
    ],
)
def test_password_reset_errors_are_next_to_the_field(client, email, error):
    response = client.post("/password-reset/", {"email": email})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert mail.outbox == []
