"""Complaints and concerns between members and officers (protocols/README.md section 2).

A complaint is a case (`casework.models.Case`): it carries the route the council's rules chose
and why, the stage it has reached, the acknowledgement and outcome deadlines, and who can see
what. A Monitoring Officer's determination is a separate row per issue that is never edited, only
superseded with a recorded reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from complaints.states import (
    AckIntent,
    DeterminationOutcome,
    Kind,
    Level,
    Outcome,
    Status,
)
from protocol_portal.casework.models import Case
from protocol_portal.casework.receipt import Received
from protocol_portal.org.models import CalendarKind, CaseType, Council, Member, Person, Post


class Complaint(Case, Received):
    """A concern or complaint, routed by the role of the person it is about."""

    CASE_TYPE = CaseType.COMPLAINT
    CLOCK_CALENDAR = CalendarKind.CALENDAR
    REFERENCE_PREFIX = "CMP"
    DETAIL_URL = "complaints:detail"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    raised_by = models.CharField(max_length=10, help_text="member or officer (routing fact).")
    level = models.CharField(
        max_length=30, choices=Level.choices, help_text="Who or what it is about, by role."
    )
    routed_as = models.CharField(
        max_length=30,
        choices=Level.choices,
        help_text="The level whose rule applied (differs from level where the protocol is "
        "silent and the next level's route was used).",
    )
    raiser_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    raiser_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raiser_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(max_length=200)
    details = models.TextField()

    informal_expected = models.TextField(
        blank=True, help_text="The rule's informal_first text, as the form showed it."
    )
    informal_attempted = models.BooleanField(null=True, blank=True)
    informal_detail = models.TextField(blank=True)

    stage = models.CharField(max_length=40, default="first")
    stage_number = models.PositiveSmallIntegerField(default=1)
    rule_key = models.CharField(max_length=100)
    rule_source = models.CharField(max_length=120)
    next_stage = models.CharField(max_length=40, blank=True)
    route_explanation = models.TextField()
    handler_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who acts now: the holder of owner_post, or a member (group leader, chair).",
    )
    handler_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler_title = models.CharField(
        max_length=200, help_text="The handler's role in words (never a name)."
    )
    copied_posts = models.ManyToManyField(Post, blank=True, related_name="+")
    copied_people = models.ManyToManyField(Person, blank=True, related_name="+")
    copied_titles = models.JSONField(
        default=list,
        blank=True,
        help_text="Who the current stage is copied to, by role (e.g. 'Leader of the Council'); "
        "the complainant is shown this list: there are no silent copies.",
    )
    passed_over = models.ManyToManyField(
        Person,
        blank=True,
        related_name="+",
        help_text="Passed over for a conflicting declared relationship or interest, at any stage: "
        "like the person complained about, never given sight of the complaint.",
    )
    determination_required = models.BooleanField(
        default=False, help_text="The Monitoring Officer determines it (a member's conduct)."
    )

    ack_due_on = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_intent = models.CharField(max_length=20, choices=AckIntent.choices, blank=True)
    ack_message = models.TextField(blank=True)
    outcome_due_on = models.DateField(null=True, blank=True)
    investigator_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    action_taken = models.BooleanField(
        null=True, blank=True, help_text="Members are told whether action was taken (004 §11.4)."
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    disciplinary_notes = models.TextField(
        blank=True,
        help_text="Handler-side only: never shown to the complainant or the subject (004 §11.5).",
    )
    satisfied = models.BooleanField(null=True, blank=True)
    released_to_subject = models.BooleanField(default=False)
    subject_release_text = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(Case.Meta):
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["next_action_at"], name="complaint_next_action"),
            models.Index(fields=["council", "received_on"], name="complaint_by_quarter"),
        ]
        permissions = [
            ("act_on_complaint", "Acknowledge, investigate and give the outcome"),
            ("view_disciplinary_complaint", "See disciplinary notes (handler side only)"),
            ("respond_to_complaint", "Say whether satisfied, escalate or withdraw"),
            ("view_released_complaint", "See what the handler released to the subject"),
            ("determine_complaint", "Issue Monitoring Officer determinations"),
        ]

    def chaser_excluded_people(self) -> frozenset[int]:
        """The person complained about is never chased about (or shown) their own complaint."""
        return frozenset({self.subject_person_id})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def can_escalate(self) -> bool:
        return bool(self.next_stage)

    @property
    def stage_label(self) -> str:
        return "first stage" if self.stage == "first" else self.stage.replace("-", " ")


class IssuedDeterminationError(ValidationError):
    """An issued determination cannot be changed or deleted, only superseded."""


_SUPERSEDE_FIELDS = frozenset({"superseded_by", "superseded_at", "superseded_reason"})


class DeterminationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        changed = set(kwargs) - _SUPERSEDE_FIELDS
        if changed:
            raise IssuedDeterminationError(
                f"Issued determinations cannot be edited ({', '.join(sorted(changed))}); "
                "supersede them with a reason instead."
            )
        return super().update(**kwargs)

    def delete(self):
        raise IssuedDeterminationError("Issued determinations cannot be deleted.")


class Determination(models.Model):
    """A Monitoring Officer's determination, immutable once issued (004 §15.2–15.5)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="determinations"
    )
    outcome = models.CharField(max_length=30, choices=DeterminationOutcome.choices)
    reasons = models.TextField()
    with_chief_executive = models.BooleanField(
        default=False, help_text="Made in conjunction with the Chief Executive (004 §15.5)."
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_reason = models.TextField(blank=True)

    objects = DeterminationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_active_determination_per_complaint",
            ),
            models.CheckConstraint(
                condition=models.Q(superseded_at__isnull=True, superseded_by__isnull=True)
                | (models.Q(superseded_at__isnull=False) & ~models.Q(superseded_reason="")),
                name="determination_superseded_with_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasons=""), name="determination_has_reasons"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored is not None:
                self._refuse_edits(stored)
        super().save(*args, **kwargs)

    def _refuse_edits(self, stored: dict) -> None:
        for field in self._meta.concrete_fields:
            if field.attname in ("id",) or field.name in _SUPERSEDE_FIELDS:
                continue
            if getattr(self, field.attname) != stored[field.attname]:
                raise IssuedDeterminationError(
                    f"Issued determinations cannot be edited ({field.name}); "
                    "supersede them with a reason instead."
                )
        if stored["superseded_at"] is not None and (
            self.superseded_at != stored["superseded_at"]
            or self.superseded_reason != stored["superseded_reason"]
            or (stored["superseded_by_id"] and self.superseded_by_id != stored["superseded_by_id"])
        ):
            raise IssuedDeterminationError("A superseded determination stays as it was.")

    def delete(self, *args, **kwargs):
        raise IssuedDeterminationError("Issued determinations cannot be deleted.")

    @property
    def is_active(self) -> bool:
        return self.superseded_at is None


class QuarterlySummary(models.Model):
    """The quarterly summary of alleged breaches for the Standards Committee (004 §15.4).

    Holds counts and per-case rows by reference, type, route, stage, outcome and days taken:
    never a personal name.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    quarter_start = models.DateField()
    quarter_end = models.DateField()
    generated_at = models.DateTimeField()
    rows = models.JSONField(default=list)
    totals = models.JSONField(default=dict)

    class Meta:
        ordering = ["-quarter_start", "council"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "quarter_start"], name="one_summary_per_council_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.quarter_start:%b %Y}–{self.quarter_end:%b %Y}"

    @property
    def label(self) -> str:
        quarter = (self.quarter_start.month - 1) // 3 + 1
        return (
            f"Q{quarter} {self.quarter_start.year} ({self.quarter_start:%-d %B} to "
            f"{self.quarter_end:%-d %B %Y})"
        )


class SummaryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(QuarterlySummary, on_delete=models.CASCADE)


class SummaryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(QuarterlySummary, on_delete=models.CASCADE)
