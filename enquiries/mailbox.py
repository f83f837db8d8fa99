"""Polling a council's members' enquiries mailbox over IMAP with TLS (stdlib `imaplib`).

Any IMAP server that speaks TLS on its port (993) works with a password; Microsoft 365
(Exchange Online) with OAuth 2 by SASL XOAUTH2, the token got by the client-credentials grant
of an Entra ID app registration allowed `IMAP.AccessAsApp` on that mailbox (README, "Email
in"). Secrets are environment variables named after the council, never council data:
`secret_name("hackney", "PASSWORD")` is ENQUIRY_MAILBOX_HACKNEY_PASSWORD.

The poll reads the messages waiting (unread in the folder, or every message there when taken
messages are moved to `done_folder`), skips in one query those already taken under this
UIDVALIDITY, takes each of the others in its own transaction (`mail.inbound_take`) and marks
it in the mailbox — \\Seen, or moved — only after that commits.
"""

from __future__ import annotations

import contextlib
import imaplib
import json
import logging
import os
import re
import ssl
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from enquiries.mail import (
    inbound_attempt_begin,
    inbound_attempt_done,
    inbound_attempt_failed,
    inbound_set_aside_failed,
    inbound_take,
)
from enquiries.models import InboundMessage, Mailbox, MailboxAuth

log = logging.getLogger(__name__)

_META = re.compile(
    rb"UID (?P<uid>\d+)|RFC822\.SIZE (?P<size>\d+)|INTERNALDATE \"(?P<date>[^\"]+)\""
)
CHUNK = 200  # UIDs per FETCH of sizes and dates


class MailboxError(RuntimeError):
    """The mailbox could not be reached or read (settings, secrets, network or server)."""


def secret_name(slug: str, what: str) -> str:
    """The environment variable holding one of a council's mailbox secrets."""
    return f"ENQUIRY_MAILBOX_{re.sub(r'[^A-Z0-9]', '_', slug.upper())}_{what}"


def _secret(mailbox: Mailbox, what: str) -> str:
    return os.environ.get(secret_name(mailbox.council.slug, what), "")


def access_token(mailbox: Mailbox) -> str:
    """An OAuth 2 access token for the mailbox: given outright (…_ACCESS_TOKEN), or got by the
    client-credentials grant from the council's tenant (…_TENANT_ID, _CLIENT_ID,
    _CLIENT_SECRET) with the scope Exchange Online's IMAP asks for."""
    token = _secret(mailbox, "ACCESS_TOKEN")
    if token:
        return token
    tenant, client, secret = (
        _secret(mailbox, n) for n in ("TENANT_ID", "CLIENT_ID", "CLIENT_SECRET")
    )
    if not (tenant and client and secret):
        raise MailboxError(
            f"Set {secret_name(mailbox.council.slug, 'TENANT_ID')}, _CLIENT_ID and _CLIENT_SECRET "
            "(or _ACCESS_TOKEN) for the mailbox's OAuth 2 sign-in."
        )
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": client,
            "client_secret": secret,
            "scope": "https://outlook.office365.com/.default",
        }
    ).encode()
    url = settings.ENQUIRY_MAILBOX_TOKEN_URL.format(tenant=urllib.parse.quote(tenant))
    request = urllib.request.Request(url, data=form, method="POST")  # noqa: S310 - https URL
    try:
        with urllib.request.urlopen(request, timeout=settings.IMAP_TIMEOUT) as answer:  # noqa: S310
            return str(json.load(answer)["access_token"])
    except (OSError, ValueError, KeyError) as exc:
        raise MailboxError(f"No OAuth 2 token for {mailbox}: {exc}") from exc


def tls_context() -> ssl.SSLContext:
    """Certificates verified against the system's CAs, or IMAP_CA_FILE's."""
    return ssl.create_default_context(cafile=settings.IMAP_CA_FILE or None)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Waiting:
    uid: int
    size: int
    arrived_at: datetime


