"""The form renderer: Django's own, with `<select>` written in Python.

Django renders a select through a template, and each of its options through another template
included once per option. A queue page's filter and pass-on forms carry about 150 options (the
councils' wards, members, service areas and posts), and drawing them took a third of the page's
Python time at 100,000 enquiries (bench/README.md, issue 17): some 0.2 ms an option. Here the
same markup is built directly, byte for byte what Django's templates give
(tests/web/test_renderers.py compares them over many selects); anything this does not know how
to write — a template the project overrides, an option template of its own, a label or group
that is not text — goes to the templates as before.
"""

from __future__ import annotations

from functools import cached_property

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: text as is, escaped unless already safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` each, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _text(value) -> str | None:
    """`{{ value }}` for text only; None for anything the template would localise (a date or
    number label), which the templates then draw."""
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    return None


def select_html(widget: dict) -> str | None:
    """select.html with select_option.html for every option, or None to use the templates."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            label = _text(group_name)
            if label is None:
                return None
            out.append(f'\n  <optgroup label="{label}">')
        for option in group_choices:
            label = _text(option["label"])
            if label is None or option["template_name"] != OPTION:
                return None
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{label}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class PortalFormRenderer(DjangoTemplates):
    """Django's renderer; selects are written by `select_html` while the templates in use are
    Django's own (an override in the project's templates is always honoured)."""

    @cached_property
    def _own_select_templates(self) -> bool:
        return all(
            "/django/forms/templates/" in str(self.get_template(name).origin.name)
            for name in (SELECT, OPTION, ATTRS)
        )

    def render(self, template_name, context, request=None):
        if template_name == SELECT and self._own_select_templates:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
