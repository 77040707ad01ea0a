"""The child's words kept as they said them, and shown in the plan and the review (issue 17):
the pupil voice given with an adult in the family area reaches the SENCo's review form, the
review record (page and PDF) and the plan's PDF, word for word."""

import pytest
from django.urls import reverse
from django.utils import timezone

from family import services as family_services
from sendpath.testing import review_data
from support import services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Said by a child: odd spelling, capitals and punctuation that no one may tidy.
GOING_WELL = "i LOVE the reading club, its grate!!"
HARD = "wen its noisy at dinner\nand the hall echoes"
TARGET = "read my tricky werds"


@pytest.fixture
def voiced(world, amy_plan):
    """Amy's open cycle with a plan and a target, and her voice recorded from the family area."""
    cycle = amy_plan(review_in=5, opened_ago=30)
    target = cycle.plan.targets.get()
    family_services.pupil_voice_record(
        cycle=cycle,
        data={"feeling": 2, "going_well": f"  {GOING_WELL} ", "hard": HARD},
        target_words={target.pk: TARGET},
        by=world.users["parent"],
    )
    return cycle, target


def test_the_voice_is_kept_exactly_as_said(voiced):
    cycle, target = voiced
    voice = cycle.pupil_voices.get()
    assert voice.going_well == GOING_WELL  # only the spaces around it trimmed
    assert voice.hard == HARD
    assert target.pupil_words.words == TARGET


def test_the_review_form_shows_the_childs_words_verbatim(voiced, signed_in):
    cycle, _ = voiced
    html = signed_in("senco").get(reverse("review", args=[cycle.pk])).content.decode()
    assert 'id="pupil-voice"' in html
    assert "In Amy's own words" in html
    assert "“i LOVE the reading club, its grate!!”" in html
    assert "“wen its noisy at dinner<br>and the hall echoes”" in html
    assert "Sad" in html
    assert 'Target 1: <span class="sp-own-words">“read my tricky werds”</span>' in html
    # The words come before the form, so the SENCo reads them while writing the review.
    assert html.index('id="pupil-voice"') < html.index('name="pupil_views"')


def test_the_review_form_without_a_voice_says_nothing_of_one(amy_plan, signed_in):
    cycle = amy_plan(review_in=60, opened_ago=9)
    html = signed_in("senco").get(reverse("review", args=[cycle.pk])).content.decode()
    assert 'id="pupil-voice"' not in html


def test_the_plan_pdf_has_the_target_in_the_childs_words(voiced, signed_in, pdf_text):
    cycle, _ = voiced
    for persona, name in (("senco", "cycle_plan_pdf"), ("parent", "family_cycle_plan_pdf")):
        response = signed_in(persona).get(reverse(name, args=[cycle.pk]))
        assert response.status_code == 200, persona
        text = pdf_text(response.content)
        assert "In your child's words:" in text and f"“{TARGET}”" in text, persona


def test_the_review_record_keeps_the_childs_words(world, voiced, signed_in, pdf_text):
    cycle, target = voiced
    services.review_complete(
        cycle=cycle,
        data=review_data(held_on=TODAY),
        ratings={target.pk: {"rating": 1, "value_reached": "18", "outcome": "partly_achieved"}},
        by=world.users["senco"],
    )
    page = signed_in("parent").get(reverse("family_review", args=[world.amy.pk, cycle.pk]))
    assert f"“{GOING_WELL}”" in page.content.decode()
    response = signed_in("parent").get(reverse("family_cycle_review_pdf", args=[cycle.pk]))
    text = pdf_text(response.content)
    assert f"“{GOING_WELL}”" in text
    assert "“wen its noisy at dinner and the hall echoes”" in text  # lines joined by pdf_text
    # The target not yet met is carried into the next plan, still in the child's words.
    next_cycle = world.amy.cycles.get(closed_on__isnull=True)
    assert next_cycle.plan.targets.get().carried_from == target
    for name in ("family_my_targets", "family_pupil"):
        html = signed_in("parent").get(reverse(name, args=[world.amy.pk])).content.decode()
        assert f"“{TARGET}”" in html, name
