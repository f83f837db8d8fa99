"""Relationships and interests: declarations, the register, notices and advice requests.

Four case types share the kernel's case shape (`casework.models.Case`):

* `Relationship` — a member or officer declares a close relationship (000 §10.4, 001 §5.3.1.1,
  002 §24, 003 §13, 004 §3.2); the receiving officer records a decision and mitigations.
* `RegisterReturn` — the member's duty to register (or re-confirm) their interests by a date:
  the case that carries the calendar-day clock and the chaser ladder (Localism Act 2011 s.30(1)).
* `ActingAgainstNotice` — written notice to the Monitoring Officer before acting against the
  council (002 §110-111).
* `AdviceRequest` — a confidential request for advice on declaring an interest (001 §5.3.6.1,
  002 §89).

`Interest` rows are the register itself. Every model keeps its history (simple-history). Who may
see each case is derived from the case (`interests.permissions`, casework.access); register
entries, which are not cases, keep direct foreign-key object-permission tables (django-guardian).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from interests.states import (
    AdviceStatus,
    InterestStatus,
    NoticeStatus,
    RelationshipStatus,
    ReturnStatus,
)
from protocol_portal.casework.models import Case
from protocol_portal.org.models import CalendarKind, CaseType, Council, Member, Person, Post


class DeclaredAs(models.TextChoices):
    MEMBER = "member", "Member (councillor or co-opted member)"
    OFFICER = "officer", "Officer"


class Nature(models.TextChoices):
    FAMILY = "family", "Family (for example parent, child, sibling)"
    PARTNER = "partner", "Spouse, civil partner or partner"
    CLOSE_FRIENDSHIP = "close_friendship", "Close friendship"
    BUSINESS = "business", "Business connection"
    OTHER = "other", "Other close relationship"


class Relationship(Case):
    """A declared close relationship between the declarer and another person in the council."""

    CASE_TYPE = CaseType.RELATIONSHIP
    REFERENCE_PREFIX = "REL"
    DETAIL_URL = "interests:relationship-detail"

    status = models.CharField(
        max_length=20, choices=RelationshipStatus.choices, default=RelationshipStatus.DECLARED
    )
    declarer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    declared_as = models.CharField(max_length=10, choices=DeclaredAs.choices)
    declarer_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declarer_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declarer_level = models.CharField(
        max_length=20,
        help_text="What the routing rule's 'concerning' was: officer, director, chief_executive "
        "or any (members).",
    )
    other_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    nature = models.CharField(max_length=20, choices=Nature.choices)
    since = models.DateField(null=True, blank=True)
    details = models.TextField(blank=True)
    rule_key = models.CharField(max_length=100, blank=True)
    rule_source = models.CharField(max_length=60, blank=True)
    notified_posts = models.ManyToManyField(Post, blank=True, related_name="+")
    notified_members = models.ManyToManyField(Member, blank=True, related_name="+")
    deciding_members = models.ManyToManyField(
        Member,
        blank=True,
        related_name="+",
        help_text="Members who receive the declaration and record the decision (group leaders "
        "where the protocol says so, 001 §5.3.1.1); also among the members notified.",
    )
    decision = models.TextField(blank=True)
    mitigations = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    flag = models.TextField(
        blank=True,
        help_text="Set when the protocol regards the relationship as incompatible with office "
        "(004 §3.4): flagged to the Monitoring Officer.",
    )
    flag_source = models.CharField(max_length=60, blank=True)
    history = HistoricalRecords(
        excluded_fields=["notified_posts", "notified_members", "deciding_members"]
    )

    class Meta(Case.Meta):
        ordering = ["-received_on", "-pk"]
        permissions = [
            ("decide_relationship", "Can record a decision and mitigations on a declaration"),
        ]
        indexes = [
            models.Index(fields=["council", "status"], name="relationship_status"),
            models.Index(fields=["declarer", "status"], name="relationship_declarer"),
            models.Index(fields=["other_person", "status"], name="relationship_other"),
        ]

    @property
    def raiser_person(self) -> Person:
        return self.declarer

    @property
    def is_active(self) -> bool:
        return self.status in (RelationshipStatus.DECLARED, RelationshipStatus.DECIDED)


class InterestCategory(models.TextChoices):
    """The statutory DPI categories (SI 2012/1464 Schedule), other interests, and gifts."""

    EMPLOYMENT = "employment", "Employment, office, trade, profession or vocation"
    SPONSORSHIP = "sponsorship", "Sponsorship"
    CONTRACTS = "contracts", "Contracts"
    LAND = "land", "Land"
    LICENCES = "licences", "Licences"
    CORPORATE_TENANCIES = "corporate_tenancies", "Corporate tenancies"
    SECURITIES = "securities", "Securities"
    OTHER = "other", "Other registrable interest"
    GIFT = "gift", "Gift or hospitality"


# Disclosable pecuniary interests: the seven statutory categories.
DPI_CATEGORIES = frozenset(
    {
        InterestCategory.EMPLOYMENT,
        InterestCategory.SPONSORSHIP,
        InterestCategory.CONTRACTS,
        InterestCategory.LAND,
        InterestCategory.LICENCES,
        InterestCategory.CORPORATE_TENANCIES,
        InterestCategory.SECURITIES,
    }
)


class Whose(models.TextChoices):
    MEMBER = "member", "Mine"
    SPOUSE = "spouse", "My spouse or civil partner"
    PARTNER = "partner", "A person I live with as if spouse or civil partner"


class Interest(models.Model):
    """One entry in a member's register of interests."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="interests")
    category = models.CharField(max_length=30, choices=InterestCategory.choices)
    whose = models.CharField(max_length=10, choices=Whose.choices, default=Whose.MEMBER)
    description = models.TextField()
    names = models.TextField(
        blank=True,
        help_text="Addresses, companies and bodies the interest concerns, one per line: the "
        "conflict check looks for them in the matters the member deals with.",
    )
    value_pounds = models.PositiveIntegerField(null=True, blank=True)
    donor = models.CharField(max_length=200, blank=True)
    received_on = models.DateField(null=True, blank=True)
    became_aware_on = models.DateField()
    registered_on = models.DateField()
    late = models.BooleanField(
        default=False, help_text="Registered more than 28 days after the member became aware."
    )
    sensitive_requested = models.BooleanField(default=False)
    sensitive_reason = models.TextField(blank=True)
    sensitive_agreed = models.BooleanField(
        null=True,
        blank=True,
        help_text="The Monitoring Officer's view under s.32(1): empty until decided.",
    )
    status = models.CharField(
        max_length=20, choices=InterestStatus.choices, default=InterestStatus.REGISTERED
    )
    removed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "pk"]
        permissions = [
            ("decide_sensitivity_interest", "Can agree an interest is sensitive (s.32)"),
        ]
        indexes = [models.Index(fields=["council", "status"], name="interest_register")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:60]}"

    @property
    def is_dpi(self) -> bool:
        return self.category in DPI_CATEGORIES

    @property
    def withheld(self) -> bool:
        """Details kept off the public register: asked for and not refused by the MO (s.32)."""
        return self.sensitive_requested and self.sensitive_agreed is not False


