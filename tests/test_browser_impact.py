"""Issue 4's reports in Debian's chromium: a senior leader signs in, reads impact for cost for a past
school year (small samples marked, the formulas explained) and the whole-school provision map,
filters it (htmx swaps the results) and drills down to the pupils. axe-core on every page."""

import re

import pytest

from provision.tests.test_reports import YEAR, build_example

# serialized_rollback: the flush after a transactional test would otherwise take the built-in
# intervention catalogue (a data migration) away from the tests that run after it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_senior_leader_reads_impact_and_the_provision_map(
    page, live_server, world, login, axe_check
):
    build_example(world)
    login(page, world.users["slt"])

    # Impact for cost: this year has no provision yet; 2024/25 has the example.
    page.goto(live_server.url + "/staff/provision/impact/")
    page.wait_for_selector("h1:has-text('Impact for cost')")
    axe_check(page)
    page.select_option('select[name="year"]', str(YEAR))
    with page.expect_navigation():
        page.click("button:has-text('Show')")
    lines = page.locator("table:has(caption:has-text('By provision')) tbody tr")
    assert lines.count() == 2
    reading = page.locator("tbody tr:has-text('Reading group B')").first.inner_text()
    assert "Small sample" in reading and "£24.00" in reading  # £48 for two pupils
    assert "Amy" not in page.content()  # figures only
    assert page.locator("#formulas").is_visible()
    axe_check(page)

    # The whole-school map, for the same year: the filter form swaps the results in place.
    page.goto(live_server.url + "/staff/provision/map/")
    page.wait_for_selector("h1:has-text('Provision map')")
    axe_check(page)
    page.select_option('select[name="year"]', str(YEAR))
    page.wait_for_url(re.compile(rf"year={YEAR}"))
    page.wait_for_selector("#results .sp-count:has-text('£144.00')")
    assert "School year 2024/25" in page.locator("#results h2").first.inner_text()
    axe_check(page)

    # Drill down: the targeted wave, and the pupils behind it with their shares.
    page.click("#results table:has(caption:has-text('By wave')) a:has-text('Wave 2: targeted')")
    page.wait_for_selector("#pupils")
    pupils = page.locator("#pupils").inner_text()
    assert "Adams, Amy" in pupils and "£28.50" in pupils and "Dale, Dan" not in pupils
    axe_check(page)
