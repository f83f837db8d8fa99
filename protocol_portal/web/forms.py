"""Forms of the web shell, and the GOV.UK date field every case app can use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from protocol_portal.org import routing
from protocol_portal.org.models import (
    CaseType,
    Council,
    Directorate,
    Post,
    RoutingRule,
    ServiceArea,
)

# ---- GOV.UK questions ----------------------------------------------------------------------
# A question is its label, its answers and what the error summary says when it is not answered
# (`required`: the message, or False where it may be left blank, or True for Django's own).


def _required(required, kwargs: dict) -> dict:
    if isinstance(required, str):
        messages = {**kwargs.pop("error_messages", {}), "required": required}
        return {**kwargs, "error_messages": messages}
    return {**kwargs, "required": required}


def radio_question(label, choices, *, required=True, **kwargs) -> forms.ChoiceField:
    """GOV.UK radios: one answer from `choices`."""
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, **_required(required, kwargs)
    )


def checkboxes(label, choices, *, required=True, **kwargs) -> forms.MultipleChoiceField:
    """GOV.UK checkboxes: any of `choices`."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        **_required(required, kwargs),
    )


def text_box(label, *, rows: int, required=True, **kwargs) -> forms.CharField:
    """A GOV.UK textarea of `rows` lines."""
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), **_required(required, kwargs)
    )


# ---- GOV.UK date input -------------------------------------------------------------------


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes (GOV.UK date input pattern); names are `<name>_day` etc."""

    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, *_ in self.PARTS}
        super().__init__(widgets, attrs)

    def value_from_datadict(self, data, files, name):
        """The three boxes; or, when none was sent, one `<name>` value ("2026-03-20" or
        "20/03/2026"), so a client posting the whole date still works."""
        parts = super().value_from_datadict(data, files, name)
        if not any(parts) and data.get(name):
            return data.get(name)
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, (_, label, width) in zip(context["widget"]["subwidgets"], self.PARTS, strict=True):
            sub["label"] = label
            sub["width"] = width
        return context


class GovukDateHiddenInput(GovukDateInput):
    """The same three values as hidden inputs (a check-answers page posts them back)."""

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(
            self, {name: forms.HiddenInput() for name, *_ in self.PARTS}, attrs
        )


class GovukDateField(forms.DateField):
    """A date typed as day, month and year, with the GOV.UK error messages for each mistake.

    `subject` names the date in messages ("The date the relationship began must be a real
    date"); it defaults to the label. Whatever is typed never gives a 500: an impossible or
    absurd date (31 February, a 20-digit day) is "must be a real date"."""

    widget = GovukDateInput
    hidden_widget = GovukDateHiddenInput
    # For a date sent whole rather than in three boxes (GovukDateInput.value_from_datadict).
    WHOLE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%d-%m-%Y")

    def __init__(self, *args, subject: str = "", **kwargs):
        kwargs.setdefault("input_formats", self.WHOLE_FORMATS)
        super().__init__(*args, **kwargs)
        self.subject = subject
        if "required" not in (kwargs.get("error_messages") or {}):
            self.error_messages["required"] = f"Enter {self._name()[:1].lower()}{self._name()[1:]}"

    def _name(self) -> str:
        return self.subject or str(self.label or "the date")

    def to_python(self, value):
        if not isinstance(value, list | tuple):
            try:
                return super().to_python(value)
            except ValidationError:
                name = self._name()
                raise ValidationError(
                    f"{name[:1].upper()}{name[1:]} must be a real date", code="invalid"
                ) from None
        parts = [str(part or "").strip() for part in value]
        if not any(parts):
            return None
        name = self._name()
        name = name[:1].upper() + name[1:]
        missing = [
            part for part, typed in zip(("day", "month", "year"), parts, strict=True) if not typed
        ]
        if missing:
            raise ValidationError(f"{name} must include a {' and '.join(missing)}", code="partial")
        day, month, year = parts
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(f"{name} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="year")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(f"{name} must be a real date", code="invalid") from None


# ---- Grouped pickers ----------------------------------------------------------------------


class GroupedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The queryset's choices in option groups (`field.group_of(obj)`), in queryset order: a
    council's 35–50 posts grouped by directorate. Validation is the ModelChoiceField's own."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for obj in self.queryset:
            groups.setdefault(self.field.group_of(obj), []).append(self.choice(obj))
        yield from groups.items()


class PostGroupedChoiceField(forms.ModelChoiceField):
    """A post picker grouped by directorate (and council, where there are several); "Name –
    title" or "title (vacant)". The select becomes a type-ahead where JavaScript runs."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs["data-portal-autocomplete"] = ""

    def group_of(self, post: Post) -> str:
        directorate = post.directorate.name if post.directorate_id else "Council-wide posts"
        return f"{directorate} ({post.council.name})"

    def label_from_instance(self, post: Post) -> str:
        holder = post.holder.get_full_name() or str(post.holder) if post.holder_id else "vacant"
        return f"{post.title} – {holder}"


# ---- Sign in -----------------------------------------------------------------------------


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages in the GOV.UK style."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your council’s member services "
        "team to turn it back on.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"spellcheck": "false", "class": "govuk-!-width-two-thirds"}
        )
        self.fields["password"].widget.attrs.update({"class": "govuk-!-width-two-thirds"})


