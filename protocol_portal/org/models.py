"""Organisation, per council: who holds which post, who the members are, and the routing rules.

Routing targets posts, not people, so a vacancy or a deputy is handled in one place
(`Post.acting_post`).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords


class Nation(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class CalendarKind(models.TextChoices):
    WORKING = "working", "Council working days"
    CALENDAR = "calendar", "Calendar days"
    FOI = "foi", "FOI working days (any UK bank holiday excluded)"


class CaseType(models.TextChoices):
    ENQUIRY = "enquiry", "Member enquiry"
    COMPLAINT = "complaint", "Complaint or concern"
    RELATIONSHIP = "relationship", "Relationship declaration"
    INTEREST = "interest", "Interest, notice or advice request"
    ACCESS_REQUEST = "access_request", "Need-to-know request"
    FOI = "foi", "Freedom of Information request"


class PostKind(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    DEPUTY_CHIEF_EXECUTIVE = "deputy_chief_executive", "Deputy Chief Executive"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring Officer"
    DEPUTY_MONITORING_OFFICER = "deputy_monitoring_officer", "Deputy Monitoring Officer"
    S151_OFFICER = "s151_officer", "Section 151 officer"
    CORPORATE_DIRECTOR = "corporate_director", "Corporate Director"
    DIRECTOR = "director", "Director"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    MANAGER = "manager", "Manager"
    OFFICER = "officer", "Officer"
    HEAD_OF_HR = "head_of_hr", "Head of HR"
    COMPLAINTS_TEAM = "complaints_team", "Complaints team"
    MEMBER_SERVICES = "member_services", "Member services"
    LEGAL_DEMOCRATIC_SERVICES = "legal_democratic_services", "Legal and Democratic Services"


# The Monitoring Officer and their deputy: the posts that see and decide for the council on
# conduct, access to information and interests. In this order (the MO first) where it matters.
MONITORING_KINDS = (PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER)

# Levels used when a complaint is routed by the role of the person concerned.
SENIOR_KINDS = {
    PostKind.CORPORATE_DIRECTOR,
    PostKind.DIRECTOR,
    PostKind.S151_OFFICER,
    PostKind.DEPUTY_CHIEF_EXECUTIVE,
}


class Person(AbstractUser):
    """Anyone who signs in: an officer holding posts, a member, an admin, or several of these."""

    history = HistoricalRecords()

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def council_code_from_slug(slug: str) -> str:
    """The default code that starts a council's case references: the initials of a slug of
    several words (south-oxfordshire → SO, part-5-3 → P53), else its first three letters
    (hackney → HAC)."""
    words = [w for w in slug.split("-") if w]
    if len(words) > 1:
        return "".join(w if w.isdigit() else w[0] for w in words).upper()[:8]
    return "".join(words)[:3].upper()


class Council(models.Model):
    slug = models.SlugField(unique=True, help_text="Short name used in fixtures, e.g. hackney.")
    name = models.CharField(max_length=200)
    reference_code = models.CharField(
        max_length=8,
        unique=True,
        blank=True,
        null=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_]+\Z",
                "Enter a code of letters and numbers only, like HAC or VOWH",
            )
        ],
        help_text="Starts every case reference, e.g. HAC in HAC-ENQ-2026-00042. Left blank, it "
        "is made from the short name; it must differ from every other council's. Letters, "
        "numbers and underscores only, at most 8.",
    )
    nation = models.CharField(
        max_length=20,
        choices=Nation.choices,
        default=Nation.ENGLAND_AND_WALES,
        help_text="Decides which bank holidays are non-working days.",
    )
    protocol = models.CharField(
        max_length=10, blank=True, help_text="The protocol text the rules cite, e.g. 004."
    )
    shares_staff_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A council whose officers are the same people (South Oxfordshire and Vale).",
    )
    enquiry_working_days = models.PositiveSmallIntegerField(
        "enquiry time limit (working days)", default=10
    )
    complaint_ack_days = models.PositiveSmallIntegerField(
        "complaint acknowledgement (days)", default=3
    )
    complaint_ack_calendar = models.CharField(
        "complaint acknowledgement counts",
        max_length=10,
        choices=CalendarKind.choices,
        default=CalendarKind.CALENDAR,
    )
    need_to_know_working_days = models.PositiveSmallIntegerField(
        "need-to-know determination (working days)", default=10
    )
    foi_working_days = models.PositiveSmallIntegerField("FOI time limit (working days)", default=20)
    enquiry_reopen_window_days = models.PositiveSmallIntegerField(
        "members may reopen an answered enquiry within (working days)", default=20
    )
    gifts_threshold_pounds = models.PositiveIntegerField(
        "register gifts and hospitality worth at least (£)", default=50
    )
    limit_sources = models.JSONField(
        default=dict, blank=True, help_text="Protocol paragraph each limit rests on."
    )
    protocol_settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="The protocol's settings that are not routing rules (ward notices, which "
        "enquiry flag wins, a clock's day one, which officer handles what), each as "
        '{"value": ..., "source": "000 §7.19"}; see fixtures/councils/SCHEMA.md.',
    )
    calendar_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped whenever closure days change."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.reference_code:
            # Made from the short name; a number is added if another council has it already.
            base = code = council_code_from_slug(self.slug)
            others = Council.objects.exclude(pk=self.pk)
            n = 2
            while others.filter(reference_code=code).exists():
                code, n = f"{base[:6]}{n}", n + 1
            self.reference_code = code
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The council file's own schema for `settings:` (council_schema.py), then the checks a
        # schema cannot make; the admin shows each message on the field, never a 500.
        from protocol_portal.org import council_schema, protocol_settings

        value = self.protocol_settings if self.protocol_settings is not None else {}
        errors = council_schema.errors(value, council_schema.settings_schema(), "settings")
        if not errors:
            protocol_settings.validate(value, None, "settings", errors)
        if errors:
            raise ValidationError({"protocol_settings": errors})


class ClosureDay(models.Model):
    """A day the council's offices are closed, on top of weekends and bank holidays."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["council", "date"], name="closure_day_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y} ({self.reason or 'closed'})"


