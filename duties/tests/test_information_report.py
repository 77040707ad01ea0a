"""The SEN information report (issue 19): figures from the records checked against counts the
test makes itself, versions, co-production, publication, the public page (nothing but the
published version) and the compliance engine's SEN_INFORMATION_REPORT_STALE reading its date."""

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts import schooldates
from accounts.models import Phase
from duties import figures, services
from duties.models import InformationReport, ReportStatus
from pupils import census
from pupils.models import Contact, Pupil
from pupils.seeding import SchoolSpec
from sendpath.testing import World, seed_for_tests
from statutory import compliance, inputs
from support.models import Review

pytestmark = pytest.mark.usefixtures("builtin_catalogue")
TODAY = date(2026, 12, 3)
YEAR = 2025  # the school year the report looks back on from TODAY


def _independent_register(school_id: int) -> dict[str, dict[str, int]]:
    """Counted the long way: every pupil, every register entry, in Python."""
    first, last = date(YEAR, 9, 1), date(YEAR + 1, 8, 31)
    table = {a: {"K": 0, "E": 0} for a in ("CI", "CL", "SEMH", "SP", "NA")}
    for pupil in Pupil.objects.filter(school_id=school_id).prefetch_related(
        "register_entries", "needs"
    ):
        entries = [
            e
            for e in pupil.register_entries.all()
            if e.provision in "KE"
            and e.start_date <= last
            and (e.end_date is None or e.end_date >= first)
        ]
        if not entries:
            continue
        status = max(entries, key=lambda e: (e.start_date, e.pk)).provision
        needs = [
            n
            for n in pupil.needs.all()
            if n.rank == 1 and n.start_date <= last and (n.end_date is None or n.end_date >= first)
        ]
        area = (
            census.broad_area(max(needs, key=lambda n: n.start_date).need_type) if needs else "NA"
        )
        table[area][status] += 1
    return table


@pytest.mark.django_db
def test_figures_match_counts_made_independently():
    seeded = seed_for_tests([SchoolSpec(Phase.PRIMARY, 150)], seed=5, today=TODAY)
    school_id = seeded.school_ids[0]
    from accounts.models import School

    school = School.objects.get(pk=school_id)
    got = figures.report_figures(school, YEAR, TODAY)
    want = _independent_register(school_id)
    assert got["register"]["by_area"] == want
    assert got["register"]["K"] == sum(r["K"] for r in want.values()) > 0
    assert got["register"]["E"] == sum(r["E"] for r in want.values())
    reviews = [
        r
        for r in Review.objects.filter(cycle__pupil__school_id=school_id)
        if date(YEAR, 9, 1) <= r.held_on <= date(YEAR + 1, 8, 31)
    ]
    assert got["reviews"]["held"] == len(reviews) > 0
    assert got["reviews"]["with_parents"] == len(
        [r for r in reviews if r.parent_attendance != "absent"]
    )
    assert got["year_label"] == "2025/26"


@pytest.mark.django_db
def test_training_figures_count_the_year_only(world):
    senco, ta = world.users["senco"], world.users["ta"]
    for on, hours in [
        (date(YEAR, 10, 1), "3"),
        (date(YEAR + 1, 3, 1), "1.5"),
        (date(YEAR, 8, 31), "6"),
    ]:
        services.training_record(
            school=world.oak, staff=ta, course_name="Precision teaching", area="CL",
            completed_on=on, hours=Decimal(hours), provider="LA", certificate=None, by=senco,
        )  # fmt: skip
    got = figures.training_figures(world.oak, date(YEAR, 9, 1), date(YEAR + 1, 8, 31))
    assert got == {"records": 2, "staff": 1, "hours": "4.5", "by_area": {"CL": 2}}


