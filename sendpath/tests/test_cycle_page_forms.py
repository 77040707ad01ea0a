"""The cycle page's forms (add a target, add a note) are drawn by {% crispy %} on every request,
and leave the CSRF token to the page's own <form>: each page carries its own request's token once,
and a bound form shows the user's input, escaped, with its errors."""

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from support import services
from support.forms import DoNoteForm, TargetForm

pytestmark = pytest.mark.django_db

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")


def test_a_bound_form_shows_the_input_and_errors():
    form = TargetForm({"description": "Read <b>30</b> words", "baseline": ""})
    form.is_valid()
    html = CRISPY.render({"form": form}, request=RequestFactory().get("/"))
    assert "Read &lt;b&gt;30&lt;/b&gt; words" in html and "govuk-error-message" in html


@pytest.mark.parametrize("form_class", [TargetForm, DoNoteForm])
def test_the_forms_write_no_csrf_token_of_their_own(form_class):
    html = CRISPY.render({"form": form_class()}, request=RequestFactory().get("/"))
    assert "csrfmiddlewaretoken" not in html


def test_each_cycle_page_holds_its_own_requests_token_once_per_form(world):
    cycle = services.cycle_open(
        pupil=world.amy, opened_on=timezone.localdate(), by=world.users["senco"]
    )
    tokens = []
    for _ in range(2):
        client = Client()
        client.force_login(world.users["senco"])
        html = client.get(reverse("cycle_detail", args=[cycle.pk])).content.decode()
        assert "Add a note of support given" in html
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found and len(found) == html.count('<form method="post"')
        tokens.append(set(found))
    assert tokens[0].isdisjoint(tokens[1])
