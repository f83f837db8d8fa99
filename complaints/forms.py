"""Browser forms for complaints: they validate what was typed and never write (services do)."""

from __future__ import annotations

from django import forms

from complaints.states import ABOUT_AN_OFFICER, AckIntent, DeterminationOutcome, Kind, Outcome
from protocol_portal.casework import bounds
from protocol_portal.org.models import Council, Member, Post, PostKind
from protocol_portal.web.forms import GovukDateField, radio_question, text_box

YES_NO = [("yes", "Yes"), ("no", "No")]
INVESTIGATOR_KINDS = [
    PostKind.MANAGER,
    PostKind.HEAD_OF_SERVICE,
    PostKind.DIRECTOR,
    PostKind.CORPORATE_DIRECTOR,
    PostKind.HEAD_OF_HR,
]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, post: Post) -> str:
        return f"{post.holder.get_full_name() or post.holder} – {post.title} ({post.council.name})"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        group = f", {member.group.name}" if member.group_id else ""
        return (
            f"Cllr {member.person.get_full_name() or member.person}{group} ({member.council.name})"
        )


class ComplaintRaiseForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the council.", "invalid_choice": "Choose the council."},
    )
    kind = radio_question(
        "What are you raising?",
        Kind.choices,
        error_messages={
            "required": "Choose what you are raising.",
            "invalid_choice": "Choose what you are raising from the list.",
        },
    )
    subject_post = PostChoiceField(
        label="The officer the concern is about",
        queryset=Post.objects.none(),
        required=False,
        help_text="For a member's concern about an officer. The portal knows their post, and "
        "routes the concern by it.",
    )
    subject_member = MemberChoiceField(
        label="The member the complaint is about",
        queryset=Member.objects.none(),
        required=False,
        help_text="For an officer's complaint about a member, or a possible breach by a member.",
    )
    summary = forms.CharField(
        label="In one line, what is it about?",
        max_length=200,
        error_messages={"required": "Say in a line what the complaint is about."},
    )
    details = text_box("What happened?", rows=8, required="Describe what happened.")
    informal_attempted = radio_question(
        "Have you tried to resolve it informally first?", YES_NO, required=False
    )
    informal_detail = text_box("What did you try, and what happened?", rows=4, required=False)

    def __init__(self, *args, councils, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        if user is not None:
            # Only what this person may raise: a concern about an officer is a member's, a
            # complaint about a member here is an officer's (services._raiser_roles).
            is_member = Member.objects.filter(person=user, council__in=councils).exists()
            is_officer = Post.objects.filter(holder=user, council__in=councils).exists()
            ruled_out = set()
            if not is_member:
                ruled_out |= ABOUT_AN_OFFICER
            if not is_officer:
                ruled_out.add(Kind.COMPLAINT_ABOUT_MEMBER)
            self.fields["kind"].choices = [
                (value, label) for value, label in Kind.choices if value not in ruled_out
            ]
        # Long lists (35–50 in a council): a type-ahead over the select where JavaScript runs.
        for name in ("subject_post", "subject_member"):
            self.fields[name].widget.attrs["data-portal-autocomplete"] = ""
        self.fields["subject_post"].queryset = (
            Post.objects.filter(council__in=councils, holder__isnull=False)
            .select_related("holder", "council")
            .order_by("council__name", "title")
        )
        self.fields["subject_member"].queryset = (
            Member.objects.filter(council__in=councils)
            .select_related("person", "group", "council")
            .order_by("council__name", "person__last_name", "person__first_name")
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ABOUT_AN_OFFICER and not data.get("subject_post"):
            self.add_error("subject_post", "Choose the officer the concern is about.")
        if kind and kind not in ABOUT_AN_OFFICER and not data.get("subject_member"):
            self.add_error("subject_member", "Choose the member the complaint is about.")
        return data

    def answers(self) -> list[dict]:
        """The answers as summary-list rows, each with the field its "Change" goes back to."""
        data = self.cleaned_data
        kind = data["kind"]
        about = data["subject_post"] if kind in ABOUT_AN_OFFICER else None
        about_field = "subject_post" if about is not None else "subject_member"
        about_words = (
            self.fields["subject_post"].label_from_instance(about)
            if about is not None
            else self.fields["subject_member"].label_from_instance(data["subject_member"])
        )
        rows = []
        if self.fields["council"].queryset.count() > 1:
            rows.append({"key": "Council", "value": data["council"].name, "field": "council"})
        rows += [
            {
                "key": "What you are raising",
                "value": Kind(kind).label,
                "field": "kind",
                "anchor": "id_kind_0",
            },
            {"key": "Who it is about", "value": about_words, "field": about_field},
            {"key": "In one line", "value": data["summary"], "field": "summary"},
            {"key": "What happened", "value": data["details"], "field": "details"},
        ]
        return rows

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "council": data["council"],
            "kind": kind,
            "subject_post": data["subject_post"] if kind in ABOUT_AN_OFFICER else None,
            "subject_member": None if kind in ABOUT_AN_OFFICER else data["subject_member"],
        }


class AcknowledgeForm(forms.Form):
    intent = radio_question(
        "Will you act, or do you need time to investigate?",
        AckIntent.choices,
        required="Say whether you will take action or need time.",
    )
    message = text_box(
        "Acknowledgement to the complainant",
        rows=5,
        required="Write the acknowledgement the complainant will read.",
    )
    outcome_due_on = GovukDateField(
        label="Outcome by",
        subject="The date for the outcome",
        help_text="The date by which you will report the outcome. For example, 27 3 2027.",
    )

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        from protocol_portal.org.protocol_settings import setting

        if council is not None and setting(council, "complaint_acknowledgement") != (
            "action_or_time"
        ):
            # The council's protocol does not ask it (004 §11.3 does): optional.
            self.fields["intent"].required = False

    def clean_outcome_due_on(self):
        return bounds.COMPLAINT_OUTCOME_DUE.clean(self.cleaned_data.get("outcome_due_on"))


class InvestigatorForm(forms.Form):
    investigator_post = forms.ModelChoiceField(
        label="Manager to investigate",
        queryset=Post.objects.none(),
        help_text="The manager makes a preliminary investigation and reports back (003 §67).",
        error_messages={
            "required": "Choose the manager who will investigate.",
            "invalid_choice": "Choose a manager of this council.",
        },
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator_post"].queryset = Post.objects.filter(
            council=council, holder__isnull=False, kind__in=INVESTIGATOR_KINDS
        ).order_by("title")


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome."},
    )
    reasons = text_box(
        "Reasons",
        rows=6,
        help_text="The complainant reads these.",
        required="Give the reasons for the outcome.",
    )
    action_taken = radio_question(
        "Has action been taken?",
        YES_NO,
        help_text="Members are told whether action was taken (004 §11.4).",
        required="Say whether action has been taken (004 §11.4).",
    )
    disciplinary_notes = text_box(
        "Disciplinary notes",
        rows=4,
        required=False,
        help_text="Only handler-side roles see these; never the complainant (004 §11.5).",
    )

    @property
    def action_taken_value(self) -> bool | None:
        return _yes_no(self.cleaned_data.get("action_taken", ""))


