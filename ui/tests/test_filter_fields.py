"""{% filter_fields form %} (sendpath/templatetags/filter_fields.py) writes a filter form's fields
in Python: for every filter form, empty, filled in and with errors, it must give the markup
{% crispy form %} gives (compared as HTML: whitespace and attribute order aside), and refuse a
form it would draw differently."""

import pytest
from django import forms
from django.template import engines
from django.test.html import parse_html

from provision.report_views import MapFilterForm, PeriodForm
from pupils.forms import RegisterFilterForm
from pupils.models import TeachingGroup
from ui.forms import Select, gds_helper

pytestmark = pytest.mark.django_db

DJANGO = engines["django"]
CRISPY = DJANGO.from_string("{% load crispy_forms_tags %}{% crispy form %}")
WRITTEN = DJANGO.from_string("{% load filter_fields %}{% filter_fields form %}")


def _same_as_crispy(make_form) -> str:  # type: ignore[no-untyped-def]
    # Two instances: crispy changes a widget's attributes as it draws it.
    crispy = CRISPY.render({"form": make_form()})
    written = WRITTEN.render({"form": make_form()})
    assert parse_html(written) == parse_html(crispy), f"\n{written}\n!=\n{crispy}"
    return written


class WithHint(forms.Form):
    """Every kind of field the tag draws, with a hint: none of the real filter forms has one."""

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


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": 'Smi"th <b>', "provision": "all", "need": "SPLD", "area": "CL", "year": "5"},
        {"q": "x" * 61, "provision": "nonsense", "year": "Y5", "group": "999999"},
    ],
    ids=["empty", "filled-in", "errors"],
)
def test_register_filters_are_drawn_as_crispy_draws_them(world, data):
    groups = TeachingGroup.objects.order_by("name")
    assert groups.exists()
    html = _same_as_crispy(lambda: RegisterFilterForm(data, groups=groups))
    if data and "nonsense" in data["provision"]:
        assert "govuk-form-group--error" in html and "id_provision_1_error" in html


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"year": "2025", "term": "spring", "wave": "targeted", "nc_year": "5", "provision": "3"},
        {"year": "1999", "term": "winter", "wave": "bogus", "area": "<script>", "provision": "x"},
    ],
    ids=["empty", "filled-in", "errors"],
)
def test_report_filters_are_drawn_as_crispy_draws_them(data):
    years = [2026, 2025, 2024]
    _same_as_crispy(lambda: MapFilterForm(data, years=years))
    _same_as_crispy(lambda: PeriodForm(data, years=years))
    _same_as_crispy(lambda: PeriodForm(data, years=years, terms=False))


@pytest.mark.parametrize("data", [None, {"q": "toolong", "kind": "zzz"}, {"q": "ok", "kind": "a"}])
def test_hints_and_errors_are_described_as_crispy_describes_them(data):
    html = _same_as_crispy(lambda: WithHint(data))
    assert 'aria-describedby="id_q_hint' in html
    assert "Name <b>or</b> UPN" in html  # the label is the form's own markup, as in crispy


def test_a_form_it_would_draw_differently_is_refused():
    class Ticks(forms.Form):
        days = forms.MultipleChoiceField(
            choices=[("1", "Mon")], widget=forms.CheckboxSelectMultiple
        )

    with pytest.raises(ValueError, match="CheckboxSelectMultiple"):
        WRITTEN.render({"form": Ticks()})

    laid_out = WithHint()
    from crispy_forms_gds.layout import Field, Layout

    laid_out.helper.layout = Layout(Field.text("q"))
    with pytest.raises(ValueError, match="layout"):
        WRITTEN.render({"form": laid_out})
