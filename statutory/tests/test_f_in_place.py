"""Section E outcomes linked to the school's plan targets, section F items to provision records:
the page that shows F is in place (and its PDF), and the annual review's progress towards E."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from provision import services as provision_services
from provision.models import Intervention, StaffRole
from sendpath.testing import review_data
from statutory import selectors, services
from support import services as support_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]
POPPLER = bool(shutil.which("pdftotext"))


def _weekday_before(day):
    day -= timedelta(days=1)
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def _case(world):
    """Ben: a plan with two E outcomes and two F items, a reviewed cycle with two targets, and a
    reading group he is on with one session delivered and one missed."""
    senco, today = world.users["senco"], timezone.localdate()
    cycle = support_services.cycle_open(
        pupil=world.ben, opened_on=today - timedelta(days=60), by=senco
    )
    plan = support_services.plan_save(
        cycle=cycle,
        data=support_services.plan_input(
            {"plan_date": today - timedelta(days=55), "outcomes": "Reads at age level"}
        ),
        by=senco,
        version=0,
    )
    read = support_services.target_add(
        plan=plan, data={"description": "Read 20 words", "target_value": "20",
                         "target_date": today - timedelta(days=5)}, by=senco,
    )  # fmt: skip
    talk = support_services.target_add(
        plan=plan, data={"description": "Ask for help", "target_date": today - timedelta(days=5)},
        by=senco,
    )  # fmt: skip
    support_services.review_complete(
        cycle=cycle,
        data=review_data(held_on=today - timedelta(days=2)),
        ratings={
            read.pk: {"rating": 1, "outcome": "achieved", "value_reached": "22"},
            talk.pk: {"rating": -1, "outcome": "partly_achieved"},
        },
        by=senco,
    )
    provision = provision_services.provision_create(
        school=world.oak,
        intervention=Intervention.objects.filter(school=None).first(),  # type: ignore[arg-type]
        data={
            "name": "Reading group",
            "staff": world.users["ta"],
            "staff_role": StaffRole.objects.create(
                school=world.oak, name="TA", kind="ta2", hourly_cost=18
            ),
            "weekdays": [0, 1, 2, 3, 4],
            "start_date": today - timedelta(days=28),
            "end_date": today + timedelta(days=28),
        },
        by=senco,
    )
    provision_services.enrol(
        provision=provision, pupil=world.ben, start_date=provision.start_date, by=senco
    )
    day = _weekday_before(today)
    provision_services.session_record(
        provision=provision, on=day, delivered=True, present_pupil_ids=[world.ben.pk],
        by=world.users["ta"],
    )  # fmt: skip
    provision_services.session_record(
        provision=provision, on=_weekday_before(day), delivered=False, missed_reason="staff_absent",
        by=world.users["ta"],
    )  # fmt: skip
    ehc = services.ehc_plan_issue(
        pupil=world.ben, issue_date=today - timedelta(days=90), by=senco,
        outcomes=["Reads books of his choosing", "Takes part in class"],
        provision_items=["Daily small-group reading", "Weekly speech therapy"],
    )  # fmt: skip
    return ehc, read, talk, provision


def _client(world, name):
    client = Client()
    client.force_login(world.users[name])
    return client


def test_the_senco_links_e_to_targets_and_f_to_provision(world):
    ehc, read, talk, provision = _case(world)
    e1, e2 = ehc.outcomes.all()
    f1, f2 = ehc.provision_items.all()
    client = _client(world, "senco")
    url = reverse("ehc_plan_links", args=[ehc.pk])
    assert url in client.get(reverse("ehc_plan", args=[ehc.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "Read 20 words" in page and "Reading group" in page
    # Another pupil's target is refused, and nothing is linked.
    other = support_services.cycle_open(
        pupil=world.amy, opened_on=timezone.localdate(), by=world.users["senco"]
    )
    bad = client.post(url, {f"outcome_{e1.pk}": [str(read.pk), "999999"]})
    assert bad.status_code == 200 and not e1.targets.exists()
    assert other  # Amy's cycle exists; its targets are not offered
    done = client.post(
        url,
        {f"outcome_{e1.pk}": [str(read.pk)], f"outcome_{e2.pk}": [str(talk.pk)],
         f"item_{f1.pk}": [str(provision.pk)]},
    )  # fmt: skip
    assert done.status_code == 302
    assert list(e1.targets.all()) == [read] and list(f1.provisions.all()) == [provision]
    assert not f2.provisions.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(ehc.pk), data__has_key="links"
    ).exists()
    # The teacher may not link.
    assert _client(world, "teacher").get(url).status_code in (403, 404)


def test_the_service_refuses_another_pupils_provision(world):
    from django.core.exceptions import ValidationError

    ehc, _read, _talk, provision = _case(world)
    f1 = ehc.provision_items.first()
    amy_plan = services.ehc_plan_issue(
        pupil=world.amy, issue_date=timezone.localdate() - timedelta(days=10),
        by=world.users["senco"], provision_items=["Reading"],
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.plan_links_set(
            plan=amy_plan, outcome_targets={},
            item_provisions={amy_plan.provision_items.get().pk: [provision.pk]},
            by=world.users["senco"],
        )  # fmt: skip
    assert list(err.value.message_dict) == [f"item_{amy_plan.provision_items.get().pk}"]
    assert not amy_plan.provision_items.get().provisions.exists()
    assert f1 is not None


def test_f_in_place_shows_each_item_its_provision_and_sessions_delivered_of_planned(world):
    ehc, _read, _talk, provision = _case(world)
    f1, f2 = ehc.provision_items.all()
    services.plan_links_set(
        plan=ehc, outcome_targets={}, item_provisions={f1.pk: [provision.pk]},
        by=world.users["senco"],
    )  # fmt: skip
    items = selectors.f_in_place(ehc, timezone.localdate())
    assert [i.state for i in items] == ["running", "none"]
    assert items[0].delivered == 1 and items[0].planned >= 2
    client = _client(world, "la_officer")
    page = client.get(reverse("ehc_f_in_place", args=[ehc.pk])).content.decode()
    assert "Daily small-group reading" in page and "Reading group" in page
    assert "In place" in page and "Not in place" in page
    assert f"1 of {items[0].planned} sessions" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=world.users["la_officer"], pupil_id=world.ben.pk
    ).exists()
    response = client.get(reverse("ehc_f_in_place_pdf", args=[ehc.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if POPPLER:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True,
            check=True,
        ).stdout.decode()  # fmt: skip
        words = " ".join(text.split())
        assert "speech therapy" in words and "Not in place" in words and "Reading group" in words
    assert (
        _client(world, "outsider").get(reverse("ehc_f_in_place", args=[ehc.pk])).status_code == 404
    )


def test_the_annual_review_shows_progress_towards_each_outcome_from_its_targets(world):
    ehc, read, talk, _provision = _case(world)
    e1, e2 = ehc.outcomes.all()
    services.plan_links_set(
        plan=ehc, outcome_targets={e1.pk: [read.pk], e2.pk: [talk.pk]}, item_provisions={},
        by=world.users["senco"],
    )  # fmt: skip
    today = timezone.localdate()
    review = services.annual_review_record(plan=ehc, by=world.users["senco"], meeting_date=today)
    progress = selectors.e_progress(ehc, up_to=today)
    assert [p.summary["achieved"] for p in progress] == [1, 0]
    assert [p.summary["partly_achieved"] for p in progress] == [0, 1]
    # A rating after the meeting does not count for it.
    assert selectors.e_progress(ehc, up_to=today - timedelta(days=3))[0].summary["not_yet"] == 1
    page = _client(world, "senco").get(reverse("ehc_review", args=[review.pk])).content.decode()
    assert "Progress towards the section E outcomes" in page
    assert "E1: Reads books of his choosing" in page and "Achieved" in page and "22" in page
    assert "Partly achieved" in page
