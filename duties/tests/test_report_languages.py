"""The published SEN information report in the school's chosen languages (issue 19): every fixed
word of the page and the PDF (headings, figure sentences, table heads, the areas of need, "fewer
than 3") has a real Polish and Urdu translation; the school chooses which are offered; the
school's own words stay in English, marked lang="en-GB"; Urdu reads right to left."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from duties import services
from duties.models import InformationReport
from family.tests.test_translations import (
    LOCALE,
    _placeholders,
    _python_msgids,
    _template_msgids,
    read_po,
)
from sendpath.testing import World

pytestmark = pytest.mark.usefixtures("builtin_catalogue")
ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "duties" / "templates" / "duties"
REPORT_SOURCES = [
    TEMPLATES / "public" / "report.html",
    TEMPLATES / "pdf" / "report.html",
    TEMPLATES / "_sections.html",
    TEMPLATES / "_figures.html",
    ROOT / "duties" / "sections.py",
    ROOT / "duties" / "templatetags" / "duties_tags.py",
]
TODAY = date(2026, 12, 3)


def report_msgids() -> set[str]:
    out: set[str] = set()
    for path in REPORT_SOURCES:
        out |= _python_msgids(path) if path.suffix == ".py" else _template_msgids(path)
    return out


def test_the_report_sources_have_messages_to_translate():
    found = report_msgids()
    assert "SEN information report" in found  # the page
    assert "Our SENCo" in found  # a section's title
    assert "fewer than %(threshold)s" in found  # a suppressed count
    assert "Cognition and learning" in found  # an area of need
    assert any(m.startswith("In %(year)s we spent %(percent)s%%") for m in found)
    assert len(found) > 55


@pytest.mark.parametrize("code", ["pl", "ur"])
def test_every_fixed_word_of_the_report_has_a_real_translation(code):
    catalogue = read_po(LOCALE / code / "LC_MESSAGES" / "django.po")
    missing = sorted(m for m in report_msgids() if m not in catalogue)
    assert missing == [], f"{code}: translate {missing[:5]}"
    for msgid in report_msgids():
        msgstr, fuzzy = catalogue[msgid]
        assert msgstr.strip() and not fuzzy, f"{code}: {msgid!r} is not translated"
        assert _placeholders(msgstr) == _placeholders(msgid), f"{code}: {msgid!r}"
        if len(msgid) > 12:
            assert msgstr != msgid, f"{code}: {msgid!r} is still in English"


def _published(world: World, languages: list[str]) -> InformationReport:
    senco = world.users["senco"]
    report = services.report_start(school=world.oak, start_year=2025, by=senco)
    services.report_edit(
        report=report, texts={"kinds": "We support every area of need."},
        languages=languages, version=report.version, by=senco,
    )  # fmt: skip
    report.refresh_from_db()
    return services.report_publish(report=report, on=TODAY - timedelta(days=30), by=senco)


def _page(world: World, lang: str) -> str:
    url = reverse("public_information_report", args=[world.oak.urn])
    return Client().get(url, {"lang": lang}).content.decode()


@pytest.mark.django_db
def test_the_public_report_in_polish_and_urdu_keeps_the_schools_words_in_english(world):
    for row in (world.amy.register_entries.get(), world.amy.needs.get()):
        row.start_date = date(2025, 9, 15)  # Amy on SEN support in the year reported: one pupil
        row.save()
    _published(world, ["pl", "ur"])
    polish = _page(world, "pl")
    assert '<html lang="pl"' in polish
    assert "Rodzaje specjalnych potrzeb edukacyjnych, na które odpowiadamy" in polish
    assert "Uczniowie ze specjalnymi potrzebami edukacyjnymi w roku 2025/26" in polish
    assert "Funkcje poznawcze i uczenie się" in polish  # an area of need, in the table
    assert 'id="register-k">mniej niż 3</td>' in polish  # a suppressed count, in words
    words = re.search(r'<div class="sp-school-words" lang="en-GB"[^>]*>(.*?)</div>', polish, re.S)
    assert words and "We support every area of need." in words.group(1)
    assert 'id="school-words-note"' in polish
    urdu = _page(world, "ur")
    assert '<html lang="ur" dir="rtl"' in urdu and "SEN معلوماتی رپورٹ" in urdu
    assert 'id="register-k">3 سے کم</td>' in urdu
    assert '<div class="sp-school-words" lang="en-GB" dir="ltr">' in urdu
    english = _page(world, "en")
    assert "The kinds of special educational needs we provide for" in english
    assert 'id="school-words-note"' not in english
    pdf = Client().get(
        reverse("public_information_report_pdf", args=[world.oak.urn]), {"lang": "pl"}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_only_the_languages_the_school_chose_are_offered(world):
    _published(world, ["pl"])
    english_only = _page(world, "ur")  # not chosen: English
    assert '<html lang="en"' in english_only and 'dir="rtl"' not in english_only
    assert 'lang="pl" href="?lang=pl"' in english_only and "?lang=ur" not in english_only


@pytest.mark.django_db
def test_the_senco_chooses_the_languages_on_the_edit_page(world):
    senco = world.users["senco"]
    report = services.report_start(school=world.oak, start_year=2025, by=senco)
    client = Client()
    client.force_login(senco)
    url = reverse("information_report_edit", args=[report.pk])
    form = client.get(url).content.decode()
    assert re.search(r'name="languages"\s[^>]*value="ur"', form) and "اردو" in form
    response = client.post(url, {"version": report.version, "languages": ["ur"]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.languages == ["ur"]
    with pytest.raises(Exception, match="no translation"):
        services.report_edit(
            report=report, texts={}, languages=["fr"], version=report.version, by=senco
        )
    # The next version keeps the choice, as it keeps the school's words.
    services.report_publish(report=report, on=TODAY, by=senco)
    assert services.report_start(school=world.oak, start_year=2026, by=senco).languages == ["ur"]


@pytest.mark.django_db
def test_the_draft_parents_comment_on_speaks_their_language_and_keeps_the_schools_words(world):
    from family.models import FamilyLanguage
    from pupils.models import Contact

    senco, parent = world.users["senco"], world.users["parent"]
    draft = services.report_start(school=world.oak, start_year=2025, by=senco)
    services.report_edit(
        report=draft, texts={"kinds": "We support every area of need."},
        languages=[], version=draft.version, by=senco,
    )  # fmt: skip
    services.report_share(
        report=draft, contacts=[Contact.objects.get(user=parent)], forum="",
        comments_close_on=TODAY + timedelta(days=14), on=TODAY, by=senco,
    )  # fmt: skip
    FamilyLanguage.objects.create(user=parent, language="pl")
    client = Client()
    client.force_login(parent)
    url = reverse("family_information_report")
    response = client.get(url)
    polish = response.content.decode()
    assert response["Content-Language"] == "pl" and '<html lang="pl"' in polish
    assert "Nasz raport o wsparciu SEN: Państwa uwagi" in polish  # the page's own heading
    assert "Rodzaje specjalnych potrzeb edukacyjnych, na które odpowiadamy" in polish  # a section
    assert "Uczniowie ze specjalnymi potrzebami edukacyjnymi w roku 2025/26" in polish  # a figure
    assert "Której części raportu dotyczy uwaga?" in polish and "Wyślij uwagę" in polish  # form
    assert "Uwagi można przesyłać do 17 grudnia 2026" in polish
    words = re.search(r'<div class="sp-school-words" lang="en-GB"[^>]*>(.*?)</div>', polish, re.S)
    assert words and "We support every area of need." in words.group(1)
    assert 'id="school-words-note"' in polish
    FamilyLanguage.objects.filter(user=parent).update(language="ur")
    urdu = client.get(url).content.decode()
    assert 'lang="ur" dir="rtl"' in urdu and "ہماری SEN معلوماتی رپورٹ: آپ کی رائے" in urdu
    assert '<div class="sp-school-words" lang="en-GB" dir="ltr">' in urdu
    posted = client.post(url, {"report": draft.pk, "text": "Więcej spotkań"}, follow=True)
    assert "شکریہ: آپ کی رائے اسکول کو پہنچ گئی ہے۔" in posted.content.decode()
