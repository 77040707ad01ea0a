"""Forms of attainment: the upload, the column mapping (with the scale of a new subject) and the
school's thresholds."""

from typing import Any

from django import forms

from attainment.models import IdentificationSettings, ScaleKind
from attainment.services import FIELD_LABELS, FIELDS
from ui.forms import Select, gds_helper

NOT_IN_FILE = ""


class UploadForm(forms.Form):
    file = forms.FileField(label="The file (CSV or xlsx)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class MappingForm(forms.Form):
    """Which column holds each field, and the scale of a subject the school has not got yet."""

    new_min = forms.FloatField(label="Bottom of the scale", required=False)
    new_max = forms.FloatField(label="Top of the scale", required=False)
    new_kind = forms.ChoiceField(
        label="Kind of scale", choices=ScaleKind.choices, initial=ScaleKind.SCALED, widget=Select
    )
    lower_is_better = forms.BooleanField(label="A lower score is better", required=False)

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "Not in the file"), *((h, h) for h in headers)]
        mapped = {
            name: forms.ChoiceField(
                label=FIELD_LABELS[name], choices=choices, required=False, widget=Select
            )
            for name in FIELDS
        }
        self.fields = {**mapped, **self.fields}
        self.helper = gds_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("new_min"), data.get("new_max")
        if (low is None) != (high is None):
            self.add_error("new_max", "Give both ends of the scale, or neither.")
        elif low is not None and high is not None and high <= low:
            self.add_error("new_max", "The top of the scale must be above its bottom.")
        return data

    def columns(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FIELDS if self.cleaned_data.get(name)}


class SettingsForm(forms.ModelForm):
    class Meta:
        model = IdentificationSettings
        fields = [
            "percentile",
            "slower_margin_pct",
            "rate_drop_pct",
            "gap_pct",
            "gap_change_pct",
            "min_peers",
        ]
        labels = {"percentile": "Slower than peers: below their percentile"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
