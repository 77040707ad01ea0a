"""The SENCo's main journey in Debian's chromium: sign in, filter the register, open a pupil,
place them on SEN support, record how the parents were told. axe-core on every page."""

import re

import pytest
from django.utils import timezone

# serialized_rollback: the flush after a transactional test would otherwise empty the built-in
# intervention catalogue (data from a migration) for the tests that run after this one.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fill_date(page, name: str, day) -> None:
    page.fill(f'input[name="{name}_0"]', str(day.day))
    page.fill(f'input[name="{name}_1"]', str(day.month))
    page.fill(f'input[name="{name}_2"]', str(day.year))


def test_senco_places_a_pupil_on_sen_support(page, live_server, world, axe_check):
    page.goto(live_server.url + "/accounts/login/")
    axe_check(page)
    page.fill('input[name="username"]', "senco")
    page.fill('input[name="password"]', "wrong password")
    page.click("button:has-text('Sign in')")
    page.wait_for_selector(".govuk-error-summary")
    axe_check(page)
    from sendpath.testing import PASSWORD

    page.fill('input[name="password"]', PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r"/staff/$"))
    assert page.locator("h1").inner_text() == "Oak Primary"
    axe_check(page)

    # The register, then filtered (htmx swaps the results and keeps the URL in step).
    page.click("a.govuk-service-navigation__link:has-text('SEN register')")
    page.wait_for_url(re.compile(r"/staff/register/$"))
    assert page.locator("#register-table").inner_text().count("Adams, Amy") == 1
    axe_check(page)
    page.select_option('select[name="provision"]', "N")
    page.wait_for_url(re.compile(r"provision=N"))
    page.wait_for_selector("#register-table:has-text('Brown, Ben')")
    assert "Adams, Amy" not in page.locator("#results").inner_text()
    axe_check(page)

    # Open Ben and place him on SEN support.
    page.click("#register-table a:has-text('Brown, Ben')")
    page.wait_for_selector("h1:has-text('Ben Brown')")
    axe_check(page)
    page.click("a:has-text('Place on the SEN register')")
    page.wait_for_selector("h1:has-text('SEN register decision')")
    axe_check(page)
    page.click("button:has-text('Save the decision')")  # nothing chosen: errors, nothing written
    page.wait_for_selector(".govuk-error-summary")
    axe_check(page)
    assert not world.ben.register_entries.exists()

    page.check('input[name="provision"][value="K"]')
    fill_date(page, "start_date", timezone.localdate())
    page.fill(
        'textarea[name="reason"]',
        "Phonics screening and teacher assessment show a persistent gap in decoding.",
    )
    page.select_option('select[name="need_type"]', "SPLD")
    page.click("button:has-text('Save the decision')")
    page.wait_for_selector("h1:has-text('Tell the parents')")
    axe_check(page)
    page.check('input[name="how"][value="meeting"]')
    page.fill('input[name="note"]', "Met Mr Brown after school")
    page.click("button:has-text('Record how the parents were told')")
    page.wait_for_selector("h1:has-text('Ben Brown')")
    axe_check(page)
    assert "SEN support (K)" in page.locator("main").inner_text()
    assert "Parents told in a meeting" in page.locator("#timeline").inner_text()

    entry = world.ben.register_entries.get()
    assert entry.provision == "K" and entry.parents_informed_how == "meeting"
    assert world.ben.needs.get(rank=1).need_type == "SPLD"


def test_keyboard_only_sign_in(page, live_server, world):
    """Sign in with the keyboard alone: the skip link first, then the form in tab order."""
    from sendpath.testing import PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.locator('input[name="username"]').focus()
    page.keyboard.type("senco")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/$"))
