"""Issue 13, item 4: removing a pupil from the register (N) closes their open cycle with a
closing note (the record the parents are given) and ends their needs, or keeps them if the SENCo
says so. A pupil off the register never has an open cycle. Service and web form."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pupils.models import Need, RegisterEntry
from sendpath.testing import World
from support import services
from support.models import Cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def removable(world: World) -> Cycle:
    """Amy on SEN support with a primary need from a month ago and a cycle open a week ago."""
    today = timezone.localdate()
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=today - timedelta(days=30))
    Need.objects.filter(pupil=world.amy).update(start_date=today - timedelta(days=30))
    return services.cycle_open(
        pupil=world.amy, opened_on=today - timedelta(days=7), by=world.users["senco"]
    )


def date_fields(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def remove(world: World, **overrides: object) -> RegisterEntry:
    values: dict = {
        "pupil": world.amy,
        "provision": "N",
        "start_date": timezone.localdate(),
        "reason": "Reading age now matches her age",
        "closing_note": "Phonics catch-up closed the gap; class teacher keeps an eye.",
        "by": world.users["senco"],
    }
    values.update(overrides)
    return services.register_decide(**values)  # type: ignore[arg-type]


def test_a_removal_closes_the_open_cycle_with_its_note_and_ends_the_needs(world, removable):
    today = timezone.localdate()
    entry = remove(world)
    assert entry.provision == "N"
    removable.refresh_from_db()
    assert removable.closed_on == today
    assert removable.closing_note.startswith("Phonics catch-up closed the gap")
    assert not world.amy.cycles.filter(closed_on__isnull=True).exists()
    assert not world.amy.needs.filter(end_date__isnull=True).exists()
    assert world.amy.needs.get(rank=1).end_date == today


def test_a_removal_can_keep_the_needs_recorded(world, removable):
    remove(world, needs=services.NeedsOnRemoval.KEEP)
    assert world.amy.needs.filter(end_date__isnull=True, rank=1).exists()
    assert not world.amy.cycles.filter(closed_on__isnull=True).exists()


def test_a_removal_ends_the_secondary_need_before_the_primary(world, removable):
    Need.objects.create(
        pupil=world.amy, need_type="SLCN", rank=2, start_date=timezone.localdate() - timedelta(3)
    )
    remove(world)
    assert not world.amy.needs.filter(end_date__isnull=True).exists()


def test_a_removal_without_a_closing_note_writes_nothing(world, removable):
    with pytest.raises(ValidationError) as caught:
        remove(world, closing_note="  ")
    assert "closing_note" in caught.value.message_dict
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "K"
    assert world.amy.cycles.get().closed_on is None
    assert world.amy.needs.get(rank=1).end_date is None


def test_a_removal_before_the_cycle_began_is_refused(world, removable):
    with pytest.raises(ValidationError) as caught:
        remove(world, start_date=timezone.localdate() - timedelta(days=10))
    assert "start_date" in caught.value.message_dict
    assert world.amy.cycles.get().closed_on is None


def test_a_removal_without_a_cycle_needs_no_note(world):
    RegisterEntry.objects.filter(pupil=world.amy).update(
        start_date=timezone.localdate() - timedelta(days=30)
    )
    Need.objects.filter(pupil=world.amy).update(start_date=timezone.localdate() - timedelta(30))
    remove(world, closing_note="")
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "N"


def test_placing_on_the_register_still_records_the_primary_need(world):
    entry = services.register_decide(
        pupil=world.ben,
        provision="K",
        start_date=timezone.localdate(),
        reason="Phonics well below peers",
        need_type="SPLD",
        by=world.users["senco"],
    )
    assert entry.provision == "K"
    assert world.ben.needs.get(rank=1).need_type == "SPLD"


# --- the page ---------------------------------------------------------------------------------


def senco(world: World) -> Client:
    client = Client()
    client.force_login(world.users["senco"])
    return client


def test_the_form_asks_for_the_closing_note_and_the_needs(world, removable):
    page = senco(world).get(reverse("register_change", args=[world.amy.pk])).content.decode()
    assert 'name="closing_note"' in page and 'name="needs"' in page
    assert f"cycle {removable.number}" in page


def test_the_form_refuses_a_removal_without_a_closing_note(world, removable):
    response = senco(world).post(
        reverse("register_change", args=[world.amy.pk]),
        {"provision": "N", "reason": "Caught up", "needs": "end"}
        | date_fields("start_date", timezone.localdate()),
    )
    assert response.status_code == 200
    assert "Write the closing note" in response.content.decode()
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "K"
    assert world.amy.cycles.get().closed_on is None


def test_the_form_removes_closes_the_cycle_and_ends_the_needs(world, removable):
    response = senco(world).post(
        reverse("register_change", args=[world.amy.pk]),
        {
            "provision": "N",
            "reason": "Caught up",
            "closing_note": "Targets achieved; monitored in class from now on.",
            "needs": "end",
        }
        | date_fields("start_date", timezone.localdate()),
    )
    assert response.status_code == 302
    removable.refresh_from_db()
    assert removable.closed_on == timezone.localdate()
    assert removable.closing_note == "Targets achieved; monitored in class from now on."
    assert not world.amy.needs.filter(end_date__isnull=True).exists()


def test_the_form_keeps_the_needs_when_asked(world, removable):
    senco(world).post(
        reverse("register_change", args=[world.amy.pk]),
        {"provision": "N", "reason": "Caught up", "closing_note": "Done.", "needs": "keep"}
        | date_fields("start_date", timezone.localdate()),
    )
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "N"
    assert world.amy.needs.filter(end_date__isnull=True).count() == 1


def test_the_closing_note_is_on_the_cycle_page_and_given_to_the_parents(world, removable):
    remove(world, closing_note="Reading caught up; Miss Khan keeps an eye in class.")
    cycle_page = senco(world).get(reverse("cycle_detail", args=[removable.pk])).content.decode()
    assert "removed from the SEN register" in cycle_page
    assert "Reading caught up; Miss Khan keeps an eye in class." in cycle_page
    parent = Client()
    parent.force_login(world.users["parent"])
    family = parent.get(reverse("family_pupil", args=[world.amy.pk])).content.decode()
    assert "when your child left the SEN register" in family
    assert "Reading caught up; Miss Khan keeps an eye in class." in family
    assert f"/family/cycles/{removable.pk}/review.pdf" not in family
