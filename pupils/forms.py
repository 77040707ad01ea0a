from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from pupils import census
from pupils.models import NotificationMethod, Pupil, TeachingGroup
from ui.forms import GovDateField, NamedQuestions, Select, gds_helper


class _GroupChoices(ModelChoiceIterator):
    """The class choices from (pk, name) pairs: the options a ModelChoiceField makes, without a
    model instance per class (a big secondary has ~100) or, on PostgreSQL, the server-side cursor
    that ModelChoiceIterator's .iterator() opens. A group's label is its name (TeachingGroup's
    __str__)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # The select writes str(pk) for the value, as it does for a ModelChoiceIteratorValue.
        yield from self.queryset.values_list("pk", "name")


class _GroupField(forms.ModelChoiceField):
    iterator = _GroupChoices


class RegisterFilterForm(forms.Form):
    """Filters for the SEN register. Every field is optional. The selects are sendpath's Select,
    which writes its options in Python: a big school's classes make ~140 options."""

    q = forms.CharField(label="Name or UPN", required=False, max_length=60)
    provision = forms.ChoiceField(
        label="SEN provision",
        required=False,
        widget=Select,
        choices=[
            ("", "On the register (K and E)"),
            ("K", "SEN support (K)"),
            ("E", "EHC plan (E)"),
            ("N", "Not on the register (N)"),
            ("all", "All pupils"),
        ],
    )
    need = forms.ChoiceField(
        label="Need",
        required=False,
        widget=Select,
        choices=[("", "Any need")] + [(c, f"{c} – {lab}") for c, lab, _ in census.SEN_TYPES],
    )
    area = forms.ChoiceField(
        label="Broad area of need",
        required=False,
        widget=Select,
        choices=[("", "Any area")] + list(census.BROAD_AREA_LABELS.items()),
    )
    year = forms.ChoiceField(
        label="Year group",
        required=False,
        widget=Select,
        choices=[("", "Any year")] + list(census.NC_YEARS),
    )
    told = forms.ChoiceField(
        label="Parents told",
        required=False,
        widget=Select,
        choices=[("", "Told or not"), ("no", "Parents not yet told"), ("yes", "Parents told")],
    )
    group = _GroupField(
        label="Class",
        required=False,
        queryset=TeachingGroup.objects.none(),
        widget=Select,
        empty_label="Any class",
    )

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.helper = gds_helper(method="get")


class PupilForm(NamedQuestions, forms.ModelForm):
    date_of_birth = GovDateField(label="Date of birth", help_text="For example, 27 3 2016")
    admission_date = GovDateField(label="Date of admission", required=False)
    leaving_date = GovDateField(label="Leaving date", required=False)

    class Meta:
        model = Pupil
        fields = [
            "upn",
            "legal_forename",
            "middle_names",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "date_of_birth",
            "sex",
            "nc_year",
            "eal",
            "fsm",
            "looked_after",
            "attendance_percent",
            "admission_date",
            "leaving_date",
        ]
        labels = {
            "upn": "UPN (unique pupil number)",
            "nc_year": "Year group",
            "attendance_percent": "Attendance (%)",
        }
        help_texts = {
            "upn": "13 characters, for example A820200124007. Temporary UPNs end in a letter."
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.text("upn", field_width=10),
            Field.text("legal_forename", field_width=20),
            Field.text("middle_names", field_width=20),
            Field.text("legal_surname", field_width=20),
            Field.text("preferred_forename", field_width=20),
            Field.text("preferred_surname", field_width=20),
            Field("date_of_birth"),
            Field.radios("sex", inline=True, legend_size=Size.SMALL),
            Field.select("nc_year"),
            Field.checkbox("eal"),
            Field.checkbox("fsm"),
            Field.checkbox("looked_after"),
            Field.text("attendance_percent", field_width=4),
            Field("admission_date"),
            Field("leaving_date"),
        )

    def clean_upn(self) -> str:
        return str(self.cleaned_data["upn"]).strip().upper().replace(" ", "")


class PupilEditForm(PupilForm):
    """The details form for a pupil on the roll: it carries the version it was loaded with, so a
    save after someone else's is refused (ui.versions)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout.append(Field("version"))


def _provision_choices(current: str) -> list[tuple[str, str]]:
    return [(code, label) for code, label in census.SEN_PROVISION_LABELS.items() if code != current]


class RegisterChangeForm(NamedQuestions, forms.Form):
    """Place on, change or remove from the SEN register."""

    provision = forms.ChoiceField(label="New SEN provision", widget=forms.RadioSelect)
    start_date = GovDateField(label="Date of the decision", help_text="For example, 15 9 2025")
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the assessment showed, and why this is the right level of support now. Parents will see this.",
        max_length=2000,
    )
    need_type = forms.ChoiceField(
        label="Primary need",
        required=False,
        choices=[("", "Choose the primary need")]
        + [(c, f"{c} – {lab}") for c, lab, _ in census.SEN_TYPES],
        help_text="Needed when placing a pupil on the register who has no primary need recorded.",
    )

    def __init__(self, *args: Any, current: str, needs_primary: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = _provision_choices(current)  # type: ignore[attr-defined]
        self.needs_primary = needs_primary
        if not needs_primary:
            del self.fields["need_type"]
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())
        self.helper = gds_helper()
        fields: list[Any] = [
            Field.radios("provision", legend_size=Size.MEDIUM),
            Field("start_date"),
            Field.textarea("reason"),
        ]
        if needs_primary:
            fields.append(Field.select("need_type"))
        self.helper.layout = Layout(*fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.needs_primary
            and data.get("provision") in census.ON_REGISTER
            and not data.get("need_type")
        ):
            self.add_error(
                "need_type", "Choose the pupil's primary need: every pupil on the register has one."
            )
        return data


class ParentsInformedForm(NamedQuestions, forms.Form):
    informed_on = GovDateField(label="When were the parents told?")
    how = forms.ChoiceField(
        label="How were they told?", choices=NotificationMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="For example, who was told and what they said.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("informed_on", timezone.localdate())
        self.helper = gds_helper()
        self.helper.layout = Layout(Field("informed_on"), Field.radios("how"), Field.text("note"))


class NeedForm(NamedQuestions, forms.Form):
    need_type = forms.ChoiceField(
        label="Type of need (census code)",
        choices=[("", "Choose a type of need")]
        + [(c, f"{c} – {lab}") for c, lab, _ in census.SEN_TYPES],
    )
    rank = forms.TypedChoiceField(
        label="Rank",
        coerce=int,
        choices=[(1, "Primary need (rank 1)"), (2, "Secondary need (rank 2)")],
        widget=forms.RadioSelect,
    )
    start_date = GovDateField(label="From")
    description = forms.CharField(
        label="How this need shows itself (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.select("need_type"),
            Field.radios("rank"),
            Field("start_date"),
            Field.textarea("description"),
        )


class NeedEndForm(NamedQuestions, forms.Form):
    end_date = GovDateField(label="Last day this need applied")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("end_date", timezone.localdate())
        self.helper = gds_helper()
