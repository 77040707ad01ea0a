from collections.abc import Callable, Mapping
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.db import models
from django.utils import timezone

from pupils import census
from pupils.forms import RegisterChangeForm
from support import rules
from support.models import (
    AREA_CHOICES,
    PASSPORT_FIELDS,
    PLAN_FIELDS,
    REVIEW_FIELDS,
    ConcernOutcome,
    ConcernSource,
    NoteKind,
    OtherFactor,
    Passport,
    Plan,
    Review,
    Specialist,
    Target,
    ViewSource,
)
from support.services import AMENDABLE, NeedsOnRemoval, ReviewInput, review_input
from ui.forms import GovDateField, NamedQuestions, escaped_label, gds_helper


def _today_default(form: forms.BaseForm, *names: str) -> None:
    if not form.is_bound:
        for name in names:
            form.initial.setdefault(name, timezone.localdate())


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _entered(
    max_length: dict[str, int], rows: dict[str, int] | None = None
) -> Callable[..., forms.Field | None]:
    """How the plan, review and passport forms draw their model's fields (their formfield_callback):
    choices as radios, text as a text area of `rows` (3) holding at most `max_length` characters,
    the rest as the model says. Dates are declared on the forms (GOV.UK date inputs)."""

    def formfield(field: "models.Field[Any, Any]", **kwargs: Any) -> forms.Field | None:
        if field.choices:
            return field.formfield(choices=field.choices, widget=forms.RadioSelect, **kwargs)
        if isinstance(field, models.TextField):
            widget = _textarea((rows or {}).get(field.name, 3))
            return field.formfield(max_length=max_length[field.name], widget=widget, **kwargs)
        return field.formfield(**kwargs)

    return formfield


class _EnteredForm(NamedQuestions, forms.ModelForm):  # type: ignore[type-arg]
    """A plan, review or passport form: its fields are the model's entered fields (support/models.py);
    the services check the rules that span fields, so the form leaves the model's constraints to
    them and their errors land on the fields they name."""

    def validate_constraints(self) -> None:
        pass


class ConcernForm(NamedQuestions, forms.Form):
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


class ConcernDecisionForm(NamedQuestions, forms.Form):
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


class CycleOpenForm(NamedQuestions, forms.Form):
    opened_on = GovDateField(label="Start date of the cycle")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "opened_on")
        self.helper = gds_helper()


class AssessmentViewForm(NamedQuestions, forms.Form):
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


