"""Email into the members' enquiries mailbox: read a message safely, decide what it is, and
take it in exactly once — a new enquiry, a reply threaded onto its enquiry, or set aside.

A message is only ever shown as plain text: HTML is reduced to its words (scripts, styles and
their content dropped, never run), damaged MIME is read as far as it can be, and each thing done
to make it safe is written in `notes`, shown beside the text. The raw message is kept (under
MEDIA_ROOT, never served) so nothing is lost; one too large to take in is left in the mailbox,
its headers recorded and set aside. Attachments pass the same checks as uploads
(`casework.files.attachment_check`); one that fails is named in the notes and stays in the raw
message.

`inbound_take` writes the `InboundMessage` row in the same transaction as the enquiry or reply,
under a lock on the mailbox's row, keyed by (UIDVALIDITY, UID) and checked by fingerprint
(Message-ID): the poll (`enquiries.mailbox`) marks the message in the mailbox only after it
commits, so a worker that dies half way leaves the message to be taken next time, and one that
dies after the commit leaves only the marking to be redone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from enquiries import services
from enquiries.models import (
    Channel,
    Enquiry,
    EnquiryAttachment,
    InboundAttempt,
    InboundMessage,
    InboundOutcome,
    Mailbox,
    SetAsideReason,
)
from enquiries.states import OPEN, Status
from protocol_portal.casework.files import attachment_check
from protocol_portal.casework.models import Notice
from protocol_portal.casework.references import reference_pattern
from protocol_portal.casework.services import event_record, holders, outbox_write
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org.models import Member, Person, Post, PostKind

# The text kept and shown of one message; the raw message keeps the rest.
TEXT_MOST = 100_000
REFERENCE = re.compile(reference_pattern(Enquiry.REFERENCE_PREFIX))
MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|"
    r"autoreply|undeliverable|delivery status notification|returned mail)\b",
    re.IGNORECASE,
)
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
# A message that has passed through this many servers is going round in circles.
RECEIVED_MOST = 30
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------- reading safely


class _HtmlText(HTMLParser):
    """The words of an HTML body, without what it would run or hide."""

    DROP = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg"}
    BLOCK = {
        "p", "div", "br", "li", "tr", "table", "ul", "ol", "hr", "blockquote", "section",
        "article", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0
        self.active = False  # scripts, event handlers or javascript: links were present

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.DROP:
            self.dropping += 1
            self.active |= tag in {"script", "iframe", "object"}
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.active = True
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.DROP and self.dropping:
            self.dropping -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.dropping:
            self.parts.append(data)

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_text(html: str) -> tuple[str, bool]:
    """The words of an HTML document and whether it carried anything active (scripts)."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; anything else is kept as it was
        return CONTROL.sub("", re.sub(r"<[^>]*>", " ", html)), True
    return parser.text(), parser.active


@dataclass
class Parsed:
    """What the portal uses of one message."""

    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    message_id: str = ""
    thread_ids: list[str] = field(default_factory=list)
    text: str = ""
    notes: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    received_count: int = 0
    is_report: bool = False


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop the message
        return ""
    return CONTROL.sub("", str(value or "")).strip()


def _part_text(part: EmailMessage, notes: list[str]) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError, ValueError, TypeError):
        payload = part.get_payload(decode=True) or b""
        notes.append("Some characters could not be read and are shown as �.")
        return payload.decode("utf-8", errors="replace")


def _filename(part: EmailMessage) -> str:
    """The attachment's name ('' if the part is not an attachment)."""
    try:
        filename = part.get_filename()
        disposition = part.get_content_disposition()
    except Exception:  # noqa: BLE001 - a malformed header makes it an unnamed attachment
        return "attachment"
    if not filename and disposition != "attachment":
        return ""
    return CONTROL.sub("", filename or "attachment").strip()[:150] or "attachment"


def _walk(message: EmailMessage, parsed: Parsed) -> None:
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if content_type in {"message/delivery-status", "message/disposition-notification"}:
            parsed.is_report = True
            continue
        filename = _filename(part)
        if filename:
            parsed.attachments.append((filename, part.get_payload(decode=True) or b""))
        elif content_type == "text/plain":
            plain.append(_part_text(part, parsed.notes))
        elif content_type == "text/html":
            html.append(_part_text(part, parsed.notes))
    _text_from(parsed, plain, html)


