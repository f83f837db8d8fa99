"""Member enquiries: a councillor asks the council something on a resident's behalf.

The case shape (reference, owner post, clock, chaser position) comes from
`protocol_portal.casework.models.Case`; this adds what an enquiry is about, the flags that
decide its route, its attachments and who has been copied in. Who may see it is derived from
it (`enquiries.permissions`, `casework.access`).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from enquiries.states import OPEN, Status, Urgency
from protocol_portal.casework.models import Case
from protocol_portal.casework.receipt import (
    Channel,  # noqa: F401 - shared by every case type
    Received,
)
from protocol_portal.org.models import (
    CalendarKind,
    CaseType,
    Council,
    Directorate,
    Member,
    Person,
    Post,
    ServiceArea,
    Ward,
)


def sla_met(enquiry: Enquiry) -> bool | None:
    """The dashboard's verdict: answered by the due date (the UK date of the response), or
    closed or referred without needing an answer, is met; answered after it is missed; still
    open and unanswered is undecided (None), and missed only once past its due date."""
    if enquiry.due_on is None:
        return None
    if enquiry.responded_at is not None:
        answered_on = timezone.localdate(enquiry.responded_at, timezone.get_default_timezone())
        return answered_on <= enquiry.due_on
    return None if enquiry.status in OPEN else True


class ReceivedMonthField(models.DateField):
    """The first day of the month the enquiry was received, derived from `received_on` on every
    insert and save — bulk_create included — so no service or bulk load can leave it stale."""

    def pre_save(self, model_instance: models.Model, add: bool) -> date | None:
        received = model_instance.received_on
        value = received.replace(day=1) if received else None
        setattr(model_instance, self.attname, value)
        return value


class SlaMetField(models.BooleanField):
    """`sla_met(enquiry)`, derived on every insert and save — bulk_create included — from the
    status, the due date and the response, so each transition keeps it without saying so."""

    def pre_save(self, model_instance: models.Model, add: bool) -> bool | None:
        value = sla_met(model_instance)
        setattr(model_instance, self.attname, value)
        return value


class Enquiry(Case, Received):
    """One member enquiry and its clock."""

    CASE_TYPE = CaseType.ENQUIRY
    REFERENCE_PREFIX = "ENQ"
    # The officers involved, as ids only, to an attribute: a manager made for each enquiry to
    # read its prefetched rows cost more than the rest of planning its rung.
    CHASER_PREFETCH = (
        Prefetch(
            "involved_officers", queryset=Person.objects.only("pk"), to_attr="chaser_involved"
        ),
    )

    # The council, owner post and member keys have no index of their own: the composite indexes
    # below lead with each, and every index is rewritten on each chaser rung (`Case.unindexed`).
    council = Case.unindexed("council")
    owner_post = Case.unindexed("owner_post")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="enquiries", db_index=False
    )
    subject = models.CharField(max_length=200)
    description = models.TextField()
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="+")
    directorate = models.ForeignKey(
        Directorate,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The directorate the service area maps to when the enquiry was logged.",
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    resident_reference = models.CharField(
        "resident's reference",
        max_length=100,
        blank=True,
        help_text="Personal data: shown only to those who may open the enquiry.",
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    urgency_reason = models.TextField(blank=True)
    relates_to_legal_proceedings = models.BooleanField(default=False)
    about_other_ward = models.BooleanField(default=False)
    is_policy = models.BooleanField("policy rather than routine", default=False)
    is_cross_directorate = models.BooleanField(default=False)
    is_complex = models.BooleanField(
        "complex but predominately operational",
        default=False,
        help_text="Offered where the council's precedence lists it (002 §31: first to the "
        "relevant Head of Service).",
    )
    is_protocol_advice = models.BooleanField(
        "a request for advice on the protocol",
        default=False,
        help_text="Offered where the council's precedence lists it (004 §17.1: the Chief "
        "Executive or the Monitoring Officer advises).",
    )
    authority_from = models.CharField(
        max_length=20,
        blank=True,
        help_text="Whose authority the extra work needs, while it waits for it (004 §10.1.2).",
    )
    kept_confidential = models.BooleanField(
        default=True,
        help_text="Kept from other members unless the council's confidentiality setting lets "
        "it be shared or released (001 §5.3.9.2; 004 §14.2; enquiries/confidentiality.py).",
    )
    involved_officers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="+",
        help_text="Officers involved in the legal proceedings: never routed to (000 §13.5).",
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(  # (Received's, said for an enquiry)
        null=True,
        blank=True,
        help_text="When the council really received it (the email's arrival, the phone call): "
        "the clock runs from this day, whenever it was logged.",
    )
    concerning = models.CharField(max_length=40, default="routine")
    stage = models.CharField(
        max_length=60,
        default="first",
        help_text="The stage of the council's rule the enquiry is at: `first`, then each rule's "
        "`next_stage` (000 §13.6; 002 §30, §76, §79).",
    )
    next_stage = models.CharField(
        max_length=60,
        blank=True,
        help_text="The stage the rule it is under names next, if any (kept so its page need not "
        "read the council's rules).",
    )
    route_rule_key = models.CharField(max_length=100, blank=True)
    route_source = models.CharField(max_length=60, blank=True)
    route_note = models.TextField(blank=True)
    route_deadline_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The rule's own deadline, if it sets one."
    )
    # The clock's parameters, kept so a calendar change can recompute the due date.
    clock_started_on = models.DateField(null=True, blank=True)
    clock_limit_days = models.PositiveSmallIntegerField(default=10)
    clock_calendar = models.CharField(
        max_length=10, choices=CalendarKind.choices, default=CalendarKind.WORKING
    )
    clock_paused_days = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    answered_working_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Working days from receipt to the response, less days paused: kept so the "
        "dashboard averages in the database rather than reading every answered enquiry.",
    )
    # What the SLA dashboard groups and counts, stored so it reads columns rather than working
    # out a month and a UK date for every enquiry on every request (bench/README.md).
    received_month = ReceivedMonthField(
        null=True, editable=False, help_text="The first day of the month received (derived)."
    )
    sla_met = SlaMetField(
        null=True,
        editable=False,
        help_text="Answered by the due date, or closed without needing an answer; null while "
        "open and unanswered (derived).",
    )
    # Derived columns are not history: they follow from the fields history already records.
    # History is read by the enquiry's id (kept indexed, with the date and the user): the
    # indexes simple-history copies from every key and the reference would only be written.
    history = HistoricalRecords(
        excluded_fields=["updated_at", "received_month", "sla_met"],
        no_db_index=[
            "reference",
            "council",
            "owner_post",
            "member",
            "service_area",
            "directorate",
            "ward",
        ],
    )

    class Meta(Case.Meta):
        verbose_name_plural = "enquiries"
        ordering = ["due_on", "pk"]
        indexes = [
            # The chaser sweep's one query (DESIGN layer 5): only rows with a rung pending.
            models.Index(
                fields=["next_action_at"],
                name="enquiry_next_action",
                condition=models.Q(next_action_at__isnull=False),
            ),
            models.Index(fields=["council", "status", "due_on"], name="enquiry_council_queue"),
            models.Index(fields=["owner_post", "status", "due_on"], name="enquiry_owner_queue"),
            models.Index(fields=["member", "status"], name="enquiry_member_list"),
            # The councillor's own list, newest first, read a seat at a time in that order and
            # stopping at its page (selectors.enquiries_for_member, casework.bounds.ids_merged).
            models.Index(fields=["member", "received_on", "id"], name="enquiry_member_received"),
            # The councillor's API list, soonest due first, a seat at a time.
            models.Index(fields=["member", "due_on", "id"], name="enquiry_member_due"),
            # The queues and the API list read their page in due order straight off these and
            # check each row's access as they go, so a page stops after its rows (bench/
            # README.md, "Lists that read only the page"). The open statuses are listed sorted
            # (a frozenset's order changes between runs); PostgreSQL matches them in any order.
            models.Index(
                fields=["council", "due_on", "id"],
                name="enquiry_open_council_due",
                condition=models.Q(status__in=sorted(OPEN)),
            ),
            models.Index(
                fields=["owner_post", "due_on", "id"],
                name="enquiry_open_owner_due",
                condition=models.Q(status__in=sorted(OPEN)),
            ),
            models.Index(fields=["council", "due_on", "id"], name="enquiry_council_due"),
            # The SLA dashboard: a council's enquiries by directorate, month received and
            # channel, with every column it counts and the id its reader's visible set is
            # matched on, so its one pass reads this index and never the table (without the
            # channel and the id, a triage team's pass read its 19,000 enquiries one by one by
            # primary key: bench/README.md, "Compiling and planning").
            # (Key columns, not INCLUDE: SQLite has no INCLUDE and would drop them.)
            models.Index(
                fields=[
                    "council",
                    "directorate",
                    "received_month",
                    "channel",
                    "due_on",
                    "responded_at",
                    "sla_met",
                    "answered_working_days",
                    "id",
                ],
                name="enquiry_sla_months",
            ),
        ]
        permissions = [
            ("act_on_enquiry", "Act on the enquiry as an officer"),
            ("view_enquiry_attachments", "Open the enquiry's attachments"),
            ("follow_up_enquiry", "Reply to clarification and reopen as the requesting member"),
        ]

    @property
    def raiser_person(self) -> Person:
        """The chaser ladder's "raiser" token notifies the member who logged it."""
        return self.member.person

    def chaser_excluded_people(self) -> frozenset[int]:
        """No chaser goes to an officer involved in the legal proceedings (000 §13.5)."""
        # The chaser sweep prefetches these for a whole batch (CHASER_PREFETCH).
        involved = getattr(self, "chaser_involved", None)
        if involved is None:
            involved = self.involved_officers.all()
        return frozenset(person.pk for person in involved)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_overdue(self) -> bool:
        """Breach is explicit: set by the chaser rung that fires after the due date."""
        return self.breached_on is not None and self.is_open

    def get_absolute_url(self) -> str:
        """The case's page (where a notice about it leads)."""
        return reverse("enquiries:detail", args=[self.reference])


