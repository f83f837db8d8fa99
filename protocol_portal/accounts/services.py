"""Writes of signing in: finding the person an ID token names, their groups, and their
two-step verification devices. Keyword-only and atomic, as every service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from protocol_portal.accounts.models import GroupClaimMapping, IdentityLink, PendingIdentityLink
from protocol_portal.org.models import Person

BACKUP_CODE_COUNT = 10


@dataclass(frozen=True)
class SignInOutcome:
    """The person an ID token names, or None, with the (issuer, subject) it carried."""

    person: Person | None
    issuer: str
    subject: str


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value if isinstance(value, str) else ""


@transaction.atomic
def sso_sign_in(*, claims: dict, as_of: datetime) -> SignInOutcome:
    """Find the person by the provider's stable subject (Entra ID: `tid` + `oid`), never by
    email. With OIDC_LINK_CLAIM set, an admin's one-time "link on first sign-in" turns into a
    permanent link here. Nobody is ever created."""
    issuer = _claim(claims, settings.OIDC_ISSUER_CLAIM)
    subject = _claim(claims, settings.OIDC_SUBJECT_CLAIM)
    if not issuer or not subject:
        return SignInOutcome(None, issuer, subject)
    link = (
        IdentityLink.objects.select_for_update()
        .select_related("person")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if link is None:
        link = _link_on_first_sign_in(claims=claims, issuer=issuer, subject=subject)
    if link is None:
        return SignInOutcome(None, issuer, subject)
    link.last_sign_in_at = as_of
    link.save(update_fields=["last_sign_in_at"])
    return SignInOutcome(link.person, issuer, subject)


def _link_on_first_sign_in(*, claims: dict, issuer: str, subject: str) -> IdentityLink | None:
    claim_name = settings.OIDC_LINK_CLAIM
    value = _claim(claims, claim_name) if claim_name else ""
    if not value:
        return None
    pending = (
        PendingIdentityLink.objects.select_for_update()
        .select_related("person")
        .filter(claim_value__iexact=value)
        .first()
    )
    if pending is None or pending.person.identity_links.filter(issuer=issuer).exists():
        # A person already linked at this provider is never linked a second time by name.
        return None
    link = IdentityLink.objects.create(person=pending.person, issuer=issuer, subject=subject)
    pending.delete()
    return link


@transaction.atomic
def sso_groups_apply(*, person: Person, claims: dict) -> None:
    """Portal groups (and the staff flag) follow the provider's groups at each sign-in, for
    the groups an admin has mapped; others are left alone, and so is a superuser's staff flag.
    Posts are never given this way: a post has one holder."""
    mappings = list(GroupClaimMapping.objects.all())
    if not mappings:
        return
    values = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    values = {v for v in values if isinstance(v, str)} if isinstance(values, list) else set()
    managed = {m.group_id for m in mappings}
    wanted = {m.group_id for m in mappings if m.claim_value in values}
    held = set(person.groups.filter(id__in=managed).values_list("id", flat=True))
    if wanted - held:
        person.groups.add(*(wanted - held))
    if held - wanted:
        person.groups.remove(*(held - wanted))
    if any(m.grants_staff for m in mappings) and not person.is_superuser:
        staff = any(m.grants_staff and m.claim_value in values for m in mappings)
        if person.is_staff != staff:
            person.is_staff = staff
            person.save(update_fields=["is_staff"])


def _totp_step(*, key_hex: str, code: str, now: float) -> int | None:
    """The time step at which the code is right (one step either side allowed), or None."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = now
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def mfa_enrol(*, person: Person, key_hex: str, code: str, now: float) -> tuple | None:
    """Set up two-step verification: the authenticator app proves it holds the secret with a
    current code; the person gets an app device and ten single-use backup codes. Returns
    (device, codes), or None when the code does not match."""
    step = _totp_step(key_hex=key_hex, code="".join(code.split()), now=now)
    if step is None:
        return None
    for device in devices_for_user(person, confirmed=None):
        device.delete()
    device = TOTPDevice.objects.create(
        user=person, name="Authenticator app", key=key_hex, confirmed=True, last_t=step
    )
    backup = StaticDevice.objects.create(user=person, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    return device, codes


def mfa_verify(*, person: Person, code: str):
    """The device that accepts this code (an app code, or a backup code, which is then used
    up), or None. django-otp slows down repeated wrong codes on each device."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    for device in devices_for_user(person):
        if isinstance(device, TOTPDevice) != code.isdigit():
            continue
        verified = verify_token(person, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def backup_codes_left(*, person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


@transaction.atomic
def mfa_reset(*, person: Person) -> int:
    """An admin clears a person's authenticator and backup codes (a lost phone): they set up
    two-step verification again at their next sign-in. Returns the devices removed."""
    devices = list(devices_for_user(person, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)
