"""The leaving form, the "records sent" date and the transfer pack upload."""

from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone

from ui.forms import GovDateField, gds_helper


def _digits(n: int, what: str) -> RegexValidator:
    return RegexValidator(rf"^\d{{{n}}}$", f"The {what} is {n} digits.")


class LeavingForm(forms.Form):
    leaving_date = GovDateField(
        label="Leaving date",
        help_text="The last day the pupil is on this school's roll. For example, 18 7 2026",
    )
    destination_name = forms.CharField(label="Destination school", max_length=120)
    destination_urn = forms.CharField(
        label="Destination school URN",
        required=False,
        validators=[_digits(6, "URN")],
        help_text="6 digits, from Get Information about Schools. Leave it empty if not known.",
    )
    destination_la = forms.CharField(
        label="Destination LA code", required=False, validators=[_digits(3, "LA code")]
    )
    destination_estab = forms.CharField(
        label="Destination establishment number",
        required=False,
        validators=[_digits(4, "establishment number")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field("leaving_date"),
            Field.text("destination_name"),
            Field.text("destination_urn", field_width=10),
            Field.text("destination_la", field_width=4),
            Field.text("destination_estab", field_width=4),
        )


class SentForm(forms.Form):
    sent_on = GovDateField(label="Date the CTF and the transfer pack were sent")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.initial.setdefault("sent_on", timezone.localdate())

    def clean_sent_on(self) -> Any:
        day = self.cleaned_data["sent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past.")
        return day


class SenFileUploadForm(forms.Form):
    file = forms.FileField(
        label="Transfer pack (SEN file, .json)",
        help_text="The sen-file.json the pupil's previous school sent with their CTF.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.SENDPATH_MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is too big.")
        return upload


class PlanUploadForm(SenFileUploadForm):
    file = forms.FileField(
        label="Plan (.json)",
        help_text="The plan another setting exported from sendpath (kind “plan”, SEN file "
        "schema 1.x), up to "
        f"{settings.SENDPATH_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
    )