def attachment_path(instance: EnquiryAttachment, filename: str) -> str:
    # A random name: nothing a member typed reaches the file system.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"enquiries/{instance.enquiry.council_id}/{uuid.uuid4().hex}{suffix}"


class EnquiryAttachment(models.Model):
    """A file a member attached, kept under MEDIA_ROOT and served only through a checked view."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CopyReason(models.TextChoices):
    RULE = "rule", "Copied under the council's routing rule"
    REQUESTER = "requester", "Copied with the requesting member's permission"
    OFFICER = "officer", "Shared by an officer, as the council's protocol allows"


class EnquiryCopy(models.Model):
    """Someone copied in: shown on the enquiry, so there are no silent copies (002 §85)."""

    # A copy is an entry in the enquiry's copy list: anonymising the enquiry removes it, as it
    # empties every copy list (blanking its member would leave a copy of nobody, which the
    # check below refuses) (protocol_portal/casework/retention.py).
    REMOVED_ON_ANONYMISING = True

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="copies")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=CopyReason.choices)
    source = models.CharField(max_length=100, blank=True)
    permitted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False) | models.Q(member__isnull=False),
                name="enquiry_copy_has_recipient",
            ),
            models.UniqueConstraint(fields=["enquiry", "post"], name="enquiry_copy_once_per_post"),
            models.UniqueConstraint(
                fields=["enquiry", "member"], name="enquiry_copy_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enquiry} → {self.post or self.member}"


class WardNotice(models.Model):
    """A member of another ward who was told the enquiry concerns their ward (002 §34)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="ward_notices")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    told_at = models.DateTimeField()

    class Meta:
        ordering = ["told_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "member"], name="ward_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.enquiry} told {self.member}"