def _published(world: World, text: str = "We support every area of need.") -> InformationReport:
    senco = world.users["senco"]
    report = services.report_start(school=world.oak, start_year=YEAR, by=senco)
    services.report_edit(report=report, texts={"kinds": text}, version=report.version, by=senco)
    report.refresh_from_db()
    return services.report_publish(report=report, on=TODAY - timedelta(days=30), by=senco)


@pytest.mark.django_db
def test_the_public_page_shows_nothing_but_the_published_report(world):
    senco = world.users["senco"]
    _published(world, "PUBLISHED-WORDS")
    draft = services.report_start(school=world.oak, start_year=YEAR, by=senco)
    services.report_edit(
        report=draft, texts={"kinds": "DRAFT-SECRET"}, version=draft.version, by=senco
    )
    contact = Contact.objects.get(user=world.users["parent"])
    services.report_share(
        report=draft, contacts=[contact], forum="", comments_close_on=None, on=TODAY, by=senco
    )
    draft.refresh_from_db()
    services.comment_add(report=draft, section="", text="COMMENT-SECRET", by=world.users["parent"])
    url = reverse("public_information_report", args=[world.oak.urn])
    assert url == f"/schools/{world.oak.urn}/sen-information-report/"
    for client in (Client(), _signed_in(world.users["senco"])):
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "PUBLISHED-WORDS" in body
        for secret in (
            "DRAFT-SECRET",
            "COMMENT-SECRET",
            "Amy",
            "Adams",
            "Pat",
            "Sign out",
            "/staff/",
        ):
            assert secret not in body, secret
    pdf = Client().get(reverse("public_information_report_pdf", args=[world.oak.urn]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # A school with nothing published, and a URN no school has: not found.
    assert (
        Client().get(reverse("public_information_report", args=[world.elm.urn])).status_code == 404
    )
    assert Client().get("/schools/999999/sen-information-report/").status_code == 404


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_small_numbers_are_suppressed_on_the_public_page(world):
    """Oak has one pupil on SEN support (Amy, CL) this year; put her there last year too: the
    public page says "fewer than 3", never "1"."""
    entry = world.amy.register_entries.get()
    entry.start_date = date(YEAR, 9, 15)
    entry.save()
    need = world.amy.needs.get()
    need.start_date = date(YEAR, 9, 15)
    need.save()
    report = _published(world)
    assert report.figures["register"]["by_area"]["CL"]["K"] == 1
    body = Client().get(reverse("public_information_report", args=[world.oak.urn])).content.decode()
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" id="register-k">fewer than 3</td>'
        in body
    )


@pytest.mark.django_db
def test_versions_keep_the_schools_words_and_publishing_replaces_the_last(world):
    senco = world.users["senco"]
    first = _published(world, "Our words")
    second = services.report_start(school=world.oak, start_year=YEAR + 1, by=senco)
    assert second.number == 2 and second.texts == {"kinds": "Our words"}
    with pytest.raises(Exception, match="draft already started"):
        services.report_start(school=world.oak, start_year=YEAR + 1, by=senco)
    services.report_publish(report=second, on=TODAY, by=senco)
    first.refresh_from_db()
    assert first.status == ReportStatus.SUPERSEDED and first.figures
    assert InformationReport.objects.get(status="published").pk == second.pk
    # A stale edit changes nothing.
    third = services.report_start(school=world.oak, start_year=YEAR + 1, by=senco)
    services.report_edit(report=third, texts={"kinds": "A"}, version=1, by=senco)
    with pytest.raises(Exception, match="Someone else saved"):
        services.report_edit(report=third, texts={"kinds": "B"}, version=1, by=senco)
    third.refresh_from_db()
    assert third.texts["kinds"] == "A"


@pytest.mark.django_db
def test_co_production_in_the_family_area(world):
    senco, parent = world.users["senco"], world.users["parent"]
    draft = services.report_start(school=world.oak, start_year=YEAR, by=senco)
    family = _signed_in(parent)
    url = reverse("family_information_report")
    assert url == "/family/sen-information-report/"
    assert "No draft" in family.get(url).content.decode()
    contact = Contact.objects.get(user=parent)
    services.report_share(
        report=draft, contacts=[contact], forum="", comments_close_on=None, on=TODAY, by=senco
    )
    assert "draft version 1" in family.get(url).content.decode()
    response = family.post(url, {"report": draft.pk, "section": "parents", "text": "More meetings"})
    assert response.status_code == 302
    comment = draft.comments.get()
    assert comment.author == parent and comment.section == "parents"
    # Empty comment: a field error, nothing written.
    assert family.post(url, {"report": draft.pk, "text": ""}).status_code == 200
    assert draft.comments.count() == 1
    # The school answers with the change it made; the parent sees it.
    staff = _signed_in(senco)
    answer = reverse("report_comment_answer", args=[comment.pk])
    staff.post(answer, {"reply": "Thank you", "change_made": "Added termly coffee mornings"})
    comment.refresh_from_db()
    assert comment.change_made == "Added termly coffee mornings" and comment.answered_by == senco
    assert "Added termly coffee mornings" in family.get(url).content.decode()
    # Another school's parent (no share) sees no draft.
    other = _signed_in(world.users["outsider"])
    assert "No draft" in other.get(url).content.decode()


@pytest.mark.django_db
def test_compliance_reads_the_publication_date(world):
    assert inputs.information_report(world.oak) is None  # not started in sendpath: no finding
    senco = world.users["senco"]
    draft = services.report_start(school=world.oak, start_year=YEAR, by=senco)
    assert inputs.information_report(world.oak) == compliance.InformationReport(None)
    services.report_publish(report=draft, on=date(2025, 9, 20), by=senco)
    assert inputs.information_report(world.oak) == compliance.InformationReport(date(2025, 9, 20))
    found = [
        f
        for f in inputs.school_findings(world.oak, TODAY)
        if f.code == "SEN_INFORMATION_REPORT_STALE"
    ]
    assert found and found[0].due == date(2026, 9, 20)


@pytest.mark.django_db
def test_staff_pages_and_writes(world):
    senco = _signed_in(world.users["senco"])
    assert senco.get(reverse("information_report")).status_code == 200
    assert senco.post(reverse("information_report_new")).status_code == 302
    report = InformationReport.objects.get()
    edit = reverse("information_report_edit", args=[report.pk])
    assert senco.post(edit, {"version": 1, "kinds": "All four areas"}).status_code == 302
    page = senco.get(reverse("information_report_version", args=[report.pk])).content.decode()
    assert "All four areas" in page
    publish = reverse("information_report_publish", args=[report.pk])
    day = {"on_0": "1", "on_1": "10", "on_2": "2026"}
    assert senco.post(publish, day).status_code == 302
    sent = reverse("information_report_sent", args=[report.pk])
    assert senco.post(sent, {**day, "on_0": "2", "how": "email"}).status_code == 302
    report.refresh_from_db()
    assert report.published_on == date(2026, 10, 1) and report.sent_to_la_on == date(2026, 10, 2)
    # The governor reads, but may not write.
    governor = _signed_in(world.users["governor"])
    assert governor.get(reverse("information_report")).status_code == 200
    assert governor.post(reverse("information_report_new")).status_code == 403
    assert schooldates.school_year_start(TODAY) - 1 == YEAR


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils (pdfinfo) is not installed")
@pytest.mark.django_db
def test_the_public_pdf_is_dated_as_published(world, tmp_path):
    """The accessible PDF carries its publication date as its creation date (dcterms.created),
    so a reader or an archive can tell the versions apart."""
    report = _published(world)
    pdf = Client().get(reverse("public_information_report_pdf", args=[world.oak.urn]))
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(path)], capture_output=True, check=True, text=True
    ).stdout
    [created] = [line for line in info.splitlines() if line.startswith("CreationDate:")]
    assert report.published_on is not None and report.published_on.isoformat() in created
