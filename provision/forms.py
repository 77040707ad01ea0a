"""Forms of the provision map pages (crispy-forms-gds). They check shapes; the services check the
rules and their errors are shown on the same forms."""

from datetime import date
from decimal import Decimal
from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from provision.models import (
    AREA_CHOICES,
    WEEKDAYS,
    EvidenceStrength,
    Intervention,
    MeasureType,
    RoleKind,
    StaffRole,
    Wave,
)
from pupils.models import Pupil
from support.models import Target
from ui.forms import GovDateField, NamedQuestions, escaped_label, gds_helper


def _today_default(form: forms.Form, *names: str) -> None:
    if not form.is_bound:
        for name in names:
            form.initial.setdefault(name, timezone.localdate())


def _number(label: str, *, required: bool = True, help_text: str = "", **kw: Any) -> forms.Field:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **kw,
    )


def _money(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        max_digits=9,
        decimal_places=2,
    )


class AreaFilterForm(forms.Form):
    area = forms.ChoiceField(
        label="Broad area of need", required=False, choices=[("", "All areas"), *AREA_CHOICES]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(method="get")
        self.helper.layout = Layout(Field.select("area"))


class InterventionForm(NamedQuestions, forms.Form):
    name = forms.CharField(max_length=120)
    area = forms.ChoiceField(
        label="Broad area of need", choices=AREA_CHOICES, widget=forms.RadioSelect
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    evidence_url = forms.URLField(
        label="Link to the evidence (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    evidence_strength = forms.ChoiceField(
        label="Strength of the evidence", choices=EvidenceStrength.choices
    )
    group_size = _number("Typical group size", min_value=1, max_value=40, initial=1)
    session_minutes = _number("Minutes a session", min_value=1, max_value=300, initial=30)
    sessions_per_week = _number("Sessions a week", min_value=1, max_value=10, initial=3)
    weeks = _number("For how many weeks", min_value=1, max_value=52, initial=10)
    staff_kind = forms.ChoiceField(label="Usually delivered by", choices=RoleKind.choices)
    measure_type = forms.ChoiceField(
        label="Usual entry and exit measure",
        required=False,
        choices=[("", "None yet"), *MeasureType.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.radios("area"),
            Field.textarea("description"),
            Field.text("evidence_url"),
            Field.select("evidence_strength"),
            *(
                Field.text(n, field_width=3)
                for n in ("group_size", "session_minutes", "sessions_per_week", "weeks")
            ),
            Field.select("staff_kind"),
            Field.select("measure_type"),
        )


class StaffRoleForm(NamedQuestions, forms.Form):
    name = forms.CharField(
        label="Role", max_length=80, help_text="For example ‘TA level 2’ or ‘Speech therapist’."
    )
    kind = forms.ChoiceField(label="Kind of role", choices=RoleKind.choices)
    hourly_cost = forms.DecimalField(
        label="Cost an hour, in pounds",
        help_text="Salary plus on-costs (employer's pension and National Insurance).",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        max_digits=7,
        decimal_places=2,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.select("kind"),
            Field.text("hourly_cost", field_width=5),
        )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return escaped_label("{}", obj.get_full_name() or obj.get_username())


class ProvisionForm(NamedQuestions, forms.Form):
    # The version a change was loaded from (ui.versions); only on the change form.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    intervention = forms.ModelChoiceField(
        queryset=Intervention.objects.none(), empty_label="Choose from the library"
    )
    name = forms.CharField(
        label="Name of the group or provision",
        max_length=120,
        help_text="For example ‘Year 3 reading group B’.",
    )
    wave = forms.ChoiceField(choices=Wave.choices, initial=Wave.TARGETED, widget=forms.RadioSelect)
    staff = StaffChoiceField(label="Who delivers it", queryset=User.objects.none(), required=False)
    staff_role = forms.ModelChoiceField(
        label="Their role",
        queryset=StaffRole.objects.none(),
        empty_label="Choose a role",
        help_text="The role's hourly cost is used for the cost of each session.",
    )
    location = forms.CharField(label="Where (optional)", max_length=80, required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label="Which days",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(
        label="Start time (optional)",
        required=False,
        help_text="For example 09:15.",
        widget=forms.TextInput(),
    )
    session_minutes = _number(
        "Minutes a session",
        required=False,
        min_value=1,
        max_value=300,
        help_text="Leave blank for the intervention's usual length.",
    )
    start_date = GovDateField(label="Start date")
    end_date = GovDateField(label="End date")
    resource_cost = _money(
        "Resources (optional)", help_text="Books, kits and materials, in pounds."
    )
    licence_cost = _money("Licences and training (optional)", help_text="In pounds.")
    targets = forms.ModelMultipleChoiceField(
        label="Targets this provision works towards",
        queryset=Target.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        interventions: QuerySet[Intervention],
        staff: QuerySet[User],
        roles: QuerySet[StaffRole],
        targets: QuerySet[Target] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["staff_role"].queryset = roles  # type: ignore[attr-defined]
        fields: list[Any] = [
            Field.select("intervention"),
            Field.text("name"),
            Field.radios("wave", small=True),
            Field.select("staff"),
            Field.select("staff_role"),
            Field.text("location", field_width=20),
            Field.checkboxes("weekdays", small=True),
            Field.text("start_time", field_width=5),
            Field.text("session_minutes", field_width=3),
            Field("start_date"),
            Field("end_date"),
            Field.text("resource_cost", field_width=10),
            Field.text("licence_cost", field_width=10),
        ]
        if targets is None:  # a new provision: nothing to be stale against
            del self.fields["targets"], self.fields["version"]
        else:
            fields.append(Field("version"))
            self.fields["targets"].queryset = targets  # type: ignore[attr-defined]
            self.fields["targets"].label_from_instance = _target_label  # type: ignore[attr-defined]
            fields.append(Field.checkboxes("targets", small=True))
        self.helper = gds_helper()
        self.helper.layout = Layout(*fields)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("intervention", None)
        data.pop("version", None)
        if "targets" in data:
            data["targets"] = [t.pk for t in data["targets"]]
        for key in ("resource_cost", "licence_cost"):
            data[key] = data.get(key) if data.get(key) is not None else Decimal(0)
        return data


def _target_label(target: Target) -> str:
    return escaped_label("{}: {}", target.plan.cycle.pupil.full_name, target.description[:100])


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return escaped_label("{}, {} ({})", obj.surname, obj.forename, obj.nc_year_label)


class EnrolForm(NamedQuestions, forms.Form):
    pupil = PupilChoiceField(queryset=Pupil.objects.none(), empty_label="Choose a pupil")
    start_date = GovDateField(label="Joins on")

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        _today_default(self, "start_date")
        self.helper = gds_helper()
        self.helper.layout = Layout(Field.select("pupil"), Field("start_date"))


class EnrolmentEndForm(NamedQuestions, forms.Form):
    end_date = GovDateField(label="Last day in the provision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "end_date")
        self.helper = gds_helper()


class RegisterDateForm(forms.Form):
    on = GovDateField(label="Date of the session")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(method="get")


DELIVERED = [("yes", "Yes, it happened"), ("no", "No, it was missed")]


class SessionForm(NamedQuestions, forms.Form):
    """The register for one date: a TA on a phone taps one radio and the absent pupils' boxes."""

    delivered = forms.ChoiceField(
        label="Did the session happen?", choices=DELIVERED, widget=forms.RadioSelect
    )
    present = forms.TypedMultipleChoiceField(
        label="Who was there?",
        help_text="Untick anyone who was absent.",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = _number(
        "How many minutes",
        required=False,
        min_value=1,
        max_value=300,
        help_text="Leave as it is for the usual length.",
    )
    missed_reason = forms.CharField(
        label="If it was missed, why?",
        required=False,
        max_length=200,
        help_text="For example ‘TA covering a class’ or ‘school trip’. Ticks are ignored then.",
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)
    closed_day_reason = forms.CharField(
        label="The school is closed that day: why was the session held?",
        required=False,
        max_length=200,
        help_text="For example ‘catch-up session during half-term’.",
    )

    def __init__(self, *args: Any, pupils: list[Pupil], closed: str = "", **kwargs: Any) -> None:
        """`closed` says why the school is shut on the day ("" when open): only then is the
        closed-day reason asked for."""
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(p.pk, escaped_label("{}", p.full_name)) for p in pupils]  # type: ignore[attr-defined]
        self.helper = gds_helper()
        # No conditional reveal: GOV.UK's sets aria-expanded on radios (an axe failure,
        # alphagov/govuk-frontend#979) and advises against nesting checkboxes in one.
        fields = [
            Field.radios("delivered", inline=True),
            Field.checkboxes("present"),
            Field.text("minutes", field_width=3),
            Field.text("missed_reason"),
            Field.text("note"),
        ]
        if closed:
            self.fields[
                "closed_day_reason"
            ].label = f"The school is closed that day ({closed}): why was the session held?"
            fields.insert(0, Field.text("closed_day_reason"))
        else:
            del self.fields["closed_day_reason"]
        self.helper.layout = Layout(*fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delivered") == "no":
            # Ticks and minutes hidden under "it happened" are not the register of a missed one.
            data["present"] = []
            data["minutes"] = None
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        delivered = data["delivered"] == "yes"
        return {
            "delivered": delivered,
            "missed_reason": data.get("missed_reason", ""),
            "minutes": data.get("minutes") if delivered else None,
            "present_pupil_ids": data.get("present") or [],
            "note": data.get("note", ""),
            "closed_day_reason": data.get("closed_day_reason", ""),
        }


class MeasureForm(NamedQuestions, forms.Form):
    measure_type = forms.ChoiceField(label="Kind of measure", choices=MeasureType.choices)
    name = forms.CharField(
        label="Assessment", max_length=120, help_text="For example ‘Salford reading test’."
    )
    on = GovDateField(label="Date of the assessment")
    value = forms.DecimalField(
        label="Score",
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="A standardised score, an age in months, a raw or scaled score.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "on")
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.select("measure_type"),
            Field.text("name"),
            Field("on"),
            Field.text("value", field_width=5),
        )


def parse_day(value: str | None) -> date | None:
    """An ISO date from a query string, or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
