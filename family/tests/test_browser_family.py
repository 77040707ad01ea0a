"""Issue 17, the parent's journey: accept the invitation, read the plan in Polish, send views
before the review, message the key person, raise a concern, acknowledge the review record. By
keyboard only (Tab to each control, Enter to act, arrows in radios), axe-clean on every page,
at 320 px and at desktop width."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from family import services as family_services
from family.models import Acknowledgement, LogEntry, Signposting
from people import services as people_services
from pupils.models import Contact, FamilyLink
from sendpath.testing import review_data
from support import services
from support.models import AssessmentView, Concern

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "plum orbit candle ferry"  # noqa: S105


def tab_to(page, element_id: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def tab_to_link(page, href_part: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement && document.activeElement.href || ''")
        if href_part in href:
            return
    raise AssertionError(f"no link to {href_part} is reachable with Tab")


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _records(world):
    """Amy's first cycle reviewed (its record to acknowledge), the next one open with its plan;
    the views open now; a Polish-speaking mother invited by email."""
    senco, today = world.users["senco"], timezone.localdate()
    cycle = services.cycle_open(pupil=world.amy, opened_on=today - timedelta(days=60), by=senco)
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": today - timedelta(days=60),
            "review_date": today - timedelta(days=1),
            "outcomes": "Amy reads for pleasure",
        },
    )
    target = services.target_add(
        plan=plan, by=senco, data={"description": "Read 20 tricky words", "target_date": today}
    )
    # Amy's own words, given with an adult before the review: on the review record, "my targets".
    family_services.pupil_voice_record(
        cycle=cycle,
        data={"feeling": 4, "going_well": "i like reading club", "hard": "spelling tests"},
        target_words={target.pk: "read my tricky words"},
        by=senco,
    )
    services.review_complete(
        cycle=cycle,
        data=review_data(
            held_on=today - timedelta(days=1), next_review_date=today + timedelta(days=20)
        ),
        by=senco,
        ratings={target.pk: {"rating": 1, "value_reached": "15", "outcome": "partly_achieved"}},
    )
    Signposting.objects.create(
        la=world.la, sendiass_name="Testshire SENDIASS", sendiass_phone="01384 236677"
    )
    Signposting.objects.create(school=world.oak, views_open_days=30)
    contact = Contact.objects.create(
        school=world.oak,
        forename="Ola",
        surname="Adams",
        email="ola@example.org",
        preferred_language="Polish",
    )
    FamilyLink.objects.create(pupil=world.amy, contact=contact, relationship="mother")
    sent = people_services.parent_invite(contact=contact, method="email", by=senco, base_url="")
    return cycle, sent.link


@pytest.mark.parametrize("width", [320, 1280])
def test_a_parent_takes_part_in_polish_by_keyboard(page, live_server, world, axe_check, width):
    reviewed, link = _records(world)
    page.set_viewport_size({"width": width, "height": 900})

    # Accept the invitation: make an account.
    page.goto(live_server.url + link)
    axe_check(page)
    for field, value in [
        ("id_first_name", "Ola"),
        ("id_last_name", "Adams"),
        ("id_password1", PASSWORD),
        ("id_password2", PASSWORD),
    ]:
        tab_to(page, field)
        page.keyboard.type(value)
    tab_to(page, "accept")
    press_enter_and_wait(page)
    # The family area, in the family link's language: Polish.
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").inner_text() == "Państwa dzieci"
    axe_check(page)

    # Read the plan in Polish.
    tab_to_link(page, f"/family/children/{world.amy.pk}/")
    press_enter_and_wait(page)
    assert "Plan prostymi słowami" in page.locator("main").inner_text()
    assert "Testshire SENDIASS" in page.locator("#signposting").inner_text()
    axe_check(page)
    no_sideways_scroll(page, width)

    # Send views before the review.
    tab_to_link(page, f"/family/children/{world.amy.pk}/views/")
    press_enter_and_wait(page)
    axe_check(page)
    tab_to(page, "id_views")
    page.keyboard.type("Amy czyta bratu przed snem.")
    tab_to(page, "send-views")
    press_enter_and_wait(page)
    assert "Dziękujemy" in page.locator(".govuk-notification-banner").inner_text()
    axe_check(page)

    # Message the key person (the SENCo).
    tab_to_link(page, f"/family/children/{world.amy.pk}/messages/")
    press_enter_and_wait(page)
    axe_check(page)
    tab_to(page, "id_text")
    page.keyboard.type("Czy możemy porozmawiać o pisowni?")
    tab_to(page, "send-message")
    press_enter_and_wait(page)
    assert "Czy możemy porozmawiać" in page.locator("main").inner_text()
    axe_check(page)

    # Raise a concern.
    page.goto(live_server.url + f"/family/children/{world.amy.pk}/")
    tab_to_link(page, f"/family/children/{world.amy.pk}/concern/")
    press_enter_and_wait(page)
    axe_check(page)
    tab_to(page, "id_area_1")  # the radios are one Tab stop; an arrow moves to the next
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "id_what_was_seen")
    page.keyboard.type("Amy płacze w poniedziałki przed szkołą.")
    tab_to(page, "send-concern")
    press_enter_and_wait(page)
    axe_check(page)

    # Acknowledge the review record.
    tab_to_link(page, f"/family/children/{world.amy.pk}/reviews/{reviewed.pk}/")
    press_enter_and_wait(page)
    axe_check(page)
    tab_to(page, "acknowledge-review")
    press_enter_and_wait(page)
    assert page.locator("#ack-done").is_visible()
    axe_check(page)

    parent = Contact.objects.get(email="ola@example.org").user
    assert AssessmentView.objects.get(source="parent", recorded_by=parent).views.startswith("Amy")
    assert Concern.objects.get(source="parent").area == "SEMH"
    assert LogEntry.objects.get(kind="message").author == parent
    assert Acknowledgement.objects.get(parent=parent).cycle == reviewed


def no_sideways_scroll(page, width: int) -> None:
    """At 320 px nothing makes the page scroll sideways (WCAG 1.4.10 reflow)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll} px wide at {width} px"


