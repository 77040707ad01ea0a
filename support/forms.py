from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone

from support import rules
from support.models import (
    AREA_CHOICES,
    Attendance,
    ConcernOutcome,
    ConcernSource,
    NoteKind,
    OtherFactor,
    OverallProgress,
    Target,
    ViewSource,
)
from ui.forms import GovDateField, escaped_label, gds_helper


def _today_default(form: forms.Form, *names: str) -> None:
    if not form.is_bound:
        for name in names:
            form.initial.setdefault(name, timezone.localdate())


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ConcernForm(forms.Form):
    source = forms.ChoiceField(
        label="Who raised the concern?", choices=ConcernSource.choices, widget=forms.RadioSelect
    )
    raised_on = GovDateField(label="When was it raised?")
    area = forms.ChoiceField(
        label="Which area of need does it seem to be?",
        choices=AREA_CHOICES,
        widget=forms.RadioSelect,
    )
    what_was_seen = forms.CharField(
        label="What was seen or heard?", widget=_textarea(4), max_length=4000
    )
    evidence = forms.CharField(
        label="Evidence (optional)",
        required=False,
        widget=_textarea(3),
        max_length=4000,
        help_text="Work samples, assessment results, observations, what the parent or pupil said.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "raised_on")
        self.helper = gds_helper()


class ConcernDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happens next?", choices=ConcernOutcome.choices, widget=forms.RadioSelect
    )
    decided_on = GovDateField(label="Date of the decision")
    considered = forms.CharField(
        label="What was considered",
        widget=_textarea(4),
        max_length=4000,
        help_text="Slow progress alone is not SEN. Record what you looked at: progress against peers, attendance, "
        "English as an additional language, health, gaps in teaching, family or housing circumstances.",
    )
    other_factors = forms.MultipleChoiceField(
        label="If it is explained by another factor, which?",
        required=False,
        choices=OtherFactor.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    early_help = forms.BooleanField(
        label="Early Help assessment or multi-agency support arranged", required=False
    )
    early_help_note = forms.CharField(
        label="What was arranged (if any)", required=False, widget=_textarea(2), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "decided_on")
        self.helper = gds_helper()


class CycleOpenForm(forms.Form):
    opened_on = GovDateField(label="Start date of the cycle")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "opened_on")
        self.helper = gds_helper()


class AssessmentViewForm(forms.Form):
    source = forms.ChoiceField(label="Whose view is this?", choices=ViewSource.choices)
    given_by = forms.CharField(label="Their name", max_length=120)
    given_on = GovDateField(label="Date")
    views = forms.CharField(label="What they see and think", widget=_textarea(4), max_length=6000)
    strengths = forms.CharField(required=False, widget=_textarea(), max_length=4000)
    barriers = forms.CharField(
        label="Barriers to learning", required=False, widget=_textarea(), max_length=4000
    )
    assessments = forms.CharField(
        label="Assessments and scores",
        required=False,
        widget=_textarea(),
        max_length=4000,
        help_text="For example, a standardised reading score of 78, a phonics screening result.",
    )
    progress_vs_peers = forms.CharField(
        label="Progress compared with peers", required=False, widget=_textarea(), max_length=4000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "given_on")
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.select("source"),
            Field.text("given_by", field_width=20),
            Field("given_on"),
            Field.textarea("views"),
            Field.textarea("strengths"),
            Field.textarea("barriers"),
            Field.textarea("assessments"),
            Field.textarea("progress_vs_peers"),
        )


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    plan_date = GovDateField(label="Date of the plan")
    review_date = GovDateField(
        label="Review date", required=False, help_text="Leave blank for the end of the term."
    )
    outcomes = forms.CharField(
        label="Outcomes that matter to the child",
        widget=_textarea(4),
        max_length=6000,
        help_text="What the child, the parents and the school want to change, in everyday words.",
    )
    adjustments = forms.CharField(
        label="Adjustments to school life and rules",
        required=False,
        widget=_textarea(),
        max_length=6000,
    )
    provision = forms.CharField(
        label="Provision planned (interventions and support)",
        required=False,
        widget=_textarea(),
        max_length=6000,
    )
    pupil_strategies = forms.CharField(
        label="The pupil's own strategies", required=False, widget=_textarea(), max_length=4000
    )
    parents_agreed_on = GovDateField(
        label="Date the parents agreed the plan (if they have)", required=False
    )
    parent_comments = forms.CharField(
        label="What the parents said", required=False, widget=_textarea(2), max_length=4000
    )
    pupil_agreed = forms.BooleanField(
        label="The pupil took part in the plan and agrees with it", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "plan_date")
        self.helper = gds_helper()