def _text_from(parsed: Parsed, plain: list[str], html: list[str]) -> None:
    if plain:
        parsed.text = "\n\n".join(plain)
        if html:
            parsed.notes.append("The email's HTML version was not used: its plain text is shown.")
    elif html:
        text, active = html_text("\n".join(html))
        parsed.text = text
        parsed.notes.append(
            "The email was written in HTML: it is shown as plain text, without formatting, "
            "images or links."
        )
        if active:
            parsed.notes.append("It carried scripts or active content, which were removed unrun.")


def parse(raw: bytes, *, headers_only: bool = False) -> Parsed:
    """Read a message as far as it can be read; nothing in it can raise here."""
    parsed = Parsed()
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=headers_only)
    except Exception:  # noqa: BLE001 - the parser is lenient; keep the bytes as text if not
        parsed.text = CONTROL.sub("", raw[:TEXT_MOST].decode("utf-8", errors="replace"))
        parsed.notes.append("The email could not be read as an email: its raw text is shown.")
        return parsed
    parsed.from_name, parsed.from_address = parseaddr(_header(message, "From"))
    parsed.from_address = parsed.from_address.strip().lower()
    parsed.from_name = parsed.from_name[:200]
    parsed.subject = " ".join(_header(message, "Subject").split())[:300]
    ids = MESSAGE_IDS.findall(_header(message, "Message-ID"))
    parsed.message_id = ids[0][:300] if ids else ""
    parsed.thread_ids = MESSAGE_IDS.findall(
        f"{_header(message, 'In-Reply-To')} {_header(message, 'References')}"
    )[-20:]
    for name in (
        "Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond", "X-Loop",
        "List-Id", "List-Unsubscribe", "Return-Path", "X-Protocol-Portal",
    ):  # fmt: skip
        parsed.headers[name.lower()] = _header(message, name)
    parsed.received_count = len(message.get_all("Received") or [])
    parsed.is_report = message.get_content_type() == "multipart/report"
    if not headers_only:
        try:
            _walk(message, parsed)
        except Exception:  # noqa: BLE001
            parsed.notes.append("Part of the email could not be read.")
    if message.defects or any(getattr(p, "defects", None) for p in message.walk()):
        parsed.notes.append(
            "The email's structure was damaged; it is shown as far as it could be read."
        )
    text = CONTROL.sub("", parsed.text).strip()
    if len(text) > TEXT_MOST:
        text = text[:TEXT_MOST]
        parsed.notes.append(f"Only the first {TEXT_MOST:,} characters are shown.")
    parsed.text = text
    return parsed


def fingerprint(parsed: Parsed, raw: bytes) -> str:
    """The Message-ID, or a hash of the message: the same message delivered twice has one."""
    return parsed.message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"


# --------------------------------------------------------------------------- what it is


def set_aside_reason(parsed: Parsed, mailbox: Mailbox) -> str:
    """Why a message must not become casework: a loop, a bounce or an automatic reply ('' if
    none). RFC 3834's Auto-Submitted and the Precedence and list headers mark automatic mail."""
    h = parsed.headers
    ours = {mailbox.address.lower(), settings.DEFAULT_FROM_EMAIL.lower()}
    if (
        parsed.from_address in ours
        or h["x-protocol-portal"]
        or any(address.lower() in ours for _, address in getaddresses([h["x-loop"]]))
        or parsed.received_count > RECEIVED_MOST
    ):
        return SetAsideReason.LOOP
    local = parsed.from_address.partition("@")[0]
    if parsed.is_report or local in BOUNCE_SENDERS or h["return-path"].strip() == "<>":
        return SetAsideReason.BOUNCE
    if (
        (h["auto-submitted"] and h["auto-submitted"].lower() != "no")
        or h["precedence"].lower() in {"bulk", "junk", "list", "auto_reply"}
        or h["x-autoreply"]
        or h["x-autorespond"]
        or h["list-id"]
        or h["list-unsubscribe"]
        or AUTO_SUBJECT.match(parsed.subject)
    ):
        return SetAsideReason.AUTO_REPLY
    return ""


