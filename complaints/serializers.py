"""API shapes for complaints. Output shapes differ by what the reader may see (selectors.Lens);
input serializers only validate, and the viewset calls one service."""

from __future__ import annotations

from rest_framework import serializers

from complaints.models import Complaint, Determination, QuarterlySummary
from complaints.states import AckIntent, DeterminationOutcome, Kind, Outcome
from protocol_portal.api import CaseReadSerializer, LoggedForFields, SlugRelatedField, case_fields
from protocol_portal.casework import bounds
from protocol_portal.org.models import Council, Member, Post


class DeterminationSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Determination
        fields = [
            "id",
            "complaint",
            "outcome",
            "reasons",
            "with_chief_executive",
            "issued_at",
            "is_active",
            "superseded_by",
            "superseded_at",
            "superseded_reason",
        ]
        read_only_fields = fields


class ComplaintListSerializer(CaseReadSerializer):
    class Meta:
        model = Complaint
        fields = case_fields(
            "summary",
            "kind",
            "level",
            "status",
            "stage",
            "stage_number",
            "handler_title",
            "ack_due_on",
            "outcome_due_on",
        )


class ComplaintSerializer(ComplaintListSerializer):
    """What the complainant and everyone allowed to see the case sees: route, stage, deadlines
    and outcome; never disciplinary notes (004 §11.4–11.5)."""

    copied_to = serializers.SerializerMethodField()
    determinations = DeterminationSerializer(many=True, read_only=True)
    # Found by the API fuzz: blank until acknowledged or decided, which the schema must allow.
    ack_intent = serializers.ChoiceField(
        choices=AckIntent.choices, read_only=True, allow_blank=True
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True, allow_blank=True)

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "details",
            "routed_as",
            "rule_key",
            "rule_source",
            "next_stage",
            "route_explanation",
            "copied_to",
            "informal_expected",
            "informal_attempted",
            "informal_detail",
            "acknowledged_at",
            "ack_intent",
            "ack_message",
            "outcome",
            "outcome_reasons",
            "action_taken",
            "outcome_at",
            "satisfied",
            "determinations",
        ]
        read_only_fields = fields

    def get_copied_to(self, obj: Complaint) -> list[str]:
        return list(obj.copied_titles) or [post.title for post in obj.copied_posts.all()]


class HandlerComplaintSerializer(ComplaintSerializer):
    """Handler-side roles also see disciplinary notes and what was released to the subject."""

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "disciplinary_notes",
            "released_to_subject",
            "subject_release_text",
            "released_at",
        ]
        read_only_fields = fields


class SubjectComplaintSerializer(serializers.ModelSerializer):
    """The person complained about sees only what the handler released to them."""

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "status",
            "stage",
            "handler_title",
            "rule_source",
            "subject_release_text",
            "released_at",
        ]
        read_only_fields = fields


# An id that is not anyone's gets the same words as another council's (the services' own), so
# an error never confirms that an id exists.
SUBJECT_POST_NOT_FOUND = "Choose the officer the concern is about."
SUBJECT_MEMBER_NOT_FOUND = "Choose the member the complaint is about."


class ComplaintCreateSerializer(LoggedForFields):
    council = SlugRelatedField(slug_field="slug", queryset=Council.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    subject_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": SUBJECT_POST_NOT_FOUND},
    )
    subject_member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": SUBJECT_MEMBER_NOT_FOUND},
    )
    summary = serializers.CharField(max_length=200, required=False, default="")
    details = serializers.CharField(required=False, default="")
    informal_attempted = serializers.BooleanField(required=False, allow_null=True, default=None)
    informal_detail = serializers.CharField(required=False, default="", allow_blank=True)


class ComplaintPreviewInputSerializer(serializers.Serializer):
    council = SlugRelatedField(slug_field="slug", queryset=Council.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    subject_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": SUBJECT_POST_NOT_FOUND},
    )
    subject_member = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": SUBJECT_MEMBER_NOT_FOUND},
    )


class RoutePreviewSerializer(serializers.Serializer):
    level = serializers.CharField()
    routed_as = serializers.CharField()
    stage = serializers.CharField()
    rule_key = serializers.CharField()
    source = serializers.CharField(help_text='The paragraph, or "default" where it is silent.')
    protocol_silent = serializers.BooleanField(
        help_text="True where the protocol is silent and the portal's default rule applies."
    )
    handler = serializers.CharField()
    handler_post = serializers.CharField(allow_null=True, help_text="The handler post's slug.")
    copied_to = serializers.ListField(child=serializers.CharField())
    deadline_days = serializers.IntegerField()
    deadline_calendar = serializers.CharField()
    next_stage = serializers.CharField(allow_blank=True)
    next_stage_handler = serializers.CharField(
        allow_blank=True,
        help_text="Who handles the next stage if the complainant is not satisfied.",
    )
    next_stage_source = serializers.CharField(allow_blank=True)
    informal_first = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField()


class AcknowledgeSerializer(serializers.Serializer):
    intent = serializers.ChoiceField(
        choices=AckIntent.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed where the council's protocol asks it (complaint_acknowledgement: "
        "action_or_time, 004 §11.3).",
    )
    message = serializers.CharField()
    outcome_due_on = serializers.DateField()

    def validate_outcome_due_on(self, value):
        return bounds.COMPLAINT_OUTCOME_DUE.clean(value)


class InvestigatorSerializer(serializers.Serializer):
    investigator_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(),
        error_messages={"does_not_exist": "Choose a manager of this council."},
    )


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField()
    action_taken = serializers.BooleanField()
    disciplinary_notes = serializers.CharField(required=False, default="", allow_blank=True)


class DisciplinaryNotesSerializer(serializers.Serializer):
    notes = serializers.CharField()


class RespondSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=["satisfied", "escalate", "close"])
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class ReleaseSerializer(serializers.Serializer):
    text = serializers.CharField()


class DeterminationInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DeterminationOutcome.choices)
    reasons = serializers.CharField()
    with_chief_executive = serializers.BooleanField(required=False, default=False)


class SupersedeSerializer(DeterminationInputSerializer):
    why = serializers.CharField()


class QuarterlySummarySerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = QuarterlySummary
        fields = ["id", "council", "quarter_start", "quarter_end", "generated_at", "totals", "rows"]
        read_only_fields = fields


class SummaryGenerateSerializer(serializers.Serializer):
    council = SlugRelatedField(slug_field="slug", queryset=Council.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)

    def validate(self, attrs):
        message = bounds.quarter_error(attrs["year"], attrs["quarter"])
        if message:
            raise serializers.ValidationError({"quarter": message})
        return attrs


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
