"""The register's filter selects are drawn by one template (ui.forms.Select,
sendpath/widgets/select.html), not through Django's template per option: the markup must stay byte
for byte what the stock widget and crispy-forms-gds produce — labels, ids, GOV.UK classes, the
selected option and the error state."""

import pytest
from django import forms
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.translation import gettext_lazy

from pupils.forms import RegisterFilterForm
from pupils.models import TeachingGroup
from ui.forms import Select

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "Any"),
    ("K", "SEN support (K)"),
    ("a&b", 'Tom & "Jerry" <b>'),
    (7, gettext_lazy("Lazy label")),
    ("Group", [("g1", "One"), ("g2", "Two")]),
]


@pytest.mark.parametrize("value", [None, "", "K", "a&b", "7", "g2", ["K", "g1"], "missing"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_x", "class": "govuk-select govuk-input--error", "aria-describedby": "x_1_error"},
        {"required": True, "disabled": False, "data-note": 'say "hi"'},
    ],
)
def test_select_renders_what_djangos_select_renders(value, attrs):
    stock = forms.Select(choices=CHOICES).render("x", value, attrs)
    ours = Select(choices=CHOICES).render("x", value, attrs)
    assert ours == stock


class _Multiple(Select):
    allow_multiple_selected = True


@pytest.mark.parametrize("value", [None, ["K", "g1"], "a&b"])
def test_a_multiple_select_also_renders_what_django_renders(value):
    stock = forms.SelectMultiple(choices=CHOICES).render("x", value, {"id": "id_x"})
    assert _Multiple(choices=CHOICES).render("x", value, {"id": "id_x"}) == stock


def _crispy(form: forms.Form) -> str:
    request = RequestFactory().get("/")
    template = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render({"form": form}, request)


def _stock_widgets(form: RegisterFilterForm) -> RegisterFilterForm:
    for field in form.fields.values():
        if isinstance(field.widget, Select):
            widget = forms.Select(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            field.widget = widget
    return form


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"provision": "E", "need": "ASD", "area": "CI", "year": "R", "group": "GROUP"},
        {"provision": "X", "year": "99", "group": "0"},  # not choices: the GOV.UK error state
    ],
)
def test_the_register_filter_form_keeps_the_govuk_markup(world, data):
    groups = TeachingGroup.objects.filter(school=world.oak).order_by("name")
    assert groups.exists()
    if data is not None:
        data = {k: str(groups[0].pk) if v == "GROUP" else v for k, v in data.items()}

    def render(stock: bool) -> str:
        form = RegisterFilterForm(data, groups=groups)
        form.is_valid()
        return _crispy(_stock_widgets(form) if stock else form)

    ours = render(stock=False)
    assert ours == render(stock=True)
    assert ours.count('class="govuk-select') == 6  # provision, need, area, year, told, class
    if data and data["provision"] == "E":
        assert '<option value="E" selected>EHC plan (E)</option>' in ours
        assert f'<option value="{groups[0].pk}" selected>{groups[0].name}</option>' in ours
    if data and data["provision"] == "X":
        assert ours.count("govuk-form-group--error") == 3
        assert 'class="govuk-select govuk-input--error"' in ours
        assert 'aria-describedby="id_year_1_error"' in ours


def test_the_register_page_shows_the_selected_filter_and_its_error(world):
    client = Client()
    client.force_login(world.users["senco"])
    html = client.get(reverse("register"), {"need": "ASD", "year": "99"}).content.decode()
    assert '<option value="ASD" selected>' in html
    assert (
        '<select name="year" aria-describedby="id_year_1_error"'
        ' class="govuk-select govuk-input--error" aria-invalid="true" id="id_year">'
    ) in html
    assert '<span id="id_year_1_error" class="govuk-error-message">' in html


@pytest.mark.parametrize("chosen", [None, 0, "bad"])
def test_the_class_select_offers_what_a_model_choice_field_offers(world, chosen):
    groups = TeachingGroup.objects.filter(school=world.oak).order_by("name")
    value = str(groups[0].pk) if chosen == 0 else chosen

    class Stock(forms.Form):
        group = forms.ModelChoiceField(
            label="Class", required=False, queryset=groups, empty_label="Any class"
        )

    data = None if value is None else {"group": value}
    ours, stock = RegisterFilterForm(data, groups=groups), Stock(data)
    assert ours.is_valid() == stock.is_valid()
    assert ours.errors.get("group") == stock.errors.get("group")
    assert str(ours["group"]) == str(stock["group"])
    if chosen == 0:
        assert ours.cleaned_data["group"] == groups[0]
