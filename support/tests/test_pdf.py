"""The plan, the review and the passport as PDFs (seed 001: the record of the review is given to
the parents, with the date recorded). Real database, real WeasyPrint; the pages are rendered with
poppler's pdftoppm and read back with pdftotext, so a PDF that looks empty or says the wrong thing
fails."""

import re
import shutil
import subprocess
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditAction, AuditEvent
from sendpath.testing import review_data
from support import pdf, rules, services
from support.models import Cycle, Review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdfinfo"))
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="poppler-utils (pdftoppm, pdftotext, pdfinfo) is not installed: "
    "apt-get install -y poppler-utils",
)

TARGET_1 = "Read 40 of the first 100 common exception words"
TARGET_2 = "Ask an adult for help when stuck, using the help card"


@pytest.fixture
def senco(world):
    return world.users["senco"]


@pytest.fixture
def reviewed(world, senco):
    """Amy's cycle 1: a plan with two targets, reviewed today (decision: adjust), so cycle 2 is
    open with a carried plan; and a passport."""
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=60), by=senco)
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=60),
            "review_date": TODAY + timedelta(days=1),
            "outcomes": "Amy reads a short book on her own and enjoys it.",
            "provision": "Phonics group with Mrs Khan, 20 minutes, 3 times a week.",
            "adjustments": "A reading ruler; instructions written on the board.",
            "pupil_strategies": "Amy uses her help card.",
            "parents_agreed_on": TODAY - timedelta(days=55),
        },
    )
    for text, value in ((TARGET_1, "40 words"), (TARGET_2, "4 times a week")):
        services.target_add(
            plan=plan,
            by=senco,
            data={
                "description": text,
                "baseline": "12 words",
                "measure": "Word check every 3 weeks",
                "target_value": value,
                "target_date": TODAY,
                "responsible": "Mrs Khan (teaching assistant)",
            },
        )
    t1, t2 = plan.targets.all()
    services.review_complete(
        cycle=cycle,
        by=senco,
        data=review_data(
            held_on=TODAY - timedelta(days=2),
            is_it_working="Yes: Amy reads 31 of the words now.",
            how_much_difference="About 6 months' progress in a term.",
            happening_as_planned="Yes, 3 times a week with a trained assistant.",
            child_reaction="Keen, and proud of her word list.",
            child_thinks="She likes the group.",
            attendees="Mrs Khan, class teacher",
            parent_views="Reading at bedtime now. <b>Pleased</b>.",
            pupil_views="The help card helps me.",
            decision="adjust",
            decision_notes="Keep phonics; add a daily reading buddy.",
        ),
        ratings={
            t1.pk: {"rating": -1, "value_reached": "31 words", "outcome": "not_achieved"},
            t2.pk: {"rating": 1, "value_reached": "Every day", "outcome": "achieved"},
        },
    )
    services.passport_save(
        pupil=world.amy,
        by=senco,
        version=0,
        data={
            "about_me": "I am Amy. I love drawing horses.",
            "strengths": "Drawing, kindness, maths facts.",
            "what_helps": "Instructions one at a time. A reading ruler.",
            "what_does_not_help": "Being asked to read aloud without warning.",
            "key_adjustments": "Give Amy the text the day before.",
            "written_with_pupil": True,
            "written_with_parent": True,
        },
    )
    cycle.refresh_from_db()
    return cycle


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_objects(body: bytes) -> bytes:
    """The PDF with its compressed streams inflated: WeasyPrint packs the catalogue and the
    structure tree into compressed object streams, so a plain bytes search would miss them."""
    inflated = [body]
    # Up to "endstream" rather than to the end-of-line before it: compressed data may itself end
    # in a carriage return. decompressobj stops at the end of the zlib data and ignores the rest.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", body, re.DOTALL):
        try:
            inflated.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue  # not Flate-compressed (an image, a font): nothing to search
    return b"\n".join(inflated)


