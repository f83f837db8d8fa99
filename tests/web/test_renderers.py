"""The form renderer writes selects in Python (protocol_portal/web/renderers.py): byte for byte
what Django's own templates give, without a template rendered per option, and the templates
still draw anything it does not know how to write."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import signals
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol_portal.web.renderers import PortalFormRenderer

TEMPLATES = DjangoTemplates()
OURS = PortalFormRenderer()

text = st.text(alphabet=st.sampled_from(list("ab <>&\"'é§ -")), max_size=8)
choice = st.tuples(text, text)
group = st.tuples(text.filter(bool), st.lists(choice, max_size=3))
choices = st.lists(st.one_of(choice, group), max_size=6)
attr_value = st.one_of(st.booleans(), text, st.integers(0, 99))
attrs = st.dictionaries(
    st.sampled_from(["class", "required", "aria-describedby", "data-x"]), attr_value
)


def both(widget: forms.Widget, value, extra: dict) -> tuple[str, str]:
    return (
        widget.render("pick", value, attrs={"id": "id_pick", **extra}, renderer=TEMPLATES),
        widget.render("pick", value, attrs={"id": "id_pick", **extra}, renderer=OURS),
    )


@settings(max_examples=300, deadline=None)
@given(choices=choices, attrs=attrs, picked=st.one_of(st.none(), text), multiple=st.booleans())
def test_a_select_is_what_djangos_templates_give(choices, attrs, picked, multiple):
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=choices)
    value = [picked] if multiple and picked is not None else picked
    templates, ours = both(widget, value, attrs)
    assert ours == templates


def test_safe_values_and_labels_are_not_escaped_twice():
    widget = forms.Select(choices=[(mark_safe("a&amp;b"), mark_safe("<em>A</em>")), ("c", "C&D")])
    templates, ours = both(widget, "c", {"title": mark_safe("x&amp;y")})
    assert ours == templates
    assert '<option value="a&amp;b"><em>A</em></option>' in ours


@pytest.mark.django_db
def test_a_model_choice_field_is_drawn_the_same(org):
    from protocol_portal.org.models import Post

    field = forms.ModelChoiceField(Post.objects.order_by("pk"), empty_label="Choose one")
    form = forms.Form()
    form.fields["post"] = field
    bound = form["post"]
    templates = field.widget.render(
        "post", None, attrs={"required": True, "id": "id_post"}, renderer=TEMPLATES
    )
    assert bound.as_widget() == templates
    assert Post.objects.count() > 3
    assert templates.count("<option") == Post.objects.count() + 1


def test_the_site_uses_it_and_no_template_is_rendered_per_option():
    assert isinstance(get_default_renderer(), PortalFormRenderer)
    rendered: list[str] = []

    def seen(sender, template, context, **kwargs):
        rendered.append(template.name)

    form = forms.Form()
    form.fields["n"] = forms.ChoiceField(choices=[(str(i), f"Option {i}") for i in range(50)])
    signals.template_rendered.connect(seen)
    try:
        html = str(form["n"])
    finally:
        signals.template_rendered.disconnect(seen)
    assert html.count("<option") == 50
    assert "django/forms/widgets/select_option.html" not in rendered


def test_what_it_cannot_write_goes_to_the_templates():
    """A date label is localised by the template ("6 December 2026" here would be DATE_FORMAT),
    and an option template of a widget's own is honoured."""
    dated = forms.Select(choices=[("d", date(2026, 12, 6)), ("n", 2026)])
    templates, ours = both(dated, "d", {})
    assert ours == templates

    class Own(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    own = Own(choices=[("a", "A")])
    templates, ours = both(own, "a", {})
    assert ours == templates
