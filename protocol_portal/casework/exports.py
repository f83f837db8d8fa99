"""What every case type's CSV export shares."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# (OWASP "CSV injection"); "|" and "%" too by some (DDE, and LibreOffice's percent forms).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula: such a cell gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
