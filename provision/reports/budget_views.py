"""The notional SEN budget's spending lines: the SENCo adds a line (staffing, a bought-in service,
resources, training) and removes one entered in error (access.Action.MANAGE_PROVISION). The
budget page that lists them is provision_budget in provision/reports/views.py."""

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

import access
from access import Action
from accounts import schooldates
from accounts.models import School, User
from audit import reads
from provision.models import SpendingCategory, SpendingLine, StaffRole
from provision.services import spending
from pupils.models import Pupil
from ui.forms import GovDateField, Select, add_service_errors, gds_helper

MONEY_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})


class PupilChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.nc_year_label})"


class SpendingLineForm(forms.Form):
    category = forms.ChoiceField(
        label="What kind of spending is it?",
        choices=SpendingCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of spending this is."},
    )
    description = forms.CharField(
        label="What was it for?",
        help_text="For example: in-class support in Year 4, educational psychologist "
        "assessment days, phonics books, autism awareness training",
        max_length=120,
        error_messages={"required": "Enter what the money was spent on."},
    )
    supplier = forms.CharField(
        label="Supplier or member of staff (optional)", max_length=120, required=False
    )
    spent_on = GovDateField(
        label="Date",
        help_text="The date of the invoice, or when the work started. For example, 27 9 2026",
    )
    pupil = PupilChoice(
        label="Pupil (optional)",
        help_text="Only when the spending is for one pupil.",
        queryset=Pupil.objects.none(),
        required=False,
        widget=Select,
        empty_label="Not for one pupil",
    )
    staff_role = forms.ModelChoiceField(
        label="Staff role",
        queryset=StaffRole.objects.none(),
        required=False,
        widget=Select,
        empty_label="Select a role",
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        min_value=0,
        max_digits=4,
        decimal_places=2,
        required=False,
        widget=MONEY_WIDGET,
        error_messages={"invalid": "Enter the hours a week as a number, like 12.5."},
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        help_text="A school year has 39 weeks; most support staff are paid for 38 or 39.",
        min_value=1,
        max_value=52,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the number of weeks as a whole number, like 38."},
    )
    amount = forms.DecimalField(
        label="Amount, in pounds",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
        widget=MONEY_WIDGET,
        error_messages={"invalid": "Enter the amount in pounds, like 450.00."},
    )

    def __init__(self, *args: Any, school: School, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date_messages = self.fields["spent_on"].error_messages
        date_messages["required"] = date_messages["incomplete"] = "Enter the date of the spending."
        pupils = access.visible_pupils(user, school).order_by("legal_surname", "legal_forename")
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["staff_role"].queryset = StaffRole.objects.filter(school=school)  # type: ignore[attr-defined]
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.radios("category"),
            Field.text("description"),
            Field.text("supplier"),
            Field("spent_on"),
            Field.select("pupil"),
            Fieldset(
                Field.select("staff_role"),
                Field.text("hours_per_week", field_width=4),
                Field.text("weeks", field_width=3),
                legend="For staffing: the role and its hours",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("amount", field_width=10),
                legend="For bought-in services, resources and training: the cost",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("category") == SpendingCategory.STAFFING:
            required = {
                "staff_role": "Select the staff role.",
                "hours_per_week": "Enter the hours a week.",
                "weeks": "Enter the number of weeks.",
            }
        elif data.get("category"):
            required = {"amount": "Enter the amount in pounds."}
        else:
            required = {}
        for name, message in required.items():
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, message)
        return data

    def spending_input(self) -> spending.SpendingInput:
        d = self.cleaned_data
        return spending.SpendingInput(
            category=d["category"],
            description=d["description"],
            supplier=d["supplier"],
            spent_on=d["spent_on"],
            pupil=d["pupil"],
            amount=d["amount"],
            staff_role=d["staff_role"],
            hours_per_week=d["hours_per_week"],
            weeks=d["weeks"],
        )


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return schooldates.school_year_start(timezone.localdate())


@login_required
@require_http_methods(["GET", "POST"])
def spending_line_add(request: HttpRequest) -> HttpResponse:
    """The SENCo adds a line of spending to the notional SEN budget of a school year."""
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    user: User = request.user  # type: ignore[assignment]
    year = _year(request)
    label = schooldates.school_year_label(year)
    back = reverse("provision_budget") + f"?year={year}"
    form = SpendingLineForm(request.POST or None, school=school, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            spending.spending_line_add(
                school=school,
                start_year=year,
                data=form.spending_input(),
                by=user,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The spending is added to the budget for {label}.")
            return redirect(back)
    # The pupil choice names every pupil the SENCo reaches: a read of each (issue 12, item 4).
    choices = form.fields["pupil"].queryset  # type: ignore[attr-defined]
    reads.log_pupils(request, user, choices.values_list("pk", flat=True), what="spending form")
    return render(
        request,
        "provision/reports/form_page.html",
        {
            "form": form,
            "title": f"Add spending to the notional SEN budget for {label}",
            "caption": school.name,
            "submit": "Add the spending",
            "back": back,
        },
    )


@login_required
@require_POST
def spending_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The SENCo removes a line of spending entered in error."""
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    line = get_object_or_404(SpendingLine, pk=pk, school=school)
    spending.spending_line_remove(line=line, by=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, f"“{line.description}” is removed from the budget.")
    return redirect(reverse("provision_budget") + f"?year={line.start_year}")
