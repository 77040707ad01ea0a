"""Issue 14: a school administrator invites a member of staff, who accepts the invitation; a SENCo
uploads classes from a CSV through the column-mapping step. By keyboard (Tab to each control,
Enter or Space to act), with axe on every page of both journeys."""

import re

import pytest
from django.core import mail

from accounts.models import Membership, User
from pupils.models import TeachingGroup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NEW_PASSWORD = "plum orbit candle ferry"  # noqa: S105


def tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def test_invite_a_member_of_staff_who_accepts(page, live_server, world, login, axe_check):
    login(page, world.users["admin"])
    page.goto(live_server.url + "/staff/school/staff/")
    assert page.locator("h1").inner_text() == "Staff"
    axe_check(page)
    tab_to(page, "id_email")
    page.keyboard.type("nia.jones@example.org")
    tab_to(page, "id_role_1")  # the radios are one Tab stop; an arrow chooses the next, Teacher
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_role_2").is_checked()
    tab_to(page, "send-invitation")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert (
        "Invitation sent to nia.jones@example.org"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.locator("#invitations tbody tr").count() == 1
    assert "nia.jones@example.org\tTeacher" in page.locator("#invitations").inner_text()
    axe_check(page)

    [message] = mail.outbox
    found = re.search(r"https?://[^/\s]+(/invitations/\S+/)", str(message.body))
    assert found is not None
    path = found.group(1)
    page.context.clear_cookies()
    page.goto(live_server.url + path)
    assert page.locator("h1").inner_text() == "Join Oak Primary on sendpath"
    axe_check(page)
    tab_to(page, "id_first_name")
    page.keyboard.type("Nia")
    tab_to(page, "id_last_name")
    page.keyboard.type("Jones")
    tab_to(page, "id_password1")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "id_password2")
    page.keyboard.type("not the same")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    tab_to(page, "id_password1")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "id_password2")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "accept")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/").endswith("/staff")
    assert "Welcome to Oak Primary" in page.locator(".govuk-notification-banner").inner_text()
    axe_check(page)
    user = User.objects.get(username="nia.jones@example.org")
    assert Membership.objects.filter(user=user, school=world.oak, role="teacher").exists()
    # The link is used up (a 410 page; the browser would log its status as a console error).
    from django.test import Client

    assert Client().get(path).status_code == 410


def test_upload_classes_with_the_mapping_step(page, live_server, world, login, axe_check, tmp_path):
    csv = tmp_path / "classes.csv"
    csv.write_text(
        "Class,Pupil surname,UPN,Teacher email\n"
        f"6A,Adams,{world.amy.upn},teacher@example.org\n"
        f"6A,Dale,{world.dan.upn},teacher@example.org\n"
        f"6B,Brown,{world.ben.upn},\n",
        encoding="utf-8",
    )
    login(page, world.users["senco"])
    page.goto(live_server.url + "/staff/school/classes/")
    axe_check(page)
    page.goto(live_server.url + "/staff/school/classes/upload/")
    axe_check(page)
    page.set_input_files("#id_file", str(csv))
    tab_to(page, "upload")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Match the columns"
    axe_check(page)
    # The columns were guessed from the headers; the pupil's surname is not mapped.
    assert page.locator("#id_name").input_value() == "0"
    assert page.locator("#id_upn").input_value() == "2"
    assert page.locator("#id_teacher").input_value() == "3"
    # Change one by keyboard and back: choose "Not in the file" for the teacher, then column 4.
    tab_to(page, "id_teacher")
    page.keyboard.press("Home")
    assert page.locator("#id_teacher").input_value() == ""
    page.keyboard.press("End")
    assert page.locator("#id_teacher").input_value() == "3"
    tab_to(page, "check-columns")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    preview = page.locator("#upload-preview").inner_text()
    assert "2 classes (2 new), 3 pupil places to add" in preview
    assert not TeachingGroup.objects.filter(name__in=["6A", "6B"]).exists()
    axe_check(page)
    tab_to(page, "save-classes")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Imported" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#groups").inner_text().count("6A") == 1
    axe_check(page)
    six_a = TeachingGroup.objects.get(school=world.oak, name="6A")
    assert set(six_a.pupils.all()) == {world.amy, world.dan}
    assert list(six_a.teachers.all()) == [world.users["teacher"]]
