"""Two-step verification through Django's test client: who is asked, what stays closed until
they answer, enrolment, throttling, opting in, the admin's reset and the deploy check."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.checks import run_checks
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from protocol_portal.accounts import services
from protocol_portal.accounts.policy import SSO_BACKEND
from tests.factories import PersonFactory, PostFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"
KEY_HEX = "3132333435363738393031323334353637383930"
MOMENT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def code(key_hex: str = KEY_HEX) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def with_password(person):
    person.set_password(PASSWORD)
    person.save()
    return person


def sign_in(client, person):
    response = client.post("/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def officer(db):
    post = PostFactory()
    return with_password(post.holder)


@pytest.fixture
def councillor(db):
    return with_password(PersonFactory(username="cllr"))


def test_a_post_holder_must_set_up_before_any_page(client, officer, required):
    response = sign_in(client, officer)
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == "/account/two-step/set-up/?next=%2F"
    assert client.get("/admin/")["Location"].startswith("/account/two-step/set-up/")
    api = client.get("/api/v1/enquiries/")
    assert api.status_code == 403
    assert "two-step verification" in api.json()["detail"]
    # What a half-signed-in person may still open.
    set_up = client.get("/account/two-step/set-up/")
    assert set_up.status_code == 200
    # No navigation to pages that would only send them back here.
    assert "govuk-service-navigation__link" not in set_up.content.decode()
    assert client.get("/accessibility/").status_code == 200


def test_enrolment_with_a_wrong_code_keeps_the_same_secret(client, officer, required):
    sign_in(client, officer)
    first = client.get("/account/two-step/set-up/").content.decode()
    wrong = client.post("/account/two-step/set-up/", {"code": "12345"})
    assert "The code is not right" in wrong.content.decode()
    secret = first.split('id="totp-secret">')[1].split("<")[0]
    assert secret in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    empty = client.post("/account/two-step/set-up/", {"code": ""})
    assert "Enter the code" in empty.content.decode()


def test_enrolment_then_the_next_sign_in_asks_for_a_code(client, officer, required):
    sign_in(client, officer)
    client.get("/account/two-step/set-up/")
    key_hex = client.session["portal_totp_pending_key"]
    done = client.post("/account/two-step/set-up/", {"code": code(key_hex), "next": "/"})
    assert done["Location"] == "/account/two-step/backup-codes/?next=%2F"
    page = client.get(done["Location"]).content.decode()
    assert page.count('<li><code class="portal-code">') == 10
    home = client.get("/")
    assert home.status_code == 200
    assert "govuk-service-navigation__link" in home.content.decode()
    client.post("/logout/")

    sign_in(client, officer)
    assert client.get("/")["Location"] == "/sign-in/two-step/?next=%2F"
    assert client.get("/account/two-step/set-up/")["Location"].startswith("/sign-in/two-step/")


def test_a_wrong_code_makes_you_wait_before_the_next(client, officer, required):
    TOTPDevice.objects.create(user=officer, name="phone", key=KEY_HEX, confirmed=True)
    with time_machine.travel(MOMENT, tick=False):
        sign_in(client, officer)
        wrong = "000000" if code() != "000000" else "111111"
        assert "not right" in client.post("/sign-in/two-step/", {"code": wrong}).content.decode()
        at_once = client.post("/sign-in/two-step/", {"code": code()})
        assert at_once.status_code == 200  # refused: too soon after a wrong code
    with time_machine.travel(MOMENT + timedelta(seconds=5), tick=False):
        response = client.post("/sign-in/two-step/", {"code": code(), "next": "/enquiries/"})
        assert response["Location"] == "/enquiries/"


def test_next_must_stay_on_the_site(client, officer, required):
    TOTPDevice.objects.create(user=officer, name="phone", key=KEY_HEX, confirmed=True)
    sign_in(client, officer)
    response = client.post("/sign-in/two-step/", {"code": code(), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_councillor_is_not_asked_but_may_opt_in(client, councillor, required):
    sign_in(client, councillor)
    assert client.get("/").status_code == 200
    offer = client.get("/account/two-step/").content.decode()
    assert "Two-step verification is off. You can turn it on" in offer
    client.get("/account/two-step/set-up/")
    key_hex = client.session["portal_totp_pending_key"]
    client.post("/account/two-step/set-up/", {"code": code(key_hex)})
    client.post("/logout/")
    # Having chosen it, they are asked for it from now on.
    sign_in(client, councillor)
    assert client.get("/")["Location"].startswith("/sign-in/two-step/")


def test_without_mfa_required_staff_are_not_asked(client, officer, settings):
    settings.MFA_REQUIRED = False
    sign_in(client, officer)
    assert client.get("/").status_code == 200


def test_single_sign_on_is_not_asked_even_for_the_admin(client, required):
    admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(admin, backend=SSO_BACKEND)
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200


def test_the_admin_asks_even_someone_not_otherwise_required(client, councillor, required):
    councillor.is_staff = True  # made staff after signing in: the session says "not required"
    sign_in(client, councillor)
    councillor.save()
    assert client.get("/admin/")["Location"].startswith("/account/two-step/set-up/")


def test_a_session_from_before_two_step_existed_is_checked(client, officer, required):
    sign_in(client, officer)
    session = client.session
    del session["portal_two_step"]
    session.save()
    assert client.get("/")["Location"].startswith("/account/two-step/set-up/")


def test_the_admin_resets_a_lost_phone(client, officer, settings):
    settings.MFA_REQUIRED = False
    services.mfa_enrol(person=officer, key_hex=KEY_HEX, code=code(), now=time.time())
    admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/org/person/",
        {"action": "reset_two_step", "_selected_action": [officer.pk]},
        follow=True,
    )
    assert "Two-step verification reset for 1 people (2 devices removed)" in (
        response.content.decode()
    )
    assert services.backup_codes_left(person=officer) == 0
    assert not TOTPDevice.objects.exists()


def test_the_deploy_check_warns_when_staff_need_no_second_step(settings):
    settings.MFA_REQUIRED = False
    settings.LOCAL_PASSWORDS = True
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "accounts.W001" in ids
    settings.MFA_REQUIRED = True
    assert "accounts.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_the_admin_never_shows_a_secret_or_a_backup_code(client, officer, settings):
    settings.MFA_REQUIRED = False
    device, codes = services.mfa_enrol(
        person=officer, key_hex=KEY_HEX, code=code(), now=time.time()
    )
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    totp_page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert totp_page.status_code == 200
    assert KEY_HEX not in totp_page.content.decode()
    for view in ("config", "qrcode"):
        assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/").status_code == 403
    backup = officer.staticdevice_set.get()
    static_page = client.get(f"/admin/otp_static/staticdevice/{backup.pk}/change/")
    assert static_page.status_code == 200
    assert not any(c in static_page.content.decode() for c in codes)
