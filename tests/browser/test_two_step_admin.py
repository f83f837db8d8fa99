"""Two-step verification in Chromium: the admin needs a password and a code from an
authenticator app; enrolment draws its QR code under the site's CSP; a backup code works once.

The test plays the authenticator app: it computes the current code from the secret with
django-otp's own TOTP function, as a phone would.
"""

import base64
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from protocol_portal.org.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
KEY_HEX = "3132333435363738393031323334353637383930"


def code_for(key: bytes) -> str:
    return f"{totp(key, t0=0, step=30, digits=6, drift=0):06d}"


@pytest.fixture
def admin_person(settings):
    settings.MFA_REQUIRED = True
    return Person.objects.create_user(
        "ada",
        password=PASSWORD,
        first_name="Ada",
        last_name="Okafor",
        is_staff=True,
        is_superuser=True,
    )


def password_sign_in(page, live_server, next_path: str = "/admin/") -> None:
    page.goto(f"{live_server.url}/login/?next={next_path}")
    # Nothing from the page before may still be setting cookies: a late response's CSRF cookie
    # would no longer match this form's token (seen once in CI as a 403).
    page.wait_for_load_state("networkidle")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")


def sign_out(page) -> None:
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()


def test_admin_needs_password_and_authenticator_code(page, live_server, admin_person, shot):
    TOTPDevice.objects.create(user=admin_person, name="phone", key=KEY_HEX, confirmed=True)
    password_sign_in(page, live_server)
    page.wait_for_url(f"{live_server.url}/sign-in/two-step/**")
    # The password alone opens nothing, the admin included.
    page.goto(f"{live_server.url}/admin/")
    assert "/sign-in/two-step/" in page.url
    shot(page, "two-step-verify")

    page.fill("#id_code", code_for(bytes.fromhex(KEY_HEX)))
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.is_visible("text=Site administration")


def test_without_a_device_the_admin_sends_you_to_set_up(
    page, live_server, admin_person, axe_check, shot
):
    password_sign_in(page, live_server)
    page.wait_for_url(f"{live_server.url}/account/two-step/set-up/**")
    page.goto(f"{live_server.url}/admin/")
    assert "/account/two-step/set-up/" in page.url
    assert page.inner_text("h1") == "Set up two-step verification"
    # The QR code is inline SVG drawn on the server: nothing for the CSP to block.
    assert page.locator("svg.portal-qr[role='img']").count() == 1
    axe_check(page, "two-step set-up")
    shot(page, "two-step-set-up")

    page.click("text=I cannot scan the QR code")
    secret = page.inner_text("#totp-secret").replace(" ", "")
    key = base64.b32decode(secret)
    page.fill("#id_code", code_for(key))
    page.click("button:has-text('Turn on two-step verification')")
    page.wait_for_url(f"{live_server.url}/account/two-step/backup-codes/**")
    codes = [c.strip() for c in page.locator("#backup-codes code").all_inner_texts()]
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    axe_check(page, "backup codes")
    shot(page, "two-step-backup-codes")
    page.click("text=Continue")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.is_visible("text=Site administration")
    # Shown once: the page has nothing to show the second time.
    page.goto(f"{live_server.url}/account/two-step/backup-codes/")
    assert page.locator("#backup-codes").count() == 0


def test_a_backup_code_works_once(page, live_server, admin_person, settings):
    # django-otp makes you wait after a wrong code (tests/accounts/test_two_step.py proves it);
    # here the second code follows the refused one at once.
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    from protocol_portal.accounts.services import mfa_enrol

    key = bytes.fromhex(KEY_HEX)
    _, codes = mfa_enrol(person=admin_person, key_hex=KEY_HEX, code=code_for(key), now=time.time())

    password_sign_in(page, live_server)
    page.wait_for_url(f"{live_server.url}/sign-in/two-step/**")
    page.fill("#id_code", codes[0])
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.is_visible("text=You used a backup code. You have 9 left")
    sign_out(page)

    password_sign_in(page, live_server)
    page.wait_for_url(f"{live_server.url}/sign-in/two-step/**")
    page.fill("#id_code", codes[0])
    page.click("button:has-text('Continue')")
    assert page.is_visible("#id_code-error")
    assert "/sign-in/two-step/" in page.url
    page.fill("#id_code", codes[1])
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{live_server.url}/admin/")
