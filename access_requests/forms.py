"""Browser forms for need-to-know requests: they validate what was typed and never write."""

from __future__ import annotations

from django import forms

from access_requests.selectors import Ask
from access_requests.states import Ground, Outcome, Part, Purpose
from protocol_portal.casework import bounds
from protocol_portal.org.models import Committee, Council, Directorate, Member, Ward
from protocol_portal.web.forms import GovukDateField, checkboxes, radio_question, text_box

YES_NO = [("yes", "Yes"), ("no", "No")]
CONTAINS = [
    ("third_party_personal_data", "Personal information about other people"),
    ("contract_information", "Information about a contract"),
    ("property_transaction", "Information about a property transaction"),
    ("other_group_papers", "Papers of a political group"),
    ("report_to_group", "A written report officers gave to a political group"),
    ("personal_records", "Someone's personal records"),
    ("draft_policy_papers", "A draft policy document or a draft committee report"),
]


class RequestForm(forms.Form):
    """What the member wants to see, who holds it, whether it belongs to a meeting, and why."""

    council = forms.ModelChoiceField(queryset=Council.objects.none(), empty_label=None)
    what = forms.CharField(
        label="What do you want to see?",
        max_length=300,
        help_text="The document or information, as precisely as you can.",
        error_messages={"required": "Say what document or information you want to see."},
    )
    directorate = forms.ModelChoiceField(
        label="Which directorate holds it?",
        queryset=Directorate.objects.none(),
        error_messages={"required": "Choose the directorate that holds it."},
    )
    for_meeting = radio_question(
        "Does it belong to a meeting?", YES_NO, required="Say whether it belongs to a meeting."
    )
    committee = forms.ModelChoiceField(
        label="Which committee's meeting?", queryset=Committee.objects.none(), required=False
    )
    meeting_date = GovukDateField(label="Date of the meeting", required=False)
    part = radio_question("Is it a Part I or Part II item?", Part.choices, required=False)
    within_terms_of_reference = forms.BooleanField(
        label="It is within my committee's terms of reference", required=False
    )
    purpose = radio_question(
        "Why do you need it?", Purpose.choices, required="Say why you need it."
    )
    matter_ward = forms.ModelChoiceField(
        label="Which ward is the matter in?", queryset=Ward.objects.none(), required=False
    )
    contains = checkboxes("Does it include any of these?", CONTAINS, required=False)
    justification = text_box(
        "Why you need it to do your job as a member",
        rows=5,
        required=False,
        help_text="In specific terms. Where the need to know must be shown, this is your "
        "request in writing.",
    )
    wants_foi = forms.BooleanField(
        label="Handle this under the Freedom of Information Act instead", required=False
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        council = self._council(councils)
        if council is not None:
            self.fields["directorate"].queryset = Directorate.objects.filter(council=council)
            self.fields["committee"].queryset = Committee.objects.filter(council=council)
            self.fields["matter_ward"].queryset = Ward.objects.filter(council=council)

    def _council(self, councils):
        raw = self.data.get("council") if self.is_bound else self.initial.get("council")
        pk = getattr(raw, "pk", raw)
        return councils.filter(pk=pk).first() if pk else councils.first()

    def clean(self):
        data = super().clean()
        if data.get("for_meeting") == "yes":
            if not data.get("committee"):
                self.add_error("committee", "Choose the committee whose meeting it belongs to.")
            if not data.get("part"):
                self.add_error("part", "Say whether it is a Part I or a Part II item.")
        return data

    def answers(self) -> list[dict]:
        """The answers as check-answers rows, each with the field its "Change" goes back to;
        the meeting's details only when it belongs to a meeting."""
        d = self.cleaned_data
        meeting = d.get("for_meeting") == "yes"
        contains = dict(CONTAINS)
        rows = []
        if self.fields["council"].queryset.count() > 1:
            rows.append({"key": "Council", "value": d["council"].name, "field": "council"})
        rows += [
            {"key": "What you want to see", "value": d["what"], "field": "what"},
            {"key": "Who holds it", "value": d["directorate"].name, "field": "directorate"},
            {
                "key": "Belongs to a meeting",
                "value": "Yes" if meeting else "No",
                "field": "for_meeting",
                "anchor": "id_for_meeting_0",
            },
        ]
        if meeting:
            rows += [
                {"key": "Committee", "value": str(d["committee"]), "field": "committee"},
                {
                    "key": "Date of the meeting",
                    "value": d["meeting_date"].strftime("%-d %B %Y")
                    if d.get("meeting_date")
                    else "Not given",
                    "field": "meeting_date",
                    "anchor": "id_meeting_date_0",
                },
                {
                    "key": "Part I or Part II",
                    "value": Part(d["part"]).label,
                    "field": "part",
                    "anchor": "id_part_0",
                },
            ]
        rows += [
            {
                "key": "Why you need it",
                "value": Purpose(d["purpose"]).label,
                "field": "purpose",
                "anchor": "id_purpose_0",
            },
        ]
        if d.get("matter_ward"):
            rows.append({"key": "Ward", "value": d["matter_ward"].name, "field": "matter_ward"})
        rows += [
            {
                "key": "It includes",
                "value": "; ".join(contains[c] for c in d.get("contains") or []) or "None of these",
                "field": "contains",
                "anchor": "id_contains_0",
            },
            {
                "key": "Your reasons",
                "value": d.get("justification") or "None given",
                "field": "justification",
            },
        ]
        if d.get("wants_foi"):
            rows.append(
                {
                    "key": "Handled as",
                    "value": "A Freedom of Information request",
                    "field": "wants_foi",
                }
            )
        return rows

    def ask(self) -> Ask:
        d = self.cleaned_data
        meeting = d.get("for_meeting") == "yes"
        contains = set(d.get("contains") or [])
        return Ask(
            what=d["what"],
            directorate=d["directorate"],
            purpose=d["purpose"],
            justification=d.get("justification") or "",
            for_meeting=meeting,
            committee=d.get("committee") if meeting else None,
            meeting_date=d.get("meeting_date") if meeting else None,
            part=d.get("part") or "" if meeting else "",
            within_terms_of_reference=bool(d.get("within_terms_of_reference")),
            matter_ward=d.get("matter_ward"),
            **{key: key in contains for key, _ in CONTAINS},
        )

    def clean_meeting_date(self):
        return bounds.MEETING_DATE.clean(self.cleaned_data.get("meeting_date"))


class DecideForm(forms.Form):
    outcome = radio_question("Decision", Outcome.choices, required="Choose the decision.")
    grounds = checkboxes(
        "Grounds for refusing or withholding",
        Ground.choices,
        required=False,
        help_text="Tick every ground that applies; the member sees them with the paragraph each "
        "rests on.",
    )
    reasons = text_box(
        "Reasons (the member will see them)", rows=6, required="Give the reasons for the decision."
    )
    consulted = forms.ModelChoiceField(
        label="Consulted (the Leader, or the Chair of the committee concerned)",
        queryset=Member.objects.none(),
        required=False,
    )
    consulted_view = forms.CharField(
        label="Their view", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    referred_to_body = forms.CharField(
        label="The body the request was referred to for decision", required=False
    )

    def __init__(self, *args, consultable=None, dispute_practice: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if dispute_practice == "consult" and consultable is not None:
            self.fields["consulted"].queryset = consultable
        else:
            del self.fields["consulted"]
            del self.fields["consulted_view"]
        if dispute_practice != "refer":
            del self.fields["referred_to_body"]


class ReasonsForm(forms.Form):
    reasons = text_box("Reasons", rows=5, required="Give your reasons.")


class ReleaseForm(forms.Form):
    title = forms.CharField(
        label="What is released",
        max_length=300,
        error_messages={"required": "Say what is released."},
    )
    file = forms.FileField(label="The document", required=False)
    redactions = text_box(
        "What was redacted, and why",
        rows=4,
        required=False,
        help_text="For example: commercially sensitive prices (000 §7.12).",
    )


class FoiAnswerForm(forms.Form):
    response = text_box("The response", rows=6, required="Write the response.")
