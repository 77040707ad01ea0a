"""Forms of the family area (every label translatable) and the staff's log and signposting."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from family import signposts
from family.models import FEELING_SYMBOLS, Feeling, KeyPerson, LogKind, Signposting
from ui.forms import GovDateField, gds_helper


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ParentViewsForm(forms.Form):
    """A parent's views before a review, in their own words (saved as a draft or sent)."""

    views = forms.CharField(
        label=_("How do you think things are going?"),
        widget=_textarea(5),
        max_length=6000,
        required=False,
        help_text=_("What has changed at home, what is working, what worries you."),
    )
    strengths = forms.CharField(
        label=_("What is your child good at or enjoying?"),
        required=False,
        widget=_textarea(3),
        max_length=4000,
    )
    barriers = forms.CharField(
        label=_("What gets in the way?"), required=False, widget=_textarea(3), max_length=4000
    )

    def __init__(self, *args: Any, sending: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sending = sending
        self.helper = gds_helper()

    def clean_views(self) -> str:
        text: str = self.cleaned_data.get("views", "")
        if self.sending and not text.strip():
            raise forms.ValidationError(_("Tell us how you think things are going."))
        return text


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        widget=_textarea(5),
        max_length=4000,
        error_messages={"required": _("Write your message.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


AREAS = [
    ("CI", _("Talking, understanding and getting on with others")),
    ("CL", _("Learning, reading, writing or maths")),
    ("SEMH", _("Feelings, behaviour or mental health")),
    ("SP", _("Hearing, sight, movement or a physical need")),
    ("unsure", _("I am not sure")),
]


class ConcernForm(forms.Form):
    area = forms.ChoiceField(
        label=_("What is your concern about?"),
        choices=AREAS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your concern is about.")},
    )
    what_was_seen = forms.CharField(
        label=_("What have you noticed?"),
        help_text=_("For example, what happens, when, and how long it has been going on."),
        widget=_textarea(6),
        max_length=6000,
        error_messages={"required": _("Say what you have noticed.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class AcknowledgeForm(forms.Form):
    document = forms.ChoiceField(choices=[("plan", "plan"), ("review", "review")])
    cycle = forms.IntegerField(min_value=1)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES  # type: ignore[attr-defined]


def feeling_choices() -> list[tuple[int, str]]:
    # The symbol is decoration: the words carry the meaning (no information in a picture alone).
    return [(value, f"{FEELING_SYMBOLS[value]} {label}") for value, label in Feeling.choices]


class PupilVoiceForm(forms.Form):
    """Short questions for a child, with an adult: one feeling on a scale with words, then a
    few things in the child's own words."""

    feeling = forms.TypedChoiceField(
        label=_("How do you feel about school?"),
        coerce=int,
        choices=feeling_choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you feel.")},
    )
    going_well = forms.CharField(
        label=_("What is going well?"), required=False, widget=_textarea(3), max_length=2000
    )
    hard = forms.CharField(
        label=_("What is hard?"), required=False, widget=_textarea(3), max_length=2000
    )
    helps = forms.CharField(
        label=_("What helps you?"), required=False, widget=_textarea(3), max_length=2000
    )
    wish = forms.CharField(
        label=_("What would you like to change?"),
        required=False,
        widget=_textarea(3),
        max_length=2000,
    )

    def __init__(self, *args: Any, targets: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets or []
        for t in self.targets:
            self.fields[f"target_{t.pk}"] = forms.CharField(
                label=_("Target %(number)s in your words") % {"number": t.position},
                help_text=t.description,
                required=False,
                max_length=500,
            )
        self.helper = gds_helper()

    def target_words(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data.get(f"target_{t.pk}", "") for t in self.targets}


# ---- staff -------------------------------------------------------------------------------------


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was it?",
        choices=[
            (k.value, k.label)
            for k in (LogKind.MEETING, LogKind.CALL, LogKind.EMAIL, LogKind.DIARY)
        ],
        widget=forms.RadioSelect,
    )
    occurred_on = GovDateField(label="When")
    text = forms.CharField(label="What was said or agreed", widget=_textarea(5), max_length=6000)
    shared = forms.TypedChoiceField(
        label="Who sees this entry?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Shared with the family"), ("no", "Staff only")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class ReplyForm(forms.Form):
    message = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(label="Your reply", widget=_textarea(4), max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


# A phone number as a family would dial it: digits, spaces, brackets, dashes and a leading +.
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,38}$")


def _phone(form: forms.ModelForm, name: str) -> str:
    value: str = form.cleaned_data.get(name, "").strip()
    if value and not PHONE.match(value):
        raise forms.ValidationError(
            "Enter a phone number as a family would dial it, like 01384 236677."
        )
    return value


class SignpostingForm(forms.ModelForm):
    """The school's own signposting: each field left empty uses the LA's."""

    class Meta:
        model = Signposting
        fields = [*signposts.FIELDS, "views_open_days"]
        widgets = {"concerns_how": _textarea(4), "complaints_how": _textarea(4)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()

    def clean_sendiass_phone(self) -> str:
        return _phone(self, "sendiass_phone")

    def clean_school_phone(self) -> str:
        return _phone(self, "school_phone")


class LASignpostingForm(SignpostingForm):
    """The LA's signposting, under every school's own: what is the LA's to say (the Local
    Offer, its SENDIASS, how to raise a concern and complain), not a school's phone, complaints
    policy or SEN information report."""

    class Meta(SignpostingForm.Meta):
        fields = [
            *(f for f in signposts.FIELDS if f not in signposts.SCHOOL_ONLY),
            "views_open_days",
        ]
        help_texts = {
            "local_offer_url": "The full web address, starting https://",
            "concerns_how": "Shown where a school has not written its own.",
            "complaints_how": "Shown where a school has not written its own.",
            "views_open_days": "Empty: 21 days. A school may set its own.",
        }


class KeyPersonForm(forms.ModelForm):
    class Meta:
        model = KeyPerson
        fields = ["user", "role_title", "phone", "email"]

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["user"].queryset = staff  # type: ignore[attr-defined]
        self.fields["user"].label = "Key person"
        self.helper = gds_helper()
