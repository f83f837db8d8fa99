"""Template helpers for the GOV.UK components in templates/components/.

Django renders each widget (so values, `maxlength`, `autocomplete` and choices stay Django's);
these helpers only add the GOV.UK classes and the ids that tie a field to its hint and error.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django import forms, template
from django.core.paginator import Page
from django.utils import timezone

from protocol_portal.web import dates, tags

register = template.Library()

_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
}


@register.filter
def describedby(field: forms.BoundField) -> str:
    """The ids of the field's hint and error message, for `aria-describedby`."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


_CHOOSE_WIDGETS = {"select", "nullbooleanselect", "radioselect", "checkboxselectmultiple"}
_REQUIRED = str(forms.Field.default_error_messages["required"])


@register.filter
def error_for(error: str, field: forms.BoundField) -> str:
    """Django's "This field is required." says nothing about which field: in an error summary of
    several, every link would read the same (WCAG 2.4.4, 3.3.1). Name the field instead, as the
    GOV.UK Design System does: "Enter subject", "Choose “Ward”", "Answer “Why?”"."""
    if str(error) != _REQUIRED:
        return error
    label = str(field.label or field.name).strip()
    widget = field.widget_type
    if label.endswith("?"):
        return f"Answer “{label}”"
    if widget in _CHOOSE_WIDGETS:
        return f"Choose “{label}”"
    if widget == "checkbox":
        return f"Tick “{label}”"
    if widget in ("clearablefile", "file"):
        return f"Choose a file for “{label}”"
    if len(label) > 1 and label[1].islower():
        label = label[0].lower() + label[1:]
    return f"Enter {label}"


@register.filter
def field_anchor(field: forms.BoundField) -> str:
    """The id an error summary links to: the first input of the field."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget | forms.RadioSelect):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


_DASHES = "---------"
PROMPT = "Choose one"


def _real_prompt(field: forms.Field) -> None:
    """Django's empty choice reads "---------"; a GOV.UK select starts with a prompt instead."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DASHES:
            field.empty_label = PROMPT
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if any(label == _DASHES for _, label in choices):
            field.choices = [(v, PROMPT if label == _DASHES else label) for v, label in choices]


@register.simple_tag
def govuk_widget(field: forms.BoundField, css_class: str) -> str:
    """Render the field's own widget with the GOV.UK class, error state and described-by ids.

    Autofocus is switched off: it moves screen-reader users past the page's heading.
    """
    _real_prompt(field.field)
    widget_class = field.field.widget.attrs.get("class", "")
    classes = [css_class, widget_class]
    if field.errors:
        classes.append(_ERROR_CLASSES.get(css_class, ""))
    attrs: dict[str, object] = {
        "class": " ".join(c for c in classes if c),
        "autofocus": False,
    }
    if ids := describedby(field):
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)


@register.filter
def is_optional(field: forms.BoundField) -> bool:
    """Whether to add " (optional)" to the label: not when the label already says so (that
    gave "Since when (optional) (optional)")."""
    return not field.field.required and "optional" not in str(field.label or "").lower()


@register.simple_tag
def page_items(page: Page, on_each_side: int = 2, on_ends: int = 1) -> list[dict]:
    """Numbered links for the pagination component, with gaps marked as ellipses."""
    items = []
    for number in page.paginator.get_elided_page_range(
        page.number, on_each_side=on_each_side, on_ends=on_ends
    ):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "current": number == page.number})
    return items


@register.simple_tag(takes_context=True)
def page_query(context, page: Page, number: int) -> str:
    """The current query string with this list's page number set (`page.param`, set by
    web.lists.page_of; "page" otherwise), so filters and the other lists' pages are kept."""
    params = context["request"].GET.copy()
    params[getattr(page, "param", "page")] = number
    return f"?{params.urlencode()}"


@register.filter
def duration(delta: timedelta | None) -> str:
    """A lock-out or wait period in words: "1 hour", "30 minutes", "1 hour 30 minutes"."""
    if not delta:
        return ""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.filter
def is_mapping(value: object) -> bool:
    """True for a dict, so a component can take either plain text or {"text": ..., ...}."""
    return isinstance(value, dict)


# ---- Lists: selected filters, sortable columns, due dates, status colours --------------------


def _flat_choices(field: forms.Field) -> dict[str, str]:
    words: dict[str, str] = {}
    for value, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # an option group
            for sub_value, sub_label in label:
                words[str(sub_value)] = str(sub_label)
        else:
            words[str(getattr(value, "value", value))] = str(label)
    return words


# Query parameters that are not filters: a removed filter or "Clear filters" keeps them, except
# the page numbers (a narrower list starts again at its first page).
_NOT_FILTERS = {"sort", "scope", "ordering"}


