"""Issues 18 and 19: axe-core on the identification pages (pupils to look at, a pupil's progress
chart with its data table, the assessment import, the thresholds) and the school's duties pages
(information report, governors' report, training, TA deployment, case traces, the layer of
support and the ISP plan page), each reached from the school home's links where it has one."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attainment.models import AssessmentPoint, Subject

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _points(world) -> None:
    reading = Subject.objects.create(school=world.oak, name="Reading", min_score=0, max_score=40)
    start = date(timezone.localdate().year - 1, 9, 15)
    for n in range(4):
        day = start + timedelta(days=60 * n)
        AssessmentPoint.objects.create(pupil=world.amy, subject=reading, assessed_on=day,
                                       score=10 + n)  # fmt: skip
        AssessmentPoint.objects.create(pupil=world.ben, subject=reading, assessed_on=day,
                                       score=10 + 4 * n)  # fmt: skip


def test_identification_pages_are_axe_clean(page, live_server, world, login, axe_check):
    _points(world)
    login(page, world.users["senco"])
    for url in (
        reverse("pupils_to_look_at"),
        reverse("pupil_progress", args=[world.amy.pk]),
        reverse("attainment_import"),
        reverse("identification_settings"),
    ):
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        axe_check(page)
    page.goto(live_server.url + reverse("pupil_progress", args=[world.amy.pk]))
    assert "Reading" in page.locator("main").inner_text()  # the data table beside the chart


def test_duties_pages_from_the_school_home_are_axe_clean(page, live_server, world, login,
                                                         axe_check):  # fmt: skip
    login(page, world.users["senco"])
    names = ["information_report", "duties_governors", "duties_training",
             "duties_ta_deployment", "duties_traces"]  # fmt: skip
    for name in names:
        page.goto(live_server.url + reverse("school_home"))
        with page.expect_navigation():
            page.locator(f'main a[href="{reverse(name)}"]').click()
        assert page.url.endswith(reverse(name))
        assert page.locator("h1").count() == 1, name
        axe_check(page)
    for url in (reverse("duties_trace", args=[world.amy.pk]),
                reverse("duties_layer", args=[world.amy.pk])):  # fmt: skip
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        axe_check(page)
