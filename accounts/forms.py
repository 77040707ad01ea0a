from typing import Any

from django import forms

from sendpath.forms import gds_helper


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is this token for?", max_length=80, help_text="For example, ‘MIS nightly sync’."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
