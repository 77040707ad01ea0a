"""Issue 13: the review form shows, beside each target, the provision linked to it with the
pupil's attendance, the provision's fidelity and the pupil's entry and exit data."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from provision import selectors as provision_selectors
from provision import services as provision_services
from provision.models import Measure, Session, SessionAttendance
from provision.tests.test_services import make_provision
from support import services
from support.models import Target

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def reviewed(world):
    """Amy's plan with two targets; the first linked to the TA's group, in which Amy came to two
    of the three sessions recorded, with entry and exit scores."""
    senco = world.users["senco"]
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=30), by=senco)
    services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=30),
            "review_date": TODAY + timedelta(days=30),
            "outcomes": "Amy reads for pleasure",
        },
    )
    plan = cycle.plan
    reading = Target.objects.create(
        plan=plan, position=1, description="Read 40 words a minute", target_date=TODAY
    )
    Target.objects.create(plan=plan, position=2, description="Spell 20 words", target_date=TODAY)
    group = make_provision(world, name="Lexia reading group", targets=[reading.pk])
    group.targets.set([reading])
    enrolment = provision_services.enrol(
        provision=group, pupil=world.amy, start_date=group.start_date, by=senco
    )
    days = [d for d in (group.start_date + timedelta(days=i) for i in range(20)) if d.weekday() < 5]
    for day, present in zip(days[:3], [True, False, True], strict=True):
        s = Session.objects.create(
            provision=group, on=day, minutes=30, staff_role=group.staff_role, delivered=True
        )
        SessionAttendance.objects.create(session=s, pupil=world.amy, present=present)
    Session.objects.create(
        provision=group,
        on=days[3],
        minutes=0,
        staff_role=group.staff_role,
        delivered=False,
        missed_reason="TA covering a class",
    )
    for kind, value in (("entry", "84"), ("exit", "91")):
        Measure.objects.create(
            enrolment=enrolment,
            kind=kind,
            measure_type="standardised",
            name="Salford reading test",
            on=group.start_date if kind == "entry" else TODAY,
            value=Decimal(value),
        )
    return cycle, reading, group


def test_the_selector_gives_attendance_fidelity_and_entry_exit(world, reviewed):
    cycle, reading, group = reviewed
    found = provision_selectors.target_evidence(
        [t.pk for t in cycle.plan.targets.all()], world.amy.pk
    )
    assert set(found) == {reading.pk}
    (e,) = found[reading.pk]
    assert e.provision == group
    assert (e.attended, e.marked, e.attendance_percent) == (2, 3, 67)
    assert e.delivered == 3 and e.planned_to_date > 3 and e.fidelity == 3 / e.planned_to_date
    assert e.entry is not None and e.exit is not None
    assert e.entry.value == Decimal("84") and e.exit.value == Decimal("91")


def test_the_review_form_shows_the_evidence_beside_each_target(world, reviewed):
    cycle, _reading, _group = reviewed
    client = Client()
    client.force_login(world.users["senco"])
    page = client.get(reverse("review", args=[cycle.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    first = text.index("Evidence from provision for target 1")
    second = text.index("Evidence from provision for target 2")
    assert first < text.index("Target 1: Read 40 words a minute") < second
    block = text[first:second]
    assert "Lexia reading group" in block
    assert "2 of 3 sessions (67%)" in block
    assert "% delivered" in block and "3 of" in block
    assert "84 (standardised score), Salford reading test" in block
    assert "91 (standardised score)" in block
    assert "No provision is linked to this target." in text[second:]


def test_the_evidence_is_text_not_markup(world, reviewed):
    cycle, _reading, group = reviewed
    group.name = "{{ form }} <b>x</b>"
    group.save()
    client = Client()
    client.force_login(world.users["senco"])
    page = client.get(reverse("review", args=[cycle.pk])).content.decode()
    assert "{{ form }} &lt;b&gt;x&lt;/b&gt;" in page
