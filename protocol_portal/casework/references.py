"""The shape of a case reference, in one place: `services.reference_next` makes them
(HAC-ENQ-2026-00042, VOWH-ENQ-2026-00001) and every URL pattern and API lookup that routes by
a reference matches them with `reference_pattern`, so any code a council may be given opens.

The council's code is as long as `Council.reference_code` allows (8 characters; Vale of White
Horse is VOWH) and made of what `council_code_from_slug` can produce from a slug (letters,
digits, underscore). The number has at least five digits and grows past 99999 rather than
wrapping (`ReferenceCounter.last` is a positive integer: at most ten digits).
"""

from __future__ import annotations

from protocol_portal.org.models import Council

COUNCIL_CODE_MOST = Council._meta.get_field("reference_code").max_length
COUNCIL_CODE = rf"[A-Za-z0-9_]{{1,{COUNCIL_CODE_MOST}}}"
NUMBER_DIGITS = 5  # zero-padded to at least this many
NUMBER = rf"[0-9]{{{NUMBER_DIGITS},10}}"


def reference_format(*, code: str, prefix: str, year: int, number: int) -> str:
    """A case reference, e.g. reference_format(code="HAC", prefix="ENQ", ...) → HAC-ENQ-…"""
    return f"{code}-{prefix}-{year}-{number:0{NUMBER_DIGITS}d}"


def reference_pattern(prefix: str) -> str:
    """A regular expression (no anchors, no group) matching every reference of a case type."""
    return rf"{COUNCIL_CODE}-{prefix}-[0-9]{{4}}-{NUMBER}"
