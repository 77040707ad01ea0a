"""The provision map through its services and selectors, on the real database: each bad input is a
ValidationError with a field error and writes nothing; the figures of a list of provisions take a
constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import access
from accounts.models import SchoolYear, Term
from audit.models import AuditEvent
from provision import selectors, services
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    NotionalBudget,
    Provision,
    Session,
    SessionAttendance,
    StaffRole,
    TopUpFunding,
)
from support import services as support_services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def last_school_day(day: date) -> date:
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


SCHOOL_DAY = last_school_day(TODAY)  # sessions happen on weekdays

# A past autumn term of four weeks, so every date here can be recorded whatever today is.
TERM_START, TERM_END = date(2024, 9, 2), date(2024, 9, 27)
MONDAY_WEDNESDAY = [0, 2]  # 8 planned sessions in the term: 2, 4, 9, 11, 16, 18, 23, 25 Sept


def catalogue_entry() -> Intervention:
    """A built-in (school-less) entry of our own: the migration's rows may have been emptied by a
    transactional test that ran before."""
    return Intervention.objects.get_or_create(
        school=None,
        name="Test reading catch-up",
        defaults={"area": "CL", "session_minutes": 30, "measure_type": "standardised"},
    )[0]


def ta_role(world) -> StaffRole:
    return services.staff_role_save(
        school=world.oak,
        name="TA level 2",
        kind="ta2",
        hourly_cost=Decimal("24.00"),
        by=world.users["senco"],
    )


def make_provision(world, *, start=None, end=None, weekdays=None, staff="ta", **extra) -> Provision:
    """A provision at Oak delivered by the TA (by default running from four weeks ago to four
    weeks ahead on every weekday)."""
    data = {
        "name": "Year 5 reading group",
        "staff": world.users[staff] if staff else None,
        "staff_role": StaffRole.objects.filter(school=world.oak).first() or ta_role(world),
        "weekdays": weekdays if weekdays is not None else [0, 1, 2, 3, 4],
        "start_date": start or TODAY - timedelta(days=28),
        "end_date": end or TODAY + timedelta(days=28),
    } | extra
    return services.provision_create(
        school=world.oak, intervention=catalogue_entry(), data=data, by=world.users["senco"]
    )


def past_term(world) -> None:
    year = SchoolYear.objects.create(school=world.oak, start_year=2024)
    Term.objects.create(school_year=year, name="autumn", start_date=TERM_START, end_date=TERM_END)


@pytest.fixture
def senco(world):
    return world.users["senco"]


@pytest.fixture
def group(world, senco):
    """The TA's group with Amy and Ben, running now."""
    provision = make_provision(world)
    for pupil in (world.amy, world.ben):
        services.enrol(provision=provision, pupil=pupil, start_date=provision.start_date, by=senco)
    return provision


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# --- staff roles and the library --------------------------------------------------------------


def test_a_staff_role_saved_twice_by_name_is_changed_not_duplicated(world, senco):
    ta_role(world)
    role = services.staff_role_save(
        school=world.oak, name="TA level 2", kind="ta2", hourly_cost="26.50", by=senco
    )
    assert StaffRole.objects.filter(school=world.oak).count() == 1
    assert role.hourly_cost == Decimal("26.50")
    assert AuditEvent.objects.filter(object_type="provision.StaffRole", action="update").exists()


def test_a_negative_hourly_cost_is_refused(world, senco):
    with pytest.raises(ValidationError) as exc:
        services.staff_role_save(
            school=world.oak, name="HLTA", kind="hlta", hourly_cost="-1", by=senco
        )
    assert error_fields(exc) == {"hourly_cost"}
    assert not StaffRole.objects.exists()


def test_a_school_adds_its_own_intervention_but_not_a_copy_of_a_catalogue_one(world, senco):
    catalogue_entry()
    own = services.intervention_add(
        school=world.oak, data={"name": "Rapid maths", "area": "CL", "group_size": 4}, by=senco
    )
    assert own.school == world.oak and not own.is_catalogue
    with pytest.raises(ValidationError) as exc:
        services.intervention_add(
            school=world.oak, data={"name": "test reading catch-up", "area": "CL"}, by=senco
        )
    assert "catalogue" in exc.value.message_dict["name"][0]
    assert Intervention.objects.filter(school=world.oak).count() == 1


# --- provisions -------------------------------------------------------------------------------


