"""Issue 13, item 4 through the API: POST /register-entries with provision N closes the open
cycle with closing_note and ends the needs unless end_needs is false."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from api.tests.test_api import Caller
from pupils.models import Need, RegisterEntry
from sendpath.testing import World
from support import services
from support.models import Cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world: World) -> Cycle:
    today = timezone.localdate()
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=today - timedelta(days=30))
    Need.objects.filter(pupil=world.amy).update(start_date=today - timedelta(days=30))
    return services.cycle_open(
        pupil=world.amy, opened_on=today - timedelta(days=7), by=world.users["senco"]
    )


def body(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "pupil": world.amy.pk,
        "provision": "N",
        "start_date": timezone.localdate().isoformat(),
        "reason": "Caught up with her peers",
    } | overrides


def test_a_removal_without_a_closing_note_is_422_and_writes_nothing(world, cycle):
    response = Caller(world.users["senco"]).post("/register-entries", body(world))
    assert response.status_code == 422, response.content
    assert ["body", "closing_note"] in [e["loc"] for e in response.json()["detail"]]
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "K"
    cycle.refresh_from_db()
    assert cycle.closed_on is None


def test_a_removal_closes_the_cycle_and_ends_the_needs(world, cycle):
    note = "Phonics gap closed; monitored in class."
    response = Caller(world.users["senco"]).post(
        "/register-entries", body(world, closing_note=note)
    )
    assert response.status_code == 201, response.content
    assert response.json()["provision"] == "N"
    cycle.refresh_from_db()
    assert cycle.closed_on == timezone.localdate() and cycle.closing_note == note
    assert not world.amy.needs.filter(end_date__isnull=True).exists()


def test_a_removal_keeps_the_needs_with_end_needs_false(world, cycle):
    response = Caller(world.users["senco"]).post(
        "/register-entries", body(world, closing_note="Done.", end_needs=False)
    )
    assert response.status_code == 201, response.content
    assert world.amy.needs.filter(end_date__isnull=True).count() == 1
    assert not world.amy.cycles.filter(closed_on__isnull=True).exists()
