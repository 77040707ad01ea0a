"""Forms of the school's duties. The services check the rules; the forms check the shapes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from duties.models import InformationReport, Layer
from duties.sections import LANGUAGES, SECTIONS
from provision.models import AREA_CHOICES
from pupils.models import Contact
from ui.forms import GovDateField, Select, escaped_label, gds_helper


class ReportTextsForm(forms.Form):
    """The school's own words for every section of the report."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, report: InformationReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", report.version)
        for section in SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=str(section.title),
                help_text=str(section.prompt),
                required=False,
                max_length=20000,
                initial=report.texts.get(section.key, ""),
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.fields["languages"] = forms.MultipleChoiceField(
            label="Other languages to offer the published report in",
            help_text="Its headings and figures are translated; your own words stay in English, "
            "marked as the school's.",
            choices=list(LANGUAGES.items()),
            required=False,
            initial=report.languages,
            widget=forms.CheckboxSelectMultiple,
        )
        self.helper = gds_helper()

    def texts(self) -> dict[str, str]:
        return {s.key: self.cleaned_data.get(s.key, "") for s in SECTIONS}


class ShareForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label="Parents and carers to ask",
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each sees the draft in their family area and can comment on it.",
    )
    forum = forms.CharField(
        label="Parent forum (optional)",
        required=False,
        max_length=120,
        help_text="Every parent with a sign-in at the school sees a draft shared with the forum.",
    )
    comments_close_on = GovDateField(label="Comments close on", required=False)

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = Contact.objects.filter(school_id=school_id, user__isnull=False).order_by(
            "surname", "forename"
        )
        field = self.fields["contacts"]
        field.queryset = contacts  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: escaped_label("{} {}", c.forename, c.surname)  # type: ignore[attr-defined]
        self.helper = gds_helper()


class CommentForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Which part of the report is it about?"),
        choices=[("", _("The whole report")), *((s.key, s.title) for s in SECTIONS)],
        required=False,
        widget=Select,
    )
    text = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class AnswerForm(forms.Form):
    reply = forms.CharField(label="Reply", required=False, max_length=5000, widget=forms.Textarea)
    change_made = forms.CharField(
        label="The change it led to",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="What you changed in the report because of this comment, if anything.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class DateForm(forms.Form):
    on = GovDateField(label="Date")

    def __init__(self, *args: Any, label: str = "Date", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label
        self.helper = gds_helper()


class SentToLAForm(DateForm):
    how = forms.CharField(
        label="How it was sent", required=False, max_length=200, help_text="For example, by email"
    )


class TrainingForm(forms.Form):
    staff = forms.TypedChoiceField(label="Member of staff", coerce=int, widget=Select)
    course_name = forms.CharField(label="Course or topic", max_length=120)
    area = forms.ChoiceField(
        label="Area of need",
        choices=[("", "Not one area"), *AREA_CHOICES],
        required=False,
        widget=Select,
    )
    completed_on = GovDateField(label="Date completed")
    hours = forms.DecimalField(label="Hours", min_value=0, max_digits=5, decimal_places=1)
    provider = forms.CharField(label="Provider", max_length=120, required=False)
    certificate = forms.FileField(label="Certificate (optional)", required=False)

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = staff  # type: ignore[attr-defined]
        self.helper = gds_helper()


class RequirementForm(forms.Form):
    interventions = forms.MultipleChoiceField(
        label="Interventions whose deliverers need this training",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interventions"].choices = choices  # type: ignore[attr-defined]
        self.helper = gds_helper()


class LayerForm(forms.Form):
    layer = forms.ChoiceField(
        label="Layer of support", choices=Layer.choices, widget=forms.RadioSelect
    )
    on = GovDateField(label="From")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class PlanAnnualReviewForm(forms.Form):
    held_on = GovDateField(label="Date of the review")
    parents_took_part = forms.BooleanField(label="The parents took part", required=False)
    pupil_took_part = forms.BooleanField(label="The pupil took part", required=False)
    what_is_working = forms.CharField(label="What is working", widget=forms.Textarea)
    what_changes = forms.CharField(
        label="What changes in the plan", widget=forms.Textarea, required=False
    )
    next_review_on = GovDateField(label="Next annual review by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
