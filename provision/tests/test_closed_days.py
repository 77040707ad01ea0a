"""Half-terms and closure days (training days, bank holidays): the school sets them on its term
dates page; no session is planned on them, so planned sessions and planned cost leave them out;
and a session is recorded on one only with the reason it was held (service, register page, API)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import ClosureDay, ClosureKind, SchoolYear, Term
from api.tests.test_api_support import Caller
from audit.models import AuditEvent
from provision import reports, selectors, services
from provision.models import Enrolment, Provision, Session, StaffRole
from provision.tests.test_reports import catalogue

pytestmark = pytest.mark.django_db

HALF_TERM = (date(2024, 10, 28), date(2024, 11, 1))
INSET = date(2024, 11, 15)  # a Friday
IN_HALF_TERM = date(2024, 10, 29)  # a Tuesday
OPEN_DAY = date(2024, 10, 22)


@pytest.fixture
def autumn(world):
    """Oak's autumn term 2024 with its half-term and a training day; a group on every weekday
    of October and November with Amy in it."""
    year = SchoolYear.objects.create(school=world.oak, start_year=2024)
    Term.objects.create(
        school_year=year,
        name="autumn",
        start_date=date(2024, 9, 2),
        end_date=date(2024, 12, 20),
        half_term_start=HALF_TERM[0],
        half_term_end=HALF_TERM[1],
    )
    ClosureDay.objects.create(school=world.oak, date=INSET, kind=ClosureKind.INSET)
    role = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost=18)
    group = Provision.objects.create(
        school=world.oak,
        intervention=catalogue("Catch Up Literacy", "CL"),
        name="Reading group",
        staff=world.users["ta"],
        staff_role=role,
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(9, 15),
        session_minutes=30,
        start_date=date(2024, 10, 1),
        end_date=date(2024, 11, 29),
    )
    Enrolment.objects.create(provision=group, pupil=world.amy, start_date=group.start_date)
    return group


def test_planned_sessions_leave_out_the_half_term_and_the_training_day(world, autumn):
    # 1 October to 29 November 2024 has 44 weekdays: 5 in half-term and the training day are shut.
    figures = selectors.provision_figures([autumn], today=date(2025, 1, 1))[autumn.pk]
    assert figures.planned_total == 44 - 5 - 1
    assert IN_HALF_TERM not in figures.unrecorded and INSET not in figures.unrecorded
    [(_p, delivery)] = selectors.with_delivery(
        Provision.objects.filter(pk=autumn.pk), today=date(2025, 1, 1)
    )
    assert delivery.planned_to_date == 38


def test_a_pupils_planned_cost_leaves_out_the_closed_days(world, autumn):
    period = reports.period_for(world.oak, 2024)
    assert set(period.closed) >= {IN_HALF_TERM, INSET}
    [line] = reports.costed_map(world.amy, period, today=date(2025, 1, 1)).lines
    assert line.planned == 38
    assert line.planned_share == Decimal(38 * 9)  # 30 minutes at £18 an hour each


def test_a_session_on_a_closed_day_needs_a_reason(world, autumn):
    ta = world.users["ta"]
    for day, why in ((IN_HALF_TERM, "the autumn half-term"), (INSET, "a training (INSET) day")):
        with pytest.raises(ValidationError) as exc:
            services.session_record(
                provision=autumn, on=day, delivered=True, present_pupil_ids=[world.amy.pk], by=ta
            )
        assert set(exc.value.message_dict) == {"closed_day_reason"}
        assert why in exc.value.message_dict["closed_day_reason"][0]
    assert not Session.objects.exists()
    held = services.session_record(
        provision=autumn,
        on=IN_HALF_TERM,
        delivered=True,
        present_pupil_ids=[world.amy.pk],
        closed_day_reason="Catch-up session during half-term",
        by=ta,
    )
    assert held.closed_day_reason == "Catch-up session during half-term"
    event = AuditEvent.objects.filter(object_type="provision.Session").get()
    assert event.data["closed_day"] is True
    assert "Catch-up" not in str(event.data)  # free text stays out of the trail


def test_an_open_day_needs_no_reason_and_keeps_none(world, autumn):
    s = services.session_record(
        provision=autumn,
        on=OPEN_DAY,
        delivered=True,
        closed_day_reason="not needed",
        by=world.users["ta"],
    )
    assert s.closed_day_reason == ""


def test_the_register_page_asks_for_the_reason_on_a_closed_day(world, autumn):
    # The SENCo keeps the register: this 2024 group ended long before today, past the grace in
    # which its deliverer may still record (access.delivers, docs/decisions.md).
    client = Client()
    client.force_login(world.users["senco"])
    url = reverse("provision_register", args=[autumn.pk]) + f"?on={IN_HALF_TERM.isoformat()}"
    page = client.get(url).content.decode()
    assert "The school is closed on this day (the autumn half-term)" in page
    assert 'name="closed_day_reason"' in page
    open_page = client.get(
        reverse("provision_register", args=[autumn.pk]) + f"?on={OPEN_DAY.isoformat()}"
    ).content.decode()
    assert 'name="closed_day_reason"' not in open_page
    body = {"delivered": "yes", "present": [world.amy.pk]}
    refused = client.post(url, body)
    assert refused.status_code == 200
    assert "say why the session was held" in refused.content.decode()
    assert not Session.objects.exists()
    saved = client.post(url, body | {"closed_day_reason": "Catch-up during half-term"})
    assert saved.status_code == 302
    assert Session.objects.get().closed_day_reason == "Catch-up during half-term"


def test_the_api_refuses_a_closed_day_without_a_reason(world, autumn):
    ta = Caller(world.users["senco"])  # the SENCo: the group ended past its deliverer's grace
    path = f"/provisions/{autumn.pk}/sessions"
    body = {"on": INSET.isoformat(), "present": [world.amy.pk]}
    refused = ta.post(path, body)
    assert refused.status_code == 422
    assert ["body", "closed_day_reason"] in [e["loc"] for e in refused.json()["detail"]]
    assert not Session.objects.exists()
    made = ta.post(path, body | {"closed_day_reason": "Training day catch-up"})
    assert made.status_code == 201, made.content
    assert made.json()["closed_day_reason"] == "Training day catch-up"


def _date(prefix: str, day: date) -> dict[str, int]:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_term_dates_page_saves_half_terms_and_closure_days(world):
    client = Client()
    client.force_login(world.users["senco"])
    body = (
        _date("autumn_start", date(2025, 9, 3))
        | _date("autumn_end", date(2025, 12, 19))
        | _date("autumn_half_term_start", date(2025, 10, 27))
        | _date("autumn_half_term_end", date(2025, 10, 31))
        | _date("spring_start", date(2026, 1, 5))
        | _date("spring_end", date(2026, 3, 27))
        | _date("spring_half_term_start", date(2026, 2, 16))
        | _date("spring_half_term_end", date(2026, 2, 20))
        | _date("summer_start", date(2026, 4, 13))
        | _date("summer_end", date(2026, 7, 22))
        | _date("summer_half_term_start", date(2026, 8, 3))  # after the term ends
        | _date("summer_half_term_end", date(2026, 8, 7))
    )
    url = reverse("school_terms_year", args=[2025])
    refused = client.post(url, body)
    assert "The half-term break must fall inside the summer term." in refused.content.decode()
    assert not Term.objects.filter(school_year__start_year=2025).exists()
    body |= _date("summer_half_term_start", date(2026, 5, 25)) | _date(
        "summer_half_term_end", date(2026, 5, 29)
    )
    assert client.post(url, body).status_code == 302
    spring = Term.objects.get(name="spring", school_year__start_year=2025)
    assert (spring.half_term_start, spring.half_term_end) == (date(2026, 2, 16), date(2026, 2, 20))

    add = reverse("school_closure_add", args=[2025])
    closure = {"kind": "inset", "note": "Phonics training"} | _date("date", date(2026, 1, 5))
    assert client.post(add, closure).status_code == 302
    again = client.post(add, closure)
    assert "already marked as closed" in again.content.decode()
    weekend = client.post(add, closure | _date("date", date(2026, 1, 10)))
    assert "Monday to Friday" in weekend.content.decode()
    page = client.get(url).content.decode()
    assert "Monday 5 January 2026" in page and "Training (INSET) day" in page
    [made] = ClosureDay.objects.all()
    remove = reverse("school_closure_remove", args=[2025, made.pk])
    assert Client().post(remove).status_code == 302  # to sign in: nothing removed
    teacher = Client()
    teacher.force_login(world.users["teacher"])
    assert teacher.post(remove).status_code == 403
    assert client.post(remove).status_code == 302
    assert not ClosureDay.objects.exists()