def test_a_provision_takes_the_session_length_of_its_intervention(world):
    provision = make_provision(world)
    assert provision.session_minutes == 30
    assert provision.staff == world.users["ta"]
    assert AuditEvent.objects.filter(object_type="provision.Provision", action="create").exists()


def test_an_end_date_before_the_start_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_provision(world, start=TODAY, end=TODAY - timedelta(days=1))
    assert error_fields(exc) == {"end_date"}
    assert not Provision.objects.exists()


def test_a_negative_cost_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_provision(world, resource_cost=Decimal("-5"))
    assert error_fields(exc) == {"resource_cost"}
    assert not Provision.objects.exists()


def test_weekend_days_and_no_days_are_refused(world):
    for days in ([5], []):
        with pytest.raises(ValidationError) as exc:
            make_provision(world, weekdays=days)
        assert error_fields(exc) == {"weekdays"}
    assert not Provision.objects.exists()


def test_the_adult_must_work_at_the_school(world):
    with pytest.raises(ValidationError) as exc:
        make_provision(world, staff="outsider")
    assert error_fields(exc) == {"staff"}
    with pytest.raises(ValidationError):
        make_provision(world, staff="parent")
    assert not Provision.objects.exists()


def test_a_staff_role_of_another_school_is_refused(world):
    elm_role = services.staff_role_save(
        school=world.elm, name="TA", kind="ta2", hourly_cost=20, by=world.users["outsider"]
    )
    with pytest.raises(ValidationError) as exc:
        make_provision(world, staff_role=elm_role)
    assert error_fields(exc) == {"staff_role"}


def test_linked_targets_must_belong_to_this_schools_pupils(world, senco):
    def target_for(pupil, by):
        cycle = support_services.cycle_open(pupil=pupil, opened_on=TODAY, by=by)
        plan = support_services.plan_save(
            cycle=cycle, by=by, data={"plan_date": TODAY, "outcomes": "Reads"}, version=0
        )
        return support_services.target_add(
            plan=plan,
            by=by,
            data={"description": "Read 20 words", "target_date": TODAY + timedelta(days=30)},
        )

    amy_target = target_for(world.amy, senco)
    cara_target = target_for(world.cara, world.users["outsider"])
    with pytest.raises(ValidationError) as exc:
        make_provision(world, targets=[amy_target.pk, cara_target.pk])
    assert error_fields(exc) == {"targets"}
    assert not Provision.objects.exists()
    provision = make_provision(world, targets=[amy_target.pk])
    assert list(provision.targets.all()) == [amy_target]


def test_an_update_cannot_leave_recorded_sessions_outside_the_dates(world, group, senco):
    services.session_record(provision=group, on=SCHOOL_DAY, delivered=True, by=senco)
    with pytest.raises(ValidationError) as exc:
        services.provision_update(
            provision=group,
            data={"end_date": SCHOOL_DAY - timedelta(days=1)},
            version=group.version,
            by=senco,
        )
    assert "end_date" in error_fields(exc)
    group.refresh_from_db()
    assert group.end_date == TODAY + timedelta(days=28)
    services.provision_update(
        provision=group, data={"name": "Reading group A"}, version=group.version, by=senco
    )
    group.refresh_from_db()
    assert group.name == "Reading group A"


# --- enrolments -------------------------------------------------------------------------------


def test_a_pupil_of_another_school_cannot_be_enrolled(world, senco):
    provision = make_provision(world)
    with pytest.raises(ValidationError) as exc:
        services.enrol(provision=provision, pupil=world.cara, start_date=TODAY, by=senco)
    assert error_fields(exc) == {"pupil"}
    assert not Enrolment.objects.exists()


def test_a_pupil_is_enrolled_once_and_within_the_dates(world, group, senco):
    with pytest.raises(ValidationError) as exc:
        services.enrol(provision=group, pupil=world.amy, start_date=TODAY, by=senco)
    assert error_fields(exc) == {"pupil"}
    with pytest.raises(ValidationError) as exc:
        services.enrol(
            provision=group, pupil=world.dan, start_date=group.end_date + timedelta(1), by=senco
        )
    assert error_fields(exc) == {"start_date"}
    assert group.enrolments.count() == 2


def test_enrolling_a_pupil_gives_the_ta_who_delivers_it_reach(world, senco):
    from access import visible_pupils

    provision = make_provision(world)
    assert world.amy not in visible_pupils(world.users["ta"])
    services.enrol(provision=provision, pupil=world.amy, start_date=TODAY, by=senco)
    assert world.amy in visible_pupils(world.users["ta"])