class ReturnKind(models.TextChoices):
    INITIAL = "initial", "New member: register within 28 days of taking office"
    CHANGE = "change", "Change: register within 28 days of becoming aware"
    ANNUAL = "annual", "Annual re-confirmation"


class RegisterReturn(Case):
    """A member's duty to register or re-confirm interests by a date (calendar days)."""

    CASE_TYPE = CaseType.INTEREST
    CLOCK_CALENDAR = CalendarKind.CALENDAR
    REFERENCE_PREFIX = "REG"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="register_returns")
    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.OPEN
    )
    trigger_on = models.DateField(
        help_text="Day 1 of the 28: taking office, becoming aware, or the re-confirmation "
        "window opening."
    )
    note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who the council's rule told (the post keeping the register among them): they follow it.
    notified_posts = models.ManyToManyField(Post, blank=True, related_name="+")
    notified_members = models.ManyToManyField(Member, blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["notified_posts", "notified_members"])

    class Meta(Case.Meta):
        ordering = ["due_on", "pk"]
        constraints = [
            *Case.Meta.constraints,
            models.UniqueConstraint(
                fields=["member", "kind", "trigger_on"], name="one_return_per_trigger"
            ),
        ]
        indexes = [
            models.Index(fields=["next_action_at"], name="register_return_next_action"),
            models.Index(fields=["member", "status"], name="register_return_member"),
        ]

    @property
    def raiser_person(self) -> Person:
        return self.member.person

    def get_absolute_url(self) -> str:
        """The member's register, where the return is made (where a notice about it leads)."""
        return reverse("interests:register-mine")


