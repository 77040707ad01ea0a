"""{{ field|govuk_widget }}: a filter form's widget with the attributes crispy-forms-gds gives it
(the GOV.UK class, the error class, aria-describedby naming the hint and the errors), drawn by
Django's own widget template. The field's label, hint and errors are drawn around it by
sendpath/templates/includes/filter_fields.html."""

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

# crispy-forms-gds' class for each kind of widget (CrispyGDSFieldNode's converters).
_WIDGET_CLASS = {forms.Select: "govuk-select", forms.TextInput: "govuk-input"}


def _widget_class(widget: forms.Widget) -> str:
    for kind, css in _WIDGET_CLASS.items():
        if type(widget).__name__ == kind.__name__ and isinstance(widget, kind):
            return css
    raise ValueError(
        f"includes/filter_fields.html draws text boxes, selects and hidden fields; "
        f"a {type(widget).__name__} is drawn by {{% crispy %}}."
    )


@register.filter
def govuk_widget(bf: BoundField) -> SafeString:
    widget = bf.field.widget
    css = _widget_class(widget)
    classes = [css, *(c for c in widget.attrs.get("class", "").split() if c != css)]
    described = [f"{bf.auto_id}_hint"] if bf.help_text else []
    if bf.errors:
        classes.append("govuk-input--error")
        described += [f"{bf.auto_id}_{i}_error" for i in range(1, len(bf.errors) + 1)]
    # crispy's order (aria-describedby, then class), so the page reads as crispy's did.
    attrs: dict[str, Any] = {"aria-describedby": " ".join(described)} if described else {}
    attrs["class"] = " ".join(classes)
    return bf.as_widget(attrs=attrs)


@register.filter
def without_layout(form: forms.BaseForm) -> forms.BaseForm:
    """The form itself, refused if its helper has a layout (crispy draws those)."""
    helper = getattr(form, "helper", None)
    if getattr(helper, "layout", None) is not None:
        raise ValueError(
            "includes/filter_fields.html draws a form without a layout: use {% crispy %}."
        )
    return form


@register.filter
def first_input_id(field_id: str, bf: BoundField) -> str:
    """The id an error summary's link points at: the field's first input, so following it moves
    the focus there. crispy-forms-gds numbers radios and checkboxes from 1 (`id_source_1`) and
    a date's parts from 0 (`id_raised_on_0`); `id_source` itself names no input."""
    widget = bf.field.widget
    if field_id != bf.auto_id:  # a part of a multi-value field, named already
        return field_id
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bf.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bf.auto_id}_0"
    return field_id
