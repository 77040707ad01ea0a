"""The compliance page's filters."""

from typing import Any

from django import forms

from pupils.models import TeachingGroup
from statutory import compliance
from ui.forms import Select, gds_helper

CODE_LABELS = {
    "PLAN_MISSING": "No agreed plan",
    "REVIEW_OVERDUE": "Review overdue",
    "FEWER_THAN_THREE_REVIEWS": "Fewer than three reviews with the parents in a year",
    "PARENTS_NOT_NOTIFIED": "Parents not told of a register decision",
    "NO_SMART_TARGETS": "No SMART target on the plan",
    "RECORD_NOT_SHARED": "Review record not given to the parents",
    "SPECIALIST_NOT_INVOLVED": "No specialist after two reviews of little progress",
    "EHCNA_DECISION_OVERDUE": "EHC needs assessment decision overdue (6 weeks)",
    "EHCP_NOT_ISSUE_DECISION_OVERDUE": "EHC plan decision overdue (16 weeks)",
    "EHCP_FINAL_OVERDUE": "Final EHC plan overdue (20 weeks)",
    "ANNUAL_REVIEW_DUE": "EHC annual review due",
    "ANNUAL_REVIEW_OVERDUE": "EHC annual review overdue",
    "REVIEW_DECISION_OVERDUE": "Annual review decision overdue (4 weeks)",
    "AMENDED_PLAN_OVERDUE": "Amended EHC plan overdue (12 weeks)",
    "PHASE_TRANSFER_OVERDUE": "Phase transfer plan overdue",
    "SEN_INFORMATION_REPORT_STALE": "SEN information report out of date",
}
SEVERITY_LABELS = {
    compliance.BREACH: "Breach",
    compliance.DUE_SOON: "Due soon",
    compliance.INFO: "For information",
}


class _GroupField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ComplianceFilterForm(forms.Form):
    code = forms.ChoiceField(
        label="Finding",
        required=False,
        widget=Select,
        choices=[("", "Every finding"), *CODE_LABELS.items()],
    )
    severity = forms.ChoiceField(
        label="Severity",
        required=False,
        widget=Select,
        choices=[("", "Any severity"), *SEVERITY_LABELS.items()],
    )
    group = _GroupField(
        label="Class",
        required=False,
        queryset=TeachingGroup.objects.none(),
        widget=Select,
        empty_label="Any class",
    )
    within = forms.IntegerField(
        label="Due in the next N days (overdue included)",
        required=False,
        min_value=0,
        max_value=366,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.helper = gds_helper(method="get")
