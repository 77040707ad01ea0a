from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms

from audit.models import AuditAction
from ui.forms import GovDateField, gds_helper


class AuditSearchForm(forms.Form):
    pupil = forms.CharField(label="Pupil UPN or surname", required=False, max_length=60)
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    action = forms.ChoiceField(
        label="What", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    date_from = GovDateField(label="From", required=False)
    date_to = GovDateField(label="To", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(method="get")
        self.helper.layout = Layout(
            Field.text("pupil"),
            Field.text("actor"),
            Field.select("action"),
            Field("date_from"),
            Field("date_to"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date cannot be before the start date.")
        return data
