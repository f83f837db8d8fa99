"""Browser forms: they validate and hand clean data to one service; they never write."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Subquery

from interests import selectors
from interests.models import ActorKind, Capacity, InterestCategory, Nature, Whose
from protocol_portal.casework import bounds
from protocol_portal.org.models import Council, Member, Person, Post
from protocol_portal.web.forms import GovukDateField, radio_question, text_box


class PersonChoiceField(forms.ModelChoiceField):
    """A member reads "Cllr Ann Jones", an officer "Sam Lee, Housing Officer" (the queryset is
    annotated by `with_roles`), so the list says who is who."""

    def label_from_instance(self, obj: Person) -> str:
        name = obj.get_full_name() or obj.username
        if getattr(obj, "is_member", False):
            return f"Cllr {name}"
        post = getattr(obj, "post_title", None)
        return f"{name}, {post}" if post else name


def with_roles(people):
    """People with `is_member` and their first `post_title`, in the same one query."""
    return people.annotate(
        is_member=Exists(Member.objects.filter(person_id=OuterRef("pk"))),
        post_title=Subquery(
            Post.objects.filter(holder_id=OuterRef("pk")).order_by("title").values("title")[:1]
        ),
    )


class CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Council) -> str:
        return obj.name


class CouncilForm(forms.Form):
    """A form whose first question is the council, limited to the user's own councils."""

    council = CouncilChoiceField(
        queryset=Council.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the council",
            "invalid_choice": "Choose one of your councils",
        },
    )

    def __init__(self, *args, user: Person, members_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if members_only:
            ids = Member.objects.filter(person=user).values_list("council_id", flat=True)
            councils = Council.objects.filter(pk__in=ids).order_by("name")
        else:
            ids = [c.pk for c in selectors.councils_for(person=user)]
            councils = Council.objects.filter(pk__in=ids).order_by("name")
        self.fields["council"].queryset = councils
        self.user = user


class RelationshipDeclareForm(CouncilForm):
    other_person = PersonChoiceField(
        label="Who is the relationship with?",
        queryset=Person.objects.none(),
        error_messages={
            "required": "Choose the person the relationship is with",
            "invalid_choice": "Choose a member or officer of the council",
        },
    )
    nature = radio_question(
        "What is the nature of the relationship?",
        Nature.choices,
        required="Choose the nature of the relationship",
    )
    since = GovukDateField(
        label="Since when",
        subject="The date the relationship began",
        required=False,
        help_text="For example, 27 3 2024.",
    )
    details = text_box(
        "Anything the receiving officer should know", rows=4, required=False, max_length=4000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.none()
        for council in self.fields["council"].queryset:
            people = people | selectors.people_in_council(council=council)
        self.fields["other_person"].widget.attrs["data-portal-autocomplete"] = ""
        self.fields["other_person"].queryset = with_roles(
            Person.objects.filter(pk__in=people.values("pk"))
            .exclude(pk=self.user.pk)
            .order_by("last_name", "first_name", "username")
        )

    def clean_since(self):
        return bounds.RELATIONSHIP_SINCE.clean(self.cleaned_data.get("since"))

    def clean(self):
        """Someone of another of the user's councils gets the field's own message, not the
        service's sentence naming them and the council."""
        data = super().clean()
        council, other = data.get("council"), data.get("other_person")
        if (
            council is not None
            and other is not None
            and not selectors.people_in_council(council=council).filter(pk=other.pk).exists()
        ):
            self.add_error(
                "other_person", self.fields["other_person"].error_messages["invalid_choice"]
            )
        return data


class RelationshipDecideForm(forms.Form):
    decision = text_box("Decision", rows=4, max_length=4000, required="Enter the decision")
    mitigations = text_box(
        "Mitigations",
        rows=4,
        help_text="For example: the member stands down from the appointments panel for the post.",
        required=False,
        max_length=4000,
    )


class ReasonForm(forms.Form):
    reason = text_box("Reason", rows=3, max_length=2000, required="Enter the reason")


class InterestForm(CouncilForm):
    category = radio_question(
        "What kind of interest is it?",
        InterestCategory.choices,
        required="Choose the kind of interest",
    )
    whose = radio_question(
        "Whose interest is it?",
        Whose.choices,
        initial=Whose.MEMBER,
        required="Say whose interest it is",
    )
    description = text_box(
        "Describe the interest", rows=3, max_length=4000, required="Describe the interest"
    )
    names = text_box(
        "Addresses, companies or bodies it concerns (one per line, optional)",
        rows=3,
        required=False,
        max_length=4000,
        help_text="Used to warn you before you deal with a matter that names them.",
    )
    value_pounds = forms.IntegerField(
        label="Estimated value in pounds (gifts and hospitality)",
        required=False,
        min_value=0,
        max_value=bounds.MONEY_MOST_POUNDS,
        error_messages={
            "invalid": "Enter the value as a whole number of pounds",
            "min_value": "The value cannot be negative",
            "max_value": bounds.money_too_much_message(),
        },
    )
    donor = forms.CharField(
        label="Who gave it (gifts and hospitality)", required=False, max_length=200
    )
    received_on = GovukDateField(
        label="Date received (gifts and hospitality)",
        subject="The date you received it",
        required=False,
    )
    became_aware_on = GovukDateField(
        label="When did you become aware of it?",
        subject="The date you became aware of it",
        required=False,
        help_text="Leave empty for today. For example, 27 3 2026.",
    )
    sensitive_requested = forms.BooleanField(
        label="Ask for the details to be withheld from the published register (sensitive interest)",
        required=False,
    )
    sensitive_reason = text_box(
        "Why could disclosure lead to violence or intimidation?",
        rows=3,
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        kwargs["members_only"] = True
        super().__init__(*args, **kwargs)

    def clean_received_on(self):
        return bounds.GIFT_RECEIVED.clean(self.cleaned_data.get("received_on"))

    def clean_became_aware_on(self):
        return bounds.BECAME_AWARE.clean(self.cleaned_data.get("became_aware_on"))


class ActingAgainstForm(CouncilForm):
    acting_party = radio_question(
        "Who is acting, or supporting action, against the council?",
        ActorKind.choices,
        required="Say who is acting against the council",
    )
    acting_party_name = forms.CharField(
        label="Their name (if not you)", required=False, max_length=200
    )
    capacity = radio_question(
        "In what capacity?", Capacity.choices, required="Choose professional or private capacity"
    )
    action = text_box(
        "What is the action, and against which part of the council?",
        rows=4,
        max_length=4000,
        required="Describe the action",
    )
    expected_on = GovukDateField(
        label="When will it start",
        subject="The date it will start",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs["members_only"] = True
        super().__init__(*args, **kwargs)

    def clean_expected_on(self):
        return bounds.ACTING_AGAINST_START.clean(self.cleaned_data.get("expected_on"))


class AdviceRequestForm(CouncilForm):
    question = text_box("Your question", rows=5, max_length=4000, required="Enter your question")
    matter = text_box(
        "The meeting item or matter it is about", rows=2, required=False, max_length=2000
    )
    confidential = forms.BooleanField(
        label="Keep this request confidential: only I and the adviser see it", required=False
    )


class AdviceGiveForm(forms.Form):
    advice = text_box("Advice", rows=6, max_length=8000, required="Enter the advice")


class AcknowledgeForm(forms.Form):
    response = text_box("Response to the member", rows=3, required=False, max_length=4000)


class SensitivityForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label="Could disclosure lead to the member, or someone connected with them, being "
        "subject to violence or intimidation?",
        choices=[("yes", "Yes: withhold the details"), ("no", "No: publish the details")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no"},
    )
