"""The provision map pages through the real views: who may open each (200, 403, 404), form errors
shown on the form with nothing written, the session register, htmx filtering and constant query
counts on the list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from provision import services
from provision.models import Measure, Provision, Session, StaffRole
from provision.tests.test_services import SCHOOL_DAY, catalogue_entry, make_provision

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def d(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


@pytest.fixture
def group(world):
    """The TA's group with Amy and Ben, running now."""
    senco = world.users["senco"]
    provision = make_provision(world)
    for pupil in (world.amy, world.ben):
        services.enrol(provision=provision, pupil=pupil, start_date=provision.start_date, by=senco)
    return provision


# --- who may open what ------------------------------------------------------------------------

PERSONAS = ["senco", "teacher", "ta", "slt", "governor", "dpo", "admin", "parent", "outsider"]
OK, F, N = 200, 403, 404
# fmt: off
#                          senco teach ta   slt  gov  dpo  admin parent outs
EXPECTED = {
    "list":                 [OK , OK , OK , OK , F  , F  , OK , F  , OK],
    "library":              [OK , OK , OK , OK , OK , OK , OK , F  , OK],
    "intervention_add":     [OK , F  , F  , F  , F  , F  , F  , F  , OK],
    "staff_roles":          [OK , F  , F  , OK , OK , F  , F  , F  , OK],
    "staff_role_edit":      [OK , F  , F  , F  , F  , F  , F  , F  , N],
    "create":               [OK , F  , F  , F  , F  , F  , F  , F  , OK],
    "detail":               [OK , OK , OK , OK , F  , F  , OK , N  , N],
    "edit":                 [OK , F  , F  , F  , F  , F  , F  , N  , N],
    "enrol":                [OK , F  , F  , F  , F  , F  , F  , N  , N],
    "register":             [OK , F  , OK , F  , F  , F  , F  , N  , N],
    "enrolment_end":        [OK , F  , F  , F  , F  , F  , F  , N  , N],
    "measures":             [OK , F  , OK , F  , F  , F  , F  , N  , N],
    "dan_detail":           [OK , N  , N  , OK , F  , F  , OK , N  , N],
}
# fmt: on


def urls(world, group) -> dict[str, str]:
    senco = world.users["senco"]
    dan_group = make_provision(world, name="Dan's group", staff="senco")
    services.enrol(provision=dan_group, pupil=world.dan, start_date=TODAY, by=senco)
    amy = group.enrolments.get(pupil=world.amy)
    return {
        "list": reverse("provision_list"),
        "library": reverse("provision_library"),
        "intervention_add": reverse("provision_intervention_add"),
        "staff_roles": reverse("provision_staff_roles"),
        "staff_role_edit": reverse("provision_staff_role_edit", args=[group.staff_role_id]),
        "create": reverse("provision_create"),
        "detail": reverse("provision_detail", args=[group.pk]),
        "edit": reverse("provision_edit", args=[group.pk]),
        "enrol": reverse("provision_enrol", args=[group.pk]),
        "register": reverse("provision_register", args=[group.pk]),
        "enrolment_end": reverse("provision_enrolment_end", args=[amy.pk]),
        "measures": reverse("provision_measures", args=[amy.pk]),
        "dan_detail": reverse("provision_detail", args=[dan_group.pk]),
    }


def test_every_page_for_every_persona(world, group):
    paths = urls(world, group)
    assert set(paths) == set(EXPECTED)
    got, want = {}, {}
    for column, persona in enumerate(PERSONAS):
        client = client_for(world, persona)
        for name, path in paths.items():
            got[persona, name] = client.get(path).status_code
            want[persona, name] = EXPECTED[name][column]
    assert got == want


def test_the_anonymous_are_sent_to_sign_in(world, group):
    for path in urls(world, group).values():
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_roles_that_may_not_write_change_nothing(world, group):
    register = reverse("provision_register", args=[group.pk]) + f"?on={TODAY.isoformat()}"
    for persona in ["teacher", "slt", "admin", "governor", "parent", "outsider"]:
        response = client_for(world, persona).post(register, {"delivered": "yes"})
        assert response.status_code in (403, 404), persona
    roles = reverse("provision_staff_roles")
    response = client_for(world, "slt").post(
        roles, {"name": "HLTA", "kind": "hlta", "hourly_cost": "30"}
    )
    assert response.status_code == 403
    assert not Session.objects.exists()
    assert StaffRole.objects.count() == 1


# --- forms and errors -------------------------------------------------------------------------


def provision_form(world, **overrides):
    role = StaffRole.objects.filter(school=world.oak).first() or services.staff_role_save(
        school=world.oak, name="TA level 2", kind="ta2", hourly_cost=24, by=world.users["senco"]
    )
    return {
        "intervention": catalogue_entry().pk,
        "name": "Year 5 maths group",
        "wave": "targeted",
        "staff": world.users["ta"].pk,
        "staff_role": role.pk,
        "weekdays": ["0", "2", "4"],
        "start_time": "09:15",
        **d("start_date", TODAY),
        **d("end_date", TODAY + timedelta(days=70)),
        "resource_cost": "40",
    } | overrides


