from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from access import STAFF_ROLES
from accounts.models import LocalAuthority, Role, School, Trust, User
from people.classes import FIELDS
from pupils.models import GroupKind, Pupil, Relationship
from ui.forms import GovDateField, Select, gds_helper

STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in STAFF_ROLES]


class GdsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class InviteStaffForm(GdsForm):
    email = forms.EmailField(label="Their email address", max_length=254)
    role = forms.ChoiceField(
        label="Their role", choices=STAFF_ROLE_CHOICES, widget=forms.RadioSelect
    )


class RoleForm(GdsForm):
    role = forms.ChoiceField(label="New role", choices=STAFF_ROLE_CHOICES, widget=Select)


class AccountForm(GdsForm):
    """A new account: names and a password, twice."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Three or four random words are easy to remember."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class ParentAccountForm(AccountForm):
    email = forms.EmailField(label=_("Your email address"), max_length=254)

    field_order = ["email", "first_name", "last_name", "password1", "password2"]


class CodeForm(GdsForm):
    code = forms.CharField(
        label=_("Your code from the school"),
        max_length=20,
        help_text=_("12 letters and numbers, for example ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ContactForm(GdsForm):
    pupil = forms.ModelChoiceField(label="Child", queryset=Pupil.objects.none(), widget=Select)
    forename = forms.CharField(label="First name", max_length=100)
    surname = forms.CharField(label="Last name", max_length=100)
    relationship = forms.ChoiceField(
        label="Relationship to the child", choices=Relationship.choices, widget=Select
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False, initial=True
    )
    email = forms.EmailField(
        label="Email address", required=False, help_text="Needed to invite them by email."
    )
    phone = forms.CharField(label="Phone", max_length=30, required=False)

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pupils
        field.label_from_instance = lambda p: f"{p.full_name} (Year {p.nc_year})"  # type: ignore[method-assign,assignment]


class GroupForm(GdsForm):
    name = forms.CharField(
        label="Name", max_length=60, help_text="As your MIS has it, for example 5A or 9X/Ma1."
    )
    kind = forms.ChoiceField(
        label="Kind", choices=GroupKind.choices, widget=forms.RadioSelect, initial=GroupKind.CLASS
    )
    subject = forms.CharField(label="Subject (for a set)", max_length=60, required=False)


class AddPupilForm(GdsForm):
    pupil = forms.ModelChoiceField(
        label="Add a pupil", queryset=Pupil.objects.none(), widget=Select
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pupils
        field.label_from_instance = lambda p: f"{p.full_name} (Year {p.nc_year}, {p.upn})"  # type: ignore[method-assign,assignment]


class AddTeacherForm(GdsForm):
    teacher = forms.ModelChoiceField(
        label="Add a teacher", queryset=User.objects.none(), widget=Select
    )

    def __init__(self, *args: Any, teachers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teachers


class AssignmentForm(AddPupilForm):
    staff = forms.ModelChoiceField(
        label="Teaching assistant", queryset=User.objects.none(), widget=Select
    )
    start_date = GovDateField(label="From")
    purpose = forms.CharField(label="What for (optional)", max_length=120, required=False)

    field_order = ["staff", "pupil", "start_date", "purpose"]

    def __init__(self, *args: Any, pupils: Any, tas: Any, **kwargs: Any) -> None:
        super().__init__(*args, pupils=pupils, **kwargs)
        self.fields["pupil"].label = "Pupil"
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = tas


class UploadForm(GdsForm):
    file = forms.FileField(
        label="Classes file",
        help_text="A .csv or .xlsx file with a header row: one row per pupil in a class.",
    )
    start_year = forms.TypedChoiceField(
        label="For the school year", coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["start_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = years
        field.initial = years[0][0]


NOT_IN_FILE = ""


class MappingForm(GdsForm):
    """One choice per field: which of the file's columns holds it."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "Not in the file"), *((str(i), h) for i, h in enumerate(headers))]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=False, widget=Select
            )

    def mapping(self) -> dict[str, int | None]:
        return {
            name: (
                int(v) if (v := self.cleaned_data.get(name)) not in (None, NOT_IN_FILE) else None
            )
            for name in FIELDS
        }


class LocalAuthorityForm(forms.ModelForm):
    class Meta:
        model = LocalAuthority
        fields = ["code", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class TrustForm(forms.ModelForm):
    class Meta:
        model = Trust
        fields = ["name", "companies_house_number"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class SchoolForm(forms.ModelForm):
    first_email = forms.EmailField(label="Email of the school's first SENCo or administrator")
    first_role = forms.ChoiceField(
        label="Their role",
        choices=[(Role.SENCO.value, Role.SENCO.label), (Role.ADMIN.value, Role.ADMIN.label)],
        widget=forms.RadioSelect,
        initial=Role.SENCO.value,
    )

    class Meta:
        model = School
        fields = ["urn", "la", "establishment_number", "name", "phase", "high_age", "trust"]
        labels = {"la": "Local authority"}
        widgets = {"la": Select, "phase": Select, "trust": Select}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class ContactEditForm(GdsForm):
    forename = forms.CharField(label="First name", max_length=100)
    surname = forms.CharField(label="Last name", max_length=100)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone", max_length=30, required=False)


class FamilyLinkForm(AddPupilForm):
    relationship = forms.ChoiceField(
        label="Relationship to the child", choices=Relationship.choices, widget=Select
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False, initial=True
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, pupils=pupils, **kwargs)
        self.fields["pupil"].label = "Also a contact of"
