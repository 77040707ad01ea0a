"""The parents' PDFs and the invitation pages speak the parent's language (issue 17): Polish and
Urdu (right to left, in a font with every Urdu letter), the school's words kept as written."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from family.models import FamilyLanguage
from people import services as people_services
from pupils.models import Contact, FamilyLink
from sendpath.testing import review_data
from support import pdf, rules, services
from support.models import Attendance, OverallProgress

TODAY = timezone.localdate()
NEW_PASSWORD = "correct horse battery staple"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(content: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


def _pdf_fonts(content: bytes, tmp_path) -> str:
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()


@pytest.fixture
def reviewed(world):
    senco = world.users["senco"]
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=40), by=senco)
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=40),
            "review_date": TODAY - timedelta(days=20),
            "outcomes": "Amy reads for pleasure",
        },
    )
    target = services.target_add(
        plan=plan,
        by=senco,
        data={"description": "Read 20 tricky words", "target_date": TODAY - timedelta(days=20)},
    )
    services.review_complete(
        cycle=cycle,
        data=review_data(held_on=TODAY - timedelta(days=20)),
        ratings={target.pk: {"rating": 1, "outcome": rules.ACHIEVED, "value_reached": "20"}},
        by=senco,
    )
    return cycle


def test_the_words_for_parents_say_what_supports_lists_say():
    """support/pdf.py repeats rules' and the models' English so that it can be translated."""
    assert pdf.DECISION_WORDS == rules.DECISIONS
    assert pdf.RATING_WORDS == rules.RATING_LABELS
    assert pdf.OUTCOME_WORDS == rules.OUTCOME_SENTENCES
    assert dict(OverallProgress.choices) == pdf.PROGRESS_WORDS
    assert dict(Attendance.choices) == pdf.ATTENDANCE_WORDS


def test_a_polish_parent_gets_the_plan_and_review_pdfs_in_polish(world, reviewed):
    Contact.objects.filter(user=world.users["parent"]).update(preferred_language="polski")
    parent = _client(world.users["parent"])
    plan = _pdf_text(parent.get(reverse("family_cycle_plan_pdf", args=[reviewed.pk])).content)
    assert "Plan wsparcia: Amy" in plan and "Cel 1:" in plan and "Słowa, których używamy" in plan
    assert "Strona 1 z" in plan  # the foot of each page
    # The school's words stay as written, with the note in Polish.
    assert "Amy reads for pleasure" in plan and "Read 20 tricky words" in plan
    assert "To są własne słowa szkoły" in plan
    review = _pdf_text(parent.get(reverse("family_cycle_review_pdf", args=[reviewed.pk])).content)
    assert "Przegląd wsparcia: Amy" in review and "Co postanowiliśmy" in review
    assert "Powyżej oczekiwań" in review and "Osiągnięty" in review  # the rating and outcome
    assert "Target met" not in review and "What we decided" not in review
    # The school's own PDF of the same plan is still in English.
    staff = _pdf_text(
        _client(world.users["senco"]).get(reverse("cycle_plan_pdf", args=[reviewed.pk])).content
    )
    assert "Amy's support plan" in staff and "Plan wsparcia" not in staff


def test_an_urdu_parent_gets_a_right_to_left_pdf_in_a_font_with_urdu_letters(
    world, reviewed, tmp_path
):
    FamilyLanguage.objects.create(user=world.users["parent"], language="ur")
    response = _client(world.users["parent"]).get(
        reverse("family_cycle_review_pdf", args=[reviewed.pk])
    )
    assert response.status_code == 200
    # The renderer gets <html lang="ur" dir="rtl">: the HTML it is given says so.
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ur"):
        html = render_to_string("support/pdf/review.html", pdf.review_context(reviewed))
    assert '<html lang="ur" dir="rtl">' in html
    assert '<div lang="en-GB" dir="ltr">' in html  # the school's words, left to right
    fonts = _pdf_fonts(response.content, tmp_path)
    if "Amiri" not in fonts:
        pytest.fail(
            "No Urdu font in the PDF: install fonts-hosny-amiri (scripts/install-system-deps.sh)"
        )
    text = _pdf_text(response.content)
    assert "Amy" in text and "Read 20 tricky words" in text


def _invite(world, preferred: str) -> str:
    contact = Contact.objects.create(
        school=world.oak,
        forename="Rob",
        surname="Brown",
        email="rob@example.org",
        preferred_language=preferred,
    )
    FamilyLink.objects.create(pupil=world.ben, contact=contact, relationship="father")
    sent = people_services.parent_invite(
        contact=contact, method="email", by=world.users["senco"], base_url="http://testserver"
    )
    return sent.link


def test_the_invitation_page_follows_the_family_links_language(world):
    path = _invite(world, "Polish")
    parent = Client()
    html = parent.get(path).content.decode()
    assert '<html lang="pl" dir="ltr"' in html
    assert "Wsparcie SEN Państwa dziecka" in html and "Utwórz moje konto" in html
    assert "Państwa adres e-mail" in html  # the form's labels
    # Errors in the parent's language too.
    r = parent.post(path, {"email": "rob@example.org", "password1": "a", "password2": "b"})
    assert r.status_code == 200 and "Te dwa hasła nie są takie same." in r.content.decode()
    # The parent may choose another language on the page: Urdu, right to left.
    html = parent.get(path + "?lang=ur").content.decode()
    assert '<html lang="ur" dir="rtl"' in html and "اپنے بچے کی SEN معاونت دیکھیں" in html
    r = parent.post(
        path,
        {
            "email": "rob@example.org",
            "first_name": "Rob",
            "last_name": "Brown",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert r.status_code == 302


def test_the_code_page_is_in_english_until_the_parent_chooses(world):
    html = Client().get(reverse("family_join")).content.decode()
    assert '<html lang="en-GB"' in html and "Use a code from your child’s school" in html
    client = Client()
    html = client.get(reverse("family_join") + "?lang=pl").content.decode()
    assert "Kod ze szkoły Państwa dziecka" in html
    r = client.post(reverse("family_join"), {"code": "AAAA-BBBB-CCCC"})
    assert "Ten kod jest nieprawidłowy" in r.content.decode()