class ImapMailbox:
    """One signed-in IMAP session on the mailbox's folder (a context manager)."""

    def __init__(self, mailbox: Mailbox, *, context: ssl.SSLContext | None = None):
        self.mailbox = mailbox
        self.context = context or tls_context()
        self.imap: imaplib.IMAP4_SSL | None = None
        self.uidvalidity = 0
        self.capabilities: set[str] = set()

    def __enter__(self) -> ImapMailbox:
        box = self.mailbox
        try:
            self.imap = imaplib.IMAP4_SSL(
                box.host, box.port, ssl_context=self.context, timeout=settings.IMAP_TIMEOUT
            )
            user = box.username or box.address
            if box.auth == MailboxAuth.XOAUTH2:
                token = access_token(box)
                self.imap.authenticate(
                    "XOAUTH2", lambda _: f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
                )
            else:
                self.imap.login(user, _secret(box, "PASSWORD"))
            # What the server offers once signed in (MOVE, say), not what it said on connecting.
            caps = self._ok(self.imap.capability())
            self.capabilities = set(b" ".join(caps).decode(errors="replace").upper().split())
            typ, _ = self.imap.select(_quoted(box.folder))
            if typ != "OK":
                raise MailboxError(f"{box}: no folder {box.folder!r}")
            self.uidvalidity = int(self.imap.response("UIDVALIDITY")[1][0])
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            self.close()
            raise MailboxError(f"{box}: {exc}") from exc
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.imap is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self.imap.logout()
            self.imap = None

    def _ok(self, answer: tuple[str, list]) -> list:
        typ, data = answer
        if typ != "OK":
            raise MailboxError(f"{self.mailbox}: the server answered {typ} {data!r}")
        return data

    def waiting(self) -> list[Waiting]:
        """The messages to take, oldest first, with their sizes and arrival times."""
        criterion = "ALL" if self.mailbox.done_folder else "UNSEEN"
        found = self._ok(self.imap.uid("SEARCH", None, criterion))
        uids = sorted(int(u) for u in b" ".join(found).split())
        result = []
        for start in range(0, len(uids), CHUNK):
            chunk = ",".join(str(u) for u in uids[start : start + CHUNK])
            for line in self._ok(self.imap.uid("FETCH", chunk, "(RFC822.SIZE INTERNALDATE)")):
                item = _meta(line[0] if isinstance(line, tuple) else line)
                if item is not None:
                    result.append(item)
        return sorted(result, key=lambda w: w.uid)

    def fetch(self, uid: int, *, headers_only: bool = False) -> bytes:
        """The whole message, or only its headers, without marking it read."""
        part = "BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]"
        for item in self._ok(self.imap.uid("FETCH", str(uid), f"({part})")):
            if isinstance(item, tuple):
                return bytes(item[1])
        raise MailboxError(f"{self.mailbox}: message {uid} has gone")

    def done(self, uid: int) -> None:
        """Mark a message taken: moved to the done folder, or flagged \\Seen."""
        folder = self.mailbox.done_folder
        if not folder:
            self._ok(self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"))
        elif "MOVE" in self.capabilities:
            self._ok(self.imap.uid("MOVE", str(uid), _quoted(folder)))
        else:
            self._ok(self.imap.uid("COPY", str(uid), _quoted(folder)))
            self._ok(self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted \Seen)"))
            self._ok(self.imap.expunge())


def _meta(line: bytes) -> Waiting | None:
    found: dict[str, bytes] = {}
    for match in _META.finditer(line or b""):
        found.update({k: v for k, v in match.groupdict().items() if v is not None})
    if not {"uid", "size", "date"} <= found.keys():
        return None
    arrived = datetime.strptime(found["date"].decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    return Waiting(uid=int(found["uid"]), size=int(found["size"]), arrived_at=arrived)


@dataclass
class PollReport:
    waiting: int = 0
    taken: int = 0
    already: int = 0
    failed: int = 0
    outcomes: Counter = field(default_factory=Counter)


def mailbox_poll(
    *,
    mailbox: Mailbox,
    clock: Callable[[], datetime] = timezone.now,
    context: ssl.SSLContext | None = None,
    limit: int | None = None,
) -> PollReport:
    """Take in what is waiting in a council's mailbox, each message exactly once, marking each
    in the mailbox only after its row (and enquiry or reply) has committed. A message that
    cannot be taken is left unmarked, logged, and tried again at the next poll."""
    report = PollReport()
    with ImapMailbox(mailbox, context=context) as box:
        waiting = box.waiting()[:limit]
        report.waiting = len(waiting)
        taken = set(
            InboundMessage.objects.filter(
                mailbox=mailbox, uidvalidity=box.uidvalidity, uid__in=[w.uid for w in waiting]
            ).values_list("uid", flat=True)
        )
        for item in waiting:
            if item.uid in taken:
                report.already += 1  # taken by a poll that died before marking it
            else:
                row = _take_one(box, item, clock)
                if row is None:
                    report.failed += 1
                    continue
                report.taken += 1
                report.outcomes[row.outcome] += 1
            box.done(item.uid)
    return report


def _take_one(box: ImapMailbox, item: Waiting, clock: Callable[[], datetime]):
    """Take one message in; None if it failed this time (left for the next poll). Each try is
    counted first: the one after `ENQUIRY_MAIL_MOST_ATTEMPTS` failures sets it aside, error
    noted, rather than trying again, so one bad message never holds up the mailbox."""
    mailbox = box.mailbox
    too_large = item.size > settings.ENQUIRY_MAIL_MAX_BYTES
    raw = box.fetch(item.uid, headers_only=too_large)
    attempt = inbound_attempt_begin(
        mailbox=mailbox, uidvalidity=box.uidvalidity, uid=item.uid, as_of=clock()
    )
    if attempt.attempts > settings.ENQUIRY_MAIL_MOST_ATTEMPTS:
        # The earlier tries died with their worker, leaving no error behind.
        attempt.attempts -= 1
        return _give_up(box, item, attempt, raw, clock)
    try:
        row = inbound_take(
            mailbox=mailbox,
            uidvalidity=box.uidvalidity,
            uid=item.uid,
            raw=raw,
            size=item.size,
            arrived_at=item.arrived_at,
            too_large=too_large,
            as_of=clock(),
        )
    except Exception as exc:
        log.exception(
            "Message %s of %s could not be taken in (try %s of %s)",
            item.uid,
            mailbox,
            attempt.attempts,
            settings.ENQUIRY_MAIL_MOST_ATTEMPTS,
        )
        inbound_attempt_failed(attempt=attempt, error=exc)
        if attempt.attempts >= settings.ENQUIRY_MAIL_MOST_ATTEMPTS:
            return _give_up(box, item, attempt, raw, clock)
        return None
    inbound_attempt_done(attempt=attempt)
    return row


def _give_up(box: ImapMailbox, item: Waiting, attempt, raw: bytes, clock):
    try:
        return inbound_set_aside_failed(
            mailbox=box.mailbox,
            attempt=attempt,
            raw=raw,
            size=item.size,
            arrived_at=item.arrived_at,
            as_of=clock(),
        )
    except Exception:
        log.exception("Message %s of %s could not be set aside", item.uid, box.mailbox)
        return None