class ActorKind(models.TextChoices):
    SELF = "self", "Me"
    SPOUSE_PARTNER = "spouse_partner", "My spouse or partner"
    ASSOCIATE = "associate", "An associate"
    EMPLOYER = "employer", "My employer"
    COMPANY = "company", "A company in which I have an interest"


class Capacity(models.TextChoices):
    PROFESSIONAL = "professional", "Professional capacity"
    PRIVATE = "private", "Private capacity"


class ActingAgainstNotice(Case):
    """Written notice that the member (or someone connected) will act against the council."""

    CASE_TYPE = CaseType.INTEREST
    REFERENCE_PREFIX = "AAC"
    DETAIL_URL = "interests:acting-against-detail"

    status = models.CharField(
        max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.SUBMITTED
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    acting_party = models.CharField(max_length=20, choices=ActorKind.choices)
    acting_party_name = models.CharField(max_length=200, blank=True)
    capacity = models.CharField(max_length=20, choices=Capacity.choices)
    action = models.TextField(help_text="What action, against which part of the council.")
    expected_on = models.DateField(null=True, blank=True)
    rule_source = models.CharField(max_length=60, blank=True)
    acknowledged_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    # The posts the council's rule told (the receiving post among them), and the members it
    # copied (a group leader, 002 §85: never a silent copy; they read it, nothing more).
    notified_posts = models.ManyToManyField(Post, blank=True, related_name="+")
    notified_members = models.ManyToManyField(Member, blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["notified_posts", "notified_members"])

    class Meta(Case.Meta):
        ordering = ["-received_on", "-pk"]
        permissions = [("acknowledge_actingagainstnotice", "Can acknowledge a notice")]

    @property
    def raiser_person(self) -> Person:
        return self.member.person


class AdviceRequest(Case):
    """A request for advice on declaring an interest; confidential if the member asks."""

    CASE_TYPE = CaseType.INTEREST
    REFERENCE_PREFIX = "ADV"
    DETAIL_URL = "interests:advice-detail"

    status = models.CharField(
        max_length=20, choices=AdviceStatus.choices, default=AdviceStatus.REQUESTED
    )
    requester = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField()
    matter = models.TextField(blank=True, help_text="The meeting item or matter concerned.")
    confidential = models.BooleanField(default=False)
    rule_source = models.CharField(max_length=60, blank=True)
    advice = models.TextField(blank=True)
    advised_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    advised_at = models.DateTimeField(null=True, blank=True)
    # The posts the council's rule told (the advising post among them); a confidential request
    # is seen by the advising post alone (001 §5.3.6.1), whoever else the rule names; the
    # members it copies read one that is not (001 §5.3.9.2).
    notified_posts = models.ManyToManyField(Post, blank=True, related_name="+")
    notified_members = models.ManyToManyField(Member, blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["notified_posts", "notified_members"])

    class Meta(Case.Meta):
        ordering = ["-received_on", "-pk"]
        permissions = [("advise_advicerequest", "Can give advice on a request")]

    @property
    def raiser_person(self) -> Person:
        return self.requester


# Register entries are not cases: their member and Monitoring Officer hold explicit grants, in
# direct foreign-key permission tables (django-guardian finds them through `content_object`).
# The four case types derive their audiences instead (interests.permissions, ADR 0005).


class InterestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Interest, on_delete=models.CASCADE)


class InterestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Interest, on_delete=models.CASCADE)
