"""Issue 13, rough edge: a review decision put mid-sentence keeps EHC in capitals ("request an
EHC needs assessment", where `|lower` gave "request an ehc needs assessment")."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pupils.templatetags.sen import in_sentence
from support import services
from support.models import Review

pytestmark = pytest.mark.django_db


def test_in_sentence_lowers_the_first_letter_and_keeps_acronyms():
    assert in_sentence("Request an EHC needs assessment") == "request an EHC needs assessment"
    assert in_sentence("Involve a specialist") == "involve a specialist"
    assert in_sentence("SEN support") == "SEN support"
    assert in_sentence("") == ""


def test_the_pupil_record_writes_the_ehc_request_decision_with_ehc_in_capitals(world):
    today = timezone.localdate()
    cycle = services.cycle_open(
        pupil=world.amy, opened_on=today - timedelta(days=40), by=world.users["senco"]
    )
    Review.objects.create(
        cycle=cycle,
        held_on=today - timedelta(days=1),
        is_it_working="Not enough",
        how_much_difference="Little",
        happening_as_planned="Yes",
        child_reaction="Tired",
        child_thinks="Hard",
        overall_progress="less",
        decision="ehc_request",
    )
    cycle.closed_on = today - timedelta(days=1)
    cycle.save(update_fields=["closed_on"])
    client = Client()
    client.force_login(world.users["senco"])
    page = client.get(reverse("pupil_detail", args=[world.amy.pk])).content.decode()
    assert "request an EHC needs assessment" in page
    assert "ehc needs" not in page
