"""Issue 14: the SENCo imports the roll from a CTF (upload, the preview, confirm), and records a
pupil's leaving (the leaving page, the 15-school-day clock, the records sent). By keyboard (Tab
to each control, Enter to act; the file chooser is the browser's own dialog, so the file is set
on the focused input), with axe on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from interop.ctf import SchoolRef
from interop.generate import ctf_bytes, make_header, realistic_pupils
from interop.models import Leaving
from pupils.models import Pupil

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def test_upload_a_ctf_preview_then_confirm(page, live_server, world, login, axe_check, tmp_path):
    today = timezone.localdate()
    dest = SchoolRef("820", "2001", "100001", "Oak Primary")
    pupils = list(realistic_pupils(12, seed=5, today=today - timedelta(days=5), upn_la="998"))
    path = tmp_path / "roll.xml"
    path.write_bytes(ctf_bytes(make_header(dest=dest, when=today - timedelta(days=1)), pupils))
    login(page, world.users["senco"])
    page.goto(live_server.url + "/staff/import/ctf/")
    axe_check(page)
    tab_to(page, "id_file")
    page.locator("#id_file").set_input_files(str(path))
    tab_to(page, "ctf-check")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "12 pupils: 12 new, 0 updated, 0 unchanged" in page.locator("#ctf-preview").inner_text()
    assert not Pupil.objects.filter(upn=pupils[0].upn).exists()  # the preview wrote nothing
    axe_check(page)
    tab_to(page, "ctf-confirm")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Imported: 12 pupils" in page.locator(".govuk-notification-banner").inner_text()
    assert Pupil.objects.filter(school=world.oak, upn__in=[p.upn for p in pupils]).count() == 12
    axe_check(page)


def test_record_a_leaving_and_the_records_sent(page, live_server, world, login, axe_check):
    today = timezone.localdate()
    login(page, world.users["senco"])
    page.goto(live_server.url + f"/staff/pupils/{world.amy.pk}/")
    tab_to(page, "leaving-link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Record that Amy is leaving"
    axe_check(page)
    tab_to(page, "id_leaving_date_0")
    page.keyboard.type("31")
    tab_to(page, "id_leaving_date_1")
    page.keyboard.type("2")
    tab_to(page, "record-leaving")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".govuk-error-summary").is_visible()  # no 31 February, no destination
    assert not Leaving.objects.exists()
    axe_check(page)
    for field, value in (("id_leaving_date_0", str(today.day)), ("id_leaving_date_1", str(today.month)),
                         ("id_leaving_date_2", str(today.year)),
                         ("id_destination_name", "Elm Primary"), ("id_destination_urn", "100002")):  # fmt: skip
        tab_to(page, field)
        page.keyboard.press("Control+a")
        page.keyboard.type(value)
    tab_to(page, "record-leaving")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "school days left" in page.locator("#transfer-clock").inner_text()
    assert page.locator("#transfer-downloads a").count() == 3
    axe_check(page)
    tab_to(page, "records-sent")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Sent" in page.locator("#transfer-clock").inner_text()
    assert Leaving.objects.get(pupil=world.amy).sent_on == today
    axe_check(page)
