"""The family area speaks English, Polish and Urdu (issue 17).

Every family-facing message (found here in the templates and code themselves, the way
makemessages finds them) has a real translation in each shipped language; the committed .mo
files say what the .po files say (no gettext tools are needed to run this, or sendpath); and the
pages follow the parent's language, right to left for Urdu."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation.template import templatize

from family import languages
from family.models import FamilyLanguage
from pupils.models import Contact

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "sendpath" / "locale"
SHIPPED = [code for code in languages.SHIPPED if code != languages.ENGLISH]
# Everything a parent reads: the family pages, their mail, the frame around every page, the
# foot of their PDFs, the family forms and choices, the family views' messages, the menu.
FAMILY_SOURCES = [
    *sorted((ROOT / "records" / "templates" / "family").glob("*.html")),
    *sorted((ROOT / "family" / "templates" / "family" / "mail").glob("*.txt")),
    ROOT / "sendpath" / "templates" / "base.html",
    ROOT / "sendpath" / "templates" / "includes" / "service_navigation.html",
    # The parents' PDFs: the plan and the review record, and the words the code gives them.
    ROOT / "support" / "templates" / "support" / "pdf" / "_base.html",
    ROOT / "support" / "templates" / "support" / "pdf" / "plan.html",
    ROOT / "support" / "templates" / "support" / "pdf" / "review.html",
    ROOT / "support" / "templates" / "support" / "pdf" / "_words.html",
    ROOT / "support" / "templates" / "support" / "pdf" / "_school_words.html",
    ROOT / "support" / "pdf.py",
    # Accepting an invitation (/family/join/): the pages, the form and what the service says.
    ROOT / "people" / "templates" / "people" / "family_join.html",
    ROOT / "people" / "templates" / "people" / "family_code.html",
    ROOT / "people" / "templates" / "people" / "_accept_body.html",
    ROOT / "people" / "templates" / "people" / "_join_language.html",
    ROOT / "people" / "templates" / "people" / "invitation_invalid.html",
    ROOT / "people" / "templates" / "people" / "mail" / "parent_invitation.txt",
    ROOT / "people" / "templates" / "people" / "mail" / "parent_invitation_subject.txt",
    ROOT / "people" / "forms.py",
    ROOT / "people" / "services.py",
    ROOT / "people" / "views.py",
    ROOT / "family" / "forms.py",
    ROOT / "family" / "models.py",
    ROOT / "records" / "family_views.py",
    ROOT / "accounts" / "context_processors.py",
    # The draft SEN information report a parent comments on (its sections: the report's own).
    ROOT / "duties" / "templates" / "duties" / "family_report.html",
    ROOT / "duties" / "family_views.py",
    ROOT / "duties" / "forms.py",
]
# Pages written only in English for now (not yet translated): none of the above may be here.
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop"}
CALL = re.compile(r"\bgettext\((u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))\)")


def _template_msgids(path: Path) -> set[str]:
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    return {ast.literal_eval(m.group(1).removeprefix("u")) for m in CALL.finditer(source)}


def _python_msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def family_msgids() -> set[str]:
    out: set[str] = set()
    for path in FAMILY_SOURCES:
        out |= _python_msgids(path) if path.suffix == ".py" else _template_msgids(path)
    return out


def _unquote(lines: str) -> str:
    return "".join(ast.literal_eval(q) for q in re.findall(r'"(?:[^"\\]|\\.)*"', lines))


def read_po(path: Path) -> dict[str, tuple[str, bool]]:
    """{msgid: (msgstr, fuzzy)} of a .po file (singular messages: the family area has no
    plurals)."""
    catalogue = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        m = re.search(r"^msgid ((?:\".*\"\n?)+)^msgstr ((?:\".*\"\n?)+)", block + "\n", re.M)
        if m:
            catalogue[_unquote(m.group(1))] = (_unquote(m.group(2)), "#, fuzzy" in block)
    return catalogue


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def test_the_family_sources_have_messages_to_translate():
    found = family_msgids()
    assert "The plan in plain words" in found  # a template
    assert "Your message" in found  # a form
    assert "Your children" in found  # the menu
    assert "What we want %(name)s to achieve" in found  # the plan PDF
    assert "How the support is going" in found  # the review PDF
    assert "Stop and try something else" in found  # support/pdf.py's words for parents
    assert "See your child’s SEN support" in found  # /family/join/
    assert "Your code from the school" in found  # its form
    assert len(found) > 150


@pytest.mark.parametrize("code", SHIPPED)
def test_every_family_message_has_a_real_translation(code):
    catalogue = read_po(LOCALE / code / "LC_MESSAGES" / "django.po")
    missing = sorted(m for m in family_msgids() if m not in catalogue)
    assert missing == [], f"{code}: run makemessages and translate: {missing[:5]}"
    for msgid in family_msgids():
        msgstr, fuzzy = catalogue[msgid]
        assert msgstr.strip() and not fuzzy, f"{code}: {msgid!r} is not translated"
        assert _placeholders(msgstr) == _placeholders(msgid), f"{code}: {msgid!r}"
        # A real translation, not the English copied over (names and codes may stay).
        if len(msgid) > 12 and not {"SEN", "SENCo", "PDF"} & set(msgid.split()):
            assert msgstr != msgid, f"{code}: {msgid!r} is still in English"


@pytest.mark.parametrize("code", SHIPPED)
def test_the_committed_mo_file_says_what_the_po_file_says(code):
    folder = LOCALE / code / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, (msgstr, fuzzy) in read_po(folder / "django.po").items():
        if msgid and not fuzzy:
            assert compiled.gettext(msgid) == msgstr, f"{code}: recompile the .mo ({msgid!r})"


# Polish speaks to parents in one form: the formal plural "Państwo" (docs/decisions.md), never
# "Pani/Pan" nor "ty". Only the child is spoken to as "ty": the pupil-voice questions and "my
# targets", which a child answers and reads with an adult.
NOT_TO_PARENTS = re.compile(
    r"\b(?:Pani|Pana|Panu|Panią|Panem|Pan|Twoj\w*|Twój|Tobą|Tobie|Ty|Ci|Cię|masz|możesz|jesteś"
    r"|\w+łeś|\w+łaś)\b",
    re.IGNORECASE,
)
TO_THE_CHILD = [
    ROOT / "records" / "templates" / "family" / "voice.html",
    ROOT / "records" / "templates" / "family" / "my_targets.html",
]


def _child_msgids() -> set[str]:
    from family.forms import PupilVoiceForm

    found = set().union(*(_template_msgids(path) for path in TO_THE_CHILD))
    form = PupilVoiceForm()
    for field in form.fields.values():
        found |= {str(field.label)} | {str(m) for m in field.error_messages.values()}
    return found | {"Target %(number)s in your words"}


def test_polish_speaks_to_parents_formally_and_only_to_the_child_as_ty():
    catalogue = read_po(LOCALE / "pl" / "LC_MESSAGES" / "django.po")
    child = _child_msgids()
    assert "How do you feel about school?" in child  # the voice form's own question
    to_parents = {m: catalogue[m][0] for m in family_msgids() - child}
    informal = {m: s for m, s in to_parents.items() if NOT_TO_PARENTS.search(s)}
    assert informal == {}, f"say these to parents as 'Państwo': {list(informal.items())[:3]}"
    assert sum("Państw" in s for s in to_parents.values()) > 60
    assert catalogue["How do you feel about school?"][0] == "Jak się czujesz w szkole?"


def test_the_language_follows_the_family_link_then_the_parents_choice():
    assert languages.choose(None, ["Polish"]) == "pl"
    assert languages.choose(None, ["  اردو "]) == "ur"
    assert languages.choose(None, ["Somali", "polski"]) == "pl"
    assert languages.choose(None, ["Somali"]) == "en-gb"
    assert languages.choose("ur", ["Polish"]) == "ur"
    assert languages.direction("ur") == "rtl" and languages.direction("pl") == "ltr"


@pytest.fixture
def plan(world):
    from django.utils import timezone

    from support import services

    senco, today = world.users["senco"], timezone.localdate()
    cycle = services.cycle_open(pupil=world.amy, opened_on=today, by=senco)
    services.plan_save(
        cycle=cycle, by=senco, data={"plan_date": today, "outcomes": "Amy reads"}, version=0
    )
    return cycle


def test_a_parent_whose_family_link_says_polish_reads_the_family_area_in_polish(world, plan):
    Contact.objects.filter(user=world.users["parent"]).update(preferred_language="Polish")
    client = Client()
    client.force_login(world.users["parent"])
    response = client.get(reverse("family_pupil", args=[world.amy.pk]))
    html = response.content.decode()
    assert '<html lang="pl" dir="ltr"' in html and response["Content-Language"] == "pl"
    assert "Plan prostymi słowami" in html and "Państwa dzieci" in html  # the page and the menu
    # The school's own words stay as written, marked as such in the parent's language.
    assert "Amy reads" in html and "To są własne słowa szkoły" in html
    # Staff pages are not affected: the SENCo still reads English.
    staff = Client()
    staff.force_login(world.users["senco"])
    assert '<html lang="en-GB"' in staff.get(reverse("school_home")).content.decode()


def test_polish_dates_name_the_month_as_a_date_does(world, plan):
    """ "24 grudnia 2026", not "24 Grudzień 2026": Polish names the month of a date in the
    genitive, Django's "E" (English reads the same either way)."""
    from django.utils import dateformat, translation

    Contact.objects.filter(user=world.users["parent"]).update(preferred_language="Polish")
    client = Client()
    client.force_login(world.users["parent"])
    html = client.get(reverse("family_pupil", args=[world.amy.pk])).content.decode()
    review_on = plan.plan.review_date
    with translation.override("pl"):
        genitive = dateformat.format(review_on, "j E Y")
        assert genitive != dateformat.format(review_on, "j F Y")
    assert genitive in html
    templates = [*(ROOT / "records" / "templates" / "family").glob("*.html")]
    assert not [p.name for p in templates if 'date:"j F' in p.read_text(encoding="utf-8")]


def test_a_parent_who_chooses_urdu_gets_right_to_left_pages(world, plan):
    client = Client()
    client.force_login(world.users["parent"])
    page = reverse("family_pupil", args=[world.amy.pk])
    response = client.post(reverse("family_language"), {"language": "ur", "next": page})
    assert response["Location"] == page
    assert FamilyLanguage.objects.get(user=world.users["parent"]).language == "ur"
    html = client.get(page).content.decode()
    assert '<html lang="ur" dir="rtl"' in html and "منصوبہ آسان الفاظ میں" in html
    assert '<div lang="en-GB" dir="ltr" class="govuk-body"><p>Amy reads</p></div>' in html
