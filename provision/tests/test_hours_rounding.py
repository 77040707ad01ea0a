"""One rounding rule for hours (to a tenth, halves up): 3.25 hours is 3.3 on the provision page,
the provision map and the pupil's costed map alike."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from provision import costing
from provision.models import Enrolment, Provision, StaffRole
from provision.tests.test_reports import catalogue, session

pytestmark = pytest.mark.django_db


@given(st.integers(0, 100_000))
def test_hours_are_shown_to_a_tenth_with_halves_up(minutes):
    exact = Decimal(minutes) / 60
    shown = costing.hours_shown(exact)
    assert abs(shown - exact) <= Decimal("0.05")
    assert shown == (exact * 10 + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR") / 10


def test_three_and_a_quarter_hours_is_3_3():
    assert costing.hours_shown(Decimal("3.25")) == Decimal("3.3")
    assert costing.hours_shown(Decimal("3.35")) == Decimal("3.4")


def test_the_provision_page_and_the_maps_show_3_25_hours_alike(world):
    role = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost=18)
    group = Provision.objects.create(
        school=world.oak,
        intervention=catalogue("Catch Up Literacy", "CL"),
        name="Quick reading",
        staff=world.users["ta"],
        staff_role=role,
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(9, 15),
        session_minutes=15,
        start_date=date(2024, 9, 9),
        end_date=date(2024, 10, 18),
    )
    Enrolment.objects.create(provision=group, pupil=world.amy, start_date=group.start_date)
    days = [group.start_date + timedelta(days=i) for i in range(40)]
    for day in [d for d in days if d.weekday() < 5][:13]:  # 13 x 15 minutes = 3.25 hours
        session(group, day, [world.amy])
    client = Client()
    client.force_login(world.users["senco"])
    pages = {
        "provision": client.get(reverse("provision_detail", args=[group.pk])),
        "map": client.get(reverse("provision_map") + "?year=2024"),
        "costed map": client.get(reverse("pupil_costed_map", args=[world.amy.pk]) + "?year=2024"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        text = page.content.decode()
        assert "3.3" in text and "3.2" not in text, name
