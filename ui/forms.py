"""Form pieces shared by every app: GOV.UK date inputs with plain-English messages, and a select
that draws its options in one template."""

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.utils.html import format_html
from django.utils.safestring import SafeString


class GovDateField(DateInputField):
    """A GOV.UK date input (day, month, year) that reports an impossible date in words."""

    def compress(self, data_list: Any) -> date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError("The year must have 4 numbers, for example 2025.")
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError as exc:
            raise ValidationError("Enter a real date, for example 27 3 2025.") from exc


def escaped_label(template: str, *values: Any) -> SafeString:
    """A label, legend, hint or choice that shows something a person typed (a target's wording, a
    pupil's or a colleague's name): `values` are escaped into `template`. crispy-forms-gds renders
    labels, legends and hints with `|safe`, so a form must build every one that carries data here;
    a target written as `<div hx-post=...>` is then text, not an element htmx would act on."""
    return format_html(template, *values)


def gds_helper(*, method: str = "post", form_tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.form_tag = form_tag
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    return helper


def add_service_errors(
    form: BaseForm, exc: ValidationError, *, to_page: frozenset[str] = frozenset()
) -> None:
    """Show a service's field errors on the form (the service wrote nothing). Errors for fields the
    form does not show, or named in `to_page`, go to the top of the page."""
    for field, msgs in exc.message_dict.items():
        target = field if field in form.fields and field not in to_page else None
        for msg in msgs:
            form.add_error(target, msg)


class Select(forms.Select):
    """Django's Select, with the same choices, selection and markup byte for byte, drawn by one
    template (sendpath/widgets/select.html) instead of the stock widget's template per option:
    a big school's class list makes ~140 options on every register request.

    The class keeps the name "Select" on purpose: crispy-forms-gds picks the GOV.UK classes
    (`govuk-select`, and `govuk-input--error` for an error) by the widget's class name."""

    template_name = "sendpath/widgets/select.html"
