"""API serializers: they validate shapes and present objects; services do the writing."""

from __future__ import annotations

from rest_framework import serializers

from interests.models import (
    ActingAgainstNotice,
    ActorKind,
    AdviceRequest,
    Capacity,
    Interest,
    InterestCategory,
    Nature,
    RegisterReturn,
    Relationship,
    Whose,
)
from interests.selectors import people_in_council
from protocol_portal.api import SlugRelatedField
from protocol_portal.casework import bounds
from protocol_portal.org.models import Council, Directorate, Person, Post

# The largest id any database here stores; a bigger number is bad input (400), never a 500.
MAX_ID = 2**63 - 1
WITHHELD_STATEMENT = (
    "The member has an interest the details of which are withheld under section 32(2) of the "
    "Localism Act 2011."
)


class CouncilField(SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("queryset", Council.objects.all())
        kwargs.setdefault("error_messages", {"does_not_exist": "No council with slug {value}."})
        super().__init__(**kwargs)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Person) -> str:
        return obj.get_full_name() or obj.username


class RelationshipSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    declarer = PersonRefSerializer(read_only=True)
    other_person = PersonRefSerializer(read_only=True)
    handled_by = serializers.CharField(source="owner_post.title", read_only=True, default=None)
    decided_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "reference",
            "council",
            "status",
            "declarer",
            "declared_as",
            "other_person",
            "nature",
            "since",
            "details",
            "received_on",
            "handled_by",
            "rule_source",
            "flag",
            "flag_source",
            "decision",
            "mitigations",
            "decided_by",
            "decided_at",
            "ended_on",
        ]
        read_only_fields = fields


OTHER_PERSON_NOT_IN_COUNCIL = "Choose a member or officer of this council."


class RelationshipDeclareSerializer(serializers.Serializer):
    council = CouncilField()
    other_person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    nature = serializers.ChoiceField(choices=Nature.choices)
    since = serializers.DateField(required=False, allow_null=True, default=None)
    details = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)

    def validate_since(self, value):
        return bounds.RELATIONSHIP_SINCE.clean(value)

    def validate(self, attrs):
        """The other person is looked up among the council's people only: an id outside it gets
        the same message whether or not it exists, and never a name (F11)."""
        other = people_in_council(council=attrs["council"]).filter(pk=attrs["other_person"])
        attrs["other_person"] = other.first()
        if attrs["other_person"] is None:
            raise serializers.ValidationError({"other_person": OTHER_PERSON_NOT_IN_COUNCIL})
        return attrs


class RelationshipDecisionSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=4000)
    mitigations = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )


class RelationshipReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InterestSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    member = serializers.CharField(source="member.person.get_full_name", read_only=True)
    withheld = serializers.BooleanField(read_only=True)

    class Meta:
        model = Interest
        fields = [
            "id",
            "council",
            "member",
            "category",
            "whose",
            "description",
            "names",
            "value_pounds",
            "donor",
            "received_on",
            "became_aware_on",
            "registered_on",
            "late",
            "sensitive_requested",
            "sensitive_reason",
            "sensitive_agreed",
            "withheld",
            "status",
            "removed_on",
        ]
        read_only_fields = fields


class InterestCreateSerializer(serializers.Serializer):
    council = CouncilField()
    category = serializers.ChoiceField(choices=InterestCategory.choices)
    whose = serializers.ChoiceField(choices=Whose.choices, default=Whose.MEMBER)
    description = serializers.CharField(max_length=4000)
    names = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    value_pounds = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=bounds.MONEY_MOST_POUNDS,
        error_messages={"max_value": bounds.money_too_much_message()},
    )
    donor = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    became_aware_on = serializers.DateField(required=False, allow_null=True, default=None)
    sensitive_requested = serializers.BooleanField(required=False, default=False)
    sensitive_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )

    def validate_received_on(self, value):
        return bounds.GIFT_RECEIVED.clean(value)

    def validate_became_aware_on(self, value):
        return bounds.BECAME_AWARE.clean(value)


class InterestSensitivitySerializer(serializers.Serializer):
    agreed = serializers.BooleanField()


class RegisterReturnSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    member = serializers.CharField(source="member.person.get_full_name", read_only=True)

    class Meta:
        model = RegisterReturn
        fields = [
            "id",
            "reference",
            "council",
            "member",
            "kind",
            "status",
            "trigger_on",
            "received_on",
            "due_on",
            "breached_on",
            "submitted_at",
        ]
        read_only_fields = fields


class ActingAgainstNoticeSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    member = serializers.CharField(source="member.person.get_full_name", read_only=True)
    sent_to = serializers.CharField(source="owner_post.title", read_only=True, default=None)

    class Meta:
        model = ActingAgainstNotice
        fields = [
            "id",
            "reference",
            "council",
            "member",
            "status",
            "acting_party",
            "acting_party_name",
            "capacity",
            "action",
            "expected_on",
            "received_on",
            "sent_to",
            "rule_source",
            "response",
            "acknowledged_at",
        ]
        read_only_fields = fields


class ActingAgainstCreateSerializer(serializers.Serializer):
    council = CouncilField()
    acting_party = serializers.ChoiceField(choices=ActorKind.choices)
    acting_party_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    action = serializers.CharField(max_length=4000)
    expected_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_expected_on(self, value):
        return bounds.ACTING_AGAINST_START.clean(value)


class NoticeAcknowledgeSerializer(serializers.Serializer):
    response = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AdviceRequestSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requester = PersonRefSerializer(read_only=True)
    adviser = serializers.CharField(source="owner_post.title", read_only=True, default=None)

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "reference",
            "council",
            "requester",
            "status",
            "question",
            "matter",
            "confidential",
            "received_on",
            "adviser",
            "rule_source",
            "advice",
            "advised_at",
        ]
        read_only_fields = fields


class AdviceCreateSerializer(serializers.Serializer):
    council = CouncilField()
    question = serializers.CharField(max_length=4000)
    matter = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    confidential = serializers.BooleanField(required=False, default=False)


class AdviceGiveSerializer(serializers.Serializer):
    advice = serializers.CharField(max_length=8000)


MATTER_KINDS = [
    ("complaint", "A complaint"),
    ("access_request", "A need-to-know request"),
    ("appointment", "An appointment (or dismissal)"),
    ("committee_decision", "A committee decision"),
    ("enquiry", "A member enquiry"),
]


NOT_IN_COUNCIL = "Choose people who are members or officers of this council."
POST_NOT_IN_COUNCIL = "Choose posts of this council."
DIRECTORATE_NOT_IN_COUNCIL = "Choose a directorate of this council."


class ConflictQuerySerializer(serializers.Serializer):
    """May I act on this matter? `person` defaults to the asker; naming anyone else is for the
    Monitoring Officer only, and the view decides that before any id is looked up."""

    council = CouncilField()
    person = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    kind = serializers.ChoiceField(choices=MATTER_KINDS)
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=50,
    )
    posts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=50,
    )
    directorate = serializers.PrimaryKeyRelatedField(
        queryset=Directorate.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": DIRECTORATE_NOT_IN_COUNCIL},
    )
    committee = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=8000
    )

    def validate(self, attrs):
        """Ids outside the council get one message whether or not they exist: the answer never
        says who or what an id is (F11)."""
        council = attrs["council"]
        people = set(attrs["people"])
        known = set(
            people_in_council(council=council).filter(pk__in=people).values_list("pk", flat=True)
        )
        if people - known:
            raise serializers.ValidationError({"people": NOT_IN_COUNCIL})
        posts = set(attrs["posts"])
        ours = Post.objects.filter(pk__in=posts, council=council)
        if posts - set(ours.values_list("pk", flat=True)):
            raise serializers.ValidationError({"posts": POST_NOT_IN_COUNCIL})
        directorate = attrs["directorate"]
        if directorate is not None and directorate.council_id != council.pk:
            raise serializers.ValidationError({"directorate": DIRECTORATE_NOT_IN_COUNCIL})
        return attrs


class ConflictFoundSerializer(serializers.Serializer):
    reason = serializers.CharField()
    source = serializers.CharField()
    blocking = serializers.BooleanField()


class ConflictAnswerSerializer(serializers.Serializer):
    conflicted = serializers.BooleanField()
    blocking = serializers.BooleanField()
    conflicts = ConflictFoundSerializer(many=True)


class PublicInterestSerializer(serializers.Serializer):
    withheld = serializers.BooleanField()
    category = serializers.CharField(allow_null=True)
    details = serializers.CharField()


class PublicMemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    ward = serializers.CharField(allow_null=True)
    group = serializers.CharField(allow_null=True)
    interests = PublicInterestSerializer(many=True)


class PublicRegisterSerializer(serializers.Serializer):
    council = serializers.CharField()
    gifts_threshold_pounds = serializers.IntegerField()
    members = PublicMemberSerializer(many=True)
