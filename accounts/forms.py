from typing import Any

from django import forms

from accounts.schooldates import TermDates
from ui.forms import GovDateField, gds_helper


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is this token for?", max_length=80, help_text="For example, ‘MIS nightly sync’."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class TermDatesForm(forms.Form):
    """Start and end dates of the three terms of one school year."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("autumn", "spring", "summer"):
            self.fields[f"{name}_start"] = GovDateField(label=f"{name.title()} term starts")
            self.fields[f"{name}_end"] = GovDateField(label=f"{name.title()} term ends")
        self.helper = gds_helper()

    def terms(self) -> list[TermDates]:
        data = self.cleaned_data
        return [
            TermDates(n, data[f"{n}_start"], data[f"{n}_end"])
            for n in ("autumn", "spring", "summer")
        ]
