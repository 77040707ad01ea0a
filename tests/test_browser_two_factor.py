"""Issue 12: a SENCo who must have a second step enrols with the keyboard alone (Tab to each
field, Enter to submit), sees the recovery codes once, and reaches the staff pages. axe on every
page of the journey."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendpath.testing import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab_to(page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def test_a_senco_enrols_by_keyboard(page, live_server, world, axe_check, settings):
    settings.SENDPATH_REQUIRE_2FA = True
    page.goto(live_server.url + "/accounts/login/")
    tab_to(page, "id_username")
    page.keyboard.type("senco")
    tab_to(page, "id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(live_server.url + "/staff/")
    assert "/accounts/two-factor/setup/" in page.url
    assert page.locator("h1").inner_text() == "Set up a second step for sign-in"
    axe_check(page)
    secret = page.locator("#totp-secret").inner_text()
    assert len(secret.replace(" ", "")) == 32
    device = TOTPDevice.objects.get(user=world.users["senco"], confirmed=False)

    # A wrong code first: the error summary is announced and the field is marked.
    tab_to(page, "id_code")
    page.keyboard.type("000000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)

    page.wait_for_timeout(2100)  # django-otp makes the next try wait a second after a wrong one
    tab_to(page, "id_code")
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#recovery-codes li").count() == 10
    axe_check(page)
    with page.expect_navigation():
        page.locator("a.govuk-button:has-text('Continue')").focus()
        page.keyboard.press("Enter")
    assert "/staff/" in page.url
    assert "two-factor" not in page.url