def members_for_address(*, council_id: int, address: str) -> list[Member]:
    """The council's members who write from this address: their own, or one added for them."""
    if not address:
        return []
    return list(
        Member.objects.filter(council_id=council_id)
        .filter(Q(person__email__iexact=address) | Q(addresses__address=address.lower()))
        .select_related("person", "ward", "council")
        .distinct()
    )


def _thread_target(mailbox: Mailbox, parsed: Parsed, member: Member) -> tuple[Enquiry | None, str]:
    """The enquiry a reply belongs to — by the reference in its subject, else by In-Reply-To or
    References naming a message that opened or joined one — or why it cannot be threaded."""
    match = REFERENCE.search(parsed.subject)
    if match:
        enquiry = (
            Enquiry.objects.filter(council_id=mailbox.council_id, reference=match.group(0).upper())
            .select_related("member__person", "owner_post__holder", "council")
            .first()
        )
        if enquiry is None:
            return None, SetAsideReason.UNKNOWN_REFERENCE
        if enquiry.member_id != member.pk:
            return None, SetAsideReason.NOT_THEIRS
        return enquiry, ""
    if parsed.thread_ids:
        earlier = (
            InboundMessage.objects.filter(
                mailbox=mailbox,
                message_id__in=parsed.thread_ids,
                enquiry__member=member,
            )
            .select_related("enquiry__member__person", "enquiry__owner_post__holder")
            .order_by("-pk")
            .first()
        )
        if earlier is not None:
            return earlier.enquiry, ""
    return None, ""


# --------------------------------------------------------------------------- taking it in


def _uploads(parsed: Parsed, notes: list[str]) -> list[SimpleUploadedFile]:
    """The attachments that pass the upload checks; the others are named in the notes."""
    passed = []
    for name, data in parsed.attachments:
        upload = SimpleUploadedFile(name, data)
        try:
            attachment_check(upload)
        except ValidationError as exc:
            notes.append(f"Attachment not taken: {' '.join(exc.messages)} It is kept in the email.")
            continue
        passed.append(upload)
    return passed


