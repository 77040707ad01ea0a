"""The parents' PDFs and the invitation pages speak the parent's language (issue 17): Polish and
Urdu (right to left, in a font with every Urdu letter), the school's words kept as written."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from family.models import FamilyLanguage
from people import services as people_services
from pupils.models import Contact, FamilyLink
from support import pdf, rules
from support.models import Attendance, OverallProgress

TODAY = timezone.localdate()
NEW_PASSWORD = "correct horse battery staple"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _pdf_fonts(content: bytes, tmp_path) -> str:
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()


@pytest.fixture
def reviewed(amy_plan):
    return amy_plan(review_in=-20, reviewed=(rules.ACHIEVED, "20"))


def test_the_words_for_parents_say_what_supports_lists_say():
    """support/pdf.py repeats rules' and the models' English so that it can be translated."""
    assert pdf.DECISION_WORDS == rules.DECISIONS
    assert pdf.RATING_WORDS == rules.RATING_LABELS
    assert pdf.OUTCOME_WORDS == rules.OUTCOME_SENTENCES
    assert dict(OverallProgress.choices) == pdf.PROGRESS_WORDS
    assert dict(Attendance.choices) == pdf.ATTENDANCE_WORDS


def test_a_polish_parent_gets_the_plan_and_review_pdfs_in_polish(world, reviewed, pdf_text):
    Contact.objects.filter(user=world.users["parent"]).update(preferred_language="polski")
    parent = _client(world.users["parent"])
    plan = pdf_text(parent.get(reverse("family_cycle_plan_pdf", args=[reviewed.pk])).content)
    assert "Plan wsparcia: Amy" in plan and "Cel 1:" in plan and "Słowa, których używamy" in plan
    assert "Strona 1 z" in plan  # the foot of each page
    # The school's words stay as written, with the note in Polish.
    assert "Amy reads for pleasure" in plan and "Read 20 tricky words" in plan
    assert "To są własne słowa szkoły" in plan
    review = pdf_text(parent.get(reverse("family_cycle_review_pdf", args=[reviewed.pk])).content)
    assert "Przegląd wsparcia: Amy" in review and "Co postanowiliśmy" in review
    assert "Powyżej oczekiwań" in review and "Osiągnięty" in review  # the rating and outcome
    assert "Target met" not in review and "What we decided" not in review
    # The school's own PDF of the same plan is still in English.
    staff = pdf_text(
        _client(world.users["senco"]).get(reverse("cycle_plan_pdf", args=[reviewed.pk])).content
    )
    assert "Amy's support plan" in staff and "Plan wsparcia" not in staff


def test_an_urdu_parent_gets_a_right_to_left_pdf_in_a_font_with_urdu_letters(
    world, reviewed, tmp_path, pdf_text
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
    text = pdf_text(response.content)
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


@pytest.mark.parametrize(
    ("preferred", "code", "words"),
    [
        ("Polish", "pl", ["Dzień dobry,", "zaprasza Państwa do serwisu sendpath"]),
        ("Urdu", "ur", ["ہیلو،", "پر مدعو کیا ہے"]),
        ("Somali", "en-gb", ["Hello,", "has invited you to sendpath"]),
    ],
)
def test_the_invitation_email_is_in_the_family_links_language(world, preferred, code, words):
    from django.core import mail
    from django.utils import dateformat, translation

    from people.models import Invitation

    _invite(world, preferred)
    sent = mail.outbox[-1]
    assert all(w in sent.body for w in words), sent.body
    assert sent.subject.startswith("Oak Primary: ") and "/family/join/" in sent.body
    assert ("SEN support on sendpath" in sent.subject) == (code == "en-gb")
    expires = Invitation.objects.get(email="rob@example.org").expires_at
    with translation.override(code):
        day = dateformat.format(timezone.localtime(expires), "j E Y")
    assert day in sent.body  # the month in the genitive in Polish: "grudnia"


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
