"""API shapes for enquiries. Serializers validate and present; services write."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from enquiries.models import Enquiry, EnquiryAttachment, EnquiryCopy, WardNotice
from enquiries.states import OPEN, Status, Urgency
from protocol_portal.casework.files import attachment_check
from protocol_portal.casework.models import CaseEvent
from protocol_portal.casework.receipt import LOGGED_CHANNELS
from protocol_portal.org.models import Member, Post, ServiceArea, Ward


def overdue(enquiry: Enquiry, today) -> bool:
    """Open, not waiting on the member, and breached or past its due date."""
    return (
        enquiry.status in OPEN
        and enquiry.status != Status.AWAITING_MEMBER
        and (
            enquiry.breached_on is not None
            or (enquiry.due_on is not None and enquiry.due_on < today)
        )
    )


@extend_schema_field(
    # A pattern rather than an enum: list and detail share the field, and another case type's
    # "status" enum would otherwise collide with this one by name.
    {
        "type": "string",
        "pattern": "^(" + "|".join(Status.values) + ")$",
        "description": "; ".join(f"`{v}` - {label}" for v, label in Status.choices),
    }
)
class StatusField(serializers.CharField):
    """The status, described inline (one choice set shared by list and detail)."""


class EnquiryListSerializer(serializers.ModelSerializer):
    status = StatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    owner = serializers.SerializerMethodField()
    member = serializers.CharField(source="member.__str__", read_only=True)
    service_area = serializers.CharField(source="service_area.name", read_only=True)
    ward = serializers.CharField(source="ward.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Enquiry
        fields = [
            "reference",
            "subject",
            "status",
            "status_label",
            "owner",
            "member",
            "service_area",
            "ward",
            "received_on",
            "received_at",
            "channel",
            "due_on",
            "breached_on",
            "overdue",
            "url",
        ]
        read_only_fields = fields

    def get_owner(self, obj: Enquiry) -> str:
        return obj.owner_post.title if obj.owner_post_id else ""

    def get_overdue(self, obj: Enquiry) -> bool:
        return overdue(obj, self.context.get("today") or timezone.localdate())

    def get_url(self, obj: Enquiry) -> str:
        return reverse("enquiries:detail", args=[obj.reference])


class EnquiryEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["at", "kind", "summary", "detail", "actor"]
        read_only_fields = fields

    def get_actor(self, obj: CaseEvent) -> str:
        return str(obj.actor) if obj.actor_id else "Protocol Portal"


class EnquiryAttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = EnquiryAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, obj: EnquiryAttachment) -> str:
        return reverse("enquiries:attachment", args=[obj.enquiry.reference, obj.pk])


class EnquiryCopySerializer(serializers.ModelSerializer):
    to = serializers.SerializerMethodField()

    class Meta:
        model = EnquiryCopy
        fields = ["to", "reason", "source", "created_at"]
        read_only_fields = fields

    def get_to(self, obj: EnquiryCopy) -> str:
        return str(obj.post or obj.member)


class EnquiryWardNoticeSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = WardNotice
        fields = ["member", "told_at"]
        read_only_fields = fields


class EnquiryInspectionSerializer(serializers.Serializer):
    """Whether the public may inspect the enquiry, and why (004 §14.2)."""

    open = serializers.BooleanField()
    why = serializers.CharField()
    source = serializers.CharField()


class EnquiryDetailSerializer(EnquiryListSerializer):
    """One enquiry as its reader may see it: the timeline is filtered by the view."""

    public_inspection = serializers.SerializerMethodField()

    timeline = serializers.SerializerMethodField()
    resident_reference = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    copies = serializers.SerializerMethodField()
    ward_members_told = serializers.SerializerMethodField()

    class Meta(EnquiryListSerializer.Meta):
        fields = [
            *EnquiryListSerializer.Meta.fields,
            "description",
            "resident_reference",
            "urgency",
            "urgency_reason",
            "relates_to_legal_proceedings",
            "about_other_ward",
            "is_policy",
            "is_cross_directorate",
            "is_complex",
            "is_protocol_advice",
            "kept_confidential",
            "public_inspection",
            "concerning",
            "stage",
            "authority_from",
            "route_source",
            "clock_calendar",
            "timeline",
            "attachments",
            "copies",
            "ward_members_told",
        ]
        read_only_fields = fields

    def _page(self):
        return self.context["page"]

    @extend_schema_field(EnquiryEventSerializer(many=True))
    def get_timeline(self, obj):
        return EnquiryEventSerializer(self._page().events, many=True).data

    @extend_schema_field(serializers.CharField())
    def get_resident_reference(self, obj) -> str:
        """Personal data for those handling the enquiry and its member, never for a copy."""
        return obj.resident_reference if self.context.get("may_see_attachments") else ""

    @extend_schema_field(EnquiryAttachmentSerializer(many=True))
    def get_attachments(self, obj):
        if not self.context.get("may_see_attachments"):
            return []
        return EnquiryAttachmentSerializer(self._page().attachments, many=True).data

    @extend_schema_field(EnquiryCopySerializer(many=True))
    def get_copies(self, obj):
        return EnquiryCopySerializer(self._page().copies, many=True).data

    @extend_schema_field(EnquiryInspectionSerializer(allow_null=True))
    def get_public_inspection(self, obj):
        from enquiries.confidentiality import public_inspection

        found = public_inspection(
            obj,
            has_attachments=bool(self._page().attachments)
            if self.context.get("may_see_attachments")
            else None,
        )
        return None if found is None else EnquiryInspectionSerializer(found).data

    @extend_schema_field(EnquiryWardNoticeSerializer(many=True))
    def get_ward_members_told(self, obj):
        return EnquiryWardNoticeSerializer(self._page().ward_notices, many=True).data


class EnquiryCreateSerializer(serializers.Serializer):
    council = serializers.SlugField(
        required=False, help_text="The council's slug; needed only if you sit on several."
    )
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000)
    service_area = serializers.SlugField(help_text="The service area's slug.")
    ward = serializers.SlugField(help_text="The ward's slug.")
    resident_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    urgency_reason = serializers.CharField(required=False, allow_blank=True, default="")
    relates_to_legal_proceedings = serializers.BooleanField(default=False)
    about_other_ward = serializers.BooleanField(default=False)
    is_policy = serializers.BooleanField(default=False)
    is_cross_directorate = serializers.BooleanField(default=False)
    is_complex = serializers.BooleanField(
        default=False,
        help_text="Complex but predominately operational: only where the council's protocol "
        "has it (002 §31).",
    )
    is_protocol_advice = serializers.BooleanField(
        default=False,
        help_text="A request for advice on the protocol itself: only where the council's "
        "protocol names who advises (004 §17.1).",
    )
    keep_confidential = serializers.BooleanField(
        required=False,
        help_text="Where the council's protocol shares correspondence unless agreed "
        "confidential (001 §5.3.9.2): set to keep it from other members. Elsewhere an enquiry "
        "starts confidential whatever this says.",
    )
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)
    confirm_not_duplicate = serializers.BooleanField(
        default=False, help_text="Set when a similar open enquiry exists and this is different."
    )
    member = serializers.CharField(
        required=False,
        max_length=150,
        help_text="Officers and member services: the username of the member the enquiry is "
        "logged for. A member logs only their own and leaves this out.",
    )
    channel = serializers.ChoiceField(
        choices=LOGGED_CHANNELS,
        required=False,
        help_text="Logged on a member's behalf: how the enquiry was received.",
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text="Logged on a member's behalf: when it was really received (ISO 8601, UK time "
        "if no offset). Never in the future, never before the member took office, at most a "
        "year back; the clock runs from it.",
    )

    def validate_attachments(self, files):
        errors = []
        for upload in files:
            try:
                attachment_check(upload)
            except Exception as exc:  # noqa: BLE001 - a Django ValidationError, reported as is
                errors.extend(getattr(exc, "messages", [str(exc)]))
        if errors:
            raise serializers.ValidationError(errors)
        return files

    def _member(self, attrs) -> Member:
        """The member the enquiry is for: the caller's own membership, or — logged on a
        member's behalf by an officer — a member of a council where the caller holds a post."""
        memberships: list[Member] = self.context["memberships"]
        council_ids: set[int] = self.context.get("officer_council_ids", set())
        slug = attrs.get("council")
        username = attrs.get("member")
        if username is not None and council_ids:
            chosen = list(
                Member.objects.filter(
                    person__username=username, council_id__in=council_ids
                ).select_related("council", "person", "ward")
            )
            chosen = [m for m in chosen if slug is None or m.council.slug == slug]
            if not chosen:
                raise serializers.ValidationError(
                    {"member": "No member of your council has that username."}
                )
        else:
            if not memberships:
                raise serializers.ValidationError(
                    {"member": "Say which member the enquiry is logged for (their username)."}
                )
            chosen = [m for m in memberships if slug is None or m.council.slug == slug]
            if not chosen:
                raise serializers.ValidationError(
                    {"council": "You are not a member of that council."}
                )
            for name in ("channel", "received_at"):
                if name in attrs:
                    raise serializers.ValidationError(
                        {
                            name: "Your own enquiry is received when you log it; member services "
                            "or an officer record how and when one logged for you was received."
                        }
                    )
        if len(chosen) > 1:
            raise serializers.ValidationError({"council": "Say which council this is for."})
        return chosen[0]

    def validate(self, attrs):
        member = self._member(attrs)
        if member.person.username != self.context["own_username"]:
            # Logged on the member's behalf: how and when it was received are the officer's to say.
            errors = {
                name: "Say how the enquiry was received."
                if name == "channel"
                else "Say when the enquiry was received."
                for name in ("channel", "received_at")
                if name not in attrs
            }
            if errors:
                raise serializers.ValidationError(errors)
        area = ServiceArea.objects.filter(
            council_id=member.council_id, slug=attrs["service_area"]
        ).first()
        ward = Ward.objects.filter(council_id=member.council_id, slug=attrs["ward"]).first()
        errors = {}
        if area is None:
            errors["service_area"] = "No such service area in your council."
        if ward is None:
            errors["ward"] = "No such ward in your council."
        if attrs.get("urgency") == Urgency.URGENT and not attrs.get("urgency_reason", "").strip():
            errors["urgency_reason"] = "Say why the enquiry is urgent."
        if errors:
            raise serializers.ValidationError(errors)
        from enquiries.selectors import duplicate_cited, possible_duplicates

        duplicates = possible_duplicates(
            member=member, service_area_id=area.pk, subject=attrs["subject"]
        )
        if duplicates and not attrs.get("confirm_not_duplicate"):
            refs = ", ".join(e.reference for e in duplicates)
            raise serializers.ValidationError(
                {
                    "confirm_not_duplicate": f"You already have an open enquiry on this ({refs}); "
                    f"add to it{duplicate_cited(member)} or set confirm_not_duplicate if this "
                    "is different."
                }
            )
        attrs.update(member=member, service_area=area, ward=ward)
        attrs.pop("council", None)
        attrs.pop("confirm_not_duplicate", None)
        return attrs

    def validate_member(self, value):
        # A member may not log for someone else: refused before anything else is looked at.
        own = self.context["own_username"]
        if not self.context.get("officer_council_ids") and value != own:
            raise PermissionDenied("A member logs only their own enquiries.")
        return value


