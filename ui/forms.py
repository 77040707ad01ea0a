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
from django.utils.html import format_html, strip_tags
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


# --- every message names its question; optional questions say so ---------------------------

QUESTION_WORDS = frozenset(
    [
        "who",
        "what",
        "when",
        "where",
        "which",
        "why",
        "how",
        "whether",
        "was",
        "were",
        "is",
        "are",
        "did",
        "does",
        "do",
        "has",
        "have",
    ]
)
_DETERMINERS = frozenset(["the", "a", "an", "your", "their", "his", "her", "its", "this"])
_DEFAULT_REQUIRED = str(forms.Field.default_error_messages["required"])
GENERIC_MESSAGES = frozenset(
    {_DEFAULT_REQUIRED, "Enter a complete value.", "Enter the day, month and year"}
)


def _plain(label: Any) -> str:
    text = strip_tags(str(label)).replace("(optional)", "").strip().rstrip("?").strip()
    return text


def required_message(label: Any, *, choose: bool, date: bool = False) -> str:
    """The message for a question left unanswered, naming the question: "Who raised the
    concern?" -> "Select who raised the concern"; "Area of need" -> "Select the area of need";
    "Date of the review meeting" -> "Enter the date of the review meeting"."""
    text = _plain(label)
    if not text:
        return "Answer this question"
    words = text.split()
    first = words[0].lower()
    if date and first == "when" and len(words) >= 4 and words[1] in ("was", "were", "is", "are"):
        # "When were the parents told?" -> "Enter the date the parents were told"
        return f"Enter the date {' '.join(words[2:-1])} {words[1]} {words[-1]}"
    phrase = text[0].lower() + text[1:] if not text[:2].isupper() else text
    if first not in QUESTION_WORDS and first not in _DETERMINERS:
        phrase = f"the {phrase}"
    return f"{'Select' if choose else 'Enter'} {phrase}"


def _says_optional(label: Any) -> bool:
    text = str(label)
    return "optional" in text or "(if " in text


def _chooses(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField)


def name_the_question(field: forms.Field) -> None:
    """A field's required message names its question, and an optional field's label ends
    "(optional)" (a single checkbox excepted: ticking it is the answer). Messages a form set
    itself are kept."""
    if field.label is None or isinstance(field.widget, forms.HiddenInput):
        return
    if field.required:
        message = required_message(
            field.label, choose=_chooses(field), date=isinstance(field, forms.MultiValueField)
        )
        for key in ("required", "incomplete"):
            current = field.error_messages.get(key)
            if current is None or str(current) in GENERIC_MESSAGES:
                field.error_messages[key] = message
    elif not isinstance(field.widget, forms.CheckboxInput) and not _says_optional(field.label):
        field.label = format_html("{} (optional)", field.label)


class NamedQuestions:
    """A form mixin: every field, whenever it was added, gets name_the_question before it is
    drawn or validated."""

    fields: dict[str, forms.Field]

    def _name_the_questions(self) -> None:
        done: set[str] = self.__dict__.setdefault("_named_fields", set())
        for name, field in self.fields.items():
            if name not in done:
                name_the_question(field)
                done.add(name)

    def __getitem__(self, name: str) -> Any:
        self._name_the_questions()
        return super().__getitem__(name)  # type: ignore[misc]

    def full_clean(self) -> None:
        self._name_the_questions()
        super().full_clean()  # type: ignore[misc]