def test_the_senco_sets_up_a_provision(world):
    response = client_for(world, "senco").post(reverse("provision_create"), provision_form(world))
    provision = Provision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("provision_detail", args=[provision.pk])
    assert provision.weekdays == [0, 2, 4] and provision.session_minutes == 30
    assert provision.resource_cost == Decimal(40)


def test_an_end_date_before_the_start_is_shown_on_the_form(world):
    response = client_for(world, "senco").post(
        reverse("provision_create"),
        provision_form(world, **d("end_date", TODAY - timedelta(days=1))),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The end date cannot be before the start date." in html
    assert not Provision.objects.exists()


def test_a_negative_hourly_cost_is_shown_on_the_form(world):
    response = client_for(world, "senco").post(
        reverse("provision_staff_roles"), {"name": "HLTA", "kind": "hlta", "hourly_cost": "-3"}
    )
    assert "The hourly cost cannot be negative." in response.content.decode()
    assert not StaffRole.objects.exists()


def test_the_senco_adds_an_intervention_and_it_is_in_the_library(world):
    client = client_for(world, "senco")
    response = client.post(
        reverse("provision_intervention_add"),
        {
            "name": "Rapid phonics (our own)",
            "area": "CL",
            "evidence_strength": "limited",
            "group_size": "1",
            "session_minutes": "10",
            "sessions_per_week": "5",
            "weeks": "6",
            "staff_kind": "ta2",
            "measure_type": "raw",
        },
    )
    assert response.status_code == 302
    catalogue_entry()
    page = client.get(reverse("provision_library")).content.decode()
    assert "Rapid phonics (our own)" in page and "Test reading catch-up" in page


def test_the_library_filters_by_area_with_htmx(world):
    catalogue_entry()
    services.intervention_add(
        school=world.oak,
        data={"name": "Calm corner check-ins", "area": "SEMH"},
        by=world.users["senco"],
    )
    response = client_for(world, "teacher").get(
        reverse("provision_library"), {"area": "SEMH"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Calm corner check-ins" in html and "Test reading catch-up" not in html


def test_another_schools_intervention_is_not_offered(world):
    elm_own = services.intervention_add(
        school=world.elm, data={"name": "Elm's own", "area": "CL"}, by=world.users["outsider"]
    )
    response = client_for(world, "senco").post(
        reverse("provision_create"), provision_form(world, intervention=elm_own.pk)
    )
    assert "intervention" in response.context["form"].errors
    assert not Provision.objects.exists()


# --- the session register ---------------------------------------------------------------------


def register_url(group, day=SCHOOL_DAY):
    return reverse("provision_register", args=[group.pk]) + f"?on={day.isoformat()}"


def test_the_register_lists_the_pupils_ticked(world, group):
    html = client_for(world, "ta").get(register_url(group)).content.decode()
    assert f'value="{world.amy.pk}"' in html and f'value="{world.ben.pk}"' in html
    assert html.count("checked") >= 3  # "it happened" and both pupils


def test_the_ta_records_a_session_with_a_pupil_absent(world, group):
    response = client_for(world, "ta").post(
        register_url(group), {"delivered": "yes", "present": [world.amy.pk], "minutes": "30"}
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert {a.pupil_id: a.present for a in session.attendance.all()} == {
        world.amy.pk: True,
        world.ben.pk: False,
    }
    assert session.recorded_by == world.users["ta"]


def test_a_missed_session_ignores_the_ticks_but_needs_a_reason(world, group):
    client = client_for(world, "ta")
    form = {"delivered": "no", "present": [world.amy.pk, world.ben.pk], "minutes": "30"}
    response = client.post(register_url(group), form)
    assert "Say why the session was missed." in response.content.decode()
    assert not Session.objects.exists()
    response = client.post(register_url(group), form | {"missed_reason": "TA covering Year 2"})
    assert response.status_code == 302
    session = Session.objects.get()
    assert not session.delivered and not session.attendance.exists()


def test_a_session_in_the_future_is_shown_at_the_top_of_the_page(world, group):
    response = client_for(world, "ta").post(
        register_url(group, TODAY + timedelta(days=1)), {"delivered": "yes", "minutes": "30"}
    )
    html = response.content.decode()
    assert "A session cannot be recorded before it happens." in html
    assert "govuk-error-summary" in html
    assert not Session.objects.exists()


def test_recording_a_day_again_replaces_it(world, group):
    client = client_for(world, "ta")
    client.post(register_url(group), {"delivered": "yes", "present": [world.amy.pk]})
    html = client.get(register_url(group)).content.decode()
    assert "already recorded" in html
    client.post(register_url(group), {"delivered": "yes", "present": [world.amy.pk, world.ben.pk]})
    assert Session.objects.count() == 1
    assert Session.objects.get().attendance.filter(present=True).count() == 2


# --- entry and exit data ----------------------------------------------------------------------


def test_exit_data_before_the_entry_is_shown_on_the_form(world, group):
    amy = group.enrolments.get(pupil=world.amy)
    services.measure_record(
        enrolment=amy,
        kind="entry",
        measure_type="standardised",
        name="Salford",
        on=TODAY - timedelta(days=10),
        value=80,
        by=world.users["ta"],
    )
    client = client_for(world, "senco")
    url = reverse("provision_measures", args=[amy.pk])
    form = {"measure_type": "standardised", "name": "Salford", "value": "88"}
    response = client.post(url, form | d("on", TODAY - timedelta(days=20)))
    assert "cannot be before the entry one" in response.content.decode()
    assert Measure.objects.count() == 1
    response = client.post(url, form | d("on", TODAY))
    assert response.status_code == 302 and Measure.objects.count() == 2
    page = client.get(reverse("provision_detail", args=[group.pk])).content.decode()
    assert "+8" in page


# --- reading ----------------------------------------------------------------------------------


def test_the_detail_page_shows_fidelity_and_costs_to_those_who_read_costs(world, group):
    services.session_record(provision=group, on=SCHOOL_DAY, delivered=True, by=world.users["ta"])
    senco_page = client_for(world, "senco").get(reverse("provision_detail", args=[group.pk]))
    ta_page = client_for(world, "ta").get(reverse("provision_detail", args=[group.pk]))
    assert "% delivered" in senco_page.content.decode() or "No sessions due yet" in (
        senco_page.content.decode()
    )
    assert "Cost so far" in senco_page.content.decode()
    assert "Cost so far" not in ta_page.content.decode()
    assert AuditEvent.objects.filter(object_type="provision.Provision", action="view").exists()


def test_the_pupil_record_shows_the_same_fidelity_as_the_provision_page(world, group):
    services.session_record(provision=group, on=SCHOOL_DAY, delivered=True, by=world.users["ta"])
    client = client_for(world, "senco")
    tag = re.compile(r"\d+% delivered</strong> <span[^>]*>\d+ of \d+ planned sessions?</span>")
    detail = tag.findall(client.get(reverse("provision_detail", args=[group.pk])).content.decode())
    record = client.get(reverse("pupil_detail", args=[world.amy.pk])).content.decode()
    assert detail and tag.findall(record) == detail[:1]


def test_a_teacher_sees_only_the_pupils_they_teach_in_a_group(world, group):
    services.enrol(provision=group, pupil=world.dan, start_date=TODAY, by=world.users["senco"])
    html = client_for(world, "teacher").get(reverse("provision_detail", args=[group.pk]))
    text = html.content.decode()
    assert "Amy Adams" in text and "Dan Dale" not in text
    assert "1 other pupil you do not work with" in text


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("provision_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_takes_the_same_queries_for_3_or_15_provisions(world):
    senco = world.users["senco"]

    def add(n):
        for i in range(n):
            p = make_provision(world, name=f"Group {len(Provision.objects.all())} {i}")
            services.enrol(provision=p, pupil=world.amy, start_date=p.start_date, by=senco)
            services.session_record(provision=p, on=SCHOOL_DAY, delivered=True, by=senco)

    for persona in ("senco", "teacher"):
        Provision.objects.all().delete()
        add(3)
        client = client_for(world, persona)
        few = _list_queries(client)
        add(12)
        html = client.get(reverse("provision_list")).content.decode()
        assert html.count('href="/staff/provision/') >= 15
        assert _list_queries(client) == few, persona


def test_the_senco_links_a_pupils_target_when_changing_the_provision(world, group):
    from support import services as support_services

    senco = world.users["senco"]
    cycle = support_services.cycle_open(pupil=world.amy, opened_on=TODAY, by=senco)
    plan = support_services.plan_save(
        cycle=cycle,
        by=senco,
        data={"plan_date": TODAY, "outcomes": "Reads for pleasure"},
        version=0,
    )
    target = support_services.target_add(
        plan=plan,
        by=senco,
        data={"description": "Read 40 tricky words", "target_date": TODAY + timedelta(days=30)},
    )
    client = client_for(world, "senco")
    url = reverse("provision_edit", args=[group.pk])
    assert "Read 40 tricky words" in client.get(url).content.decode()
    form = provision_form(world, name="Year 5 reading group", targets=[target.pk])
    form |= d("start_date", group.start_date) | d("end_date", group.end_date)
    form["version"] = group.version
    response = client.post(url, form)
    assert response.status_code == 302, response.context["form"].errors
    assert list(group.targets.all()) == [target]
    page = client.get(reverse("provision_detail", args=[group.pk])).content.decode()
    assert "Amy Adams:</strong> Read 40 tricky words" in page
