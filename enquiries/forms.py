"""Browser forms: they validate and hand clean values to one service; they never write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from enquiries.selectors import duplicate_cited, possible_duplicates
from enquiries.states import Urgency
from protocol_portal.casework.files import ALLOWED_LABEL, attachment_check
from protocol_portal.org.models import Member, Person, Post, ServiceArea, Ward
from protocol_portal.web.forms import PostGroupedChoiceField, text_box

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class EnquiryForm(forms.Form):
    """What a member types when logging an enquiry (000 §7.1; 002 §30)."""

    subject = forms.CharField(max_length=200, help_text="A few words, e.g. “Broken boiler”.")
    description = text_box("What does the resident need?", rows=6, max_length=10000)
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(), label="Service area", empty_label="Choose one"
    )
    ward = forms.ModelChoiceField(queryset=Ward.objects.none(), empty_label="Choose one")
    resident_reference = forms.CharField(
        max_length=100,
        required=False,
        label="Resident's reference",
        help_text="Personal data: only those handling the enquiry will see it.",
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.ROUTINE
    )
    urgency_reason = text_box(
        "Why is it urgent?",
        rows=3,
        required=False,
        help_text="Needed when urgent: the officer decides whether it is (002 §30).",
    )
    relates_to_legal_proceedings = forms.BooleanField(
        required=False,
        label="It relates to legal proceedings by or against the council",
        help_text="It will go only to a Director, and the answer will be about process "
        "(000 §13.4–13.5).",
    )
    about_other_ward = forms.BooleanField(
        required=False,
        label="It is about a ward other than my own",
        help_text="Whether that ward's members are told an enquiry was made follows your "
        "council's protocol; they are never told what it says.",
    )
    is_policy = forms.BooleanField(
        required=False, label="It is about policy rather than a routine matter"
    )
    is_cross_directorate = forms.BooleanField(
        required=False, label="It involves more than one council department"
    )
    is_complex = forms.BooleanField(
        required=False,
        label="It is complex but mainly operational",
        help_text="It will go first to the Head of Service (002 §31).",
    )
    is_protocol_advice = forms.BooleanField(
        required=False,
        label="I am asking for advice on the member and officer protocol itself",
        help_text="Advice on the protocol comes from the Chief Executive or the Monitoring "
        "Officer (004 §17.1).",
    )
    attachments = MultipleFileField(
        required=False,
        label="Attachments",
        help_text=f"Up to {MAX_FILES} files: {ALLOWED_LABEL}. If the page shows an error, "
        "choose the files again.",
    )
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different issue from my open enquiry",
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["service_area"].queryset = ServiceArea.objects.filter(
            council_id=member.council_id
        ).order_by("name")
        self.fields["ward"].queryset = Ward.objects.filter(council_id=member.council_id)
        if member.ward_id and not self.is_bound:
            self.initial.setdefault("ward", member.ward_id)
        drop_flags_not_offered(self, member.council)
        self.duplicates: list = []
        self.duplicate_cited = duplicate_cited(member)
        from enquiries import confidentiality

        if confidentiality.member_may_choose(member.council):
            # 001 §5.3.9.2: shared with others "unless it is agreed that it should be kept
            # confidential": the member says so here.
            self.fields["keep_confidential"] = forms.BooleanField(
                required=False,
                label="Keep this enquiry confidential",
                help_text="Otherwise officers may share it with other members, such as your "
                f"ward colleagues ({confidentiality.source(member.council)}). They never see "
                "the resident's reference or documents.",
            )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise ValidationError(f"Attach at most {MAX_FILES} files.")
        errors = []
        for upload in files:
            try:
                attachment_check(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        data = super().clean()
        if data.get("urgency") == Urgency.URGENT and not (data.get("urgency_reason") or "").strip():
            self.add_error("urgency_reason", "Say why the enquiry is urgent.")
        area, subject = data.get("service_area"), data.get("subject")
        if area and subject:
            self.duplicates = possible_duplicates(
                member=self.member, service_area_id=area.pk, subject=subject
            )
            if self.duplicates and not data.get("confirm_not_duplicate"):
                refs = ", ".join(e.reference for e in self.duplicates)
                self.add_error(
                    "confirm_not_duplicate",
                    f"You already have an open enquiry on this ({refs}). Please add to that one "
                    f"rather than repeat it{duplicate_cited(self.member)}, or tick the box if "
                    "this is a different issue.",
                )
        return data


def drop_flags_not_offered(form: forms.Form, council) -> None:
    """Optional flags appear only where the council's protocol has them (its precedence)."""
    from enquiries.services import offers_flag

    for flag, field in OPTIONAL_FLAG_FIELDS.items():
        if field in form.fields and not offers_flag(council, flag):
            del form.fields[field]