class TargetForm(forms.Form):
    # Its empty markup is the same on every cycle page: drawn once ({% crispy_blank %}).
    blank_markup_is_constant = True

    description = forms.CharField(
        label="Target",
        widget=_textarea(2),
        max_length=2000,
        help_text="What the pupil will be able to do, and how well: for example ‘read 30 of the 45 phase 3 sounds’.",
    )
    baseline = forms.CharField(label="Where the pupil is now", required=False, max_length=300)
    measure = forms.CharField(label="How it will be measured", required=False, max_length=300)
    target_value = forms.CharField(label="Target value", required=False, max_length=200)
    target_date = GovDateField(label="By when")
    responsible = forms.CharField(label="Who is responsible", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.disable_csrf = True  # the cycle page writes the token in its <form>
        self.helper.layout = Layout(
            Field.textarea("description"),
            Field.text("baseline"),
            Field.text("measure"),
            Field.text("target_value", field_width=20),
            Field("target_date"),
            Field.text("responsible", field_width=20),
        )


class DoNoteForm(forms.Form):
    # Its empty markup depends only on today's date (the initial one): drawn once a day.
    blank_markup_is_constant = True

    on = GovDateField(label="Date")
    kind = forms.ChoiceField(
        label="Kind of note", choices=NoteKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label="What was done", widget=_textarea(3), max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "on")
        self.initial.setdefault("kind", NoteKind.SUPPORT)
        self.helper = gds_helper()
        self.helper.disable_csrf = True  # the cycle page writes the token in its <form>
        self.helper.layout = Layout(
            Field("on"), Field.radios("kind", inline=True), Field.textarea("text")
        )


RATING_CHOICES = [(str(k), f"{v} ({k:+d})") for k, v in sorted(rules.RATING_LABELS.items())]


class ReviewForm(forms.Form):
    """The review meeting, with a rating and the value reached for each target of the plan."""

    held_on = GovDateField(label="Date of the review meeting")
    is_it_working = forms.CharField(
        label="Is the support working?", widget=_textarea(), max_length=4000
    )
    how_much_difference = forms.CharField(
        label="If it is making a difference, how much?", widget=_textarea(), max_length=4000
    )
    happening_as_planned = forms.CharField(
        label="Is it happening as it should: the right person, trained, often enough?",
        widget=_textarea(),
        max_length=4000,
    )
    child_reaction = forms.CharField(
        label="How is the child reacting to the support?", widget=_textarea(), max_length=4000
    )
    child_thinks = forms.CharField(
        label="What does the child think about the support?", widget=_textarea(), max_length=4000
    )
    overall_progress = forms.ChoiceField(
        label="Overall progress", choices=OverallProgress.choices, widget=forms.RadioSelect
    )
    parent_attendance = forms.ChoiceField(
        label="How did the parents take part?", choices=Attendance.choices, widget=forms.RadioSelect
    )
    attendees = forms.CharField(
        label="Who else took part", required=False, widget=_textarea(2), max_length=2000
    )
    parent_views = forms.CharField(
        label="The parents' views", required=False, widget=_textarea(), max_length=4000
    )
    pupil_views = forms.CharField(
        label="The pupil's views", required=False, widget=_textarea(), max_length=4000
    )
    decision = forms.ChoiceField(
        label="Decision", choices=list(rules.DECISIONS.items()), widget=forms.RadioSelect
    )
    decision_notes = forms.CharField(
        label="Actions and support agreed", required=False, widget=_textarea(), max_length=4000
    )

    def __init__(self, *args: Any, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "held_on")
        self.targets = targets
        for target in targets:
            self.fields[f"rating_{target.pk}"] = forms.TypedChoiceField(
                label=escaped_label("Target {}: {}", target.position, target.description),
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=escaped_label(
                    "Aimed for: {} by {}",
                    target.target_value or "see the target",
                    f"{target.target_date:%-d %B %Y}",
                ),
            )
            self.fields[f"value_{target.pk}"] = forms.CharField(
                label=f"Value reached for target {target.position}", required=False, max_length=200
            )
        self.helper = gds_helper()
        rating_fields: list[Any] = []
        for target in targets:
            rating_fields += [
                Field.radios(f"rating_{target.pk}", legend_size=Size.SMALL),
                Field.text(f"value_{target.pk}", field_width=20),
            ]
        self.helper.layout = Layout(
            Field("held_on"),
            *rating_fields,
            Field.textarea("is_it_working"),
            Field.textarea("how_much_difference"),
            Field.textarea("happening_as_planned"),
            Field.textarea("child_reaction"),
            Field.textarea("child_thinks"),
            Field.radios("overall_progress"),
            Field.radios("parent_attendance"),
            Field.textarea("attendees"),
            Field.textarea("parent_views"),
            Field.textarea("pupil_views"),
            Field.radios("decision"),
            Field.textarea("decision_notes"),
        )

    def ratings(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            t.pk: {"rating": data[f"rating_{t.pk}"], "value_reached": data.get(f"value_{t.pk}", "")}
            for t in self.targets
        }

    def review_data(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.cleaned_data.items() if not k.startswith(("rating_", "value_"))
        }


AMENDABLE_TEXT = [
    ("review:parent_views", "Review: the parents' views"),
    ("review:pupil_views", "Review: the pupil's views"),
    ("review:decision_notes", "Review: actions and support agreed"),
    ("review:attendees", "Review: who else took part"),
    ("review:is_it_working", "Review: is the support working?"),
    ("review:how_much_difference", "Review: how much difference?"),
    ("plan:outcomes", "Plan: outcomes"),
    ("plan:adjustments", "Plan: adjustments"),
    ("plan:provision", "Plan: provision"),
    ("plan:parent_comments", "Plan: what the parents said"),
]


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(label="What needs correcting?", choices=AMENDABLE_TEXT)
    value = forms.CharField(label="The corrected text", widget=_textarea(4), max_length=6000)
    reason = forms.CharField(
        label="Why it is being changed after the review", widget=_textarea(2), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Document", help_text="PDF, image, Word, Excel or PowerPoint, up to 10 MB."
    )
    description = forms.CharField(label="What is it? (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class PassportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    about_me = forms.CharField(
        label="About me", required=False, widget=_textarea(3), max_length=3000
    )
    strengths = forms.CharField(
        label="What I am good at", required=False, widget=_textarea(3), max_length=3000
    )
    what_helps = forms.CharField(
        label="What helps me", required=False, widget=_textarea(3), max_length=3000
    )
    what_does_not_help = forms.CharField(
        label="What does not help me", required=False, widget=_textarea(3), max_length=3000
    )
    key_adjustments = forms.CharField(
        label="Key adjustments", required=False, widget=_textarea(3), max_length=3000
    )
    written_with_pupil = forms.BooleanField(label="Written with the pupil", required=False)
    written_with_parent = forms.BooleanField(label="Written with the parents", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class ParentViewsForm(forms.Form):
    """A parent's views before a review, in their own words."""

    views = forms.CharField(
        label="How do you think things are going?",
        widget=_textarea(5),
        max_length=6000,
        help_text="What has changed at home, what is working, what worries you.",
    )
    strengths = forms.CharField(
        label="What is your child good at or enjoying?",
        required=False,
        widget=_textarea(3),
        max_length=4000,
    )
    barriers = forms.CharField(
        label="What gets in the way?", required=False, widget=_textarea(3), max_length=4000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
