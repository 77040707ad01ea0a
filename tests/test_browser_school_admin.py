"""Issue 14: "every page works by keyboard, is axe-clean". Each school-administration, import,
leavers and installation page, opened as the person who uses it: one h1, axe-core clean, and
every control in the page's main part reached with Tab (a group of radios is one Tab stop). The
parent-invitation code is made by keyboard and the family's join page used with it."""

import re

import pytest
from django.urls import reverse

from accounts.models import Membership, User
from pupils.models import Contact, FamilyLink, TeachingGroup
from sendpath.testing import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Every focusable control in <main>, each with a key; radios share their group's key.
MARK_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const keys = new Set();
  let n = 0;
  for (const el of document.querySelectorAll('main ' + selector)) {
    const style = getComputedStyle(el);
    if (el.disabled || el.tabIndex < 0 || style.visibility === 'hidden'
        || el.getClientRects().length === 0) continue;
    const key = el.type === 'radio' ? 'radio:' + el.name : 'c' + (n++);
    el.dataset.kb = key;
    keys.add(key);
  }
  return [...keys];
}"""
FOCUSED = "() => document.activeElement && document.activeElement.dataset.kb || ''"


def every_control_by_tab(page) -> None:
    wanted = set(page.evaluate(MARK_CONTROLS))
    assert wanted, f"{page.url}: no control in <main> to reach"
    page.locator("body").focus()
    reached: set[str] = set()
    for _ in range(3 * len(wanted) + 60):
        page.keyboard.press("Tab")
        key = page.evaluate(FOCUSED)
        if key:
            reached.add(key)
        if reached >= wanted:
            return
    missing = wanted - reached
    raise AssertionError(f"{page.url}: {len(missing)} control(s) never reached with Tab")


def check_page(page, axe_check, url: str) -> None:
    page.goto(url)
    assert page.locator("h1").count() == 1, url
    axe_check(page)
    every_control_by_tab(page)


def tab_to_text(page, text: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in page.evaluate("() => document.activeElement.innerText || ''"):
            return
    raise AssertionError(f"no control saying {text!r} is reached with Tab")


def test_school_administration_pages(page, live_server, world, login, axe_check):
    group = TeachingGroup.objects.get(school=world.oak, name="5A")
    teacher = Membership.objects.get(user=world.users["teacher"], school=world.oak)
    contact = Contact.objects.get(school=world.oak, surname="Adams")
    login(page, world.users["admin"])
    base = live_server.url
    for url in (
        reverse("school_staff"),
        reverse("membership_role", args=[teacher.pk]),
        reverse("membership_end", args=[teacher.pk]),
        reverse("school_families"),
        reverse("contact_add"),
        reverse("contact_detail", args=[contact.pk]),
        reverse("school_classes"),
        reverse("group_detail", args=[group.pk]),
        reverse("classes_upload"),
        reverse("ta_assignments"),
        reverse("school_rollover"),
        reverse("ctf_upload"),
        reverse("sen_file_upload"),
        reverse("leaving", args=[world.amy.pk]),
    ):
        check_page(page, axe_check, base + url)


def test_leavers_for_the_senco_and_the_installation_for_its_admin(
    page, live_server, world, login, axe_check
):
    login(page, world.users["senco"])
    check_page(page, axe_check, live_server.url + reverse("leavers"))
    page.context.clear_cookies()
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    login(page, root)
    check_page(page, axe_check, live_server.url + reverse("installation"))


def test_a_paper_code_made_and_used_by_keyboard(page, live_server, world, login, axe_check):
    uncle = Contact.objects.create(school=world.oak, forename="Lee", surname="Brown")
    FamilyLink.objects.create(pupil=world.ben, contact=uncle, relationship="other")
    login(page, world.users["admin"])
    page.goto(live_server.url + reverse("school_families"))
    tab_to_text(page, "Make a paper code")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_check(page)
    code = page.locator("#parent-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9-]+", code)
    page.context.clear_cookies()
    check_page(page, axe_check, live_server.url + reverse("family_join"))
    page.locator("#id_code").focus()
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The code was right: the same address now asks for the new parent's account.
    assert page.locator("#id_password1").count() == 1
    check_page(page, axe_check, page.url)
