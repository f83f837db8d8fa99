"""What the four case types share: the case shape, its timeline, references and the outbox."""

from __future__ import annotations

import copy

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Prefetch
from django.urls import reverse

from protocol_portal.org.models import CalendarKind, Council, Person, Post


class Case(models.Model):
    """Abstract case: reference, council, owner post, SLA clock, chaser position, timestamps.

    `next_action_at` is when the next chaser rung is due (null once the ladder is done or the
    case is closed or paused), so one indexed query finds everything the sweep must act on.
    """

    CASE_TYPE = ""  # set by each case type (a CaseType value)
    CLOCK_CALENDAR = CalendarKind.WORKING
    # Related rows `chaser_excluded_people` reads, loaded once for a whole batch of chasers.
    CHASER_PREFETCH: tuple[str | Prefetch, ...] = ()
    # The URL name of the case's page, taking its id ("<app>:detail"): `get_absolute_url`.
    DETAIL_URL = ""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    owner_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The post that handles the case now.",
    )
    received_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    clock_paused_on = models.DateField(null=True, blank=True)
    breached_on = models.DateField(null=True, blank=True)
    clock_cycle = models.PositiveSmallIntegerField(
        default=0, help_text="Bumped when a case is reopened, so its ladder starts again."
    )
    next_rung = models.PositiveSmallIntegerField(default=0)
    next_action_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        # Every case type inherits these (`class Meta(Case.Meta)`); names are per model.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True) | models.Q(due_on__gte=F("received_on")),
                name="%(app_label)s_%(class)s_due_not_before_received",
            ),
            models.CheckConstraint(
                condition=models.Q(clock_paused_on__isnull=True)
                | models.Q(clock_paused_on__gte=F("received_on")),
                name="%(app_label)s_%(class)s_paused_not_before_received",
            ),
            models.CheckConstraint(
                condition=models.Q(breached_on__isnull=True)
                | models.Q(breached_on__gte=F("received_on")),
                name="%(app_label)s_%(class)s_breach_not_before_received",
            ),
            # The chaser sweep's one query trusts this: a closed or paused case is never due.
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(next_action_at__isnull=True),
                name="%(app_label)s_%(class)s_closed_not_chased",
            ),
            models.CheckConstraint(
                condition=models.Q(clock_paused_on__isnull=True)
                | models.Q(next_action_at__isnull=True),
                name="%(app_label)s_%(class)s_paused_not_chased",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        """The case's page (where a notice about it leads)."""
        return reverse(self.DETAIL_URL, args=[self.pk])

    @property
    def is_paused(self) -> bool:
        return self.clock_paused_on is not None

    @classmethod
    def unindexed(cls, name: str) -> models.Field:
        """This case field again, without an index of its own, for a case type whose composite
        indexes lead with it: the database uses those for its lookups and key checks, and every
        index is written again on each change of an indexed column (a chaser rung moves
        `next_action_at`, so no update of a case is a heap-only one)."""
        field = copy.deepcopy(cls._meta.get_field(name))  # as Django copies an abstract's fields
        field.db_index = False
        return field

    def chaser_excluded_people(self) -> frozenset[int]:
        """People no chaser may go to about this case (e.g. the person complained about)."""
        return frozenset()


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when and why."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    # No index of its own: `case_event_timeline` leads with it (see `Case.unindexed`).
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    visible_to_raiser = models.BooleanField(
        default=True, help_text="Shown to the member or officer who raised the case."
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case_type", "case_id", "at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"


class ReferenceCounter(models.Model):
    """Sequence behind case references such as HAC-ENQ-2026-00042."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "prefix", "year"], name="one_counter_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (will not be retried)"


class OutboxMessage(models.Model):
    """A notification written in the same transaction as the change that caused it.

    `key` is the business key (case, cycle, rung or event): the unique constraint is what
    makes each chaser exactly-once however often the sweep runs or a task is redelivered.
    The delivery fields record how sending went: `attempts` counts tries, `delivery_error` the
    last refusal or temporary failure, `provider_id` GOV.UK Notify's notification ids.
    """

    key = models.CharField(max_length=200, unique=True)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    case_type = models.ForeignKey(ContentType, null=True, on_delete=models.CASCADE)
    case_id = models.PositiveBigIntegerField(null=True)
    case = GenericForeignKey("case_type", "case_id")
    rung = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    recipients = models.ManyToManyField(Person, through="Notice", related_name="+")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    delivery_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(attempts__gte=1),
                name="outbox_sent_after_an_attempt",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.key


class Notice(models.Model):
    """The in-portal copy of an outbox message for one recipient."""

    # Neither key has an index of its own: `one_notice_per_recipient` leads with the message,
    # `notice_inbox` with the person (see `Case.unindexed`).
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # GOV.UK Notify's id for the email to this recipient: a retry after a temporary failure
    # sends only to the recipients that have none, so nobody gets the message twice.
    provider_id = models.CharField(max_length=40, blank=True)
    # Where to email this recipient when not their own address: the address a member wrote
    # from (one of their known addresses), so the acknowledgement answers the email they sent.
    email = models.EmailField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "person"], name="one_notice_per_recipient")
        ]
        indexes = [models.Index(fields=["person", "read_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return f"{self.message} → {self.person}"

    @property
    def address(self) -> str:
        """The address this notice is emailed to ('' if none)."""
        return self.email or self.person.email


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise (keep the case's shape for statistics)"
    DELETE = "delete", "Delete outright"


class RetentionPolicy(models.Model):
    """How long one council keeps one case type after it closes, and what happens then.

    `case_type` is the model label ("app_label.ModelName"); without a row the defaults its case
    app registered apply (`CaseTypeSpec.retention`, read by `casework.retention`).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    case_type = models.CharField(
        max_length=100, help_text="The case model, e.g. complaints.Complaint."
    )
    keep_for_months = models.PositiveSmallIntegerField(
        help_text="Months after closure the case is kept in full (72 = six years)."
    )
    action = models.CharField(
        max_length=10, choices=RetentionAction.choices, default=RetentionAction.ANONYMISE
    )
    reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why this period: the retention schedule entry or the legal basis.",
    )

    class Meta:
        verbose_name_plural = "retention policies"
        ordering = ["council", "case_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "case_type"], name="one_retention_policy_per_case_type"
            ),
            models.CheckConstraint(
                condition=models.Q(keep_for_months__gte=1), name="retention_at_least_a_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council}: {self.case_type} – {self.keep_for_months} months, {self.action}"


class RetentionRun(models.Model):
    """One application of a retention policy to one council's cases of one type."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    case_type = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(help_text="The moment the policy was applied as at.")
    cutoff = models.DateTimeField(help_text="Cases closed before this were past their period.")
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    keep_for_months = models.PositiveSmallIntegerField()
    policy_source = models.CharField(max_length=10, help_text="council (a row) or default.")
    cases_anonymised = models.PositiveIntegerField(default=0)
    cases_deleted = models.PositiveIntegerField(default=0)
    history_rows_removed = models.PositiveIntegerField(default=0)
    events_removed = models.PositiveIntegerField(default=0)
    messages_removed = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "council", "case_type"]
        indexes = [
            models.Index(fields=["council", "case_type", "started_at"], name="retention_run")
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.council} {self.case_type}"


class RetentionRecord(models.Model):
    """A case that retention has dealt with: keeps the job idempotent and answers "where did
    case X go?" with its reference only (never its contents)."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records")
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    case_id = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "case_id"], name="retention_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.action}"


class SubjectAccessExport(models.Model):
    """The audit line for each subject-access export: who exported whose data, when, how much."""

    at = models.DateTimeField()
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    councils = models.CharField(
        max_length=500, help_text="The councils whose records the export covered."
    )
    record_count = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Digest of the exported file.")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.person} by {self.requested_by}"


class CaseAccess(models.Model):
    """One audience's sight of one case, from `since` until `until` (open while null).

    Written only by `casework.access` from what each case type's audiences derive, so the rows
    are both the index lists filter on and the record of who could see the case, when."""

    # No index of its own: `case_access_history` leads with it (see `Case.unindexed`).
    case_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    audience = models.CharField(max_length=40)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    perms = models.CharField(max_length=300, help_text="Codenames, comma-separated.")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "case access"
        verbose_name_plural = "case access (who could see which case, when)"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=True) ^ models.Q(person__isnull=True),
                name="case_access_post_or_person",
            ),
            models.UniqueConstraint(
                fields=["case_type", "case_id", "audience", "post"],
                condition=models.Q(until__isnull=True, post__isnull=False),
                name="one_open_access_per_post",
            ),
            models.UniqueConstraint(
                fields=["case_type", "case_id", "audience", "person"],
                condition=models.Q(until__isnull=True, person__isnull=False),
                name="one_open_access_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["case_type", "case_id", "since"], name="case_access_history"),
            # What `access.visible` reads: the open rows of a reader's posts and of them in
            # person. `perms` and `audience` are carried in the index (PostgreSQL; SQLite
            # ignores INCLUDE) so a list's permission check reads the index alone, not a
            # scattered row per case
            # (bench/README.md, "Access rows at volume").
            models.Index(
                fields=["post", "case_type", "case_id"],
                name="case_access_open_post_perms",
                condition=models.Q(until__isnull=True, post__isnull=False),
                include=["perms", "audience"],
            ),
            models.Index(
                fields=["person", "case_type", "case_id"],
                name="case_access_open_person_perms",
                condition=models.Q(until__isnull=True, person__isnull=False),
                include=["perms", "audience"],
            ),
        ]

    def __str__(self) -> str:
        holder = self.post or self.person
        return f"{self.audience}: {holder} ({self.since:%Y-%m-%d} – {self.until or 'now'})"


class ConflictCheckAnswer(models.TextChoices):
    REFUSED = "refused", "Refused: the asker may check only their own act"
    CLEAR = "clear", "No conflict"
    WARNING = "warning", "Conflicted: think first (warning)"
    BARRED = "barred", "Barred: must not act"


class ConflictCheck(models.Model):
    """The audit line for each conflict check asked through the API: who asked, about whose
    act, on what matter, when, and what they were told — refusals too, so the Monitoring
    Officer can see anyone testing guesses."""

    at = models.DateTimeField()
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose act was checked; empty when the check was refused.",
    )
    person_asked = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The person id as the asker sent it."
    )
    kind = models.CharField(max_length=30)
    description = models.TextField(blank=True)
    people = models.JSONField(default=list, blank=True, help_text="Person ids the matter names.")
    posts = models.JSONField(default=list, blank=True, help_text="Post ids the matter names.")
    answer = models.CharField(max_length=10, choices=ConflictCheckAnswer.choices)
    sources = models.CharField(
        max_length=500, blank=True, help_text="The paragraphs the answer cited."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["council", "-at"], name="conflict_check_council_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.asked_by} {self.kind}: {self.answer}"
