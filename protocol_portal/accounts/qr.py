"""The authenticator app's set-up address as a QR code, drawn as inline SVG on the server (the
CSP allows no scripts from elsewhere, and no JavaScript is needed)."""

from __future__ import annotations

import base64
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def otpauth_url(*, key_hex: str, account: str, issuer: str) -> str:
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode()
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30}
    )


def spaced_secret(key_hex: str) -> str:
    """The secret in base32, in groups of four, to type into an app by hand."""
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str, *, label: str) -> SafeString:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=4)
    svg = image.get_image()
    svg.set("role", "img")
    svg.set("aria-label", label)
    svg.set("class", "portal-qr")
    ElementTree.register_namespace("", "http://www.w3.org/2000/svg")
    # The text comes from our own set-up address only, drawn by qrcode: nothing a user typed.
    return mark_safe(ElementTree.tostring(svg, encoding="unicode"))  # noqa: S308
