"""Forms for enquiries that reach the council other than through the portal: logged by member
services or an officer on a member's behalf, with the channel and the true moment of receipt."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from enquiries.forms import EnquiryForm
from enquiries.models import Channel
from enquiries.receipt import receipt_errors
from protocol_portal.casework.receipt_forms import parse_time
from protocol_portal.org.models import Council, Member
from protocol_portal.web.forms import GovukDateField


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        ward = f", {obj.ward.name}" if obj.ward_id else ""
        return f"{obj}{ward}"


class LogForMemberForm(EnquiryForm):
    """An enquiry received by phone, letter, email or at a surgery, logged for the member."""

    field_order = ["member", "channel", "received_on", "received_time"]

    member = MemberChoiceField(
        queryset=Member.objects.none(), label="Member", empty_label="Choose a member"
    )
    channel = forms.ChoiceField(
        choices=[c for c in Channel.choices if c[0] != Channel.PORTAL],
        widget=forms.RadioSelect,
        label="How was it received?",
    )
    received_on = GovukDateField(
        label="Date received", help_text="For example, 4 3 2026. Not in the future."
    )
    received_time = forms.CharField(
        label="Time received",
        max_length=10,
        help_text="For example, 2:05pm or 14:05. The clock runs from when it was received.",
    )

    def __init__(self, *args, council: Council, as_of: datetime, **kwargs):
        # The member is chosen in the form: the parent's lists are the council's.
        super().__init__(*args, member=Member(council=council), **kwargs)
        self.as_of = as_of
        self.fields["member"].queryset = Member.objects.filter(council=council).select_related(
            "person", "ward"
        )
        self.fields["description"].label = "What does the member need?"
        self.fields["about_other_ward"].label = "It is about a ward other than the member's own"
        self.fields[
            "confirm_not_duplicate"
        ].label = "This is a different issue from the member's open enquiry"

    def clean_received_time(self):
        try:
            return parse_time(self.cleaned_data["received_time"])
        except ValueError:
            raise ValidationError(
                "Time received must be a real time, like 2:05pm or 14:05"
            ) from None

    def clean(self):
        member = self.cleaned_data.get("member")
        if member is None:
            return self.cleaned_data
        self.member = member
        data = super().clean()
        day, moment = data.get("received_on"), data.get("received_time")
        if day and moment:
            received_at = timezone.make_aware(datetime.combine(day, moment))
            for _, message in receipt_errors(
                member=member, received_at=received_at, as_of=self.as_of
            ).items():
                self.add_error("received_on", message)
            data["received_at"] = received_at
        return data

    def enquiry_fields(self) -> dict:
        """What `enquiry_create` takes, from the cleaned form."""
        data = dict(self.cleaned_data)
        for name in ("confirm_not_duplicate", "received_on", "received_time"):
            data.pop(name, None)
        return data


class DealtWithForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was done with it?",
        help_text="For example, “Forwarded to the resident's landlord” or “Spam”.",
    )