class PlanForm(_EnteredForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    plan_date = GovDateField(label="Date of the plan")
    review_date = GovDateField(
        label="Review date", required=False, help_text="Leave blank for the end of the term."
    )
    parents_agreed_on = GovDateField(
        label="Date the parents agreed the plan (if they have)", required=False
    )
    field_order = ["version", *PLAN_FIELDS]

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        formfield_callback = _entered(
            {
                "outcomes": 6000,
                "adjustments": 6000,
                "provision": 6000,
                "pupil_strategies": 4000,
                "parent_comments": 4000,
            },
            rows={"outcomes": 4, "parent_comments": 2},
        )
        labels = {
            "provision": "Provision planned (interventions and support)",
            "parent_comments": "What the parents said",
            "pupil_agreed": "The pupil took part in the plan and agrees with it",
        }
        help_texts = {
            "outcomes": "What the child, the parents and the school want to change, in everyday "
            "words.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "plan_date")
        self.helper = gds_helper()


class TargetForm(NamedQuestions, forms.Form):
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


class DoNoteForm(NamedQuestions, forms.Form):
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


class ReviewForm(_EnteredForm):
    """The review meeting, with a rating and the value reached for each target of the plan."""

    held_on = GovDateField(label="Date of the review meeting")
    next_review_date = GovDateField(
        label="Next review date agreed with the family",
        required=False,
        help_text="The next cycle is reviewed on this date, and the review record tells the "
        "parents it. Leave blank for the end of the term at least half a term away.",
    )

    class Meta:
        model = Review
        fields = REVIEW_FIELDS
        formfield_callback = _entered(
            dict.fromkeys(REVIEW_FIELDS, 4000) | {"attendees": 2000}, rows={"attendees": 2}
        )
        labels = {
            "parent_attendance": "How did the parents take part?",
            "parent_views": "The parents' views",
            "pupil_views": "The pupil's views",
        }

    def __init__(
        self,
        *args: Any,
        targets: list[Target],
        evidence: Mapping[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "held_on")
        self.targets = targets
        # Markup rendered by a page above support (records/ composes the provision evidence);
        # keyed by the target's id as a string for the template variable below.
        self.evidence = {str(pk): html for pk, html in (evidence or {}).items()}
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
            self.fields[f"outcome_{target.pk}"] = forms.ChoiceField(
                label=f"Was target {target.position} achieved?",
                choices=list(rules.OUTCOMES.items()),
                widget=forms.RadioSelect,
                help_text="Apart from the progress rating: on track is not achieved. "
                "‘Not yet due’ when the target's date is after this review.",
                error_messages={
                    "required": f"Select whether target {target.position} was achieved"
                },
            )
        self.helper = gds_helper()
        rating_fields: list[Any] = []
        for target in targets:
            if str(target.pk) in self.evidence:
                # A variable, not the markup itself, so nothing in it is read as a template.
                rating_fields.append(HTML("{{ form.evidence." + str(target.pk) + " }}"))
            rating_fields += [
                Field.radios(f"rating_{target.pk}", legend_size=Size.SMALL),
                Field.text(f"value_{target.pk}", field_width=20),
                Field.radios(f"outcome_{target.pk}", legend_size=Size.SMALL),
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
            Field("next_review_date"),
        )

    def ratings(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            t.pk: {
                "rating": data[f"rating_{t.pk}"],
                "value_reached": data.get(f"value_{t.pk}", ""),
                "outcome": data[f"outcome_{t.pk}"],
            }
            for t in self.targets
        }

    def review_data(self) -> ReviewInput:
        return review_input(self.cleaned_data)


def _amendable_text() -> list[tuple[str, str]]:
    """The free-text fields of a reviewed cycle that an amendment may correct: those of the
    services' AMENDABLE fields that are text in the model, labelled as on the plan and review
    forms ("review:parent_views", "Review: the parents' views")."""
    choices = []
    for what, form, model in (("review", ReviewForm, Review), ("plan", PlanForm, Plan)):
        for name in AMENDABLE[what]:
            if isinstance(model._meta.get_field(name), models.TextField):
                label = str(form.base_fields[name].label)
                choices.append((f"{what}:{name}", f"{what.title()}: {label[0].lower()}{label[1:]}"))
    return choices


AMENDABLE_TEXT = _amendable_text()


class AmendmentForm(NamedQuestions, forms.Form):
    field = forms.ChoiceField(label="What needs correcting?", choices=AMENDABLE_TEXT)
    value = forms.CharField(label="The corrected text", widget=_textarea(4), max_length=6000)
    reason = forms.CharField(
        label="Why it is being changed after the review", widget=_textarea(2), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class AttachmentForm(NamedQuestions, forms.Form):
    file = forms.FileField(
        label="Document", help_text="PDF, image, Word, Excel or PowerPoint, up to 10 MB."
    )
    description = forms.CharField(label="What is it? (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class PassportForm(_EnteredForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    field_order = ["version", *PASSPORT_FIELDS]

    class Meta:
        model = Passport
        fields = PASSPORT_FIELDS
        formfield_callback = _entered(dict.fromkeys(PASSPORT_FIELDS, 3000))
        labels = {
            "written_with_pupil": "Written with the pupil",
            "written_with_parent": "Written with the parents",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


class ParentViewsForm(NamedQuestions, forms.Form):
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


class RegisterDecisionForm(RegisterChangeForm):
    """The register decision, with what a removal (N) means for the graduated approach: the
    closing note for the open cycle (given to the parents) and what happens to the needs."""

    closing_note = forms.CharField(
        label="Closing note for the open cycle",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only for a removal. What was done, what changed, and why SEN support ends. "
        "The cycle closes with this note and the parents are given it.",
        max_length=4000,
    )
    needs = forms.ChoiceField(
        label="What happens to the recorded needs?",
        required=False,
        choices=NeedsOnRemoval.CHOICES,
        initial=NeedsOnRemoval.END,
        widget=forms.RadioSelect,
        help_text="Only for a removal.",
    )

    def __init__(
        self,
        *args: Any,
        current: str,
        needs_primary: bool,
        open_cycle: bool,
        open_needs: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, current=current, needs_primary=needs_primary, **kwargs)
        self.open_cycle = open_cycle
        layout = list(self.helper.layout.fields)
        if current in census.ON_REGISTER and open_cycle:
            layout.append(Field.textarea("closing_note"))
        else:
            del self.fields["closing_note"]
        if current in census.ON_REGISTER and open_needs:
            layout.append(Field.radios("needs", legend_size=Size.SMALL))
        else:
            del self.fields["needs"]
        self.helper.layout = Layout(*layout)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        removing = data.get("provision") == census.SENProvision.NO_SEN.value
        if removing and "closing_note" in self.fields and not data.get("closing_note", "").strip():
            self.add_error(
                "closing_note",
                "Write the closing note for the open cycle: the parents are given it.",
            )
        if removing and "needs" in self.fields and not data.get("needs"):
            self.add_error("needs", "Say what happens to the pupil's recorded needs.")
        return data


class _TargetChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(escaped_label("Cycle {}: {}", obj.plan.cycle.number, obj.description[:120]))


class SpecialistInvolvementForm(NamedQuestions, forms.Form):
    """A specialist's involvement: who, when asked and seen, the advice and its document, and
    the plan targets that take up their recommendations."""

    specialist = forms.ChoiceField(label="Who is involved?", choices=Specialist.choices)
    name = forms.CharField(label="Name or service (optional)", required=False, max_length=120)
    asked_on = GovDateField(label="Date the school asked for their involvement")
    seen_on = GovDateField(label="Date they saw the pupil (optional)", required=False)
    advice_received_on = GovDateField(
        label="Date their advice was received (optional)", required=False
    )
    advice = forms.FileField(
        label="Their advice or report (optional)",
        required=False,
        help_text="PDF, image, Word, Excel or PowerPoint, up to 10 MB.",
    )
    recommendations = forms.CharField(
        label="Their recommendations", required=False, widget=_textarea(4), max_length=6000
    )
    targets = _TargetChoices(
        label="Plan targets that take up the recommendations (optional)",
        queryset=Target.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_default(self, "asked_on")
        if targets is not None:
            self.fields["targets"].queryset = targets  # type: ignore[attr-defined]
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.select("specialist"),
            Field.text("name", field_width=20),
            Field("asked_on"),
            Field("seen_on"),
            Field("advice_received_on"),
            Field("advice"),
            Field.textarea("recommendations"),
            Field.checkboxes("targets"),
        )
