"""{% crispy_blank form %} (sendpath/templatetags/blank_forms.py) keeps the markup of an empty form
whose class says it never changes: it must be exactly what {% crispy %} draws, kept per class and
initial values, and never kept for a bound form (the user's input and errors) or a form that
does not say so."""

from datetime import date

import pytest
from django import forms
from django.middleware.csrf import get_token
from django.template import engines
from django.test import RequestFactory

from support.forms import DoNoteForm, TargetForm
from ui.forms import gds_helper
from ui.templatetags import blank_forms

pytestmark = pytest.mark.django_db

DJANGO = engines["django"]
CRISPY = DJANGO.from_string("{% load crispy_forms_tags %}{% crispy form %}")
BLANK = DJANGO.from_string("{% load blank_forms %}{% crispy_blank form %}")


class ChoicesFromSomewhere(forms.Form):
    """A form whose choices could come from the database: not marked, so never kept."""

    who = forms.ChoiceField(choices=[])

    def __init__(self, *args: object, names: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["who"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]
        self.helper = gds_helper()


@pytest.fixture(autouse=True)
def empty_store():
    blank_forms.forget_kept_forms()
    yield
    blank_forms.forget_kept_forms()


@pytest.mark.parametrize("form_class", [TargetForm, DoNoteForm])
def test_an_empty_marked_form_is_drawn_as_crispy_draws_it_and_kept(form_class):
    expected = CRISPY.render({"form": form_class()})
    assert BLANK.render({"form": form_class()}) == expected
    assert len(blank_forms._KEPT) == 1
    assert BLANK.render({"form": form_class()}) == expected
    assert len(blank_forms._KEPT) == 1


def test_different_initial_values_are_kept_apart():
    today = BLANK.render({"form": DoNoteForm(initial={"on": date(2026, 11, 23)})})
    tomorrow = BLANK.render({"form": DoNoteForm(initial={"on": date(2026, 11, 24)})})
    assert today != tomorrow and 'value="24"' in tomorrow
    assert tomorrow == CRISPY.render({"form": DoNoteForm(initial={"on": date(2026, 11, 24)})})
    assert len(blank_forms._KEPT) == 2


def test_a_bound_form_shows_the_input_and_errors_and_is_not_kept():
    BLANK.render({"form": TargetForm()})

    def bound() -> TargetForm:
        # A fresh form each time: crispy-forms-gds adds its error class to the widgets' own
        # attributes as it draws them, so one form drawn twice differs the second time.
        form = TargetForm({"description": "Read <b>30</b> words", "baseline": ""})
        form.is_valid()
        return form

    html = BLANK.render({"form": bound()})
    assert html == CRISPY.render({"form": bound()})
    assert "Read &lt;b&gt;30&lt;/b&gt; words" in html and "govuk-error-message" in html
    assert len(blank_forms._KEPT) == 1  # only the empty one


def test_a_form_that_does_not_say_its_markup_is_constant_is_never_kept():
    first = BLANK.render({"form": ChoicesFromSomewhere(names=["Ann"])})
    second = BLANK.render({"form": ChoicesFromSomewhere(names=["Bea"])})
    assert "Ann" in first and "Bea" in second and "Ann" not in second
    assert blank_forms._KEPT == {}


class MarkedButKeepsCrispysToken(forms.Form):
    """Marked as constant, but its helper lets crispy write a CSRF token into the form."""

    blank_markup_is_constant = True
    name = forms.CharField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = gds_helper()  # a POST form, disable_csrf left off


@pytest.mark.parametrize("form_class", [TargetForm, DoNoteForm, MarkedButKeepsCrispysToken])
def test_nothing_of_one_request_is_kept_and_shown_to_another(form_class):
    """A kept form must hold no CSRF token (a token kept from one user's page and shown to the
    next would fail their POST, and is theirs alone)."""
    first, second = RequestFactory().get("/"), RequestFactory().get("/")
    tokens = [get_token(first), get_token(second)]
    pages = [BLANK.render({"form": form_class()}, request=r) for r in (first, second)]
    for html in pages:
        assert "csrfmiddlewaretoken" not in html
        assert not any(token in html for token in tokens)
    assert pages[0] == pages[1]
    if form_class is not MarkedButKeepsCrispysToken:
        # The cycle page's forms leave the token to the page's own <form>: what is kept is
        # exactly what {% crispy %} draws for them on a request.
        assert pages[0] == CRISPY.render({"form": form_class()}, request=first)