# ---- Routing explainer -------------------------------------------------------------------

RAISED_BY_LABELS = {
    "member": "A member (councillor)",
    "officer": "An officer",
    routing.ANY: "Anyone (not stated)",
}


def value_label(value: str) -> str:
    """A rule value as words: `cross_directorate` → "Cross directorate"."""
    if value == routing.ANY:
        return "Any"
    text = value.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def _ordered(values: Iterable[str], first: Sequence[str] = ()) -> list[str]:
    unique = set(values)
    return [v for v in first if v in unique] + sorted(unique - set(first))


class CouncilPickForm(forms.Form):
    council = forms.ChoiceField(
        label="Council",
        error_messages={
            "required": "Select a council",
            "invalid_choice": "Select a council from the list",
        },
    )

    def __init__(self, *args, councils: Sequence[Council], **kwargs):
        super().__init__(*args, **kwargs)
        self._councils = {council.slug: council for council in councils}
        self.fields["council"].choices = [("", "Choose a council")] + [
            (council.slug, council.name) for council in councils
        ]

    def clean_council(self) -> Council:
        return self._councils[self.cleaned_data["council"]]


class RouteFactsForm(forms.Form):
    """The facts of an imagined case; every choice comes from the council's own rules."""

    case_type = forms.ChoiceField(
        label="Case type",
        error_messages={
            "required": "Select a case type",
            "invalid_choice": "Select a case type from the list: this council has no rules "
            "for that one",
        },
    )
    raised_by = forms.ChoiceField(
        label="Raised by",
        error_messages={
            "required": "Select who raised the case",
            "invalid_choice": "Select who raised the case from the list",
        },
    )
    concerning = forms.ChoiceField(
        label="Concerning",
        help_text="What the case is about, or the role of the person it is about.",
        error_messages={
            "required": "Select what the case concerns",
            "invalid_choice": "Select what the case concerns from the list: no rule of this "
            "council uses that value",
        },
    )
    stage = forms.ChoiceField(
        label="Stage",
        help_text="“First” is where a case starts; later stages follow a breach or a "
        "request for review.",
        error_messages={
            "required": "Select a stage",
            "invalid_choice": "Select a stage from the list: no rule of this council uses "
            "that stage",
        },
    )
    directorate = forms.ChoiceField(
        label="Directorate",
        required=False,
        help_text="The directorate the case is about, or where the person concerned or the "
        "officer raising it works. Leave it empty to see the council-wide answer.",
        error_messages={"invalid_choice": "Select a directorate of this council from the list"},
    )
    service_area = forms.ChoiceField(
        label="Service area",
        required=False,
        help_text="What an enquiry is about: the council may name the officer for it. Its "
        "directorate is used when no directorate is picked.",
        error_messages={"invalid_choice": "Select a service area of this council from the list"},
    )
    subject_post = forms.ChoiceField(
        label="Post of the person concerned",
        required=False,
        help_text="Needed only for rules that go to the line manager of the person concerned.",
        error_messages={"invalid_choice": "Select a post of this council from the list"},
    )

    def __init__(
        self,
        *args,
        rules: Sequence[RoutingRule],
        directorates: Sequence[Directorate],
        posts: Sequence[Post],
        service_areas: Sequence[ServiceArea] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._directorates = {d.slug: d for d in directorates}
        self._service_areas = {a.slug: a for a in service_areas}
        self.fields["service_area"].choices = [("", "Not known")] + [
            (a.slug, a.name) for a in service_areas
        ]
        self._posts = {p.slug: p for p in posts}
        type_labels = dict(CaseType.choices)
        case_types = _ordered((r.case_type for r in rules), first=list(type_labels))
        self.fields["case_type"].choices = [(t, type_labels.get(t, t)) for t in case_types]
        raisers = _ordered([routing.ANY, *(r.raised_by for r in rules)], ["member", "officer"])
        self.fields["raised_by"].choices = [
            (v, RAISED_BY_LABELS.get(v, value_label(v))) for v in raisers
        ]
        concerning = _ordered([routing.ANY, *(r.concerning for r in rules)], [routing.ANY])
        self.fields["concerning"].choices = [(v, value_label(v)) for v in concerning]
        stages = _ordered(
            [*(r.stage for r in rules), *(r.next_stage for r in rules if r.next_stage)],
            [routing.FIRST_STAGE],
        )
        self.fields["stage"].choices = [(v, value_label(v)) for v in stages]
        self.fields["directorate"].choices = [("", "Not known")] + [
            (d.slug, d.name) for d in directorates
        ]
        self.fields["subject_post"].choices = [("", "Not known")] + [
            (p.slug, f"{p.title} ({p.holder or 'vacant'})") for p in posts
        ]

    def clean_directorate(self) -> Directorate | None:
        return self._directorates.get(self.cleaned_data["directorate"])

    def clean_service_area(self) -> ServiceArea | None:
        return self._service_areas.get(self.cleaned_data["service_area"])

    def clean_subject_post(self) -> Post | None:
        return self._posts.get(self.cleaned_data["subject_post"])

    def facts(self) -> routing.Facts:
        data = self.cleaned_data
        return routing.Facts(
            case_type=data["case_type"],
            raised_by=data["raised_by"],
            concerning=data["concerning"],
            stage=data["stage"],
        )
