"""{% filter_fields form %}: a filter form's fields as {% crispy form %} draws them, written in
Python.

A filter form (the register's, the provision reports') is drawn on every request, bound to the
page's query, and crispy-forms-gds draws each field through several templates: the register's
six fields cost ~7 ms a request, the provision map's five ~3.5 ms. Filter forms are plain: text
boxes, selects and hidden fields, no layout. This tag writes those three kinds of field with the
same GOV.UK markup crispy-forms-gds gives them (form group, label, hint, error messages, the
widget with crispy's classes and aria-describedby; sendpath/tests/test_filter_fields.py compares
the two for every filter form, empty, filled in and with errors) and refuses any other form
(a layout, or another kind of field) rather than draw it differently.

Kept as crispy draws it: labels and hints are the form's own markup, not escaped (they are
written by us, and a hint may hold a link); the label class `govuk-label s` (crispy-forms-gds writes the helper's
label size as given; see docs/benchmarks.md, "noticed")."""

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# crispy-forms-gds' class for each kind of widget (CrispyGDSFieldNode's converters).
_WIDGET_CLASS = {forms.Select: "govuk-select", forms.TextInput: "govuk-input"}


def _widget_class(widget: forms.Widget) -> str | None:
    for kind, css in _WIDGET_CLASS.items():
        if type(widget).__name__ == kind.__name__ and isinstance(widget, kind):
            return css
    return None


def _field(bf: BoundField, label_size: str) -> str:
    widget = bf.field.widget
    css = _widget_class(widget)
    if css is None:
        raise ValueError(
            f"{{% filter_fields %}} draws text boxes, selects and hidden fields; "
            f"{bf.name!r} is a {type(widget).__name__}: use {{% crispy %}}."
        )
    classes = [css, *(c for c in widget.attrs.get("class", "").split() if c != css)]
    described = [f"{bf.auto_id}_hint"] if bf.help_text else []
    errors = [str(e) for e in bf.errors]
    if errors:
        classes.append("govuk-input--error")
        described += [f"{bf.auto_id}_{i}_error" for i in range(1, len(errors) + 1)]
    # In crispy's order (aria-describedby, then class), so the markup is the same byte for byte.
    attrs: dict[str, Any] = {"aria-describedby": " ".join(described)} if described else {}
    attrs["class"] = " ".join(classes)
    label_class = f"govuk-label {label_size}" if label_size else "govuk-label"
    parts = [
        f'<div id="div_{bf.auto_id}" class="govuk-form-group'
        f'{" govuk-form-group--error" if errors else ""}">',
        f'<label for="{bf.id_for_label}" class="{label_class}">{bf.label}</label>',
    ]
    if bf.help_text:
        parts.append(f'<div id="{bf.auto_id}_hint" class="govuk-hint">{bf.help_text}</div>')
    for i, error in enumerate(errors, start=1):
        parts.append(
            f'<span id="{bf.auto_id}_{i}_error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}</span>'
        )
    parts.append(str(bf.as_widget(attrs=attrs)))
    parts.append("</div>")
    return " ".join(parts)


@register.simple_tag
def filter_fields(form: forms.BaseForm) -> SafeString:
    helper = getattr(form, "helper", None)
    if helper is not None and getattr(helper, "layout", None) is not None:
        raise ValueError("{% filter_fields %} draws a form without a layout: use {% crispy %}.")
    label_size = getattr(helper, "label_size", "") if helper is not None else ""
    out = [str(bf) if bf.is_hidden else _field(bf, label_size) for bf in form]
    # Values and errors are escaped (by Django or here); labels and hints are the forms' own
    # markup, as crispy draws them (module docstring).
    return mark_safe(" ".join(out))  # noqa: S308


__all__ = ["filter_fields", "register"]
