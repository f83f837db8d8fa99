"""Releasing documents with conditions, and every opening of them logged."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from access_requests import presumptions
from access_requests.models import AccessRequest, Release, ReleaseOpening
from access_requests.services.base import LOCKED_WITH
from access_requests.states import Outcome, Status
from protocol_portal.casework import plumbing
from protocol_portal.casework.files import attachment_check
from protocol_portal.org.models import Person


@transaction.atomic
def release_create(
    *,
    request: AccessRequest,
    actor: Person,
    title: str,
    as_of: datetime,
    redactions: str = "",
    upload: UploadedFile | None = None,
) -> Release:
    """Release what was granted, saying what was redacted and why (000 §7.12), marked
    "Confidential — for the proper performance of your duties only" and used only for that
    purpose (000 §7.16; 001 §5.3.8.5; 002 §84; 003 §55; 004 §2.2.3)."""
    request = plumbing.locked(request, *LOCKED_WITH)
    if request.status != Status.GRANTED:
        raise ValidationError("Only a granted request can have documents released.")
    if not title.strip():
        raise ValidationError({"title": "Say what is being released."})
    last = request.decisions.order_by("-decided_at", "-pk").first()
    if last is not None and last.outcome == Outcome.PARTLY_GRANTED and not redactions.strip():
        raise ValidationError(
            {"redactions": "The request was partly granted: say what was redacted and why."}
        )
    content_type = ""
    if upload is not None:
        try:
            content_type = attachment_check(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    book = presumptions.rulebook_for(request.council)
    release = Release(
        request=request,
        token=secrets.token_hex(16),
        title=title.strip()[:300],
        redactions=redactions.strip(),
        marking=presumptions.MARKING,
        marking_source=book.marking[:60],
        conditions=(
            f"{presumptions.MARKING}. Use it only for the purpose for which it was provided; do "
            f"not discuss it with, or release it to, anyone not entitled to it ({book.marking})."
        ),
        released_by=actor,
        released_at=as_of,
        content_type=content_type,
        original_name=(upload.name or "")[:200] if upload is not None else "",
    )
    if upload is not None:
        release.file.save(
            f"{release.token}{PurePosixPath(upload.name).suffix.lower()}", upload, save=False
        )
    release._history_user = actor
    release.save()
    plumbing.event(
        request,
        actor=actor,
        as_of=as_of,
        kind="released",
        summary=f"Released: {release.title}" + (" (with redactions)" if release.redactions else ""),
        detail=(f"Redacted: {release.redactions}\n\n" if release.redactions else "")
        + release.conditions,
    )
    plumbing.tell(
        request,
        key=f"released:{release.pk}",
        subject="documents released to you",
        body=f"{release.title}\n\n{release.conditions}",
        recipients=[request.requester_person],
        as_of=as_of,
    )
    return release


def release_open(*, release: Release, person: Person, as_of: datetime) -> ReleaseOpening:
    """Log one opening of a released document: who opened what, and when."""
    return ReleaseOpening.objects.create(release=release, person=person, at=as_of)
