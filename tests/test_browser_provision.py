"""Issue 4's journey in Debian's chromium: a TA, on a phone-sized screen, signs in, opens the
session register of the group she delivers (Ben and Amy) and logs two sessions, one with Ben
absent; the SENCo then records Amy's exit data and sees her gain. And the SENCo's setup: staff
costs, the library, a provision from a catalogue entry, a pupil added. axe-core on every page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from provision import services
from provision.models import Session
from provision.tests.test_services import (
    SCHOOL_DAY,
    catalogue_entry,
    last_school_day,
    make_provision,
)

# serialized_rollback: the flush after a transactional test would otherwise empty the built-in
# intervention catalogue (a data migration) for the tests that run after.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 740}


def fill_date(page, name: str, day) -> None:
    page.fill(f'input[name="{name}_0"]', str(day.day))
    page.fill(f'input[name="{name}_1"]', str(day.month))
    page.fill(f'input[name="{name}_2"]', str(day.year))


def submit(page, label: str) -> None:
    with page.expect_navigation():
        page.click(f"button:has-text('{label}')")


def test_a_ta_keeps_the_register_and_the_senco_records_exit_data(
    page, live_server, world, login, axe_check
):
    today = timezone.localdate()
    senco, ta = world.users["senco"], world.users["ta"]
    group = make_provision(world, name="Year 5 reading group")
    for pupil in (world.ben, world.amy):  # enrolling Amy gives the TA reach to her
        services.enrol(provision=group, pupil=pupil, start_date=group.start_date, by=senco)
    amy = group.enrolments.get(pupil=world.amy)
    services.measure_record(
        enrolment=amy,
        kind="entry",
        measure_type="standardised",
        name="Salford reading test",
        on=group.start_date,
        value=Decimal(78),
        by=ta,
    )

    # The TA, on her phone, finds her group.
    page.set_viewport_size(PHONE)
    login(page, ta)
    page.goto(live_server.url + "/staff/provision/")
    axe_check(page)
    page.click("#provisions a:has-text('Year 5 reading group')")
    page.wait_for_selector("h1:has-text('Year 5 reading group')")
    axe_check(page)

    # Today's session (Friday's at the weekend): Ben is absent.
    page.click("a:has-text('Open the session register')")
    page.wait_for_selector(f"h1:has-text('{SCHOOL_DAY:%-d %B %Y}')")
    axe_check(page)
    page.uncheck("label:has-text('Ben Brown')")
    submit(page, "Save the register")
    assert "1 of 2 present" in page.locator(".govuk-notification-banner").inner_text()
    assert "already recorded" in page.locator("#already").inner_text()
    axe_check(page)

    # The school day before, not yet recorded: everyone was there.
    earlier = last_school_day(SCHOOL_DAY - timedelta(days=1))
    page.click("summary:has-text('Choose a date')")
    fill_date(page, "on", earlier)
    submit(page, "Show the register")
    page.wait_for_selector(f"h1:has-text('{earlier:%-d %B %Y}')")
    assert page.is_checked("label:has-text('Ben Brown')")
    axe_check(page)
    submit(page, "Save the register")
    assert "2 of 2 present" in page.locator(".govuk-notification-banner").inner_text()
    axe_check(page)

    sessions = list(Session.objects.filter(provision=group).order_by("on"))
    assert len(sessions) == 2
    assert [s.on for s in sessions] == [earlier, SCHOOL_DAY]
    marks = {a.pupil_id: a.present for a in sessions[-1].attendance.all()}
    assert marks == {world.amy.pk: True, world.ben.pk: False}
    assert all(a.present for a in sessions[0].attendance.all())

    page.click("a:has-text('Back to Year 5 reading group')")
    page.wait_for_selector("#session-table")
    assert "Ben Brown (absent)" in page.locator("#session-table").inner_text()
    axe_check(page)

    # The SENCo records Amy's exit data, on a desktop.
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.click("button:has-text('Sign out')")
    login(page, senco)
    page.goto(f"{live_server.url}/staff/provision/{group.pk}/")
    page.wait_for_selector("#fidelity")
    axe_check(page)
    page.click("a:has-text('Entry and exit data for Amy Adams')")
    page.wait_for_selector("h2:has-text('Record the exit data')")
    axe_check(page)
    assert page.input_value('input[name="name"]') == "Salford reading test"
    page.fill('input[name="value"]', "77")
    fill_date(page, "on", group.start_date - timedelta(days=1))  # before the entry: refused
    submit(page, "Save the exit data")
    page.wait_for_selector(".govuk-error-summary")
    axe_check(page)
    fill_date(page, "on", today)
    page.fill('input[name="value"]', "86")
    submit(page, "Save the exit data")
    page.wait_for_url(re.compile(rf"/staff/provision/{group.pk}/$"))
    assert "+8" in page.locator(f"#enrolment-{amy.pk}").inner_text()
    axe_check(page)


def test_the_senco_sets_up_a_provision_from_the_library(page, live_server, world, login, axe_check):
    """Staff costs, the library filtered by area (htmx), a provision from a catalogue entry with
    a form error first, then a pupil added. axe on every page."""
    catalogue_entry()
    start = SCHOOL_DAY - timedelta(days=7)
    login(page, world.users["senco"])
    page.goto(live_server.url + "/staff/provision/")
    assert "No current provision." in page.locator("#no-provision").inner_text()
    axe_check(page)

    page.click("a:has-text('Staff roles and costs')")
    page.wait_for_selector("h1:has-text('Staff roles and costs')")
    axe_check(page)
    page.fill('input[name="name"]', "TA level 3")
    page.select_option('select[name="kind"]', "ta3")
    page.fill('input[name="hourly_cost"]', "-2")
    submit(page, "Save the role")
    page.wait_for_selector(".govuk-error-summary:has-text('cannot be negative')")
    axe_check(page)
    page.fill('input[name="hourly_cost"]', "26.40")
    submit(page, "Save the role")
    assert "£26.40" in page.locator("#roles").inner_text()

    page.goto(live_server.url + "/staff/provision/interventions/")
    axe_check(page)
    page.select_option('select[name="area"]', "CL")
    page.wait_for_url(re.compile(r"area=CL"))
    page.wait_for_selector("#results:has-text('Test reading catch-up')")
    axe_check(page)
    page.click(
        "#results .govuk-summary-card:has-text('Test reading catch-up') a:has-text('Set up a provision')"
    )
    page.wait_for_selector("h1:has-text('Set up a provision')")
    axe_check(page)
    page.fill('input[name="name"]', "Year 5 catch-up readers")
    page.select_option('select[name="staff"]', label="Ta")
    page.select_option('select[name="staff_role"]', label="TA level 3 (£26.40/h)")
    for day in ("Monday", "Wednesday", "Friday"):
        page.check(f"label:has-text('{day}')")
    fill_date(page, "start_date", start)
    fill_date(page, "end_date", start - timedelta(days=1))  # before the start: refused
    submit(page, "Set up the provision")
    page.wait_for_selector(".govuk-error-summary:has-text('cannot be before the start date')")
    axe_check(page)
    fill_date(page, "end_date", start + timedelta(days=70))
    submit(page, "Set up the provision")
    page.wait_for_selector("h1:has-text('Year 5 catch-up readers')")
    axe_check(page)

    page.click("a:has-text('Add a pupil')")
    page.wait_for_selector("h1:has-text('Add a pupil')")
    axe_check(page)
    page.select_option('select[name="pupil"]', label="Adams, Amy (Year 5)")
    fill_date(page, "start_date", start)
    submit(page, "Add the pupil")
    page.wait_for_selector("#pupil-table:has-text('Amy Adams')")
    axe_check(page)