LANG_ATTRIBUTE = {"pl": "pl", "ur": "ur", "en-gb": "en-GB"}


@pytest.mark.parametrize("code", ["pl", "ur", "en-gb"])
def test_every_family_page_is_axe_clean_in_each_language(
    page, live_server, world, login, axe_check, code
):
    """Every family page in Polish, Urdu (right to left) and English, at 320 px: the pupil-voice
    questions, "my targets" and the review record with the child's words, and the help and
    advice (signposting) at the foot of the family pages."""
    from family.models import FamilyLanguage

    reviewed, _ = _records(world)
    FamilyLanguage.objects.create(user=world.users["parent"], language=code)
    page.set_viewport_size({"width": 320, "height": 900})
    login(page, world.users["parent"])
    amy = f"/family/children/{world.amy.pk}/"
    with_help = {"/family/", amy, amy + "concern/", amy + "ehc/", amy + f"reviews/{reviewed.pk}/"}
    paths = [
        "/family/",
        amy,
        amy + "views/",
        amy + "messages/",
        amy + "concern/",
        amy + "voice/",
        amy + "my-targets/",
        amy + "ehc/",
        amy + f"reviews/{reviewed.pk}/",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == LANG_ATTRIBUTE[code], path
        assert page.locator("html").get_attribute("dir") == ("rtl" if code == "ur" else "ltr")
        axe_check(page)
        no_sideways_scroll(page, 320)
        if path in with_help:
            assert page.locator("#signposting").count() == 1, path  # help and advice
    assert with_help <= set(paths)
    # The child's words, as said, on the review record and "my targets".
    page.goto(live_server.url + amy + f"reviews/{reviewed.pk}/")
    assert "“i like reading club”" in page.locator("#pupil-voice").inner_text()
    page.goto(live_server.url + amy + "my-targets/")
    assert "“read my tricky words”" in page.locator("main").inner_text()
    _invitation_pages_are_axe_clean(page, live_server, world, axe_check, code)


SPOKEN = {"pl": "Polish", "ur": "Urdu", "en-gb": "English"}


def _invitation_pages_are_axe_clean(page, live_server, world, axe_check, code) -> None:
    """Signed out: the invitation in the family link's language, and the page for a code."""
    contact = Contact.objects.create(
        school=world.oak,
        forename="Sam",
        surname="Adams",
        email="sam@example.org",
        preferred_language=SPOKEN[code],
    )
    FamilyLink.objects.create(pupil=world.amy, contact=contact, relationship="father")
    sent = people_services.parent_invite(
        contact=contact, method="email", by=world.users["senco"], base_url=""
    )
    guest = page.context.browser.new_page()
    try:
        guest.set_viewport_size({"width": 320, "height": 900})
        guest.goto(live_server.url + sent.link)
        assert guest.locator("html").get_attribute("lang") == LANG_ATTRIBUTE[code]
        axe_check(guest)
        no_sideways_scroll(guest, 320)
        guest.goto(live_server.url + "/family/join/")
        axe_check(guest)
        no_sideways_scroll(guest, 320)
    finally:
        guest.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_an_la_officer_keeps_the_las_signposting_by_keyboard(
    page, live_server, world, login, axe_check, width
):
    """The LA's signposting page: axe-clean, by keyboard, with an error on the field that is
    wrong; saved, the family area shows it under the school's own."""
    page.set_viewport_size({"width": width, "height": 900})
    login(page, world.users["la_officer"])
    page.goto(live_server.url + "/overview/")
    tab_to_link(page, "/overview/signposting/")
    press_enter_and_wait(page)
    axe_check(page)
    no_sideways_scroll(page, width)
    tab_to(page, "id_sendiass_name")
    page.keyboard.type("Testshire SENDIASS")
    tab_to(page, "id_sendiass_email")
    page.keyboard.type("not-an-email")
    tab_to(page, "id_concerns_how")
    page.keyboard.type("Talk to the SENCo first.")
    tab_to(page, "save-signposting")
    press_enter_and_wait(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter a valid email address" in page.locator("#div_id_sendiass_email").inner_text()
    axe_check(page)
    tab_to(page, "id_sendiass_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("advice@testshire.example")
    tab_to(page, "save-signposting")
    press_enter_and_wait(page)
    assert page.locator(".govuk-notification-banner").is_visible()
    axe_check(page)
    assert Signposting.objects.get(la=world.la).sendiass_email == "advice@testshire.example"


def test_the_review_form_with_the_childs_words_is_axe_clean(
    page, live_server, world, login, axe_check, amy_plan
):
    cycle = amy_plan(review_in=3, opened_ago=30)
    family_services.pupil_voice_record(
        cycle=cycle,
        data={"feeling": 2, "hard": "the hall is noisy"},
        target_words={cycle.plan.targets.get().pk: "read my words"},
        by=world.users["parent"],
    )
    login(page, world.users["senco"])
    page.goto(live_server.url + reverse("review", args=[cycle.pk]))
    assert "“the hall is noisy”" in page.locator("#pupil-voice").inner_text()
    assert "“read my words”" in page.locator("#pupil-voice").inner_text()
    axe_check(page)
