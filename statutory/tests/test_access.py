"""Who reaches EHC casework: the school's SENCo, senior leaders and administrator, the LA's
officers for every school of their LA (the one place they see named pupils), the pupil's parents
for its status; nobody else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access import Action, may, visible_ehc_plans, visible_ehc_requests
from accounts.models import LocalAuthority, Membership, Role, User
from statutory import services

pytestmark = pytest.mark.django_db


def _cases(world):
    received = timezone.localdate() - timedelta(weeks=8)
    amy = services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="1", received_date=received
    )
    cara = services.ehc_request_create(
        pupil=world.cara, by=world.users["outsider"], source="2", received_date=received
    )
    return amy, cara


def test_the_la_officer_sees_every_case_of_their_las_schools(world):
    amy, cara = _cases(world)
    officer = world.users["la_officer"]
    assert set(visible_ehc_requests(officer)) == {amy, cara}
    assert may(officer, Action.READ_EHC, amy) and may(officer, Action.RECORD_EHC, cara)


def test_an_officer_of_another_la_sees_none(world):
    amy, _ = _cases(world)
    other = LocalAuthority.objects.create(code="821", name="Othershire")
    officer = User.objects.create_user("other_officer", "o@example.org", "x")
    Membership.objects.create(user=officer, role=Role.LA_OFFICER, la=other)
    assert not visible_ehc_requests(officer).exists()
    assert not may(officer, Action.READ_EHC, amy)


def test_the_school_sees_its_own_pupils_cases_only(world):
    amy, cara = _cases(world)
    assert list(visible_ehc_requests(world.users["senco"])) == [amy]
    assert list(visible_ehc_requests(world.users["slt"])) == [amy]
    assert list(visible_ehc_requests(world.users["outsider"])) == [cara]
    assert may(world.users["senco"], Action.RECORD_EHC, amy)
    assert not may(world.users["slt"], Action.RECORD_EHC, amy)


@pytest.mark.parametrize("name", ["teacher", "ta", "governor", "dpo", "trust_officer", "nobody"])
def test_other_roles_see_no_case(world, name):
    amy, _ = _cases(world)
    assert not visible_ehc_requests(world.users[name]).exists()
    assert not may(world.users[name], Action.READ_EHC, amy)


def test_the_parent_sees_their_childs_request_but_not_as_staff(world):
    amy, _ = _cases(world)
    parent = world.users["parent"]
    assert list(visible_ehc_requests(parent, reach="family")) == [amy]
    assert not visible_ehc_requests(parent, reach="staff").exists()
    assert not may(parent, Action.RECORD_EHC, amy)


def test_plans_follow_the_same_reach(world):
    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=timezone.localdate(), by=world.users["senco"]
    )
    assert list(visible_ehc_plans(world.users["la_officer"])) == [plan]
    assert not visible_ehc_plans(world.users["outsider"]).exists()
    assert not visible_ehc_plans(world.users["teacher"]).exists()
