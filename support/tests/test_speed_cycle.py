"""The cycle page runs the same number of queries however much the pupil's record holds: one cycle
with one of everything, or the ninth cycle of a pupil with many targets, linked provisions,
ratings, views, notes and documents."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.models import Intervention, Provision, StaffRole
from sendpath.testing import review_data
from support.models import (
    AssessmentView,
    Attachment,
    Cycle,
    DoNote,
    Plan,
    Review,
    Target,
    TargetRating,
)

pytestmark = pytest.mark.django_db


def history(world, pupil, *, cycles: int, each: int) -> Cycle:
    """`cycles` cycles (all but the last reviewed and locked), each with `each` targets (linked
    to a provision), ratings, views, notes and documents. Returns the open one."""
    role = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost=18)
    toe = Intervention.objects.get_or_create(name="Toe by Toe", school=None, area="CL")[0]
    provision = Provision.objects.create(
        school=world.oak,
        intervention=toe,
        name="Group",
        staff_role=role,
        weekdays=[0],
        session_minutes=20,
        start_date=date(2023, 9, 4),
        end_date=date(2026, 7, 20),
    )
    cycle = None
    for n in range(1, cycles + 1):
        opened = date(2023, 9, 4) + timedelta(days=90 * (n - 1))
        last = n == cycles
        cycle = Cycle.objects.create(
            pupil=pupil, number=n, opened_on=opened, closed_on=None if last else opened
        )
        plan = Plan.objects.create(
            cycle=cycle, plan_date=opened, review_date=opened + timedelta(days=80), outcomes="x"
        )
        targets = [
            Target.objects.create(plan=plan, position=i, description="Read", target_date=opened)
            for i in range(1, each + 1)
        ]
        provision.targets.add(*targets)
        for i in range(each):
            AssessmentView.objects.create(
                cycle=cycle, source="teacher", given_by="Ms Jones", given_on=opened, views="Ok"
            )
            DoNote.objects.create(cycle=cycle, on=opened, text="Pre-taught words")
            Attachment.objects.create(
                cycle=cycle,
                pupil=pupil,
                file=f"pupils/{pupil.pk}/x{n}{i}",
                original_name="report.pdf",
                content_type="application/pdf",
                size=10,
            )
        review = Review.objects.create(cycle=cycle, **review_data(held_on=opened))
        for t in targets:
            TargetRating.objects.create(review=review, target=t, rating=0, outcome="achieved")
    assert cycle is not None
    return cycle


def queries(client: Client, cycle: Cycle) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_cycle_page_runs_a_constant_number_of_queries(world):
    client = Client()
    client.force_login(world.users["senco"])
    small = queries(client, history(world, world.amy, cycles=1, each=1))
    Provision.objects.all().delete()
    StaffRole.objects.all().delete()
    big = history(world, world.ben, cycles=9, each=7)
    assert Target.objects.filter(plan__cycle=big).count() == 7
    assert queries(client, big) == small