def pdf_text(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(body)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    # One line per phrase whatever the layout wrapped: collapse the whitespace.
    return " ".join(out.stdout.split())


def pdf_info(body: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    }


def assert_renders_a_page(body: bytes, tmp_path: Path) -> None:
    path = tmp_path / "render.pdf"
    path.write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages, "pdftoppm produced no page"
    with Image.open(pages[0]) as image:
        grey = image.convert("L")
        width, height = grey.size
        assert (width, height) == pytest.approx((413, 585), abs=2)  # A4 at 50 dpi
        dark = sum(grey.histogram()[:128])  # pixels darker than mid-grey
    # Text covers a few per cent of a page; a blank or nearly blank page is a broken render.
    assert dark > 0.01 * width * height


STAFF_DOCS = [
    ("cycle_plan_pdf", "cycle", ["Amy's support plan", "What we want Amy to achieve", TARGET_1]),
    (
        "cycle_review_pdf",
        "cycle",
        ["Review of Amy's support", TARGET_2, "Adjust the support", "What you told us"],
    ),
    ("pupil_passport_pdf", "pupil", ["Amy's passport", "What helps me", "drawing horses"]),
]


@pytest.mark.parametrize(("url_name", "by", "phrases"), STAFF_DOCS)
def test_the_senco_downloads_a_tagged_pdf(world, reviewed, url_name, by, phrases):
    pk = reviewed.pk if by == "cycle" else world.amy.pk
    response = client_for(world.users["senco"]).get(reverse(url_name, args=[pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="amy-adams-')
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-1.7")
    objects = pdf_objects(response.content)
    # Tagged (PDF/UA-1): a structure tree with headings, marked content, the language, the title.
    for marker in (b"/StructTreeRoot", b"/MarkInfo", b"/Lang (en-GB)", b"/DisplayDocTitle"):
        assert marker in objects, marker
    assert b"/S /H1" in objects and b"/S /H2" in objects
    assert b"pdfuaid:part" in objects


@needs_poppler
@pytest.mark.parametrize(("url_name", "by", "phrases"), STAFF_DOCS)
def test_each_pdf_renders_and_reads_in_plain_words(
    world, reviewed, url_name, by, phrases, tmp_path
):
    pk = reviewed.pk if by == "cycle" else world.amy.pk
    body = client_for(world.users["senco"]).get(reverse(url_name, args=[pk])).content
    assert_renders_a_page(body, tmp_path)
    text = pdf_text(body, tmp_path)
    for phrase in ["Amy Adams", *phrases]:
        assert phrase in text
    info = pdf_info(body, tmp_path)
    assert info["Tagged"] == "yes"
    assert "Amy" in info["Title"] and info["Author"] == "Oak Primary"
    assert info["Page size"].startswith("595.")  # A4 width in points
    assert "Page 1 of" in text


@needs_poppler
def test_the_review_pdf_says_every_rating_and_the_decision_in_words(world, reviewed, tmp_path):
    body = client_for(world.users["senco"]).get(reverse("cycle_review_pdf", args=[reviewed.pk]))
    text = pdf_text(body.content, tmp_path)
    for phrase in (
        "Below expected",
        "Not met yet",
        "Above expected",
        "Target met",
        "31 words",
        "What Amy told us",
        "The help card helps me.",
        "Is the support working?",
        "How is Amy reacting to the support?",
        "Keep phonics; add a daily reading buddy.",
        "In person",
        "Not given yet",
    ):
        assert phrase in text, phrase
    # The next cycle's plan exists (the decision was to adjust): its review date is given.
    next_plan = Cycle.objects.get(pupil=world.amy, number=2).plan
    assert f"{next_plan.review_date:%-d %B %Y}" in text
    # Typed text is text: markup in a view is printed, not obeyed.
    assert "<b>Pleased</b>" in text
    # No census codes: "SEN support" is explained, "(K)" never shown.
    assert "SEN support: extra help at school" in text and "(K)" not in text


@needs_poppler
def test_the_passport_fits_on_one_page(world, reviewed, tmp_path):
    body = client_for(world.users["senco"]).get(reverse("pupil_passport_pdf", args=[world.amy.pk]))
    assert pdf_info(body.content, tmp_path)["Pages"] == "1"


def test_every_review_decision_is_explained_for_parents():
    assert set(pdf.DECISION_EXPLAINED) == set(rules.DECISIONS)


def test_each_download_is_audited_as_an_export(world, reviewed):
    parent = world.users["parent"]
    client_for(parent).get(reverse("family_cycle_review_pdf", args=[reviewed.pk]))
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert (event.actor, event.pupil_id, event.school_id) == (parent, world.amy.pk, world.oak.pk)
    assert event.object_type == "support.Review"
    assert event.data == {"format": "pdf", "document": "review.html", "area": "family"}


def test_the_parent_gets_their_own_childs_plan_and_review(world, reviewed):
    parent = client_for(world.users["parent"])
    for name in ("family_cycle_plan_pdf", "family_cycle_review_pdf"):
        response = parent.get(reverse(name, args=[reviewed.pk]))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


def test_the_parent_cannot_reach_another_child_or_the_staff_pages(world, reviewed, senco):
    ben_cycle = services.cycle_open(pupil=world.ben, opened_on=TODAY, by=senco)
    parent = client_for(world.users["parent"])
    assert parent.get(reverse("family_cycle_plan_pdf", args=[ben_cycle.pk])).status_code == 404
    assert parent.get(reverse("cycle_plan_pdf", args=[reviewed.pk])).status_code == 404
    assert parent.get(reverse("pupil_passport_pdf", args=[world.amy.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    "url_name",
    ["cycle_plan_pdf", "cycle_review_pdf", "family_cycle_plan_pdf", "family_cycle_review_pdf"],
)
def test_an_outsider_gets_404(world, reviewed, url_name):
    response = client_for(world.users["outsider"]).get(reverse(url_name, args=[reviewed.pk]))
    assert response.status_code == 404


def test_signed_out_users_are_sent_to_sign_in(world, reviewed):
    response = Client().get(reverse("family_cycle_review_pdf", args=[reviewed.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_review_no_review_pdf_and_no_plan_no_plan_pdf(world, reviewed, senco):
    senco_client = client_for(senco)
    next_cycle = Cycle.objects.get(pupil=world.amy, number=2)  # open: not reviewed
    assert senco_client.get(reverse("cycle_review_pdf", args=[next_cycle.pk])).status_code == 404
    parent = client_for(world.users["parent"])
    assert parent.get(reverse("family_cycle_review_pdf", args=[next_cycle.pk])).status_code == 404
    ben_cycle = services.cycle_open(pupil=world.ben, opened_on=TODAY, by=senco)  # no plan
    assert senco_client.get(reverse("cycle_plan_pdf", args=[ben_cycle.pk])).status_code == 404
    assert senco_client.get(reverse("pupil_passport_pdf", args=[world.ben.pk])).status_code == 404


def given(day) -> dict[str, str]:
    return {"given_on_0": str(day.day), "given_on_1": str(day.month), "given_on_2": str(day.year)}


def test_the_senco_records_the_date_the_review_was_given(world, reviewed, senco, tmp_path):
    url = reverse("cycle_review_given", args=[reviewed.pk])
    assert client_for(senco).get(url).status_code == 200
    response = client_for(senco).post(url, given(TODAY - timedelta(days=1)))
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[reviewed.pk])
    assert Review.objects.get(cycle=reviewed).given_to_parents_on == TODAY - timedelta(days=1)
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="support.Review", pupil_id=world.amy.pk
    ).exists()
    if POPPLER:
        body = client_for(senco).get(reverse("cycle_review_pdf", args=[reviewed.pk])).content
        text = pdf_text(body, tmp_path)
        assert f"Given to you on {TODAY - timedelta(days=1):%-d %B %Y}" in text


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + timedelta(days=1), "cannot be in the future"),
        (TODAY - timedelta(days=30), "cannot be given before the review was held"),
    ],
)
def test_an_impossible_given_date_is_refused_and_nothing_is_written(
    world, reviewed, senco, day, message
):
    client = client_for(senco)  # signing in is itself audited: count after it
    before = AuditEvent.objects.count()
    response = client.post(reverse("cycle_review_given", args=[reviewed.pk]), given(day))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Review.objects.get(cycle=reviewed).given_to_parents_on is None
    assert AuditEvent.objects.count() == before


def test_only_the_senco_records_the_review_given(world, reviewed):
    url = reverse("cycle_review_given", args=[reviewed.pk])
    teacher = client_for(world.users["teacher"])  # teaches Amy: reaches her, may not record
    assert teacher.post(url, given(TODAY)).status_code == 403
    assert client_for(world.users["parent"]).post(url, given(TODAY)).status_code == 404
    assert client_for(world.users["outsider"]).post(url, given(TODAY)).status_code == 404
    assert Review.objects.get(cycle=reviewed).given_to_parents_on is None


@needs_poppler
def test_on_track_is_not_printed_as_met_and_the_agreed_next_review_is(world, senco, tmp_path):
    """Issue 13: 31 of 45 against 40 of 45, rated "as expected", is partly achieved: the PDF never
    says "Target met" for it, and it tells parents the next review date agreed at the meeting."""
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=90), by=senco)
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=90),
            "review_date": TODAY,
            "outcomes": "Amy reads a short book on her own.",
        },
    )
    target = services.target_add(
        plan=plan,
        by=senco,
        data={
            "description": "Read 40 of the 45 phase 3 sounds",
            "baseline": "12 of 45",
            "measure": "Phonics tracker",
            "target_value": "40 of 45",
            "target_date": TODAY - timedelta(days=1),
        },
    )
    agreed = TODAY + timedelta(days=100)
    services.review_complete(
        cycle=cycle,
        by=senco,
        data=review_data(decision="continue", next_review_date=agreed),
        ratings={
            target.pk: {"rating": 0, "value_reached": "31 of 45", "outcome": "partly_achieved"}
        },
    )
    body = client_for(senco).get(reverse("cycle_review_pdf", args=[cycle.pk]))
    text = pdf_text(body.content, tmp_path)
    assert "As expected" in text and "31 of 45" in text and "Partly achieved" in text
    assert "Target met" not in text and "Not met yet" in text
    assert f"We will meet again to review Amy's support on {agreed:%-d %B %Y}" in " ".join(
        text.split()
    )
    carried = Cycle.objects.get(pupil=world.amy, number=2).plan
    assert carried.review_date == agreed
    (again,) = carried.targets.all()
    assert again.baseline.startswith("31 of 45 (at the review on ")
