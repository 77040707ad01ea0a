"""The new school year: previewed, run once, NC years up, leavers leave, records untouched."""

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import access
from accounts import schooldates
from people.models import Rollover
from people.rollover import rollover_plan, rollover_run
from pupils.models import Pupil, TeachingGroup

pytestmark = pytest.mark.django_db


def _next_september(world):
    start = schooldates.school_year_start(timezone.localdate())
    return start + 1, date(start + 1, 9, 3)


def test_the_preview_writes_nothing_and_the_run_moves_years_up(world):
    new_year, day = _next_september(world)
    Pupil.objects.filter(pk=world.dan.pk).update(nc_year="6")
    entries = list(world.amy.register_entries.values_list("pk", "provision", "end_date"))
    plan = rollover_plan(world.oak, day)
    assert plan.start_year == new_year and plan.last_year == "6"
    assert plan.moves == [("5", "6", 2)] and [p.pk for p in plan.leavers] == [world.dan.pk]
    assert plan.closing_groups == 1
    assert Pupil.objects.get(pk=world.amy.pk).nc_year == "5"  # the preview changed nothing
    rollover_run(school=world.oak, by=world.users["senco"], today=day)
    amy, dan, cara = (Pupil.objects.get(pk=p.pk) for p in (world.amy, world.dan, world.cara))
    assert amy.nc_year == "6" and amy.leaving_date is None
    assert dan.nc_year == "6" and dan.leaving_date == date(new_year, 8, 31)
    assert cara.nc_year == "5"  # another school
    assert list(amy.register_entries.values_list("pk", "provision", "end_date")) == entries
    with pytest.raises(ValidationError):
        rollover_run(school=world.oak, by=world.users["senco"], today=day)
    assert Pupil.objects.get(pk=world.amy.pk).nc_year == "6"  # not twice


def test_teachers_reach_follows_the_new_years_classes(world):
    new_year, day = _next_september(world)
    teacher = world.users["teacher"]
    assert set(access.visible_pupils(teacher, today=day - timedelta(days=10))) == {
        world.amy,
        world.ben,
    }
    rollover_run(school=world.oak, by=None, today=day)
    assert not access.visible_pupils(teacher, today=day).exists()  # 5A closed with its year
    year = world.oak.school_years.get(start_year=new_year)
    group = TeachingGroup.objects.create(school=world.oak, school_year=year, name="6A")
    group.teachers.add(teacher)
    group.pupils.add(world.ben)
    assert list(access.visible_pupils(teacher, today=day)) == [world.ben]


def test_pupils_added_in_the_new_year_do_not_move_up(world):
    new_year, day = _next_september(world)
    Pupil.objects.filter(pk=world.ben.pk).update(created_at=datetime(new_year, 9, 2, tzinfo=UTC))
    plan = rollover_run(school=world.oak, by=None, today=day)
    assert plan.joined == 1
    assert Pupil.objects.get(pk=world.ben.pk).nc_year == "5"


def test_a_secondary_with_a_sixth_form_keeps_year_11(world):
    _, day = _next_september(world)
    world.oak.phase, world.oak.high_age = "secondary", 18
    world.oak.save()
    Pupil.objects.filter(pk=world.amy.pk).update(nc_year="11")
    Pupil.objects.filter(pk=world.ben.pk).update(nc_year="13")
    plan = rollover_plan(world.oak, day)
    assert [p.pk for p in plan.leavers] == [world.ben.pk]
    assert ("11", "12", 1) in plan.moves


def test_the_command_dry_run_and_run(world):
    out = StringIO()
    call_command("rollover", "--school", world.oak.urn, "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["school"] == world.oak.urn and data["dry_run"] is True
    assert not Rollover.objects.exists()
    with pytest.raises(CommandError, match="No school"):
        call_command("rollover", "--school", "999999")


def test_the_page_previews_then_runs_once(world):
    c = Client()
    c.force_login(world.users["admin"])
    page = c.get(reverse("school_rollover")).content.decode()
    assert "Move into" in page
    assert c.post(reverse("school_rollover")).status_code == 302
    assert Rollover.objects.filter(school=world.oak).count() == 1
    assert "It runs once a year" in c.get(reverse("school_rollover")).content.decode()
    t = Client()
    t.force_login(world.users["teacher"])
    assert t.post(reverse("school_rollover")).status_code == 403
