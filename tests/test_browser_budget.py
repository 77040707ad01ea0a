"""The notional SEN budget in Debian's chromium (issue 13, item 6): the SENCo enters a TA's
in-class hours with the keyboard only (a mistake first: the error summary), reads the budget by
category with what is counted beside it; the SEN governor reads it without names, at 320 px
too. axe-core on
every page."""

import pytest

from provision.models import SpendingLine, StaffRole

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_senco_enters_in_class_support_with_the_keyboard(
    page, live_server, world, login, axe_check
):
    StaffRole.objects.create(school=world.oak, name="TA level 3", kind="ta3", hourly_cost=22)
    login(page, world.users["senco"])
    page.goto(live_server.url + "/staff/provision/budget/")
    page.wait_for_selector("h1:has-text('Notional SEN budget')")
    assert page.locator("#counted").is_visible()
    axe_check(page)

    page.click("a:has-text('Add spending')")
    page.wait_for_selector("h1:has-text('Add spending')")
    axe_check(page)
    # Staffing without its hours: field errors, nothing written.
    page.locator("input[name='category'][value='staffing']").focus()
    page.keyboard.press("Space")
    page.locator("#id_description").focus()
    page.keyboard.type("In-class support, Year 5")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert "Select the staff role." in summary.inner_text()
    assert "Enter the hours a week." in summary.inner_text()
    assert not SpendingLine.objects.exists()
    axe_check(page)

    # The whole line, typed: the date, the role, the hours and the weeks.
    today = page.evaluate("new Date().toISOString().slice(0, 10)").split("-")
    page.locator("#id_spent_on_0").fill(today[2])
    page.locator("#id_spent_on_1").fill(today[1])
    page.locator("#id_spent_on_2").fill(today[0])
    page.locator("#id_staff_role").focus()
    page.keyboard.press("ArrowDown")
    page.locator("#id_hours_per_week").fill("12.5")
    page.locator("#id_weeks").fill("38")
    page.locator("button:has-text('Add the spending')").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner, h1:has-text('Notional SEN budget')")
    staffing = page.locator("table:has(caption:has-text('Staffing'))").inner_text()
    assert "In-class support, Year 5" in staffing and "£10,450.00" in staffing  # 12.5 × 38 × £22
    assert "£10,450.00" in page.locator("#budget").inner_text()
    axe_check(page)

    # The SEN governor reads the same budget, without the form.
    page.context.clear_cookies()
    login(page, world.users["governor"])
    page.goto(live_server.url + "/staff/provision/budget/")
    assert "£10,450.00" in page.locator("#categories").inner_text()
    assert page.locator("a:has-text('Add spending')").count() == 0
    axe_check(page)
    # At 320 px the page does not scroll sideways (the tables scroll in their own boxes).
    page.set_viewport_size({"width": 320, "height": 700})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
