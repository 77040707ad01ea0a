"""Issue 16's compliance page in Debian's chromium: the SENCo goes from the school's home page to
the findings, filters them and follows one to the page that resolves it. axe-core on each page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pupils.models import RegisterEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_senco_reads_and_follows_the_findings(page, live_server, world, login, axe_check):
    RegisterEntry.objects.filter(pupil=world.amy).update(
        start_date=timezone.localdate() - timedelta(days=40)
    )
    login(page, world.users["senco"])
    page.goto(live_server.url + "/staff/")
    with page.expect_navigation():
        page.click("a:has-text('Compliance')")
    page.wait_for_selector("h1:has-text('Compliance')")
    assert page.locator("#findings tbody tr").count() == 2
    axe_check(page)

    page.select_option('select[name="code"]', "PLAN_MISSING")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 1 and "no plan in an open cycle" in rows.first.inner_text()
    axe_check(page)

    with page.expect_navigation():
        rows.first.locator("a:has-text('Open a cycle')").click()
    assert f"/staff/pupils/{world.amy.pk}/cycles/new/" in page.url
