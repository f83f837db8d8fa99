"""API shapes for need-to-know requests. Input serializers only validate; the viewset calls one
service. Officers get the officer shape; the member gets everything about their own request
except the access log."""

from __future__ import annotations

from rest_framework import serializers

from access_requests.models import AccessRequest, Decision, FoiRequest, Release, ReleaseOpening
from access_requests.states import Ground, Outcome, Part, Purpose
from protocol_portal.api import CaseReadSerializer, LoggedForFields, SlugRelatedField, case_fields
from protocol_portal.casework import bounds
from protocol_portal.org.models import Committee, Council, Directorate, Member, Ward


class AccessErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class AccessDecisionSerializer(serializers.ModelSerializer):
    consulted = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "stage",
            "outcome",
            "grounds",
            "ground_sources",
            "reasons",
            "decided_as",
            "decided_at",
            "source",
            "is_dispute",
            "is_final",
            "consulted",
            "consulted_view",
            "referred_to_body",
        ]
        read_only_fields = fields


class AccessReleaseSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = [
            "id",
            "title",
            "redactions",
            "marking",
            "marking_source",
            "conditions",
            "released_at",
            "has_file",
        ]
        read_only_fields = fields

    def get_has_file(self, obj) -> bool:
        return bool(obj.file)


class OpeningSerializer(serializers.ModelSerializer):
    person = serializers.StringRelatedField()

    class Meta:
        model = ReleaseOpening
        fields = ["id", "release", "person", "at"]
        read_only_fields = fields


class AccessRequestListSerializer(CaseReadSerializer):
    class Meta:
        model = AccessRequest
        fields = case_fields(
            "what",
            "status",
            "presumption",
            "presumption_source",
            "stage",
            "handler_title",
        )


class AccessRequestSerializer(AccessRequestListSerializer):
    # Found by the API fuzz: the schema must say which of these may be null or blank.
    directorate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    committee = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    part = serializers.ChoiceField(choices=Part.choices, read_only=True, allow_blank=True)
    matter_ward = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    owner_post = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    holder_post = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    advisers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    decisions = AccessDecisionSerializer(many=True, read_only=True)
    releases = AccessReleaseSerializer(many=True, read_only=True)
    foi_reference = serializers.SerializerMethodField()

    class Meta(AccessRequestListSerializer.Meta):
        fields = [
            *AccessRequestListSerializer.Meta.fields,
            "directorate",
            "for_meeting",
            "committee",
            "meeting_date",
            "part",
            "within_terms_of_reference",
            "purpose",
            "matter_ward",
            "justification",
            "third_party_personal_data",
            "contract_information",
            "property_transaction",
            "other_group_papers",
            "report_to_group",
            "personal_records",
            "draft_policy_papers",
            "presumption_reason",
            "interest_flags",
            "rule_key",
            "rule_source",
            "next_stage",
            "route_explanation",
            "owner_post",
            "holder_post",
            "advisers",
            "dispute_final",
            "decisions",
            "releases",
            "foi_reference",
        ]
        read_only_fields = fields

    def get_foi_reference(self, obj) -> str | None:
        foi = getattr(obj, "foi", None)
        return foi.reference if foi is not None else None


class AskSerializer(LoggedForFields):
    """What the member says: the same fields as the browser form."""

    council = SlugRelatedField(slug_field="slug", queryset=Council.objects.all())
    what = serializers.CharField(max_length=300)
    directorate = serializers.SlugField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    for_meeting = serializers.BooleanField(required=False, default=False)
    committee = serializers.SlugField(required=False, allow_blank=True, default="")
    meeting_date = serializers.DateField(required=False, allow_null=True, default=None)
    part = serializers.ChoiceField(
        choices=Part.choices, required=False, allow_blank=True, default=""
    )
    within_terms_of_reference = serializers.BooleanField(required=False, default=False)
    matter_ward = serializers.SlugField(required=False, allow_blank=True, default="")
    third_party_personal_data = serializers.BooleanField(required=False, default=False)
    contract_information = serializers.BooleanField(required=False, default=False)
    property_transaction = serializers.BooleanField(required=False, default=False)
    other_group_papers = serializers.BooleanField(required=False, default=False)
    report_to_group = serializers.BooleanField(required=False, default=False)
    personal_records = serializers.BooleanField(required=False, default=False)
    draft_policy_papers = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A draft of emerging council policy or a draft committee report (000 §7.13).",
    )
    wants_foi = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        council = attrs["council"]
        errors = {}

        def lookup(model, field):
            slug = attrs.get(field) or ""
            if not slug:
                return None
            obj = model.objects.filter(council=council, slug=slug).first()
            if obj is None:
                errors[field] = f"{council.name} has no {model._meta.verbose_name} {slug!r}."
            return obj

        attrs["directorate"] = lookup(Directorate, "directorate")
        attrs["committee"] = lookup(Committee, "committee")
        attrs["matter_ward"] = lookup(Ward, "matter_ward")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def validate_meeting_date(self, value):
        return bounds.MEETING_DATE.clean(value)


class PreviewSerializer(serializers.Serializer):
    presumption = serializers.CharField()
    presumption_label = serializers.CharField()
    source = serializers.CharField()
    reason = serializers.CharField()
    presumed = serializers.BooleanField()
    foi = serializers.BooleanField(help_text="Treated as an FOI request from the start (003 §60).")
    concerning = serializers.CharField()
    rule_key = serializers.CharField()
    rule_source = serializers.CharField()
    handler_post = serializers.CharField()
    handler_title = serializers.CharField()
    advisers = serializers.ListField(child=serializers.CharField())
    due_on = serializers.DateField()
    conflicts = serializers.ListField(child=serializers.DictField())
    explanation = serializers.CharField()


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=Ground.choices), required=False, default=list
    )
    reasons = serializers.CharField(allow_blank=True)
    consulted = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        # Not "invalid pk": an id that is nobody's reads like one who may not be consulted.
        error_messages={
            "does_not_exist": "Record whom you consulted: the Leader, or the Chair of the "
            "committee concerned."
        },
    )
    consulted_view = serializers.CharField(required=False, allow_blank=True, default="")
    referred_to_body = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True)


class ReleaseInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    redactions = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class FoiRequestSerializer(CaseReadSerializer):
    access_request = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = FoiRequest
        fields = [
            "id",
            "reference",
            "council",
            "access_request",
            "opened_from",
            "what",
            "status",
            "handler_title",
            "rule_source",
            "why",
            "received_on",
            "due_on",
            "response",
            "answered_at",
        ]
        read_only_fields = fields


class FoiAnswerSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