class DisciplinaryNotesForm(forms.Form):
    notes = text_box(
        "Disciplinary notes",
        rows=6,
        help_text="Only handler-side roles see these (004 §11.5).",
        required="Write the notes.",
    )


class RespondForm(forms.Form):
    choice = radio_question(
        "Are you satisfied?",
        [
            ("satisfied", "Yes, I am satisfied: close it"),
            ("escalate", "No: take it to the next stage"),
            ("close", "No, but close it"),
        ],
        required="Say whether you are satisfied.",
    )
    reason = forms.CharField(
        label="Anything to add", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, can_escalate: bool, next_stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        if can_escalate:
            self.fields["choice"].choices = [
                (value, f"No: take it to the {next_stage.replace('-', ' ')} stage")
                if value == "escalate"
                else (value, label)
                for value, label in self.fields["choice"].choices
            ]
        else:
            self.fields["choice"].choices = [
                c for c in self.fields["choice"].choices if c[0] != "escalate"
            ]
            self.fields[
                "choice"
            ].help_text = (
                "This is the final stage: the protocol has no further stage to escalate to."
            )


class WithdrawForm(forms.Form):
    reason = text_box("Why are you withdrawing it?", rows=3, required=False)


class ReleaseForm(forms.Form):
    text = text_box(
        "What the person concerned should be told",
        rows=6,
        help_text="What natural justice requires: the substance of the allegation and how to "
        "respond. They see only this text.",
        required="Write what the person concerned should be told.",
    )


class DeterminationForm(forms.Form):
    outcome = radio_question(
        "Determination", DeterminationOutcome.choices, required="Choose the determination."
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Give the reasons for the determination."},
    )
    with_chief_executive = forms.BooleanField(
        label="Made in conjunction with the Chief Executive",
        required=False,
        help_text="Needed for a referral to the party whip and leader (004 §15.5).",
    )


class SupersedeForm(DeterminationForm):
    why = text_box(
        "Why is the determination being superseded?",
        rows=3,
        required="Say why the determination is being superseded.",
    )


class SummaryForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Council.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the council.", "invalid_choice": "Choose the council."},
    )
    year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year.",
            "invalid": "Enter a year like 2026.",
            "min_value": "Enter a year from 2000.",
            "max_value": "Enter a year to 2100.",
        },
    )
    quarter = forms.TypedChoiceField(
        choices=[
            (1, "January to March"),
            (2, "April to June"),
            (3, "July to September"),
            (4, "October to December"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the quarter."},
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils

    def clean(self):
        data = super().clean()
        if data.get("year") and data.get("quarter"):
            message = bounds.quarter_error(data["year"], data["quarter"])
            if message:
                self.add_error("quarter", message)
        return data
