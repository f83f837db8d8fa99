"""What the four case types share: the case shape, its timeline, references and the outbox."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from protocol_portal.org.models import CalendarKind, Council, Person, Post


class Case(models.Model):
    """Abstract case: reference, council, owner post, SLA clock, chaser position, timestamps.

    `next_action_at` is when the next chaser rung is due (null once the ladder is done or the
    case is closed or paused), so one indexed query finds everything the sweep must act on.
    """

    CASE_TYPE = ""  # set by each case type (a CaseType value)
    CLOCK_CALENDAR = CalendarKind.WORKING

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

    def __str__(self) -> str:
        return self.reference

    @property
    def is_paused(self) -> bool:
        return self.clock_paused_on is not None

    def chaser_excluded_people(self) -> frozenset[int]:
        """People no chaser may go to about this case (e.g. the person complained about)."""
        return frozenset()


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when and why."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
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


class OutboxMessage(models.Model):
    """A notification written in the same transaction as the change that caused it.

    `key` is the business key (case, cycle, rung or event): the unique constraint is what
    makes each chaser exactly-once however often the sweep runs or a task is redelivered.
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

    class Meta:
        ordering = ["-created_at"]
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

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notices")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "person"], name="one_notice_per_recipient")
        ]
        indexes = [models.Index(fields=["person", "read_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return f"{self.message} → {self.person}"