class EnquiryQuestionSerializer(serializers.Serializer):
    question = serializers.CharField()


class EnquiryResponseSerializer(serializers.Serializer):
    response = serializers.CharField()
    process_only = serializers.BooleanField(
        default=False,
        help_text="On legal proceedings, where the council's protocol limits the answer to "
        "comments on process: confirm that it does (000 §13.4).",
    )


class EnquiryReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class EnquiryCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EnquiryNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EnquiryReplySerializer(serializers.Serializer):
    text = serializers.CharField()


class EnquiryReassignSerializer(serializers.Serializer):
    to_post = serializers.SlugField(help_text="The slug of a post of the enquiry's council.")
    reason = serializers.CharField()

    def validate_to_post(self, value):
        post = Post.objects.filter(council_id=self.context["council_ids"], slug=value).first()
        if post is None:
            raise serializers.ValidationError("No such post in the enquiry's council.")
        return post


class EnquiryBulkReassignSerializer(serializers.Serializer):
    council = serializers.SlugField()
    references = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=200)
    to_post = serializers.SlugField()
    reason = serializers.CharField()


class EnquiryConfidentialSerializer(serializers.Serializer):
    keep = serializers.BooleanField(
        help_text="true: keep it confidential (the member, where 001 §5.3.9.2 applies); false: "
        "release it from confidence (the member, or the officer where 004 §14.2 applies)."
    )


