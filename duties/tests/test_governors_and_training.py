"""The governors' report passes the small-number rule; training records, the training needs
view and provision run by someone untrained for it (issue 19)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duties import selectors, services
from duties.governors import bars
from duties.models import TrainingCourse
from provision import services as provision_services
from provision.models import Intervention, Session, StaffRole

pytestmark = pytest.mark.usefixtures("builtin_catalogue")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _between(html: str, start: str, end: str) -> str:
    after = html[html.index(start) :]
    return after[: after.index(end)]


def _numeric_cells(html: str) -> list[str]:
    return re.findall(r'govuk-table__cell--numeric">([^<]*)<', html)


@pytest.mark.django_db
def test_the_governors_report_shows_no_count_below_the_threshold(world):
    """Oak has one pupil on the register (Amy): every numeric cell is 0, "fewer than 3", or 3
    and more, on the page and for every reader, the SENCo included."""
    for persona in ("governor", "senco", "slt"):
        page = _client(world.users[persona]).get(reverse("duties_governors"))
        assert page.status_code == 200
        html = page.content.decode()
        cells = _numeric_cells(html)
        assert "fewer than 3" in cells
        assert all(
            c == "0" or c == "–" or c.startswith("fewer than") or int(c) >= 3 for c in cells
        ), cells
        assert "Amy" not in html and world.amy.upn not in html
        assert "on SEN support" in html and "fewer than 3 on SEN support" in html
    pdf = _client(world.users["governor"]).get(reverse("duties_governors_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_governors_report_refuses_roles_without_it(world):
    for persona in ("teacher", "ta", "dpo", "admin"):
        assert _client(world.users[persona]).get(reverse("duties_governors")).status_code == 403


def test_bars_are_scaled_to_the_longest():
    assert [b.width for b in bars([("a", 5), ("b", 10), ("c", 0)])] == [50, 100, 0]
    assert bars([]) == []


def _provision(world, staff):
    role = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost=18)
    intervention = Intervention.objects.filter(school__isnull=True, area="CL").order_by("name")[0]
    today = timezone.localdate()
    provision = provision_services.provision_create(
        school=world.oak,
        intervention=intervention,
        data={
            "name": "Reading group",
            "staff": staff,
            "staff_role": role,
            "weekdays": [0, 2],
            "session_minutes": 30,
            "start_date": today - timedelta(days=20),
            "end_date": today + timedelta(days=40),
        },
        by=world.users["senco"],
    )
    Session.objects.create(
        provision=provision, on=today - timedelta(days=6), minutes=30, delivered_by=staff,
        staff_role=role,
    )  # fmt: skip
    return provision, intervention


@pytest.mark.django_db
def test_provision_run_by_someone_untrained_is_flagged_until_they_are_trained(world):
    senco, ta = world.users["senco"], world.users["ta"]
    provision, intervention = _provision(world, ta)
    today = timezone.localdate()
    # The course exists (the SENCo had it) and the intervention names it.
    services.training_record(
        school=world.oak, staff=senco, course_name="Precision teaching", area="CL",
        completed_on=today - timedelta(days=100), hours=Decimal(3), provider="LA",
        certificate=None, by=senco,
    )  # fmt: skip
    course = TrainingCourse.objects.get()
    assert selectors.untrained_provisions(world.oak, today) == []  # nothing required yet
    services.course_requirements(course=course, intervention_ids=[intervention.pk], by=senco)
    (flag,) = selectors.untrained_provisions(world.oak, today)
    assert flag.provision == provision and flag.missing == ["Precision teaching"]
    assert (flag.sessions_untrained, flag.sessions_delivered, flag.share_untrained) == (1, 1, 100)
    page = _client(senco).get(reverse("duties_training")).content.decode()
    assert "Reading group" in page and "Untrained" in page
    # Flagged on the provision's page (warning text, in words) and beside fidelity in the list,
    # naming the training needed and who lacks it; a TA sees it on their own provision too.
    ta_name = ta.get_full_name() or ta.get_username()
    for user in (senco, ta):
        detail = _client(user).get(reverse("provision_detail", args=[provision.pk]))
        warning = _between(detail.content.decode(), 'id="untrained-flag"', "</div>")
        assert "Run by someone untrained for it" in warning, user
        assert "needs: Precision teaching" in warning and f"Not trained: {ta_name}" in warning
        assert "1 of 1 session delivered" in warning
    listed = _client(senco).get(reverse("provision_list")).content.decode()
    row = _between(listed, "Reading group", "</tr>")
    assert "Untrained</strong>" in row and "needs Precision teaching" in row and ta_name in row
    # The TA is trained (through the form, with a certificate): no flag.
    form = {
        "staff": ta.pk, "course_name": "Precision teaching", "area": "CL",
        "completed_on_0": str(today.day), "completed_on_1": str(today.month),
        "completed_on_2": str(today.year), "hours": "1.5", "provider": "nasen",
        "certificate": SimpleUploadedFile("cert.pdf", b"%PDF-1.4 x", "application/pdf"),
    }  # fmt: skip
    assert _client(senco).post(reverse("duties_training_add"), form).status_code == 302
    assert selectors.untrained_provisions(world.oak, today) == []
    detail = _client(senco).get(reverse("provision_detail", args=[provision.pk])).content.decode()
    assert "untrained-flag" not in detail and "Run by someone untrained" not in detail
    assert (
        "Untrained</strong>" not in _client(senco).get(reverse("provision_list")).content.decode()
    )
    record = ta.send_training.get()
    download = _client(world.users["admin"]).get(reverse("duties_certificate", args=[record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert (
        _client(world.users["teacher"])
        .get(reverse("duties_certificate", args=[record.pk]))
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_bad_training_input_writes_nothing(world):
    senco = _client(world.users["senco"])
    form = {"staff": world.users["ta"].pk, "course_name": "", "hours": "-1"}
    assert senco.post(reverse("duties_training_add"), form).status_code == 200
    assert not TrainingCourse.objects.exists()


@pytest.mark.django_db
def test_the_training_needs_view_sets_needs_against_who_is_trained(world):
    senco = world.users["senco"]
    today = timezone.localdate()
    services.training_record(
        school=world.oak, staff=world.users["ta"], course_name="Autism awareness", area="CI",
        completed_on=today, hours=Decimal(2), provider="", certificate=None, by=senco,
    )  # fmt: skip
    needs = {row.area: row for row in selectors.needs_by_area(world.oak, today)}
    assert needs["CL"].pupils == 1 and needs["CL"].staff_trained == 0  # Amy, SPLD
    assert needs["CI"].pupils == 0 and needs["CI"].staff_trained == 1
    page = _client(senco).get(reverse("duties_training")).content.decode()
    assert "No one trained" in page


@pytest.mark.django_db
def test_ta_deployment_shows_in_class_pupils_and_interventions_with_hours_and_cost(world):
    ta = world.users["ta"]
    provision, _ = _provision(world, ta)  # Mondays and Wednesdays, 30 minutes, £18 an hour
    (d,) = selectors.ta_deployment(world.oak, timezone.localdate())
    assert d.user == ta and [a.pupil for a in d.in_class] == [world.ben]
    (p,) = d.provisions
    assert p.provision == provision and p.hours_a_week == Decimal("1.0")
    assert p.cost_a_week == Decimal("18.00") and d.cost_a_week == Decimal("18.00")
    page = _client(world.users["slt"]).get(reverse("duties_ta_deployment"))
    assert page.status_code == 200 and "Ben Brown" in page.content.decode()
    assert _client(world.users["governor"]).get(reverse("duties_ta_deployment")).status_code == 403