@register.simple_tag(takes_context=True)
def selected_filters(context, form: forms.Form) -> list[dict]:
    """The filters in use, for the MoJ "selected filters" list: each field's label and, for each
    value chosen, its words and a link to the same list without it (GOV.UK/MoJ filter a list)."""
    params = context["request"].GET
    groups = []
    for name, field in form.fields.items():
        values = [v for v in params.getlist(name) if v]
        if not values:
            continue
        words = _flat_choices(field)
        tags = []
        for value in values:
            if words and value not in words:
                continue  # an invalid value is ignored by the filter, so not shown as used
            rest = params.copy()
            rest.setlist(name, [v for v in values if v != value])
            for key in list(rest):
                if key == "page" or key.endswith("_page"):
                    del rest[key]
            tags.append({"text": words.get(value, value), "href": f"?{rest.urlencode()}"})
        if tags:
            groups.append({"label": form[name].label, "tags": tags})
    return groups


@register.simple_tag(takes_context=True)
def clear_filters_href(context) -> str:
    """The list with no filters, keeping its sort order and tab (scope)."""
    params = context["request"].GET
    kept = sorted((key, params[key]) for key in _NOT_FILTERS if params.get(key))
    return f"?{urlencode(kept)}"


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, default: str = "", param: str = "sort") -> dict:
    """A sortable column's link and state (server-side `?sort=`, so it pages): ascending first,
    then descending; the rest of the query string is kept, the page number dropped. `param`
    names another parameter (a django-filter OrderingFilter's)."""
    params = context["request"].GET.copy()
    current = params.get(param) or default
    state = "none"
    if current == key:
        state, target = "ascending", f"-{key}"
    elif current == f"-{key}":
        state, target = "descending", key
    else:
        target = key
    params[param] = target
    for name in list(params):
        if name == "page" or name.endswith("_page"):
            del params[name]
    return {"href": f"?{params.urlencode()}", "state": state}


@register.filter
def days_left(due: date | None, today: date | None = None) -> str:
    """A due date as the time left: "Due today", "3 days left", "12 days overdue" (calendar
    days; the exact working-day clock is on the case)."""
    if due is None:
        return ""
    if isinstance(due, datetime):
        due = due.date()
    days = (due - (today or timezone.localdate())).days
    if days == 0:
        return "Due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


@register.filter
def status_colour(status: object, overdue: bool = False) -> str:
    """The one status → tag colour mapping every list uses (web.tags)."""
    return tags.colour(str(getattr(status, "value", status) or ""), overdue=bool(overdue))


@register.filter
def split_words(text: str) -> list[str]:
    return text.split()


@register.filter
def get_param(params, key: str) -> str:
    """One query parameter (a QueryDict's `.get`, which a template cannot call with a key)."""
    return params.get(key, "")


@register.filter
def index(items, position: int):
    """items[position], or "" past the end (a table row's column heading)."""
    try:
        return items[position]
    except (IndexError, KeyError, TypeError):
        return ""


@register.filter
def gov_date(value, style: str = "date") -> str:
    """GOV.UK dates and times: `{{ d|gov_date }}` "14 January 2027", `{{ t|gov_date:"time" }}`
    "2:30pm", `{{ t|gov_date:"datetime" }}` "14 January 2027 at 2:30pm"."""
    if style == "time":
        return dates.gov_time(value)
    if style == "datetime":
        return dates.gov_datetime(value)
    return dates.gov_date(value)


# Timeline lines whose text is the protocol's reasoning (the route, a recomputed deadline): shown
# behind "Why?" so the answers and decisions in the timeline are not lost among them.
PROTOCOL_NOTE_KINDS = frozenset({"routed", "rerouted", "routing", "ward_told", "due_recomputed"})
LONG_TITLE = 120
# "(rule enquiry-routine, 004 §12.2)" in a line's title: a citation, moved behind "Why?".
CITATION = re.compile(r"\s*\(((?:rule |[^()]*§)[^()]*)\)")
CHASER = re.compile(r"^Chaser '([^']+)' sent to ")


@register.filter
def timeline_parts(event) -> dict:
    """A timeline line as the component shows it: a short title, the text a reader needs (an
    answer, a question, a reason) and the protocol's reasoning to fold behind "Why?"."""
    summary, detail = event.summary, event.detail
    kind = getattr(event, "kind", "") or ""
    cited = [f"Under {c}." for c in CITATION.findall(summary)]
    title = CITATION.sub("", summary)
    title = CHASER.sub(lambda m: f"{m.group(1).replace('-', ' ').capitalize()} sent to ", title)
    if kind.startswith("chaser:"):
        return {"title": title, "detail": "", "why": " ".join([*cited, detail]).strip()}
    if kind not in PROTOCOL_NOTE_KINDS:
        return {"title": title, "detail": detail, "why": " ".join(cited)}
    if len(title) > LONG_TITLE:
        return {"title": "Routed under the council’s protocol", "detail": "", "why": summary}
    return {"title": title, "detail": "", "why": "\n\n".join(p for p in (detail, *cited) if p)}
