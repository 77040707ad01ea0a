"""The SENCo's and the LA officer's forms: a request, an exception, an annual review."""

from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.utils import timezone

from statutory import clocks, evidence, sen2
from statutory.models import INVITEES
from ui.forms import GovDateField, NamedQuestions, gds_helper


class EHCRequestForm(NamedQuestions, forms.Form):
    source = forms.ChoiceField(
        label="Who asked for the assessment",
        choices=sen2.REQUEST_SOURCE,
        widget=forms.RadioSelect,
        help_text="The school can make the request, or record one the parents made.",
    )
    received_date = GovDateField(label="Date the local authority received the request")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_date", timezone.localdate())
        self.helper = gds_helper()
        self.helper.layout = Layout(Field.radios("source"), Field("received_date"))


class DecisionForm(NamedQuestions, forms.Form):
    decision = forms.ChoiceField(
        label="The LA's decision whether to assess", choices=sen2.REQUEST_OUTCOME,
        widget=forms.RadioSelect,
    )  # fmt: skip
    decision_date = GovDateField(label="Date of the decision", required=False)
    assessment_outcome = forms.ChoiceField(
        label="Outcome of the assessment", choices=sen2.ASSESSMENT_OUTCOME,
        widget=forms.RadioSelect,
    )  # fmt: skip
    assessment_outcome_date = GovDateField(label="Date of the outcome", required=False)
    draft_plan_date = GovDateField(label="Date the draft plan was sent", required=False)
    request_mediation = forms.BooleanField(label="Mediation on the decision", required=False)
    request_tribunal = forms.BooleanField(label="Tribunal appeal on the decision", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.radios("decision"),
            Field("decision_date"),
            Field.radios("assessment_outcome"),
            Field("assessment_outcome_date"),
            Field("draft_plan_date"),
            Field.checkbox("request_mediation"),
            Field.checkbox("request_tribunal"),
        )


