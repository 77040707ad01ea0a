"""Access after a provision ends (issue 12, item 8): its deliverer reaches its register and entry
and exit data until the school's grace after it ends, sees its pupils' plan targets only through
another reach, and afterwards sees a count, no names. The web and the API ask access.delivers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.tests.test_api import API, Caller
from provision import services
from provision.models import Enrolment, Measure
from provision.tests.test_services import make_provision
from provision.tests.test_views import client_for
from sendpath.testing import add_support_records
from support import services as support_services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ended(world, days_ago: int):
    """A provision the TA delivered to Amy (whom the TA reaches no other way), ended days ago;
    Amy's plan has a target."""
    add_support_records(world)
    provision = make_provision(
        world, start=TODAY - timedelta(days=60), end=TODAY - timedelta(days=days_ago)
    )
    services.enrol(
        provision=provision, pupil=world.amy, start_date=provision.start_date,
        by=world.users["senco"],
    )  # fmt: skip
    target = support_services.target_add(
        plan=world.amy.cycles.get().plan,
        data={"description": "Reads 20 words", "target_date": TODAY + timedelta(days=30)},
        by=world.users["senco"],
    )
    return provision, Enrolment.objects.get(provision=provision), target


def measure(caller: Caller, enrolment: Enrolment) -> int:
    body = {"kind": "entry", "measure_type": "raw", "name": "Reading test", "value": 12}
    body["on"] = enrolment.provision.end_date.isoformat()
    return caller.post(f"/enrolments/{enrolment.pk}/measures", body).status_code


def names_on_the_page(world, provision) -> bool:
    html = client_for(world, "ta").get(reverse("provision_detail", args=[provision.pk]))
    assert html.status_code == 200
    return "Adams" in html.content.decode()


@pytest.mark.usefixtures("builtin_catalogue")
def test_inside_the_grace_the_deliverer_records_late_entries_but_reads_no_targets(world):
    provision, enrolment, target = ended(world, days_ago=5)
    ta = Caller(world.users["ta"])
    enrolled = ta.get(f"/provisions/{provision.pk}/enrolments").json()["items"]
    assert [e["pupil"]["id"] for e in enrolled] == [world.amy.pk]
    assert names_on_the_page(world, provision)
    assert measure(ta, enrolment) == 201
    assert ta.client.get(f"{API}/targets/{target.pk}").status_code == 404
    assert ta.get(f"/cycles/{target.plan.cycle_id}/plan/targets").status_code == 404


@pytest.mark.usefixtures("builtin_catalogue")
def test_after_the_grace_the_deliverer_sees_a_count_and_writes_nothing(world):
    provision, enrolment, target = ended(world, days_ago=20)
    ta = Caller(world.users["ta"])
    assert ta.get(f"/provisions/{provision.pk}").status_code == 200  # the provision, unnamed
    assert ta.get(f"/provisions/{provision.pk}/enrolments").json()["items"] == []
    assert not names_on_the_page(world, provision)
    assert measure(ta, enrolment) == 404
    assert not Measure.objects.exists()
    assert ta.client.get(f"{API}/targets/{target.pk}").status_code == 404


@pytest.mark.usefixtures("builtin_catalogue")
def test_the_grace_is_the_schools_setting(world):
    world.oak.provision_grace_days = 30
    world.oak.save()
    provision, enrolment, _ = ended(world, days_ago=20)
    assert names_on_the_page(world, provision)
    assert measure(Caller(world.users["ta"]), enrolment) == 201