# --------------------------------------------------------------------------- the mailbox


class MailboxAuth(models.TextChoices):
    PASSWORD = "password", "Password (LOGIN over TLS)"
    XOAUTH2 = "xoauth2", "OAuth 2.0 (XOAUTH2, e.g. Microsoft 365)"


class Mailbox(models.Model):
    """A council's members' enquiries mailbox, polled over IMAP with TLS. Council data
    (`mailbox:` in fixtures/councils/<slug>.yaml); its secrets come from environment variables
    named after the council (`enquiries.mailbox.secret_name`), never from the database."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="+")
    address = models.EmailField(help_text="The members' enquiries address, e.g. members@…")
    host = models.CharField(max_length=200, help_text="e.g. outlook.office365.com")
    port = models.PositiveIntegerField(default=993)
    username = models.CharField(max_length=320, blank=True, help_text="Blank: the address.")
    auth = models.CharField(
        max_length=10, choices=MailboxAuth.choices, default=MailboxAuth.PASSWORD
    )
    folder = models.CharField(max_length=200, default="INBOX")
    done_folder = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where a message is moved once taken in; blank: it is only marked as read.",
    )
    service_area = models.ForeignKey(
        ServiceArea,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where an emailed enquiry is filed until an officer files it better.",
    )
    enabled = models.BooleanField(default=True)
    source = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address


class MemberAddress(models.Model):
    """Another email address a member writes from (the first is their person's own): a message
    from any of them opens the member's enquiry."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="addresses")
    address = models.EmailField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "member addresses"
        constraints = [
            models.UniqueConstraint(fields=["member", "address"], name="member_address_once")
        ]
        indexes = [models.Index(fields=["address"], name="member_address_lookup")]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)


class InboundOutcome(models.TextChoices):
    OPENED = "opened", "Opened an enquiry"
    THREADED = "threaded", "Added to an enquiry"
    SET_ASIDE = "set_aside", "Set aside for member services"
    DUPLICATE = "duplicate", "A copy of a message already taken in"


