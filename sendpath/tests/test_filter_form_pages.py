"""The filter forms (the register's, the provision reports') are drawn by the template
sendpath/templates/includes/filter_fields.html with GOV.UK markup: each field in a form group with
its label, hint and error messages, the widget with the GOV.UK class and aria-describedby naming
the hint and the errors. Read from the pages themselves, and from the template for the cases no
real filter form has (a hint); a form the template would draw wrongly is refused."""

import pytest
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import engines
from django.test import Client
from django.urls import reverse

from provision.reports.views import MapFilterForm, PeriodForm
from pupils.models import TeachingGroup
from ui.forms import Select, gds_helper

pytestmark = pytest.mark.django_db

FIELDS = engines["django"].from_string(
    '{% include "includes/filter_fields.html" with form=form only %}'
)


def _page(world, who: str, url: str, query: dict[str, str] | None = None) -> str:
    client = Client()
    client.force_login(world.users[who])
    response = client.get(url, query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_register_filters_have_labels_fields_and_the_chosen_options(world):
    group = TeachingGroup.objects.filter(school=world.oak).order_by("name").first()
    assert group is not None
    html = _page(
        world,
        "senco",
        reverse("register"),
        {"q": 'Smi"th <b>', "need": "SPLD", "group": str(group.pk)},
    )
    for name, label in [
        ("q", "Name or UPN"),
        ("provision", "SEN provision"),
        ("need", "Need"),
        ("area", "Broad area of need"),
        ("year", "Year group"),
        ("group", "Class"),
        ("told", "Parents told"),
    ]:
        assert f'<div id="div_id_{name}" class="govuk-form-group">' in html
        assert f'<label for="id_{name}" class="govuk-label s">{label}</label>' in html
    assert html.count('class="govuk-select"') == 6 and 'class="govuk-input"' in html
    # What was typed is escaped back into the box; the chosen options stay chosen.
    assert 'value="Smi&quot;th &lt;b&gt;"' in html and "<b>" not in html.split("<form")[1][:4000]
    assert '<option value="SPLD" selected>SPLD – Specific learning difficulty</option>' in html
    assert f'<option value="{group.pk}" selected>{group.name}</option>' in html


def test_the_register_filters_show_each_error_and_describe_the_field_by_it(world):
    html = _page(
        world, "senco", reverse("register"), {"q": "x" * 61, "provision": "nonsense", "year": "Y5"}
    )
    for name in ("q", "provision", "year"):
        assert f'<div id="div_id_{name}" class="govuk-form-group govuk-form-group--error">' in html
        assert (
            f'<span id="id_{name}_1_error" class="govuk-error-message">'
            '<span class="govuk-visually-hidden">Error:</span> '
        ) in html
        assert f'aria-describedby="id_{name}_1_error"' in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert "Select a valid choice. nonsense is not one of the available choices." in html
    assert html.count("govuk-form-group--error") == 3


@pytest.mark.parametrize(
    "url", ["provision_map", "provision_impact", "provision_budget"], ids=lambda u: u
)
def test_the_report_filters_show_their_fields_and_errors(world, url):
    html = _page(world, "senco", reverse(url), {"year": "1999", "wave": "bogus"})
    assert '<label for="id_year" class="govuk-label s">School year</label>' in html
    assert '<div id="div_id_year" class="govuk-form-group govuk-form-group--error">' in html
    assert 'aria-describedby="id_year_1_error"' in html
    assert '<select name="year" aria-describedby="id_year_1_error"' in html


@pytest.mark.parametrize("form", [MapFilterForm, PeriodForm], ids=lambda f: f.__name__)
def test_every_report_filter_form_is_drawn(form):
    html = FIELDS.render({"form": form({"year": "2025"}, years=[2026, 2025, 2024])})
    assert '<option value="2025" selected>' in html
    assert html.count("govuk-form-group") == sum(not bf.is_hidden for bf in form(years=[2025]))


class WithHint(forms.Form):
    """Every kind of field the template draws, with a hint: none of the real filter forms has one."""

    q = forms.CharField(
        label="Name <b>or</b> UPN", help_text="Part of a name &amp; more", max_length=5
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Any"), ("a", "A & B")], help_text="Pick one", widget=Select
    )
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = gds_helper(method="get")


def test_hints_and_errors_are_both_named_by_aria_describedby():
    html = FIELDS.render({"form": WithHint({"q": "toolong", "kind": "zzz", "page": "2"})})
    assert '<div id="id_q_hint" class="govuk-hint">Part of a name &amp; more</div>' in html
    assert 'aria-describedby="id_q_hint id_q_1_error"' in html
    assert 'aria-describedby="id_kind_hint id_kind_1_error"' in html
    assert "Name <b>or</b> UPN" in html  # the label is the form's own markup, as in crispy
    assert '<input type="hidden" name="page" value="2" id="id_page">' in html
    assert '<option value="a">A &amp; B</option>' in html
    plain = FIELDS.render({"form": WithHint()})
    assert "govuk-error-message" not in plain and 'aria-describedby="id_q_hint"' in plain


def test_a_form_the_template_would_draw_wrongly_is_refused():
    class Ticks(forms.Form):
        days = forms.MultipleChoiceField(
            choices=[("1", "Mon")], widget=forms.CheckboxSelectMultiple
        )

    with pytest.raises(ValueError, match="CheckboxSelectMultiple"):
        FIELDS.render({"form": Ticks()})

    laid_out = WithHint()
    laid_out.helper.layout = Layout(Field.text("q"))
    with pytest.raises(ValueError, match="layout"):
        FIELDS.render({"form": laid_out})