class EnquiryShareSerializer(serializers.Serializer):
    member = serializers.CharField(help_text="The username of the member to copy in.")


class EnquiryFlagsSerializer(serializers.Serializer):
    relates_to_legal_proceedings = serializers.BooleanField(required=False)
    about_other_ward = serializers.BooleanField(required=False)
    is_policy = serializers.BooleanField(required=False)
    is_cross_directorate = serializers.BooleanField(required=False)
    is_complex = serializers.BooleanField(required=False)
    is_protocol_advice = serializers.BooleanField(required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    urgency_reason = serializers.CharField(required=False, allow_blank=True)


class EnquiryDecideUrgencySerializer(serializers.Serializer):
    urgent = serializers.BooleanField()
    reason = serializers.CharField()


class EnquiryConfidenceExceptionSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(
        choices=["damaging", "illegal", "maladministration"],
        help_text="Why the member's confidence does not hold: what was disclosed could damage "
        "the council, is illegal or constitutes maladministration (000 §7.20).",
    )
    reason = serializers.CharField()


class EnquiryAuthoritySerializer(serializers.Serializer):
    authority = serializers.ChoiceField(
        choices=["senior_officers", "cabinet", "council", "committee"],
        help_text="Whose authority the additional work needs (004 §10.1.2).",
    )
    note = serializers.CharField()


class EnquiryAuthorityDecidedSerializer(serializers.Serializer):
    given = serializers.BooleanField()
    note = serializers.CharField()


class EnquiryInvolvedSerializer(serializers.Serializer):
    officer = serializers.CharField(help_text="The username of the officer involved.")


class EnquiryBulkResultSerializer(serializers.Serializer):
    moved = serializers.IntegerField()


class EnquiryErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