class SetAsideReason(models.TextChoices):
    UNKNOWN_SENDER = "unknown_sender", "Not from a member's known address"
    AMBIGUOUS_SENDER = "ambiguous_sender", "The address belongs to more than one member"
    BOUNCE = "bounce", "A bounce (delivery failure report)"
    AUTO_REPLY = "auto_reply", "An automatic reply"
    LOOP = "loop", "Sent by the portal or the mailbox itself (a mail loop)"
    TOO_LARGE = "too_large", "Too large to take in"
    NOT_THEIRS = "not_theirs", "Names an enquiry that is not the sender's"
    UNKNOWN_REFERENCE = "unknown_reference", "Names a reference the council does not have"
    NO_WARD = "no_ward", "The member has no ward to file it under"
    NOT_OPENED = "not_opened", "The enquiry could not be opened"
    REPLY_TO_CLOSED = "reply_to_closed", "A reply to a closed enquiry"
    FAILED = "failed", "The portal could not take it in"


def raw_message_path(instance: InboundMessage, filename: str) -> str:
    return f"mail/{instance.council_id}/{uuid.uuid4().hex}.eml"


class InboundMessage(models.Model):
    """One message taken from the mailbox, exactly once: its row is written in the same
    transaction as the enquiry it opens or the reply it threads, keyed by the mailbox's
    UIDVALIDITY and the message's UID, and the message is marked in the mailbox only after that
    commits. Set-aside messages wait here for member services; nothing is dropped."""

    # Retention treats a stored email as part of the enquiry it opened or was threaded onto:
    # removed with its raw message when the enquiry is anonymised or deleted
    # (protocol_portal/casework/retention.py).
    RETAINED_WITH_CASE = "enquiry"
    # Subject access finds a set-aside email by its sender's address as well as by member
    # (protocol_portal/casework/subject_access.py).
    SENDER_ADDRESS_FIELD = "from_address"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="messages")
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    fingerprint = models.CharField(
        max_length=300, help_text="The Message-ID, or a hash of the message if it has none."
    )
    message_id = models.CharField(max_length=300, blank=True)
    in_reply_to = models.TextField(blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(help_text="When the mailbox received it (INTERNALDATE).")
    size = models.PositiveBigIntegerField(default=0)
    body_text = models.TextField(blank=True, help_text="The message as plain text, never HTML.")
    notes = models.TextField(blank=True, help_text="What was done to show it safely.")
    raw = models.FileField(upload_to=raw_message_path, max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=InboundOutcome.choices)
    reason = models.CharField(max_length=20, choices=SetAsideReason.choices, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enquiry = models.ForeignKey(
        Enquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField()
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dealt_with_note = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["body_text"])

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="inbound_message_once"
            )
        ]
        indexes = [
            models.Index(fields=["mailbox", "fingerprint"], name="inbound_fingerprint"),
            models.Index(fields=["council", "outcome", "received_at"], name="inbound_set_aside"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class InboundAttempt(models.Model):
    """A message the poll has begun to take in and not yet finished: counted before each try
    and removed once it is taken, so one that fails every time — by raising, or by killing
    the worker — is set aside after `settings.ENQUIRY_MAIL_MOST_ATTEMPTS` tries instead of
    holding up the mailbox for ever (`enquiries.mailbox.mailbox_poll`)."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="+")
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_at = models.DateTimeField()
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="inbound_attempt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uidvalidity}/{self.uid}: {self.attempts}"


class SlaTally(models.Model):
    """Stored totals of the SLA dashboard: for one post, the enquiries of one council,
    directorate, month received and channel that the post may open, added up. Kept by
    PostgreSQL's triggers as the enquiries and their access rows change, as signed rows added up
    from time to time (`enquiries.tallies`); never written by the application, and not kept on
    SQLite. A key's totals are the sum of its rows."""

    post = models.ForeignKey(
        Post, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    council = models.ForeignKey(
        Council, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    directorate = models.ForeignKey(
        Directorate,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    received_month = models.DateField(null=True)
    channel = models.CharField(max_length=10)
    pending_due = models.DateField(
        null=True, help_text="Unanswered enquiries: their due date (they count once it passes)."
    )
    received = models.IntegerField(default=0, help_text="Enquiries with a due date.")
    answered = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    met_unanswered = models.IntegerField(
        default=0, help_text="Closed or referred without needing an answer (met)."
    )
    spent = models.BigIntegerField(default=0, help_text="Working days the answers took.")
    spent_n = models.IntegerField(default=0, help_text="Answers whose working days are kept.")
    legacy = models.IntegerField(default=0, help_text="Answers whose working days are not kept.")
    folded = models.BooleanField(default=False, help_text="Added up (`tallies.fold`).")

    class Meta:
        verbose_name = "SLA tally"
        indexes = [
            models.Index(fields=["post", "council"], name="sla_tally_post"),
            models.Index(
                fields=["post"], condition=models.Q(folded=False), name="sla_tally_unfolded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.received_month:%B %Y} {self.channel}"
