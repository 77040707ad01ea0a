"""Issue 15's pages in Debian's chromium, by keyboard: the SENCo requests an EHC needs assessment
from the pupil record, the LA officer opens the casework, records the decision and reads the
clocks; the plan page. axe-core on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from statutory import services
from statutory.models import EHCRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _type_date(page, name, day):
    page.fill(f'input[name="{name}_0"]', str(day.day))
    page.fill(f'input[name="{name}_1"]', str(day.month))
    page.fill(f'input[name="{name}_2"]', str(day.year))


def test_senco_requests_and_la_officer_works_the_case(page, live_server, world, login, axe_check):
    login(page, world.users["senco"])
    page.goto(live_server.url + f"/staff/pupils/{world.amy.pk}/")
    page.wait_for_selector("h2#ehc")
    axe_check(page)
    link = page.locator("a:has-text('Request an EHC needs assessment')")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Request an EHC needs assessment')")
    axe_check(page)
    page.locator('input[name="source"][value="1"]').focus()
    page.keyboard.press("Space")
    received = timezone.localdate() - timedelta(weeks=7)
    _type_date(page, "received_date", received)
    page.locator("button:has-text('Record the request')").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('EHC needs assessment request')")
    assert "Overdue" in page.locator("#clocks").inner_text()
    axe_check(page)
    ehc = EHCRequest.objects.get()
    assert ehc.source == "1"

    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=timezone.localdate() - timedelta(days=30),
        by=world.users["senco"], b_needs="Speech and language",
    )  # fmt: skip
    page.context.clear_cookies()
    login(page, world.users["la_officer"])
    page.goto(live_server.url + "/ehc/")
    page.wait_for_selector("h1:has-text('EHC casework')")
    axe_check(page)
    with page.expect_navigation():
        page.click(f"#casework-requests a[href='/ehc/requests/{ehc.pk}/']")
    with page.expect_navigation():
        page.click('a:has-text("Record the LA\'s decisions")')
    axe_check(page)
    page.check('input[name="decision"][value="Y"]')
    _type_date(page, "decision_date", received + timedelta(weeks=6))
    page.check('input[name="assessment_outcome"][value="A"]')
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    clocks = page.locator("#clocks").inner_text()
    assert "Met" in clocks and "Final EHC plan" in clocks
    page.goto(live_server.url + f"/ehc/plans/{plan.pk}/")
    page.wait_for_selector("#sections")
    assert "Speech and language" in page.locator("#sections").inner_text()
    axe_check(page)


def test_the_annual_review_its_invitations_the_amended_version_and_the_parents_page(
    page, live_server, world, login, axe_check
):
    senco = world.users["senco"]
    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=timezone.localdate() - timedelta(days=380), by=senco,
        b_needs="Speech", outcomes=["Talks in class"],
    )  # fmt: skip
    meeting = timezone.localdate() - timedelta(days=10)
    review = services.annual_review_record(plan=plan, meeting_date=meeting, by=senco)
    login(page, senco)
    page.goto(live_server.url + f"/ehc/reviews/{review.pk}/")
    page.wait_for_selector("h1:has-text('Annual review')")
    axe_check(page)
    link = page.locator("a:has-text('Record an invitation')")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_check(page)
    page.select_option('select[name="invitee"]', "educational_psychologist")
    _type_date(page, "invited_date", meeting - timedelta(days=9))
    page.locator("button:has-text('Save')").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Less than 2 weeks" in page.locator("#invitations").inner_text()
    axe_check(page)

    page.context.clear_cookies()
    login(page, world.users["la_officer"])
    page.goto(live_server.url + f"/ehc/reviews/{review.pk}/decision/")
    axe_check(page)
    page.check('input[name="outcome"][value="A"]')
    _type_date(page, "decision_date", meeting + timedelta(days=5))
    _type_date(page, "draft_date", meeting + timedelta(days=5))
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    page.goto(live_server.url + f"/ehc/plans/{plan.pk}/sections/")
    page.fill('textarea[name="b_needs"]', "Speech, language and communication")
    with page.expect_navigation():
        page.click("button:has-text('Save')")
    page.wait_for_selector("#version-0")
    assert "Speech, language and communication" in page.locator("#version-0").inner_text()
    axe_check(page)

    # The parents' page for Amy (the parent login's child), with a request waiting.
    services.ehc_request_create(
        pupil=world.amy,
        by=senco,
        source="1",
        received_date=timezone.localdate() - timedelta(weeks=2),
    )
    page.context.clear_cookies()
    login(page, world.users["parent"])
    page.goto(live_server.url + f"/family/children/{world.amy.pk}/")
    link = page.locator("a:has-text('EHC needs assessment and plan')")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('EHC needs assessment and plan')")
    assert "deciding whether" in page.locator("main").inner_text()
    axe_check(page)


def _every_other_page(world) -> tuple[list[str], list[str]]:
    """The EHC pages the two journeys above do not reach, as (the SENCo's, the LA officer's):
    every HTML page of statutory/urls.py but the PDFs and the document download."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from statutory import documents

    senco, today = world.users["senco"], timezone.localdate()
    ehc = services.ehc_request_create(
        pupil=world.amy, by=senco, source="1", received_date=today - timedelta(weeks=3)
    )
    plan = services.ehc_plan_issue(pupil=world.dan, issue_date=today, by=senco, b_needs="Speech")
    review = services.annual_review_record(plan=plan, meeting_date=today, by=senco)
    invitation = services.review_invitation_add(
        review=review, invitee="parent", invited_date=today, by=senco
    )
    documents.plan_document_add(
        plan=plan, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), by=senco
    )
    school = [
        reverse("ehc_evidence_pack", args=[world.amy.pk]),
        reverse("ehc_plan_new", args=[world.ben.pk]),
        reverse("ehc_plan_new_for_request", args=[ehc.pk]),
        reverse("ehc_review_add", args=[plan.pk]),
        reverse("ehc_transfer_add", args=[plan.pk]),
        reverse("ehc_plan_sections", args=[plan.pk]),
        reverse("ehc_plan_links", args=[plan.pk]),
        reverse("ehc_f_in_place", args=[plan.pk]),
        reverse("ehc_plan_document_add", args=[plan.pk]),
        reverse("ehc_review_report_send", args=[review.pk]),
        reverse("ehc_invitation_edit", args=[review.pk, invitation.pk]),
    ]
    la = [
        reverse("ehc_la_figures"),
        reverse("ehc_request_caseworker", args=[ehc.pk]),
        reverse("ehc_plan_caseworker", args=[plan.pk]),
        reverse("ehc_exception_add", args=[ehc.pk]),
    ]
    return school, la


def test_every_other_ehc_page_is_axe_clean(page, live_server, world, login, axe_check):
    school, la = _every_other_page(world)
    for user, urls in (("senco", school), ("la_officer", la)):
        page.context.clear_cookies()
        login(page, world.users[user])
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, (user, url)
            page.wait_for_selector("main h1")
            axe_check(page)
