"""What may be uploaded to a case — a member's attachment to an enquiry, a document released
under need to know — from a short list of types, recognised by their first bytes.

The extension alone proves nothing (a renamed executable is still an executable), so each file
is sniffed: PDF, PNG and JPEG by their signatures, DOCX and XLSX as ZIP packages holding the
right part, text as UTF-8 without control characters. The name's extension must agree.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
}
ALLOWED_LABEL = "PDF, PNG, JPEG, DOCX, XLSX or TXT"
# What a stored file is served as, for the API schemas: the type its first bytes proved, or
# octet-stream for a file stored without one.
SERVED_TYPES = sorted(set(ALLOWED.values()) | {"application/octet-stream"})
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
_OFFICE_PART = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
}


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sample.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)


def _is_office(upload: UploadedFile, part: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            return part in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def attachment_check(upload: UploadedFile) -> str:
    """The file's content type if it may be attached; ValidationError with a clear reason if not."""
    name = upload.name or ""
    if upload.size is None or upload.size == 0:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"“{name}” is larger than {_human(settings.ATTACHMENT_MAX_BYTES)}.", code="too_big"
        )
    suffix = PurePosixPath(name).suffix.lower()
    content_type = ALLOWED.get(suffix)
    if content_type is None:
        raise ValidationError(f"“{name}” must be a {ALLOWED_LABEL} file.", code="type")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if suffix in _OFFICE_PART:
        ok = head.startswith(b"PK\x03\x04") and _is_office(upload, _OFFICE_PART[suffix])
    elif content_type == "text/plain":
        ok = _is_text(head)
    else:
        ok = head.startswith(_SIGNATURES[content_type])
    if not ok:
        raise ValidationError(
            f"“{name}” is not really a {suffix[1:].upper()} file: its contents do not match "
            "its name.",
            code="mismatch",
        )
    return content_type
