"""Need-to-know requests to see documents or information (protocols/README.md section 4).

A request is a case (`casework.models.Case`): it carries the presumption the engine found and
the paragraph it rests on, the route the council's rules chose, the determiner's decisions
(never edited: each decision is a new row), what was released with its conditions, and a log of
every time a released document was opened. A request that is not need-to-know becomes an
`FoiRequest` on the FOI calendar (FOIA s.10(6)).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from access_requests.states import FoiStatus, Outcome, Part, Presumption, Purpose, Status
from protocol_portal.casework.models import Case
from protocol_portal.casework.receipt import Received
from protocol_portal.org.models import (
    CalendarKind,
    CaseType,
    Committee,
    Directorate,
    Member,
    Person,
    Post,
    Ward,
)


class AccessRequest(Case, Received):
    """A member asks to see a document or information the council holds."""

    CASE_TYPE = CaseType.ACCESS_REQUEST
    CLOCK_CALENDAR = CalendarKind.WORKING
    REFERENCE_PREFIX = "NTK"
    DETAIL_URL = "access_requests:detail"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    requester_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requester_member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    what = models.CharField("what you want to see", max_length=300)
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="+", help_text="Who holds it."
    )
    for_meeting = models.BooleanField(default=False)
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_date = models.DateField(null=True, blank=True)
    part = models.CharField(max_length=10, choices=Part.choices, blank=True)
    within_terms_of_reference = models.BooleanField(default=False)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    matter_ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    justification = models.TextField(
        "why you need it", help_text="In specific terms: the duty it is needed for."
    )
    third_party_personal_data = models.BooleanField(default=False)
    contract_information = models.BooleanField(default=False)
    property_transaction = models.BooleanField(default=False)
    other_group_papers = models.BooleanField(default=False)
    report_to_group = models.BooleanField(
        default=False,
        help_text="A written report officers supplied to a political group (003 §34).",
    )
    personal_records = models.BooleanField(default=False)
    draft_policy_papers = models.BooleanField(
        default=False, help_text="Draft policy or a draft committee report (000 §7.13)."
    )

    presumption = models.CharField(max_length=20, choices=Presumption.choices)
    presumption_source = models.CharField(max_length=120)
    presumption_reason = models.TextField()
    interest_flags = models.JSONField(
        default=list, blank=True, help_text="What the conflict check found: reason and source."
    )

    stage = models.CharField(max_length=40, default="first")
    rule_key = models.CharField(max_length=100)
    rule_source = models.CharField(max_length=120)
    next_stage = models.CharField(max_length=40, blank=True)
    route_explanation = models.TextField()
    holder_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The post in charge of the directorate holding the information.",
    )
    handler_title = models.CharField(max_length=200, help_text="Who decides now, by role.")
    advisers = models.ManyToManyField(Post, blank=True, related_name="+")
    dispute_final = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(Case.Meta):
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["next_action_at"], name="access_request_next_action")]
        permissions = [
            ("decide_accessrequest", "Grant, refuse or refer the request"),
            ("release_accessrequest", "Release documents with conditions"),
            ("respond_to_accessrequest", "Dispute a refusal, withdraw, or ask for FOI"),
        ]

    def chaser_excluded_people(self) -> frozenset[int]:
        return frozenset({self.requester_person_id})

    @property
    def raiser_person(self) -> Person:
        return self.requester_person

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_presumed(self) -> bool:
        return self.presumption in (Presumption.STATUTORY, Presumption.PRIMA_FACIE)


class Decision(models.Model):
    """One decision on a request, with grounds and reasons the member sees. Never edited."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(max_length=40)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    grounds = models.JSONField(default=list, blank=True, help_text="Refusal grounds ticked.")
    ground_sources = models.JSONField(default=list, blank=True)
    reasons = models.TextField()
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decided_as = models.CharField(max_length=200, help_text="The decider's role in words.")
    decided_at = models.DateTimeField()
    source = models.CharField(max_length=120)
    is_dispute = models.BooleanField(default=False)
    is_final = models.BooleanField(default=False)
    consulted = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The Leader or committee Chair consulted on a dispute (002 §79).",
    )
    consulted_view = models.TextField(blank=True)
    referred_to_body = models.CharField(
        max_length=200, blank=True, help_text="The body a dispute was referred to (004 §12.9)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reasons=""), name="decision_has_reasons")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.get_outcome_display()}"

    @property
    def ground_rows(self) -> list[tuple[str, str]]:
        """Each ground ticked, in words, with the paragraph it rests on."""
        from access_requests.states import Ground

        return [
            (Ground(g).label if g in Ground.values else g, src)
            for g, src in zip(self.grounds, self.ground_sources, strict=False)
        ]


def release_path(instance: Release, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    request = instance.request
    return f"access_requests/{request.council_id}/{request.pk}/{instance.token}.{suffix}"


class Release(models.Model):
    """What was released, what was redacted and why, on what conditions (000 §7.12, §7.16)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="releases")
    token = models.CharField(max_length=32, editable=False)
    title = models.CharField("what is released", max_length=300)
    file = models.FileField(upload_to=release_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    redactions = models.TextField("what was redacted, and why", blank=True)
    marking = models.CharField(max_length=200)
    marking_source = models.CharField(max_length=60)
    conditions = models.TextField()
    released_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["released_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ReleaseOpening(models.Model):
    """One opening of a released document: the access log (who opened what, when)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="openings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.release_id} opened by {self.person_id} at {self.at:%Y-%m-%d %H:%M}"


class FoiRequest(Case):
    """A request handled under the Freedom of Information Act: 20 FOI working days, where any UK
    bank holiday is excluded (FOIA s.10(1), s.10(6))."""

    CASE_TYPE = CaseType.FOI
    CLOCK_CALENDAR = CalendarKind.FOI
    REFERENCE_PREFIX = "FOI"
    DETAIL_URL = "access_requests:foi-detail"

    status = models.CharField(max_length=10, choices=FoiStatus.choices, default=FoiStatus.OPEN)
    access_request = models.OneToOneField(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="foi"
    )
    requester_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=300)
    directorate = models.ForeignKey(
        Directorate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule_key = models.CharField(max_length=100)
    rule_source = models.CharField(max_length=120)
    handler_title = models.CharField(max_length=200)
    why = models.TextField(help_text="Why it is handled under FOI: what the member was told.")
    opened_from = models.CharField(
        max_length=40,
        blank=True,
        help_text="The reference of the case it came from, when not a need-to-know request "
        "(an enquiry referred to FOI, 003 §59).",
    )
    response = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(Case.Meta):
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["next_action_at"], name="foi_request_next_action")]
        permissions = [("answer_foirequest", "Record the FOI response")]

    @property
    def raiser_person(self) -> Person:
        return self.requester_person