OPTIONAL_FLAG_FIELDS = {"complex": "is_complex", "protocol_advice": "is_protocol_advice"}


class QuestionForm(forms.Form):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="What do you need the member to clarify?"
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}), label="Response to the member"
    )
    process_only = forms.BooleanField(
        required=False,
        label="I confirm this answer comments only on process",
        help_text="On legal proceedings the council's answer is limited to comments on process, "
        "so as not to prejudice the proceedings (000 §13.4).",
    )

    def __init__(self, *args, process_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not process_only:
            del self.fields["process_only"]


class CloseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Why is it being closed?"
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Why?")


class NoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Note for the record"
    )


class ReplyForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Your reply")


class ReassignForm(forms.Form):
    to_post = PostGroupedChoiceField(
        queryset=Post.objects.none(), label="Pass it to", empty_label="Choose a post"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why?")

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_post"].queryset = posts


class BulkReassignForm(ReassignForm):
    enquiries = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Enquiries"
    )

    def __init__(self, *args, posts, enquiries, **kwargs):
        super().__init__(*args, posts=posts, **kwargs)
        self.fields["enquiries"].queryset = enquiries


class ShareForm(forms.Form):
    member = forms.ModelChoiceField(
        queryset=Member.objects.none(), label="Member to copy in", empty_label="Choose a member"
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class FlagsForm(forms.Form):
    relates_to_legal_proceedings = forms.BooleanField(
        required=False, label="Relates to legal proceedings by or against the council"
    )
    about_other_ward = forms.BooleanField(required=False, label="About another member's ward")
    is_policy = forms.BooleanField(required=False, label="Policy rather than routine")
    is_cross_directorate = forms.BooleanField(required=False, label="Crosses directorates")
    is_complex = forms.BooleanField(
        required=False, label="Complex but mainly operational (first to the Head of Service)"
    )
    is_protocol_advice = forms.BooleanField(
        required=False,
        label="Advice on the protocol itself (Chief Executive or Monitoring Officer)",
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, widget=forms.RadioSelect)
    urgency_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Why is it urgent?"
    )

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        if council is not None:
            drop_flags_not_offered(self, council)

    def clean(self):
        data = super().clean()
        if data.get("urgency") == Urgency.URGENT and not (data.get("urgency_reason") or "").strip():
            self.add_error("urgency_reason", "Say why the enquiry is urgent.")
        return data


class DecideUrgencyForm(forms.Form):
    urgent = forms.TypedChoiceField(
        choices=[("yes", "Yes, it is urgent"), ("no", "No, it is not urgent")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Is the matter urgent?",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why?")


class ConfidenceExceptionForm(forms.Form):
    ground = forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        label="Why does the member's confidence not hold?",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What was disclosed, and why it is referred",
    )

    def __init__(self, *args, **kwargs):
        from enquiries.services import CONFIDENCE_GROUNDS

        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [(k, "It " + v) for k, v in CONFIDENCE_GROUNDS.items()]


class AuthorityForm(forms.Form):
    authority = forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        label="Whose authority does the additional work need?",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="What additional work needs authority?"
    )

    def __init__(self, *args, **kwargs):
        from enquiries.services import AUTHORITIES

        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = [
            (k, v[0].upper() + v[1:]) for k, v in AUTHORITIES.items()
        ]


class AuthorityDecidedForm(forms.Form):
    given = forms.TypedChoiceField(
        choices=[("yes", "Yes, the work was authorised"), ("no", "No, it was refused")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Was the additional work authorised?",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What was decided?")


class InvolvedForm(forms.Form):
    officer = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Officer involved in the proceedings",
        empty_label="Choose an officer",
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
