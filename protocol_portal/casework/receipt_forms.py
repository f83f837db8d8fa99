"""The questions every "log it for a member" page asks — which member, how it was received,
and the true date and time of receipt — checked by the kernel's receipt rules
(`casework.receipt`: never in the future, never before the member took office, at most a year
back). A case app's logging form mixes `ReceiptForm` in before its own form:

    class ComplaintLogForm(ReceiptForm, ComplaintRaiseForm):
        what = "complaint"

and its own form is offered only the council it is logged in (its `councils` keyword);
its page is reached only by an officer of the council (`logging_councils`): a member logs only
their own cases, never another's.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from protocol_portal.casework.receipt import HOW, LOGGED_CHANNELS, receipt_errors
from protocol_portal.org.models import Council, Member, Person, Post
from protocol_portal.web.forms import GovukDateField

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> time:
    """'14:05', '2:05pm', '2pm', '9.30am' → a time; ValueError if it is not one."""
    match = _TIME.match(text or "")
    if not match:
        raise ValueError(text)
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half.lower().startswith("p") else 0)
    return time(hour, minute)  # raises ValueError past 23:59


def logging_councils(*, user: Person) -> dict[str, Council]:
    """The councils this person may log a case for a member in, by slug: those where they hold
    a post (member services or any officer). Empty for a member who holds none."""
    if not user.is_authenticated:
        return {}
    posts = Post.objects.filter(holder=user).select_related("council").order_by("council__name")
    return {post.council.slug: post.council for post in posts}


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        ward = f", {obj.ward.name}" if obj.ward_id else ""
        return f"{obj}{ward}"


class ReceiptForm(forms.Form):
    """Who it is for, how it came and when: `cleaned_data["received_at"]` is the moment."""

    RECEIPT_FIELDS = ["member", "channel", "received_on", "received_time"]
    what = "case"  # what is logged, as the receipt rules' messages name it ("complaint")

    member = MemberChoiceField(
        queryset=Member.objects.none(),
        label="Member",
        empty_label="Choose a member",
        error_messages={
            "required": "Choose the member",
            "invalid_choice": "Choose a member of the council from the list",
        },
    )
    channel = forms.ChoiceField(
        choices=LOGGED_CHANNELS,
        widget=forms.RadioSelect,
        label="How was it received?",
        error_messages={
            "required": "Choose how it was received",
            "invalid_choice": "Choose how it was received",
        },
    )
    received_on = GovukDateField(
        label="Date received", help_text="For example, 4 3 2026. Not in the future."
    )
    received_time = forms.CharField(
        label="Time received",
        max_length=10,
        help_text="For example, 2:05pm or 14:05. The time limit runs from when it was received.",
        error_messages={"required": "Enter the time received"},
    )

    def __init__(self, *args, council: Council, as_of: datetime, **kwargs):
        super().__init__(*args, councils=Council.objects.filter(pk=council.pk), **kwargs)
        self.council, self.as_of = council, as_of
        self.fields["member"].queryset = (
            Member.objects.filter(council=council)
            .select_related("person", "ward")
            .order_by("person__last_name", "person__first_name")
        )
        self.fields["member"].widget.attrs["data-portal-autocomplete"] = ""
        self.order_fields(
            self.RECEIPT_FIELDS + [n for n in self.fields if n not in self.RECEIPT_FIELDS]
        )

    def clean_received_time(self):
        try:
            return parse_time(self.cleaned_data["received_time"])
        except ValueError:
            raise forms.ValidationError(
                "Time received must be a real time, like 2:05pm or 14:05"
            ) from None

    def clean(self):
        data = super().clean()
        day, moment, member = (data.get(k) for k in ("received_on", "received_time", "member"))
        if day and moment:
            received_at = timezone.make_aware(datetime.combine(day, moment))
            for message in receipt_errors(
                member=member, received_at=received_at, as_of=self.as_of, what=self.what
            ).values():
                self.add_error("received_on", message)
            data["received_at"] = received_at
        return data

    def receipt_kwargs(self) -> dict:
        """What a case app's create service takes about receipt."""
        data = self.cleaned_data
        return {"channel": data["channel"], "received_at": data["received_at"]}

    def receipt_answers(self) -> list[dict]:
        """Check-answers rows for the receipt questions."""
        data = self.cleaned_data
        local = timezone.localtime(data["received_at"])
        when = f"{local:%A %-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")
        return [
            {"key": "Member", "value": self.fields["member"].label_from_instance(data["member"]),
             "field": "member"},
            {"key": "How it was received", "value": HOW[data["channel"]].capitalize(),
             "field": "channel", "anchor": "id_channel_0"},
            {"key": "When it was received", "value": when, "field": "received_on",
             "anchor": "id_received_on_0"},
        ]  # fmt: skip