def _attach(enquiry: Enquiry, upload: SimpleUploadedFile, *, actor, at: datetime) -> None:
    attachment = EnquiryAttachment(
        enquiry=enquiry,
        original_name=upload.name[:200],
        content_type=attachment_check(upload),
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=at,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()


def enquiry_take_email_reply(
    *,
    enquiry: Enquiry,
    inbound: InboundMessage,
    text: str,
    uploads: list[SimpleUploadedFile],
    as_of: datetime,
) -> None:
    """The member's emailed reply joins their enquiry's timeline and its officer is told; a
    reply to a request for clarification resumes the clock (`enquiry_reply`), from the day
    the email arrived."""
    person = enquiry.member.person
    arrived = inbound.received_at
    text = text or "(The email had no text.)"
    if enquiry.status == Status.AWAITING_MEMBER:
        paused = enquiry.clock_paused_on
        # An email that arrived before the question was asked cannot end the pause before it.
        moment = arrived if paused is None or timezone.localdate(arrived) >= paused else as_of
        services.enquiry_reply(enquiry=enquiry, text=text, actor=person, as_of=moment)
    else:
        still = "" if enquiry.status in OPEN else f" (it is {enquiry.get_status_display().lower()})"
        event_record(
            case=enquiry,
            at=arrived,
            actor=person,
            kind="member_emailed",
            summary=f"The member emailed about this enquiry{still}",
            detail=text,
        )
        people = holders([enquiry.owner_post])
        if people:
            outbox_write(
                key=f"{services.LABEL}:{enquiry.pk}:email:{_short(inbound.fingerprint)}",
                council=enquiry.council,
                case=enquiry,
                subject=f"{enquiry.reference}: the member emailed",
                body=text[:5000],
                recipients=people,
                at=as_of,
            )
    for upload in uploads:
        _attach(enquiry, upload, actor=person, at=arrived)


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _open(mailbox: Mailbox, inbound: InboundMessage, parsed: Parsed, member: Member, as_of):
    notes: list[str] = []
    uploads = _uploads(parsed, notes)
    enquiry = services.enquiry_create(
        member=member,
        subject=(parsed.subject or "(no subject)")[:200],
        description=parsed.text or "(The email had no text.)",
        service_area=mailbox.service_area,
        ward=member.ward,
        attachments=uploads,
        channel=Channel.EMAIL,
        received_at=inbound.received_at,
        actor=member.person,
        as_of=as_of,
    )
    _acknowledge_to_sender(enquiry, member, parsed.from_address)
    return enquiry, notes


def _acknowledge_to_sender(enquiry: Enquiry, member: Member, address: str) -> None:
    """A member who wrote from another of their known addresses (a `MemberAddress`) is sent the
    acknowledgement there, as a reply to the email they sent, not to their main address."""
    if not address or address.lower() == (member.person.email or "").lower():
        return
    Notice.objects.filter(
        message__key=f"{enquiry._meta.label}:{enquiry.pk}:ack", person=member.person
    ).update(email=address)


def _decide(mailbox: Mailbox, inbound: InboundMessage, parsed: Parsed, *, too_large: bool, as_of):
    """Set the row's outcome: open, thread or set aside, with the casework in a savepoint so a
    refusal leaves the message set aside rather than lost."""
    reason = set_aside_reason(parsed, mailbox)
    if reason:
        return _aside(inbound, reason)
    members = members_for_address(council_id=mailbox.council_id, address=parsed.from_address)
    if too_large:
        # Named, so member services can log it for them from what they read in the mailbox.
        inbound.member = members[0] if len(members) == 1 else None
        return _aside(inbound, SetAsideReason.TOO_LARGE)
    if len(members) != 1:
        return _aside(
            inbound, SetAsideReason.AMBIGUOUS_SENDER if members else SetAsideReason.UNKNOWN_SENDER
        )
    member = inbound.member = members[0]
    target, reason = _thread_target(mailbox, parsed, member)
    if reason:
        return _aside(inbound, reason)
    if target is not None and target.status == Status.CLOSED:
        return _reply_to_closed(inbound, target, as_of=as_of)
    if target is None and member.ward_id is None:
        return _aside(inbound, SetAsideReason.NO_WARD)
    try:
        with transaction.atomic():
            if target is not None:
                notes: list[str] = []
                uploads = _uploads(parsed, notes)
                enquiry_take_email_reply(
                    enquiry=target, inbound=inbound, text=parsed.text, uploads=uploads, as_of=as_of
                )
                inbound.enquiry, inbound.outcome = target, InboundOutcome.THREADED
            else:
                enquiry, notes = _open(mailbox, inbound, parsed, member, as_of)
                inbound.enquiry, inbound.outcome = enquiry, InboundOutcome.OPENED
    except (ValidationError, TransitionError, services.EnquiryRoutingError) as exc:
        inbound.notes = "\n".join(filter(None, [inbound.notes, f"Not opened: {_why(exc)}"]))
        return _aside(inbound, SetAsideReason.NOT_OPENED)
    inbound.notes = "\n".join(filter(None, [inbound.notes, *notes]))
    return inbound


def _reply_to_closed(inbound: InboundMessage, enquiry: Enquiry, *, as_of) -> InboundMessage:
    """A member's email about an enquiry that is closed is not added to it unseen: it is set
    aside for member services, who reopen the enquiry or log a new one from it, and the
    enquiry's timeline says so (its officer sees the member wrote, not what they wrote)."""
    closed = timezone.localtime(enquiry.closed_at) if enquiry.closed_at else None
    inbound.notes = "\n".join(
        filter(
            None,
            [
                inbound.notes,
                f"A reply to the closed enquiry {enquiry.reference}"
                f"{f' (closed on {closed:%-d %B %Y})' if closed else ''}. Reopen it if the "
                "member is saying it was not dealt with, or log a new enquiry if this is a new "
                "matter.",
            ],
        )
    )
    event_record(
        case=enquiry,
        at=inbound.received_at,
        actor=enquiry.member.person,
        kind="member_emailed_closed",
        summary="The member emailed about this enquiry after it closed; the email was set "
        "aside for member services to reopen it or log a new enquiry",
    )
    return _aside(inbound, SetAsideReason.REPLY_TO_CLOSED)


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _aside(inbound: InboundMessage, reason: str) -> InboundMessage:
    inbound.outcome = InboundOutcome.SET_ASIDE
    inbound.reason = reason
    return inbound


@transaction.atomic
def inbound_take(
    *,
    mailbox: Mailbox,
    uidvalidity: int,
    uid: int,
    raw: bytes,
    size: int,
    arrived_at: datetime,
    too_large: bool = False,
    as_of: datetime,
) -> InboundMessage:
    """Take one message in, exactly once: the row for (UIDVALIDITY, UID) if it was taken
    already; a duplicate row if the same message (by Message-ID) came before; else a new
    enquiry, a reply on its enquiry, or the message set aside for member services. `raw` is
    the whole message, or only its headers when it is `too_large` to take in."""
    Mailbox.objects.select_for_update().filter(pk=mailbox.pk).first()  # one taker at a time
    done = InboundMessage.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).first()
    if done is not None:
        return done
    parsed = parse(raw, headers_only=too_large)
    key = fingerprint(parsed, raw)
    inbound = InboundMessage(
        council_id=mailbox.council_id,
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        uid=uid,
        fingerprint=key,
        message_id=parsed.message_id,
        in_reply_to=" ".join(parsed.thread_ids)[:5000],
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name,
        subject=parsed.subject,
        received_at=min(arrived_at, as_of),
        size=size,
        body_text=parsed.text,
        notes="\n".join(parsed.notes),
        processed_at=as_of,
        outcome="",
    )
    first = InboundMessage.objects.filter(mailbox=mailbox, fingerprint=key).order_by("pk").first()
    if first is not None:
        inbound.outcome, inbound.duplicate_of = InboundOutcome.DUPLICATE, first
        inbound.enquiry_id, inbound.member_id = first.enquiry_id, first.member_id
        inbound.body_text = ""
        inbound.save()
        return inbound
    if too_large:
        inbound.notes = "\n".join(
            [
                f"The email is {size / 1_048_576:.1f} MB, more than the "
                f"{settings.ENQUIRY_MAIL_MAX_BYTES / 1_048_576:.0f} MB the portal takes in: only "
                "its headers were read. It is still in the mailbox; open it there.",
                *parsed.notes,
            ]
        )
    else:
        inbound.raw.save("message.eml", ContentFile(raw), save=False)
    _decide(mailbox, inbound, parsed, too_large=too_large, as_of=as_of)
    inbound.save()
    return inbound