def test_a_pupil_leaves_not_before_they_joined(world, group, senco):
    enrolment = group.enrolments.get(pupil=world.amy)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_end(
            enrolment=enrolment, end_date=enrolment.start_date - timedelta(1), by=senco
        )
    assert error_fields(exc) == {"end_date"}
    services.enrolment_end(enrolment=enrolment, end_date=TODAY, by=senco)
    enrolment.refresh_from_db()
    assert enrolment.end_date == TODAY


# --- the session register ---------------------------------------------------------------------


def test_a_delivered_session_marks_every_pupil_present_or_absent(world, group):
    ta = world.users["ta"]
    session = services.session_record(
        provision=group, on=SCHOOL_DAY, delivered=True, present_pupil_ids=[world.amy.pk], by=ta
    )
    marks = {a.pupil_id: a.present for a in session.attendance.all()}
    assert marks == {world.amy.pk: True, world.ben.pk: False}
    assert session.minutes == 30 and session.staff_role == group.staff_role
    assert session.delivered_by == ta and session.recorded_by == ta
    event = AuditEvent.objects.get(object_type="provision.Session")
    assert event.data["present"] == 1 and event.data["absent"] == 1


def test_a_second_record_the_same_day_updates_it(world, group):
    ta = world.users["ta"]
    services.session_record(
        provision=group, on=SCHOOL_DAY, delivered=True, present_pupil_ids=[world.amy.pk], by=ta
    )
    session = services.session_record(
        provision=group,
        on=SCHOOL_DAY,
        delivered=True,
        minutes=25,
        present_pupil_ids=[world.amy.pk, world.ben.pk],
        by=ta,
    )
    assert Session.objects.count() == 1
    assert session.minutes == 25
    assert SessionAttendance.objects.filter(present=True).count() == 2
    assert SessionAttendance.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="provision.Session", action="update").exists()


def test_a_session_in_the_future_is_refused(world, group):
    with pytest.raises(ValidationError) as exc:
        services.session_record(
            provision=group, on=TODAY + timedelta(days=1), delivered=True, by=world.users["ta"]
        )
    assert error_fields(exc) == {"on"}
    assert not Session.objects.exists()


def test_a_session_outside_the_provisions_dates_is_refused(world, group):
    with pytest.raises(ValidationError) as exc:
        services.session_record(
            provision=group,
            on=group.start_date - timedelta(days=1),
            delivered=True,
            by=world.users["ta"],
        )
    assert error_fields(exc) == {"on"}
    assert not Session.objects.exists()


def test_a_session_at_the_weekend_is_refused(world, group):
    saturday = SCHOOL_DAY - timedelta(days=SCHOOL_DAY.weekday() + 2)
    with pytest.raises(ValidationError) as exc:
        services.session_record(provision=group, on=saturday, delivered=True, by=world.users["ta"])
    assert error_fields(exc) == {"on"}
    assert not Session.objects.exists()


def test_a_missed_session_needs_a_reason(world, group):
    with pytest.raises(ValidationError) as exc:
        services.session_record(
            provision=group,
            on=SCHOOL_DAY,
            delivered=False,
            missed_reason="  ",
            by=world.users["ta"],
        )
    assert error_fields(exc) == {"missed_reason"}
    assert not Session.objects.exists()


def test_a_missed_session_has_no_attendance(world, group):
    ta = world.users["ta"]
    with pytest.raises(ValidationError) as exc:
        services.session_record(
            provision=group,
            on=SCHOOL_DAY,
            delivered=False,
            missed_reason="TA covering a class",
            present_pupil_ids=[world.amy.pk],
            by=ta,
        )
    assert error_fields(exc) == {"present"}
    assert not Session.objects.exists()
    session = services.session_record(
        provision=group, on=SCHOOL_DAY, delivered=False, missed_reason="TA covering a class", by=ta
    )
    assert session.minutes == 0 and not session.attendance.exists()


def test_attendance_for_a_pupil_not_enrolled_is_refused(world, group):
    with pytest.raises(ValidationError) as exc:
        services.session_record(
            provision=group,
            on=SCHOOL_DAY,
            delivered=True,
            present_pupil_ids=[world.amy.pk, world.dan.pk],
            by=world.users["ta"],
        )
    assert error_fields(exc) == {"present"}
    assert not Session.objects.exists() and not SessionAttendance.objects.exists()


