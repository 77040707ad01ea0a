"""The LA's signposting for families (issue 17: "configured per LA and per school"): its officers
keep it at /overview/signposting/, each school's own fields come first, and the family area and
the parents' PDFs show the result."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import LocalAuthority, Membership, Role
from audit.models import AuditEvent
from family.models import Signposting

pytestmark = pytest.mark.django_db
URL = "/overview/signposting/"
GOOD = {
    "local_offer_url": "https://testshire.example/local-offer",
    "sendiass_name": "Testshire SENDIASS",
    "sendiass_phone": "01384 236677",
    "sendiass_email": "sendiass@testshire.example",
    "sendiass_url": "https://testshire.example/sendiass",
    "concerns_how": "Talk to the SENCo, then the head teacher.",
    "complaints_how": "Write to the chair of governors.",
    "views_open_days": "14",
}


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_the_page_is_routed_under_the_overview():
    assert reverse("la_signposting") == URL


def test_an_la_officer_saves_their_las_signposting_and_the_change_is_audited(world):
    client = client_for(world, "la_officer")
    assert "Signposting for families" in client.get(URL).content.decode()
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    row = Signposting.objects.get(la=world.la)
    assert row.sendiass_name == "Testshire SENDIASS" and row.views_open_days == 14
    assert row.school is None
    event = AuditEvent.objects.filter(object_type="family.Signposting").latest("pk")
    assert event.action == "create" and event.actor == world.users["la_officer"]
    assert "sendiass_name" in event.data["fields"]
    assert "Testshire SENDIASS" not in str(event.data)  # what it says stays out of the trail
    client.post(URL, GOOD | {"sendiass_phone": "0800 222 333"})
    event = AuditEvent.objects.filter(object_type="family.Signposting").latest("pk")
    assert event.action == "update" and event.data["fields"] == ["sendiass_phone"]
    assert Signposting.objects.filter(la=world.la).count() == 1


@pytest.mark.parametrize(
    ("field", "bad", "error"),
    [
        ("local_offer_url", "not a web address", "Enter a valid URL"),
        ("sendiass_email", "sendiass-at-testshire", "Enter a valid email address"),
        ("sendiass_phone", "call us!", "Enter a phone number as a family would dial it"),
        ("views_open_days", "-3", "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_with_an_error_on_its_field_and_nothing_saved(
    world, field, bad, error
):
    response = client_for(world, "la_officer").post(URL, GOOD | {field: bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert f'id="id_{field}_1_error"' in html and error in html  # and beside the field
    assert not Signposting.objects.filter(la=world.la).exists()


@pytest.mark.parametrize(
    "persona", ["senco", "admin", "trust_officer", "parent", "teacher", "outsider"]
)
def test_only_the_las_officers_may_keep_it(world, persona):
    client = client_for(world, persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, GOOD).status_code == 403
    assert not Signposting.objects.exists()


def test_an_officer_cannot_choose_another_las_signposting(world):
    other = LocalAuthority.objects.create(code="821", name="Otherborough")
    client = client_for(world, "la_officer")
    client.post(f"{URL}?la={other.pk}", GOOD)  # not theirs: their own LA is used
    assert not Signposting.objects.filter(la=other).exists()
    assert Signposting.objects.filter(la=world.la).exists()
    Membership.objects.create(user=world.users["la_officer"], role=Role.LA_OFFICER, la=other)
    page = client.get(f"{URL}?la={world.la.pk}").content.decode()
    assert f'href="?la={other.pk}"' in page  # the officer's other LA, to choose
    client.post(f"{URL}?la={other.pk}", GOOD | {"sendiass_name": "Other SENDIASS"})
    assert Signposting.objects.get(la=other).sendiass_name == "Other SENDIASS"


def test_the_overview_home_links_it_for_la_officers_only(world):
    assert URL in client_for(world, "la_officer").get(reverse("overview_home")).content.decode()
    assert (
        URL not in client_for(world, "trust_officer").get(reverse("overview_home")).content.decode()
    )


def test_the_schools_own_fields_come_first_in_the_family_area_and_on_parent_pdfs(
    world, amy_plan, pdf_text
):
    client_for(world, "la_officer").post(URL, GOOD)
    school = client_for(world, "senco").post(
        reverse("school_signposting"),
        {"sendiass_phone": "0800 111 222", "concerns_how": "Speak to Mrs Oak first."},
    )
    assert school.status_code == 302
    html = client_for(world, "parent").get(reverse("family_pupil", args=[world.amy.pk]))
    html = html.content.decode()
    assert "https://testshire.example/local-offer" in html  # the LA's, the school has none
    assert "Testshire SENDIASS" in html
    assert "0800 111 222" in html and "01384 236677" not in html  # the school's phone wins
    assert "Speak to Mrs Oak first." in html and "then the head teacher" not in html
    cycle = amy_plan(review_in=60, opened_ago=5)
    pdf = client_for(world, "parent").get(reverse("family_cycle_plan_pdf", args=[cycle.pk]))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Testshire SENDIASS" in text and "0800 111 222" in text and "01384" not in text
    assert "Speak to Mrs Oak first." in text


def test_without_a_link_the_family_is_sent_to_the_report_the_school_published(
    world, amy_plan, pdf_text
):
    from django.utils import timezone

    from duties.models import InformationReport

    home = client_for(world, "parent").get(reverse("family_home")).content.decode()
    assert "sen-information-report" not in home  # nothing published, no link set
    InformationReport.objects.create(
        school=world.oak,
        number=1,
        start_year=2025,
        status="published",
        published_on=timezone.localdate(),
    )
    public = f"/schools/{world.oak.urn}/sen-information-report/"
    home = client_for(world, "parent").get(reverse("family_home")).content.decode()
    assert f'href="http://testserver{public}"' in home
    cycle = amy_plan(review_in=60, opened_ago=5)
    pdf = client_for(world, "parent").get(reverse("family_cycle_plan_pdf", args=[cycle.pk]))
    text = pdf_text(pdf.content).replace(" ", "")  # pdftotext breaks the line at "sen-"
    assert f"http://testserver/schools/{world.oak.urn}/sen" in text
    assert "information-report/" in text
    # A link the school set comes first.
    Signposting.objects.create(school=world.oak, information_report_url="https://oak.example/sen")
    home = client_for(world, "parent").get(reverse("family_home")).content.decode()
    assert 'href="https://oak.example/sen"' in home and public not in home


def test_the_las_words_are_marked_as_the_las_and_the_schools_as_the_schools(
    world, amy_plan, pdf_text
):
    from family.models import FamilyLanguage
    from family.signposts import merged

    found = merged({"concerns_how": "LA", "complaints_how": "LA"}, {"concerns_how": "Ours"})
    assert (found["concerns_how_by"], found["complaints_how_by"]) == ("school", "la")
    assert merged(None, None)["concerns_how_by"] == ""
    client_for(world, "la_officer").post(URL, GOOD)
    client_for(world, "senco").post(
        reverse("school_signposting"), {"concerns_how": "Speak to Mrs Oak first."}
    )
    FamilyLanguage.objects.create(user=world.users["parent"], language="pl")
    parent = client_for(world, "parent")
    html = parent.get(reverse("family_pupil", args=[world.amy.pk])).content.decode()
    rows = re.findall(r"<dd class=\"govuk-summary-list__value\">(.*?)</dd>", html, re.S)
    concern = next(r for r in rows if "Speak to Mrs Oak first." in r)  # the school's words
    complaint = next(r for r in rows if "Write to the chair of governors." in r)  # the LA's
    school_note = "Szkoła napisała tę część po angielsku."
    la_note = "Władze lokalne (local authority) napisały tę część po angielsku."
    assert school_note in concern and la_note not in concern
    assert la_note in complaint and school_note not in complaint
    assert '<div lang="en-GB" dir="ltr"><p>Write to the chair of governors.' in html
    cycle = amy_plan(review_in=60, opened_ago=5)
    pdf = parent.get(reverse("family_cycle_plan_pdf", args=[cycle.pk]))
    text = " ".join(pdf_text(pdf.content).split())
    assert "Władze lokalne (local authority) napisały" in text
    FamilyLanguage.objects.filter(user=world.users["parent"]).update(language="ur")
    html = parent.get(reverse("family_pupil", args=[world.amy.pk])).content.decode()
    assert "مقامی اتھارٹی نے یہ حصہ انگریزی میں لکھا ہے۔" in html
