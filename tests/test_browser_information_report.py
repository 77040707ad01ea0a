"""Issue 19: the SEN information report by keyboard alone — from the school home, start it, write
a section and choose a language, share the draft with a parent, publish — then its public page
at /schools/<URN>/sen-information-report/ and its Polish translation, axe-core on every page."""

import pytest
from django.urls import reverse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches `selector`; fails if Tab never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def press(page, selector: str, key: str = "Enter") -> None:
    """Tab to the link or button and press `key`, waiting for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_report_edited_shared_and_published_by_keyboard(
    page, live_server, world, login, axe_check
):
    login(page, world.users["senco"])
    page.goto(live_server.url + reverse("school_home"))
    press(page, f'main a[href="{reverse("information_report")}"]')
    axe_check(page)
    press(page, "main button[type=submit]")  # Start the report: the edit page
    assert page.locator("h1").inner_text() == "Edit the school's own words"
    axe_check(page)
    tab_to(page, "#id_kinds")
    page.keyboard.type("Written by keyboard: we support every area of need.")
    tab_to(page, 'input[name="languages"][value="pl"]')
    page.keyboard.press("Space")
    press(page, "main button[type=submit]")
    assert "The report's sections are saved" in page.locator("body").inner_text()
    axe_check(page)
    press(page, 'main a[href$="/share/"]')
    axe_check(page)
    tab_to(page, 'input[name="contacts"]')
    page.keyboard.press("Space")
    press(page, "main button[type=submit]")
    assert "The draft is shared for comments" in page.locator("body").inner_text()
    press(page, 'main a[href$="/publish/"]')
    axe_check(page)
    press(page, "main button[type=submit]")
    assert "The report is published at its public address" in page.locator("body").inner_text()
    axe_check(page)
    public = reverse("public_information_report", args=[world.oak.urn])
    press(page, f'main a[href="{public}"]')
    assert page.url.endswith(public)
    main = page.locator("main").inner_text()
    assert "Written by keyboard: we support every area of need." in main
    axe_check(page)
    press(page, 'a[lang="pl"]')
    assert page.locator("html").get_attribute("lang") == "pl"
    assert (
        page.locator('.sp-school-words[lang="en-GB"]')
        .first.inner_text()
        .startswith("Written by keyboard")
    )
    axe_check(page)


def test_the_plan_import_preview_is_axe_clean(page, live_server, world, login, axe_check, tmp_path):
    """Issue 19's plan import: the upload page and its preview, from the pupil's record."""
    import json

    from django.test import Client
    from django.utils import timezone

    from interop import senfile
    from pupils.models import Pupil
    from sendpath.testing import add_support_records

    add_support_records(world)
    client = Client()
    client.force_login(world.users["senco"])
    body = client.get(reverse("sen_file_json", args=[world.amy.pk]), {"kind": "plan"}).content
    assert senfile.problems(json.loads(body)) == []
    amy = world.amy
    Pupil.objects.filter(pk=amy.pk).update(leaving_date=timezone.localdate())
    there = Pupil.objects.create(
        school=world.elm, upn=amy.upn, legal_forename="Amy", legal_surname="Adams",
        date_of_birth=amy.date_of_birth, sex=amy.sex, nc_year=amy.nc_year,
        admission_date=timezone.localdate(),
    )  # fmt: skip
    path = tmp_path / "amy-plan.json"
    path.write_bytes(body)
    login(page, world.users["outsider"])
    page.goto(live_server.url + reverse("pupil_detail", args=[there.pk]))
    press(page, "#plan-import-link")
    assert page.locator("h1").inner_text() == "Import a plan"
    axe_check(page)
    page.set_input_files("#id_file", str(path))
    press(page, "#plan-check")
    assert "Check before importing" in page.locator("#plan-preview").inner_text()
    axe_check(page)
    press(page, "#plan-confirm")
    assert "Imported the plan from Oak Primary as cycle 1" in page.locator("body").inner_text()