def test_a_pupil_who_has_left_is_not_on_a_later_register(world, group, senco):
    services.enrolment_end(
        enrolment=group.enrolments.get(pupil=world.ben),
        end_date=TODAY - timedelta(days=2),
        by=senco,
    )
    session = services.session_record(
        provision=group, on=SCHOOL_DAY, delivered=True, present_pupil_ids=[world.amy.pk], by=senco
    )
    assert [a.pupil_id for a in session.attendance.all()] == [world.amy.pk]
    with pytest.raises(ValidationError):
        services.session_record(
            provision=group,
            on=SCHOOL_DAY,
            delivered=True,
            present_pupil_ids=[world.ben.pk],
            by=senco,
        )


# --- entry and exit data ----------------------------------------------------------------------


@pytest.fixture
def amy_in(group):
    return group.enrolments.get(pupil__legal_forename="Amy")


def measure(enrolment, by, **kw):
    values: dict[str, Any] = {
        "kind": "entry",
        "measure_type": "standardised",
        "name": "Salford reading test",
        "on": TODAY - timedelta(days=20),
        "value": Decimal("78"),
    } | kw
    return services.measure_record(enrolment=enrolment, by=by, **values)


def test_entry_then_exit_data(world, amy_in):
    ta = world.users["ta"]
    measure(amy_in, ta)
    exit_ = measure(amy_in, ta, kind="exit", on=TODAY, value="86")
    assert exit_.value == Decimal("86")
    event = AuditEvent.objects.filter(object_type="provision.Measure").latest("pk")
    assert event.pupil_id == world.amy.pk and "value" not in event.data


def test_a_second_entry_measure_is_refused(world, amy_in):
    ta = world.users["ta"]
    measure(amy_in, ta)
    with pytest.raises(ValidationError) as exc:
        measure(amy_in, ta, value="80")
    assert error_fields(exc) == {"kind"}
    assert Measure.objects.count() == 1


def test_an_exit_measure_before_the_entry_is_refused(world, amy_in):
    ta = world.users["ta"]
    measure(amy_in, ta)
    with pytest.raises(ValidationError) as exc:
        measure(amy_in, ta, kind="exit", on=TODAY - timedelta(days=30))
    assert error_fields(exc) == {"on"}
    assert Measure.objects.count() == 1


def test_an_exit_measure_of_another_kind_or_without_an_entry_is_refused(world, amy_in):
    ta = world.users["ta"]
    with pytest.raises(ValidationError) as exc:
        measure(amy_in, ta, kind="exit")
    assert error_fields(exc) == {"kind"}
    measure(amy_in, ta)
    with pytest.raises(ValidationError) as exc:
        measure(amy_in, ta, kind="exit", on=TODAY, measure_type="age_equivalent")
    assert error_fields(exc) == {"measure_type"}
    assert Measure.objects.count() == 1


def test_a_measure_in_the_future_is_refused(world, amy_in):
    with pytest.raises(ValidationError) as exc:
        measure(amy_in, world.users["ta"], on=TODAY + timedelta(days=1))
    assert error_fields(exc) == {"on"}
    assert not Measure.objects.exists()


# --- money ------------------------------------------------------------------------------------


def test_the_budget_and_top_ups_are_set_and_replaced(world, senco):
    services.budget_set(school=world.oak, start_year=2026, amount="120000", by=senco)
    services.budget_set(school=world.oak, start_year=2026, amount="125000", by=senco)
    assert NotionalBudget.objects.get().amount == Decimal("125000")
    services.top_up_set(pupil=world.amy, start_year=2026, amount="6000", by=senco)
    assert TopUpFunding.objects.get().amount == Decimal("6000")
    with pytest.raises(ValidationError) as exc:
        services.budget_set(school=world.oak, start_year=2026, amount="-1", by=senco)
    assert error_fields(exc) == {"amount"}
    with pytest.raises(ValidationError) as exc:
        services.top_up_set(pupil=world.amy, start_year=1999, amount="1", by=senco)
    assert error_fields(exc) == {"start_year"}
    assert NotionalBudget.objects.get().amount == Decimal("125000")


# --- selectors --------------------------------------------------------------------------------


