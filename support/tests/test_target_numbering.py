"""Issue 13: after a target is added in place the cycle summary counts it (htmx's out-of-band
swap), and after one is removed the rest are numbered 1, 2, 3 on the page, the review form and
the plan PDF alike."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from support import services
from support.models import Target
from support.tests.test_pdf import POPPLER, pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def d(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


@pytest.fixture
def cycle(world):
    senco = world.users["senco"]
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=20), by=senco)
    services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=20),
            "review_date": TODAY + timedelta(days=60),
            "outcomes": "Amy reads for pleasure",
        },
    )
    return cycle


def _client(world):
    client = Client()
    client.force_login(world.users["senco"])
    return client


def _add(client, cycle, description):
    return client.post(
        reverse("target_add", args=[cycle.pk]),
        {"description": description, **d("target_date", TODAY + timedelta(days=30))},
        headers={"HX-Request": "true"},
    ).content.decode()


def test_adding_a_target_in_place_updates_the_plan_count(world, cycle):
    client = _client(world)
    html = _add(client, cycle, "Read 30 words a minute")
    assert (
        '<div class="govuk-task-list__status" id="plan-status" hx-swap-oob="true">1 target</div>'
        in html
    )
    html = _add(client, cycle, "Spell 10 words")
    assert 'hx-swap-oob="true">2 targets</div>' in html


def test_removing_a_target_numbers_the_rest_from_one(world, cycle, tmp_path):
    client = _client(world)
    for text in ("First aim", "Second aim", "Third aim", "Fourth aim"):
        _add(client, cycle, text)
    first = Target.objects.get(description="First aim")
    client.post(reverse("target_remove", args=[first.pk]))
    assert list(
        Target.objects.filter(plan__cycle=cycle)
        .order_by("position")
        .values_list("position", "description")
    ) == [(1, "Second aim"), (2, "Third aim"), (3, "Fourth aim")]
    page = client.get(reverse("cycle_detail", args=[cycle.pk])).content.decode()
    assert re.findall(r"Target (\d)<", page) == ["1", "2", "3"]
    assert "3 targets" in page
    form = client.get(reverse("review", args=[cycle.pk])).content.decode()
    assert "Target 1: Second aim" in form and "Target 3: Fourth aim" in form
    if POPPLER:
        body = client.get(reverse("cycle_plan_pdf", args=[cycle.pk])).content
        text = re.sub(r"\s+", " ", pdf_text(body, tmp_path))
        assert "Target 1: Second aim" in text and "Target 3: Fourth aim" in text