# --------------------------------------------------------------------------- poison messages


def inbound_attempt_begin(
    *, mailbox: Mailbox, uidvalidity: int, uid: int, as_of: datetime
) -> InboundAttempt:
    """Count one more try at a message, committed before the try, so a worker that dies on
    the message still counts it. A first try (nearly every message) costs two queries."""
    key = {"mailbox": mailbox, "uidvalidity": uidvalidity, "uid": uid}
    rows = InboundAttempt.objects.filter(**key)
    if rows.update(attempts=F("attempts") + 1, last_at=as_of):
        return rows.get()
    try:
        with transaction.atomic():
            return InboundAttempt.objects.create(**key, attempts=1, last_at=as_of)
    except IntegrityError:  # another poll counted its first try in between
        rows.update(attempts=F("attempts") + 1, last_at=as_of)
        return rows.get()


def inbound_attempt_failed(*, attempt: InboundAttempt, error: BaseException) -> None:
    """Note why the try failed (shown to member services if the message is set aside)."""
    attempt.last_error = f"{type(error).__name__}: {error}"[:1000]
    InboundAttempt.objects.filter(pk=attempt.pk).update(last_error=attempt.last_error)


def inbound_attempt_done(*, attempt: InboundAttempt) -> None:
    InboundAttempt.objects.filter(pk=attempt.pk).delete()


