"""Issue 13's rough edges in Debian's chromium: an error summary's links for radios and dates move
the focus to the first input; the target's Remove button is in the app's font; and every staff
page a TA or a teacher uses fits a 320 px screen (no sideways scrolling), axe-clean."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from provision import services as provision_services
from provision.tests.test_services import make_provision
from support import services
from support.models import Target

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TODAY = timezone.localdate()
NARROW = {"width": 320, "height": 640}


def _cycle(world):
    senco = world.users["senco"]
    cycle = services.cycle_open(pupil=world.ben, opened_on=TODAY - timedelta(days=20), by=senco)
    services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=20),
            "review_date": TODAY + timedelta(days=60),
            "outcomes": "Ben follows two-step instructions in class",
        },
    )
    Target.objects.create(
        plan=cycle.plan,
        position=1,
        description="Follow a two-step instruction in 8 of 10 trials",
        target_date=TODAY + timedelta(days=30),
        baseline="3 of 10",
        target_value="8 of 10",
    )
    return cycle


def test_error_summary_links_focus_the_first_input_and_name_the_question(
    page, live_server, world, login, axe_check
):
    login(page, world.users["senco"])
    page.goto(live_server.url + reverse("concern_create", args=[world.ben.pk]))
    for part in ("0", "1", "2"):
        page.fill(f'input[name="raised_on_{part}"]', "")
    with page.expect_navigation():
        page.click("button:has-text('Record the concern')")
    summary = page.locator(".govuk-error-summary")
    text = summary.inner_text()
    assert "Select who raised the concern" in text
    assert "Enter the date it was raised" in text
    assert "This field is required" not in page.content()
    axe_check(page)
    for message, first in [
        ("Select who raised the concern", "id_source_1"),
        ("Enter the date it was raised", "id_raised_on_0"),
        ("Select which area of need", "id_area_1"),
    ]:
        summary.locator(f"a:has-text('{message}')").click()
        assert page.evaluate("document.activeElement.id") == first, message
    assert "(optional)" in page.locator("label[for=id_evidence]").inner_text()


def test_the_remove_button_is_in_the_apps_font(page, live_server, world, login):
    cycle = _cycle(world)
    login(page, world.users["senco"])
    page.goto(live_server.url + reverse("cycle_detail", args=[cycle.pk]))
    button = page.locator("#targets button:has-text('Remove')")
    style = button.evaluate(
        "b => { const s = getComputedStyle(b); return [s.fontFamily, s.fontSize]; }"
    )
    link_font = page.locator("#targets .govuk-summary-card").first.evaluate(
        "c => getComputedStyle(c.querySelector('.govuk-summary-card__title')).fontFamily"
    )
    assert "Times" not in style[0] and "serif" in style[0]
    assert style[0] == link_font or "system-ui" in style[0]
    # The card's actions are 19px in GOV.UK Frontend on a wide screen: the size was never wrong.
    assert style[1] == page.locator(".govuk-summary-card__actions").first.evaluate(
        "a => getComputedStyle(a).fontSize"
    )


def _fits(page, url: str, axe_check) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{url} is {width}px wide at 320px"
    axe_check(page)


def test_every_page_a_ta_or_teacher_uses_fits_320px(page, live_server, world, login, axe_check):
    senco = world.users["senco"]
    cycle = _cycle(world)
    group = make_provision(world, name="Year 5 language group with a long name for small screens")
    for pupil in (world.ben, world.amy):
        provision_services.enrol(
            provision=group, pupil=pupil, start_date=group.start_date, by=senco
        )
    enrolment = group.enrolments.get(pupil=world.ben)
    base = live_server.url
    pages = {
        "ta": [
            reverse("school_home"),
            reverse("register"),
            reverse("pupil_detail", args=[world.ben.pk]),
            reverse("cycle_detail", args=[cycle.pk]),
            reverse("passport", args=[world.ben.pk]),
            reverse("provision_list"),
            reverse("provision_library"),
            reverse("provision_detail", args=[group.pk]),
            reverse("provision_register", args=[group.pk]),
            reverse("provision_measures", args=[enrolment.pk]),
            reverse("concern_create", args=[world.ben.pk]),
        ],
        "teacher": [
            reverse("school_home"),
            reverse("register"),
            reverse("pupil_detail", args=[world.amy.pk]),
            reverse("pupil_detail", args=[world.ben.pk]),
            reverse("cycle_detail", args=[cycle.pk]),
            reverse("passport", args=[world.amy.pk]),
            reverse("provision_list"),
            reverse("provision_detail", args=[group.pk]),
            reverse("concern_create", args=[world.amy.pk]),
        ],
    }
    page.set_viewport_size(NARROW)
    for persona, urls in pages.items():
        login(page, world.users[persona])
        for url in urls:
            _fits(page, base + url, axe_check)
        if persona == "ta":
            # The entry and exit links are on screen, not past its edge.
            page.goto(base + reverse("provision_detail", args=[group.pk]))
            link = page.locator("#pupil-table a:has-text('Entry and exit data')").first
            box = link.bounding_box()
            assert box is not None and box["x"] + box["width"] <= NARROW["width"]
        with page.expect_navigation():
            page.click("button:has-text('Sign out')")


def test_the_register_filter_shows_its_option_whole_and_the_map_filters_sit_above(
    page, live_server, world, login, axe_check
):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, world.users["senco"])
    page.goto(live_server.url + reverse("register"))
    fits = page.locator("#id_provision").evaluate(
        """s => { const c = document.createElement('canvas').getContext('2d');
        const st = getComputedStyle(s); c.font = st.fontSize + ' ' + st.fontFamily;
        const text = s.options[s.selectedIndex].text;
        return [text, c.measureText(text).width, s.clientWidth]; }"""
    )
    assert fits[0] == "On the register (K and E)"
    assert fits[1] + 30 <= fits[2], fits  # the text and the arrow fit in the box
    page.goto(live_server.url + reverse("provision_map"))
    form = page.locator("form.sp-filters").bounding_box()
    results = page.locator("#results").bounding_box()
    assert form is not None and results is not None
    assert form["y"] + form["height"] <= results["y"], "the filters are above the map"
    assert results["width"] > 900, "the map takes the page's width"
    axe_check(page)