class RegExceptionForm(NamedQuestions, forms.Form):
    kind = forms.ChoiceField(
        label="Which exception applies (reg 10(4))",
        choices=[(k.value, v) for k, v in clocks.EXCEPTION_LABELS.items()],
        widget=forms.RadioSelect,
    )
    start_date = GovDateField(label="From", help_text="For a closure, the first day closed.")
    end_date = GovDateField(label="To", help_text="For a closure, the day it reopens.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(Field.radios("kind"), Field("start_date"), Field("end_date"))


class AnnualReviewForm(NamedQuestions, forms.Form):
    """What the school records of its annual review meeting."""

    meeting_date = GovDateField(label="Date of the review meeting")
    recommendation = forms.ChoiceField(
        label="What the meeting recommends to the local authority",
        choices=[("", "No recommendation yet"), *sen2.REVIEW_OUTCOME],
        widget=forms.RadioSelect,
        required=False,
    )
    report_sent_date = GovDateField(
        label="Date the school sent its report to the local authority (if sent)",
        required=False,
        help_text="Within 2 weeks of the meeting (reg 20(7)). The LA's 4 weeks to decide run "
        "from the meeting.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field("meeting_date"), Field.radios("recommendation"), Field("report_sent_date")
        )


class ReviewDecisionForm(NamedQuestions, forms.Form):
    """The LA's decision after the review, and for amend its proposed and final amended plan."""

    outcome = forms.ChoiceField(
        label="The LA's decision",
        choices=[("", "Not decided yet"), *sen2.REVIEW_OUTCOME],
        widget=forms.RadioSelect,
        required=False,
        help_text="Amend keeps the plan as it stands as a read-only version; the amendments are "
        "then entered section by section.",
    )
    decision_date = GovDateField(label="Date of the LA's decision", required=False)
    draft_date = GovDateField(label="Date the proposed amendments were sent", required=False)
    amended_plan_date = GovDateField(label="Date the final amended plan was issued", required=False)
    cease_reason = forms.ChoiceField(
        label="Why the plan ceases",
        choices=[("", "Not ceasing"), *sen2.CEASE_REASON],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.radios("outcome"),
            Field("decision_date"),
            Field("draft_date"),
            Field("amended_plan_date"),
            Field.select("cease_reason"),
        )


class InvitationForm(NamedQuestions, forms.Form):
    """Someone invited to the review meeting and asked for advice (reg 20(2)-(3))."""

    invitee = forms.ChoiceField(label="Who is invited", choices=INVITEES)
    name = forms.CharField(label="Name or service (optional)", required=False, max_length=120)
    invited_date = GovDateField(
        label="Date the invitation was sent",
        help_text="At least 2 weeks before the meeting (reg 20(3)).",
    )
    advice_requested = forms.BooleanField(
        label="Advice and information asked for", required=False, initial=True
    )
    advice_received_date = GovDateField(label="Date the advice was received", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.select("invitee"),
            Field.text("name"),
            Field("invited_date"),
            Field.checkbox("advice_requested"),
            Field("advice_received_date"),
        )


class EvidencePackForm(NamedQuestions, forms.Form):
    sections = forms.MultipleChoiceField(
        label="What goes in the pack",
        choices=list(evidence.SECTIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Everything is ticked: untick what should not go to the local authority.",
        error_messages={"required": "Choose at least one section to go in the pack."},
    )
    why_left_out = forms.CharField(
        label="Why anything is left out (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Said in the pack beside each section or document left out, unless a reason "
        "is given for it below.",
    )
    attachments = forms.TypedMultipleChoiceField(
        label="Attached documents that go in the zip",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action = forms.ChoiceField(
        label="What to do with the pack",
        choices=[
            ("pdf", "Download the PDF"),
            ("zip", "Download the attached documents as a zip"),
            ("send", "Send the PDF and the zip to the local authority with the request"),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="pdf",
    )

    def __init__(self, *args: Any, attachments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("sections", list(evidence.SECTIONS))
        self.initial.setdefault("action", "pdf")
        docs = list(attachments)
        self.fields["attachments"].choices = [  # type: ignore[attr-defined]
            (a.pk, f"{a.original_name}{f' – {a.description}' if a.description else ''} "
                   f"({a.uploaded_at:%d/%m/%Y})")
            for a in docs
        ]  # fmt: skip
        self.initial.setdefault("attachments", [a.pk for a in docs])
        reasons = []
        for key, label in evidence.SECTIONS.items():
            self.fields[f"why_{key}"] = forms.CharField(
                label=f"If “{label}” is left out, why (optional)",
                required=False,
                max_length=300,
            )
            reasons.append(Field.text(f"why_{key}"))
        layout = [Field.checkboxes("sections"), *reasons, Field.textarea("why_left_out")]
        if docs:
            layout.append(Field.checkboxes("attachments"))
        else:
            del self.fields["attachments"]
        layout.append(Field.radios("action"))
        self.helper = gds_helper()
        self.helper.layout = Layout(*layout)

    def reasons(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"why_{key}", "") for key in evidence.SECTIONS}

    def attachment_ids(self) -> set[int] | None:
        if "attachments" not in self.fields:
            return None
        return set(self.cleaned_data.get("attachments") or [])


class PlanDocumentForm(forms.Form):
    file = forms.FileField(
        label="The plan's PDF", help_text="The final plan as the local authority issued it."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class EHCPlanForm(NamedQuestions, forms.Form):
    """A plan the LA issued, entered from its PDF section by section (reg 12)."""

    issue_date = GovDateField(label="Date the final plan was issued")
    a_views = forms.CharField(
        label="A: the views, interests and aspirations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    b_needs = forms.CharField(
        label="B: special educational needs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    c_health = forms.CharField(
        label="C: health needs related to the SEN",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    d_social_care = forms.CharField(
        label="D: social care needs related to the SEN",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcomes = forms.CharField(
        label="E: outcomes",
        help_text="One outcome a line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    provision_items = forms.CharField(
        label="F: special educational provision",
        help_text="One item of provision a line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    g_health_provision = forms.CharField(
        label="G: health provision", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    h1_social_care = forms.CharField(
        label="H1: social care provision under section 2 of the CSDPA 1970",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    h2_social_care = forms.CharField(
        label="H2: other social care provision",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    i_placement = forms.CharField(
        label="I: the school or other institution named", required=False, max_length=200
    )
    i_urn = forms.RegexField(
        label="URN of the placement (if it has one)",
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": "A URN is 6 digits."},
    )
    i_setting = forms.ChoiceField(
        label="Setting without a URN",
        choices=[("", "Not needed: the placement has a URN"), *sen2.SEN_SETTING],
        required=False,
    )
    j_personal_budget = forms.CharField(
        label="J: personal budget", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    j_direct_payments = forms.ChoiceField(
        label="Direct payments", choices=[("", "None"), *sen2.DIRECT_PAYMENTS], required=False
    )
    k_advice = forms.CharField(
        label="K: advice and information gathered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = forms.FileField(
        label="The plan's PDF (optional)",
        required=False,
        help_text="Kept with the case beside the sections entered from it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field("issue_date"),
            *(
                Field.textarea(n)
                for n in (
                    "a_views",
                    "b_needs",
                    "c_health",
                    "d_social_care",
                    "outcomes",
                    "provision_items",
                    "g_health_provision",
                    "h1_social_care",
                    "h2_social_care",
                )
            ),
            Field.text("i_placement"),
            Field.text("i_urn"),
            Field.select("i_setting"),
            Field.textarea("j_personal_budget"),
            Field.select("j_direct_payments"),
            Field.textarea("k_advice"),
            Field("document"),
        )

    @classmethod
    def for_sections(cls, plan: Any, data: Any = None) -> "EHCPlanForm":
        """The current version's sections of `plan`, to change (the issue date only while it is
        the first version)."""
        initial = {f: getattr(plan, f) for f in cls.base_fields if hasattr(plan, f)}
        initial["outcomes"] = "\n".join(o.description for o in plan.outcomes.all())
        initial["provision_items"] = "\n".join(p.description for p in plan.provision_items.all())
        form = cls(data, initial=initial)
        del form.fields["document"]  # the plan page keeps further PDFs (plan_document)
        form.helper.layout.fields.pop()
        if plan.amendment:
            del form.fields["issue_date"]
            form.helper.layout.fields.pop(0)
        return form

    def service_input(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["outcomes"] = _lines(data["outcomes"])
        data["provision_items"] = _lines(data["provision_items"])
        if data.pop("document", None) is not None:
            data["document"] = self.cleaned_data["document"]
        return data


class PhaseTransferForm(NamedQuestions, forms.Form):
    kind = forms.ChoiceField(
        label="The move between phases",
        choices=[(k.value, v) for k, v in clocks.TRANSFER_LABELS.items()],
        widget=forms.RadioSelect,
    )
    transfer_date = GovDateField(label="Date of the move", help_text="Usually 1 September.")
    named_setting = forms.CharField(
        label="The new setting named in the plan", required=False, max_length=200
    )
    final_date = GovDateField(label="Date the amended plan was final (if it is)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(
            Field.radios("kind"),
            Field("transfer_date"),
            Field.text("named_setting"),
            Field("final_date"),
        )


class PlanLinksForm(NamedQuestions, forms.Form):
    """Section E outcomes to the school's plan targets; section F items to provision records."""

    def __init__(
        self, plan: Any, targets: list[Any], provisions: list[Any], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        target_choices = [
            (t.pk, f"Cycle {t.plan.cycle.number} ({t.plan.plan_date:%d/%m/%Y}): {t.description}")
            for t in targets
        ]
        provision_choices = [
            (p.pk, f"{p.name} ({p.intervention.name}), {p.start_date:%d/%m/%Y} to "
                   f"{p.end_date:%d/%m/%Y}")
            for p in provisions
        ]  # fmt: skip
        fields = []
        for outcome in plan.outcomes.all():
            name = f"outcome_{outcome.pk}"
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=f"E{outcome.position}: {outcome.description}",
                choices=target_choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="The plan targets that work towards this outcome.",
            )
            self.initial[name] = [t.pk for t in outcome.targets.all()]
            fields.append(Field.checkboxes(name, legend_size="s"))
        for item in plan.provision_items.all():
            name = f"item_{item.pk}"
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=f"F{item.position}: {item.description}",
                choices=provision_choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="The provision that delivers it.",
            )
            self.initial[name] = [p.pk for p in item.provisions.all()]
            fields.append(Field.checkboxes(name, legend_size="s"))
        self.helper = gds_helper()
        self.helper.layout = Layout(*fields)

    def service_input(self) -> dict[str, dict[int, list[int]]]:
        data: dict[str, dict[int, list[int]]] = {"outcome_targets": {}, "item_provisions": {}}
        for name, value in self.cleaned_data.items():
            prefix, pk = name.split("_")
            key = "outcome_targets" if prefix == "outcome" else "item_provisions"
            data[key][int(pk)] = list(value)
        return data


class CaseworkerForm(forms.Form):
    caseworker = forms.TypedChoiceField(
        label="Whose caseload is it in",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="An officer narrowed to a caseload sees only the cases in it.",
    )

    def __init__(self, *args: Any, officers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {o.pk: o for o in officers}
        self.fields["caseworker"].choices = [  # type: ignore[attr-defined]
            ("", "No one yet"),
            *((o.pk, o.get_full_name() or o.username) for o in officers),
        ]
        self.helper = gds_helper()
        self.helper.layout = Layout(Field.radios("caseworker"))

    def chosen(self) -> Any:
        pk = self.cleaned_data.get("caseworker")
        return self.officers.get(pk) if pk is not None else None