def test_figures_of_a_provision(world, senco):
    """Eight planned sessions (Mondays and Wednesdays in a four-week term; the week after is a
    holiday): six delivered, one missed, one not recorded. 30 minutes at £24 an hour is £12 a
    session; £50 of resources."""
    past_term(world)
    provision = make_provision(
        world,
        start=TERM_START,
        end=date(2024, 10, 4),
        weekdays=MONDAY_WEDNESDAY,
        resource_cost=Decimal("50"),
    )
    for pupil in (world.amy, world.ben):
        services.enrol(provision=provision, pupil=pupil, start_date=TERM_START, by=senco)
    delivered = [date(2024, 9, d) for d in (2, 4, 9, 11, 16, 18)]
    for day in delivered:
        services.session_record(
            provision=provision, on=day, delivered=True, present_pupil_ids=[world.amy.pk], by=senco
        )
    services.session_record(
        provision=provision, on=date(2024, 9, 23), delivered=False, missed_reason="Trip", by=senco
    )
    f = selectors.provision_figures([provision], today=date(2024, 10, 1))[provision.pk]
    assert (f.planned_total, f.planned_to_date, f.delivered, f.missed) == (8, 8, 6, 1)
    assert f.unrecorded == (date(2024, 9, 25),)
    assert f.fidelity == 0.75 and f.fidelity_percent == 75 and f.fidelity_colour == "yellow"
    assert f.delivered_hours == Decimal(3)
    assert f.cost_so_far == Decimal("122.00")
    # Amy was at every session: all the staff time is hers; resources are split.
    assert f.shares == {world.amy.pk: Decimal(97), world.ben.pk: Decimal(25)}
    assert f.pupils == 2 and f.current_pupils == 2

    halfway = selectors.provision_figures([provision], today=date(2024, 9, 10))[provision.pk]
    assert halfway.planned_to_date == 3  # 2, 4 and 9 September

    # The pupil record's lighter read gives the same fidelity tag.
    for today, full in ((date(2024, 10, 1), f), (date(2024, 9, 10), halfway)):
        ((p, light),) = selectors.with_delivery(
            Provision.objects.filter(pk=provision.pk), today=today
        )
        assert p == provision
        assert (light.planned_to_date, light.delivered) == (full.planned_to_date, full.delivered)
        assert (light.fidelity_percent, light.fidelity_colour) == (
            full.fidelity_percent,
            full.fidelity_colour,
        )


def test_a_provision_with_nothing_due_yet_has_no_fidelity(world):
    provision = make_provision(world, start=TODAY + timedelta(days=7))
    f = selectors.provision_figures([provision])[provision.pk]
    assert f.fidelity is None and f.fidelity_colour == "grey"
    ((_p, light),) = selectors.with_delivery(Provision.objects.filter(pk=provision.pk))
    assert light.fidelity is None and light.fidelity_colour == "grey"


def _provisions_with_sessions(world, n: int) -> list[Provision]:
    senco = world.users["senco"]
    made = []
    for i in range(n):
        p = make_provision(world, name=f"Group {i}")
        services.enrol(provision=p, pupil=world.amy, start_date=p.start_date, by=senco)
        services.session_record(
            provision=p, on=SCHOOL_DAY, delivered=True, present_pupil_ids=[world.amy.pk], by=senco
        )
        made.append(p)
    return made


def _queries_for_figures(provisions: list[Provision]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.provision_figures(
            Provision.objects.filter(pk__in=[p.pk for p in provisions])
        )
    assert len(figures) == len(provisions)
    return len(ctx.captured_queries)


def test_figures_take_the_same_number_of_queries_for_3_or_15_provisions(world):
    first = _provisions_with_sessions(world, 3)
    few = _queries_for_figures(first)
    many = _queries_for_figures(first + _provisions_with_sessions(world, 12))
    # The provisions, the terms, the sessions, who was present, the enrolments.
    assert few == many == 5


def test_a_teacher_sees_provisions_of_pupils_they_teach_and_a_ta_those_they_deliver(world, senco):
    amy_group = make_provision(world, name="Amy's group", staff="senco")
    services.enrol(provision=amy_group, pupil=world.amy, start_date=TODAY, by=senco)
    dan_group = make_provision(world, name="Dan's group", staff="senco")
    services.enrol(provision=dan_group, pupil=world.dan, start_date=TODAY, by=senco)
    ta_group = make_provision(world, name="TA's group", staff="ta")

    def seen(persona):
        return set(access.visible_provisions(world.users[persona], world.oak))

    assert seen("senco") == seen("slt") == seen("admin") == {amy_group, dan_group, ta_group}
    assert seen("teacher") == {amy_group}  # Amy is in the teacher's class; Dan is not
    assert seen("ta") == {ta_group}
    assert seen("governor") == seen("dpo") == set()
    assert access.visible_provisions(world.users["outsider"], world.elm).count() == 0