@transaction.atomic
def inbound_set_aside_failed(
    *,
    mailbox: Mailbox,
    attempt: InboundAttempt,
    raw: bytes,
    size: int,
    arrived_at: datetime,
    as_of: datetime,
) -> InboundMessage:
    """Set aside a message the portal failed to take in `attempt.attempts` times, with the
    error noted, so the poll can mark it and go on to the next. Nothing of the casework is
    tried again: the message is only read (which never raises) and stored."""
    Mailbox.objects.select_for_update().filter(pk=mailbox.pk).first()
    key = {"mailbox": mailbox, "uidvalidity": attempt.uidvalidity, "uid": attempt.uid}
    done = InboundMessage.objects.filter(**key).first()
    if done is not None:
        return done
    try:
        parsed = parse(raw)
    except Exception:  # noqa: BLE001 - the message is kept whatever its reading does
        parsed = Parsed(text=CONTROL.sub("", raw[:TEXT_MOST].decode("utf-8", errors="replace")))
    error = attempt.last_error or "the worker stopped while taking it in"
    inbound = InboundMessage(
        council_id=mailbox.council_id,
        **key,
        fingerprint=fingerprint(parsed, raw)[:300],
        message_id=parsed.message_id,
        in_reply_to=" ".join(parsed.thread_ids)[:5000],
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name,
        subject=parsed.subject,
        received_at=min(arrived_at, as_of),
        size=size,
        body_text=parsed.text,
        notes="\n".join(
            [
                f"The portal tried to take this email in {attempt.attempts} times and failed "
                f"each time ({error}). It is kept here so it is not lost: log it for the "
                "member, or record what was done with it, and tell the portal's administrator.",
                *parsed.notes,
            ]
        ),
        processed_at=as_of,
        outcome=InboundOutcome.SET_ASIDE,
        reason=SetAsideReason.FAILED,
    )
    members = members_for_address(council_id=mailbox.council_id, address=parsed.from_address)
    inbound.member = members[0] if len(members) == 1 else None
    inbound.raw.save("message.eml", ContentFile(raw), save=False)
    inbound.save()
    InboundAttempt.objects.filter(pk=attempt.pk).delete()
    return inbound


# --------------------------------------------------------------------------- member services


def member_services_council_ids(*, user: Person) -> set[int]:
    """The councils whose set-aside email this person sees: where they hold a member services
    post (the team that receives members' enquiries, DESIGN)."""
    if not user.is_authenticated:
        return set()
    return set(
        Post.objects.filter(holder=user, kind=PostKind.MEMBER_SERVICES).values_list(
            "council_id", flat=True
        )
    )


def set_aside_for(*, user: Person, include_dealt_with: bool = False):
    """Set-aside messages of the person's councils, newest first (ids, for a page)."""
    rows = InboundMessage.objects.filter(
        council_id__in=member_services_council_ids(user=user), outcome=InboundOutcome.SET_ASIDE
    )
    if not include_dealt_with:
        rows = rows.filter(dealt_with_at__isnull=True)
    return rows.order_by("-received_at", "-pk")


def set_aside_one(*, user: Person, pk: int) -> InboundMessage | None:
    """One set-aside message, if the person is member services of its council."""
    return (
        set_aside_for(user=user, include_dealt_with=True)
        .select_related("member__person", "enquiry", "dealt_with_by", "council")
        .filter(pk=pk)
        .first()
    )


@transaction.atomic
def inbound_dismiss(
    *, inbound: InboundMessage, note: str, actor: Person, as_of: datetime
) -> InboundMessage:
    """Member services record what they did with a set-aside message (a repeat is a no-op)."""
    inbound = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if inbound.dealt_with_at is not None:
        return inbound
    if not note.strip():
        raise ValidationError({"note": "Say what was done with the email."})
    inbound.dealt_with_at = as_of
    inbound.dealt_with_by = actor
    inbound.dealt_with_note = note.strip()
    inbound._history_user = actor
    inbound._change_reason = "dealt with by member services"
    inbound.save()
    return inbound


@transaction.atomic
def inbound_log_as_enquiry(
    *, inbound: InboundMessage, actor: Person, as_of: datetime, **fields
) -> Enquiry:
    """Member services log a set-aside email as a member's enquiry, received by email when the
    message arrived; the message is marked dealt with in the same transaction."""
    enquiry = services.enquiry_create(**fields, actor=actor, as_of=as_of)
    inbound = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if inbound.dealt_with_at is None:
        inbound.dealt_with_at = as_of
        inbound.dealt_with_by = actor
        inbound.dealt_with_note = f"Logged as {enquiry.reference}."
        inbound.enquiry = enquiry
        inbound._history_user = actor
        inbound._change_reason = "logged as an enquiry"
        inbound.save()
    return enquiry