class Directorate(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="directorates")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="directorate_slug_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """What a member picks when logging an enquiry; it maps to the directorate that answers."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="service_areas")
    directorate = models.ForeignKey(
        Directorate, on_delete=models.CASCADE, related_name="service_areas"
    )
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "slug"], name="service_area_slug_per_council"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A job that casework is routed to; held by one person, or vacant."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="posts")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=PostKind.choices)
    directorate = models.ForeignKey(
        Directorate, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    holder = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        help_text="Leave empty when the post is vacant: its work then falls to the deputy, "
        "or else to the line manager.",
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    deputy = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputises_for",
        help_text="Acts when this post is vacant.",
    )
    group = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        help_text="Object permissions are granted to the post through this group.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="post_slug_per_council"),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("id")), name="post_not_own_manager"
            ),
        ]
        indexes = [models.Index(fields=["council", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_vacant(self) -> bool:
        return self.holder_id is None

    def clean(self) -> None:
        seen: set[int] = set()
        post: Post | None = self.line_manager
        while post is not None:
            if post.pk == self.pk or post.pk in seen:
                raise ValidationError(
                    {"line_manager": "Line management cannot go round in a loop."}
                )
            seen.add(post.pk)
            post = post.line_manager
        for field in ("line_manager", "deputy", "directorate"):
            other = getattr(self, field)
            if other is not None and other.council_id != self.council_id:
                raise ValidationError({field: "Must belong to the same council."})


class Ward(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="wards")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="ward_slug_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class PoliticalGroup(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="groups")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    is_administration = models.BooleanField(
        "forms the administration",
        default=False,
        help_text="Draft policy papers may be seen by this group only (Tower Hamlets 000 §7.13).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="group_slug_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class MemberKind(models.TextChoices):
    ELECTED = "elected", "Elected councillor"
    COOPTED_VOTING = "coopted_voting", "Co-opted member (voting)"
    COOPTED_NON_VOTING = "coopted_non_voting", "Co-opted member (non-voting)"


class Member(models.Model):
    """A councillor or co-opted member of one council."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=20, choices=MemberKind.choices, default=MemberKind.ELECTED)
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    group = models.ForeignKey(
        PoliticalGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    took_office_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "person"], name="one_membership_per_council")
        ]

    def __str__(self) -> str:
        return f"Cllr {self.person}"


class MemberRoleKind(models.TextChoices):
    LEADER = "leader", "Leader of the council"
    DEPUTY_LEADER = "deputy_leader", "Deputy Leader"
    MAYOR = "mayor", "Mayor"
    CABINET_MEMBER = "cabinet_member", "Cabinet member"
    COMMITTEE_CHAIR = "committee_chair", "Committee chair"
    COMMITTEE_VICE_CHAIR = "committee_vice_chair", "Committee vice-chair"
    GROUP_LEADER = "group_leader", "Group leader"
    WHIP = "whip", "Whip"


class MemberRole(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=30, choices=MemberRoleKind.choices)
    portfolio = models.CharField(
        max_length=200, blank=True, help_text="Cabinet portfolio, for a Cabinet member."
    )
    portfolio_directorates = models.ManyToManyField(
        Directorate, blank=True, help_text="Directorates the portfolio covers."
    )
    committee = models.ForeignKey(
        "Committee", null=True, blank=True, on_delete=models.CASCADE, related_name="officers"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        label = self.get_kind_display()
        extra = self.portfolio or (self.committee.name if self.committee_id else "")
        return f"{label} ({extra})" if extra else label


class Committee(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="committees")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    is_scrutiny = models.BooleanField("overview and scrutiny", default=False)
    is_executive = models.BooleanField("executive (Cabinet)", default=False)
    terms_of_reference = models.TextField(blank=True)
    members = models.ManyToManyField(Member, blank=True, related_name="committees")
    staff_directorates = models.ManyToManyField(
        Directorate,
        blank=True,
        related_name="+",
        help_text="Directorates whose staff this body is responsible for: a member with a "
        "declared relationship with one of them may be barred from a seat (004 §3.3, 000 §10.5; "
        "the council file's relationship bars).",
    )
    responsible_for_all_staff = models.BooleanField(
        default=False, help_text="The body is responsible for every employee (e.g. appointments)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="committee_slug_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class PanelPurpose(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment"
    DISMISSAL = "dismissal", "Dismissal or disciplinary action"


class AppointmentPanel(models.Model):
    """Members appointing to (or dismissing from) a post: a related member may not sit on it
    (001 §5.3.2.2, 002 §46; the council file's relationship bars)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(max_length=200)
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The post being filled, or whose holder's dismissal the panel decides.",
    )
    purpose = models.CharField(
        max_length=20, choices=PanelPurpose.choices, default=PanelPurpose.APPOINTMENT
    )
    candidates = models.ManyToManyField(Person, blank=True, related_name="+")
    members = models.ManyToManyField(Member, blank=True, related_name="panels")
    history = HistoricalRecords(m2m_fields=[candidates, members])

    class Meta:
        ordering = ["council", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.post_id and self.council_id and self.post.council_id != self.council_id:
            raise ValidationError({"post": "Must belong to the same council."})


class BarAct(models.TextChoices):
    COMMITTEE_MEMBERSHIP = "committee_membership", "A seat on a committee"
    MEMBER_ROLE = "member_role", "A member role"
    APPOINTMENT = "appointment", "A seat on an appointment panel"


class BarOverride(models.Model):
    """The Monitoring Officer lets a barred act go ahead, with a recorded reason, where the
    council file's bar allows it (`override: true`). Kept with its history."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    act = models.CharField(max_length=30, choices=BarAct.choices)
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    panel = models.ForeignKey(
        AppointmentPanel, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role_kind = models.CharField(max_length=30, choices=MemberRoleKind.choices, blank=True)
    source = models.CharField(max_length=200, help_text="The paragraph of the bar overridden.")
    reason = models.TextField()
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_act_display()} ({self.source})"


class RoutingRule(models.Model):
    """(case type, raised by, concerning, stage) → handler, copies, deadline, next stage."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="routing_rules")
    key = models.SlugField(max_length=100, help_text="Stable name of the rule within the council.")
    case_type = models.CharField(max_length=20, choices=CaseType.choices)
    raised_by = models.CharField(max_length=20, default="any")
    concerning = models.CharField(max_length=40, default="any")
    stage = models.CharField(max_length=40, default="first")
    handler_kind = models.CharField(max_length=40)
    handler_of = models.CharField(max_length=40, default="council")
    handler_post = models.SlugField(
        blank=True, help_text="Only where the protocol names one post of several of that kind."
    )
    copied = models.JSONField(
        default=list, blank=True, help_text='List of {"kind": ..., "of": ...} copied in.'
    )
    deadline_days = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_calendar = models.CharField(
        max_length=10, choices=CalendarKind.choices, default=CalendarKind.WORKING
    )
    next_stage = models.CharField(max_length=40, blank=True)
    informal_first = models.TextField(blank=True)
    source = models.CharField(max_length=60, help_text='Protocol paragraph, e.g. "004 §11.3".')
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "case_type", "stage", "key"]
        constraints = [
            models.UniqueConstraint(fields=["council", "key"], name="rule_key_per_council"),
            models.UniqueConstraint(
                fields=["council", "case_type", "raised_by", "concerning", "stage"],
                name="one_rule_per_scenario",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.source})"

    def clean(self) -> None:
        from protocol_portal.org.services import routing_rules_validate

        errors = routing_rules_validate(council=self.council, replacing=self)
        if errors:
            raise ValidationError(errors)


class ChaserRung(models.Model):
    """One rung of a council's chaser ladder: when (relative to due) and whom to notify."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="chaser_rungs")
    case_type = models.CharField(max_length=20, choices=CaseType.choices)
    key = models.SlugField(max_length=60)
    order = models.PositiveSmallIntegerField()
    offset_working_days = models.SmallIntegerField(
        help_text="Working days after the due date (negative: before it)."
    )
    notify = models.JSONField(
        default=list,
        help_text="Who is told: assignee, assignee_line_manager, director, chief_executive, "
        "monitoring_officer, member_services, raiser.",
    )
    source = models.CharField(max_length=60)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "case_type", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "case_type", "key"], name="rung_key_per_ladder"
            ),
            models.UniqueConstraint(
                fields=["council", "case_type", "order"], name="rung_order_per_ladder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.offset_working_days:+d} working days)"
