from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from accounts.models import ClosureKind
from accounts.schooldates import TermDates
from ui.forms import GovDateField, gds_helper

TOKEN_LIFETIMES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is this token for?", max_length=80, help_text="For example, ‘MIS nightly sync’."
    )
    lifetime = forms.TypedChoiceField(
        label="How long should it work?",
        choices=TOKEN_LIFETIMES,
        coerce=int,
        initial=90,
        required=False,
        empty_value=90,  # type: ignore[arg-type]
        widget=forms.RadioSelect,
        help_text="After this it stops working and you make a new one.",
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
            self.fields[f"{name}_half_term_start"] = GovDateField(
                label=f"{name.title()} half-term: first day off (optional)", required=False
            )
            self.fields[f"{name}_half_term_end"] = GovDateField(
                label=f"{name.title()} half-term: last day off (optional)", required=False
            )
        self.helper = gds_helper()

    def terms(self) -> list[TermDates]:
        data = self.cleaned_data
        return [
            TermDates(
                n,
                data[f"{n}_start"],
                data[f"{n}_end"],
                data.get(f"{n}_half_term_start"),
                data.get(f"{n}_half_term_end"),
            )
            for n in ("autumn", "spring", "summer")
        ]


class ClosureDayForm(forms.Form):
    """A day in term time when the school is shut."""

    date = GovDateField(label="Date the school is closed")
    kind = forms.ChoiceField(
        label="Why is the school closed?", choices=ClosureKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=100,
        required=False,
        help_text="For example, ‘Staff training: phonics’. Do not name pupils.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Select why the school is closed."
        self.fields["date"].error_messages["required"] = "Enter the date the school is closed."
        self.helper = gds_helper()


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args: Any, label: str = "Code", hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].help_text = hint
        self.helper = gds_helper()


class ResetRequestForm(PasswordResetForm):
    """The password reset form, whose mail goes out from a task (accounts/tasks.py): the page
    does the same work whether or not the address is known, so it answers in the same time."""

    def save(self, *, domain: str, use_https: bool) -> None:  # type: ignore[override]
        from accounts.tasks import send_password_reset

        send_password_reset.enqueue(
            email=self.cleaned_data["email"], domain=domain, use_https=use_https
        )


class PersonalSettingsForm(forms.Form):
    reminder_days = forms.IntegerField(
        label="Email me what falls due in the next",
        min_value=0,
        max_value=90,
        help_text="A number of days, up to 90. Enter 0 for no reminders. One email a day at "
        "most, only when something falls due.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
