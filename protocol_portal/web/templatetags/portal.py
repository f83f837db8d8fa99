"""Template helpers for the GOV.UK components in templates/components/.

Django renders each widget (so values, `maxlength`, `autocomplete` and choices stay Django's);
these helpers only add the GOV.UK classes and the ids that tie a field to its hint and error.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms, template
from django.core.paginator import Page

from protocol_portal.web import dates

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


@register.simple_tag
def govuk_widget(field: forms.BoundField, css_class: str) -> str:
    """Render the field's own widget with the GOV.UK class, error state and described-by ids.

    Autofocus is switched off: it moves screen-reader users past the page's heading.
    """
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
    return not field.field.required


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
