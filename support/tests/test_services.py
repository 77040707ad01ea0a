"""The graduated approach through its services, on the real database."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from sendpath.testing import review_data
from support import services
from support.models import Attachment, Concern, Cycle, Plan, Review, Target

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def senco(world):
    return world.users["senco"]


def plan_for(world, senco, *, days_ago=30, targets=2):
    cycle = services.cycle_open(
        pupil=world.amy, opened_on=TODAY - timedelta(days=days_ago), by=senco
    )
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={
            "plan_date": TODAY - timedelta(days=days_ago),
            "review_date": TODAY + timedelta(days=30),
            "outcomes": "Amy reads for pleasure",
        },
    )
    for i in range(targets):
        services.target_add(
            plan=plan,
            by=senco,
            data={
                "description": f"Read {20 + i} tricky words",
                "baseline": "8",
                "measure": "word check",
                "target_value": str(20 + i),
                "target_date": TODAY + timedelta(days=20),
            },
        )
    return cycle, plan


REVIEW = review_data(held_on=TODAY, parent_views="Pleased", pupil_views="It helps")


def test_deciding_to_assess_opens_cycle_1(world, senco):
    concern = services.concern_raise(
        pupil=world.ben,
        source="teacher",
        raised_on=TODAY - timedelta(days=5),
        area="CL",
        what_was_seen="Cannot blend CVC words",
        by=senco,
    )
    services.concern_decide(
        concern=concern,
        outcome="assess",
        decided_on=TODAY,
        considered="Attendance 97%, no EAL",
        by=senco,
    )
    cycle = world.ben.cycles.get()
    assert (cycle.number, cycle.concern, cycle.opened_on) == (1, concern, TODAY)


def test_other_factor_needs_the_factor_and_what_was_considered(world, senco):
    concern = services.concern_raise(
        pupil=world.ben,
        source="parent",
        raised_on=TODAY,
        area="SEMH",
        what_was_seen="Upset at drop-off",
        by=senco,
    )
    with pytest.raises(ValidationError) as exc:
        services.concern_decide(
            concern=concern, outcome="other_factor", decided_on=TODAY, considered="", by=senco
        )
    assert {"other_factors", "considered"} <= set(exc.value.message_dict)
    services.concern_decide(
        concern=concern,
        outcome="other_factor",
        decided_on=TODAY,
        considered="Family moving house; no learning concern",
        other_factors=["housing", "family"],
        early_help=True,
        early_help_note="Early Help assessment with family support worker",
        by=senco,
    )
    concern.refresh_from_db()
    assert concern.other_factor_labels == ["Housing circumstances", "Family circumstances"]
    assert not world.ben.cycles.exists()


def test_a_second_open_cycle_is_refused_by_the_service_and_the_database(world, senco):
    services.cycle_open(pupil=world.amy, opened_on=TODAY, by=senco)
    with pytest.raises(ValidationError, match="still open"):
        services.cycle_open(pupil=world.amy, opened_on=TODAY, by=senco)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(pupil=world.amy, number=2, opened_on=TODAY)
    assert world.amy.cycles.count() == 1


def test_a_target_dated_before_the_plan_is_refused(world, senco):
    _, plan = plan_for(world, senco, targets=0)
    with pytest.raises(ValidationError) as exc:
        services.target_add(
            plan=plan,
            by=senco,
            data={
                "description": "Read 20 words",
                "target_date": plan.plan_date - timedelta(days=1),
            },
        )
    assert "target_date" in exc.value.message_dict
    assert not plan.targets.exists()


def test_the_review_date_defaults_to_the_end_of_term(world, senco):
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY, by=senco)
    plan = services.plan_save(
        cycle=cycle, by=senco, data={"plan_date": TODAY, "outcomes": "x"}, version=0
    )
    term_ends = set(world.oak.school_years.get().terms.values_list("end_date", flat=True))
    assert plan.review_date in term_ends or plan.review_date == TODAY + timedelta(weeks=12)
    assert plan.review_date >= TODAY + timedelta(weeks=2)


def test_a_stale_plan_edit_is_refused(world, senco):
    cycle, plan = plan_for(world, senco)
    services.plan_save(cycle=cycle, by=senco, version=plan.version, data={"outcomes": "first edit"})
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.plan_save(
            cycle=cycle, by=senco, version=plan.version, data={"outcomes": "second, stale edit"}
        )
    assert Plan.objects.get(pk=plan.pk).outcomes == "first edit"


def test_completing_a_review_locks_the_cycle_and_carries_unmet_targets(world, senco):
    cycle, plan = plan_for(world, senco, targets=3)
    t1, t2, t3 = plan.targets.all()
    review, next_cycle = services.review_complete(
        cycle=cycle,
        data=REVIEW,
        by=senco,
        ratings={
            t1.pk: {"rating": 1, "value_reached": "24"},
            t2.pk: {"rating": -1, "value_reached": "12"},
            t3.pk: {"rating": -2},
        },
    )
    cycle.refresh_from_db()
    assert cycle.is_locked and cycle.closed_on == TODAY
    assert next_cycle is not None and next_cycle.number == 2 and next_cycle.opened_on == TODAY
    carried = list(next_cycle.plan.targets.all())
    assert [t.carried_from for t in carried] == [t2, t3]
    assert all(t.target_date >= next_cycle.plan.review_date for t in carried)
    assert next_cycle.plan.outcomes == plan.outcomes


def test_removal_decision_opens_no_next_cycle(world, senco):
    cycle, plan = plan_for(world, senco, targets=1)
    target = plan.targets.get()
    _, next_cycle = services.review_complete(
        cycle=cycle,
        data={**REVIEW, "decision": "remove"},
        by=senco,
        ratings={target.pk: {"rating": 2}},
    )
    assert next_cycle is None and world.amy.cycles.count() == 1


def test_a_review_of_a_cycle_that_is_not_open_is_refused(world, senco):
    cycle, plan = plan_for(world, senco, targets=1)
    target = plan.targets.get()
    services.review_complete(cycle=cycle, data=REVIEW, by=senco, ratings={target.pk: {"rating": 0}})
    before = (Review.objects.count(), Cycle.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="not open"):
        services.review_complete(
            cycle=cycle, data=REVIEW, by=senco, ratings={target.pk: {"rating": 0}}
        )
    assert (Review.objects.count(), Cycle.objects.count(), AuditEvent.objects.count()) == before


def test_every_target_must_be_rated(world, senco):
    cycle, plan = plan_for(world, senco, targets=2)
    first = plan.targets.first()
    with pytest.raises(ValidationError) as exc:
        services.review_complete(
            cycle=cycle, data=REVIEW, by=senco, ratings={first.pk: {"rating": 0}}
        )
    assert any(key.startswith("rating_") for key in exc.value.message_dict)
    assert not Review.objects.exists()
    cycle.refresh_from_db()
    assert not cycle.is_locked


def test_a_locked_cycle_changes_only_by_amendment_with_a_reason(world, senco):
    cycle, plan = plan_for(world, senco, targets=1)
    services.review_complete(
        cycle=cycle, data=REVIEW, by=senco, ratings={plan.targets.get().pk: {"rating": 0}}
    )
    cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.plan_save(
            cycle=cycle, by=senco, data={"outcomes": "sneaky"}, version=cycle.plan.version
        )
    with pytest.raises(ValidationError, match="locked"):
        services.do_note_add(cycle=cycle, on=TODAY, text="late note", by=senco)
    with pytest.raises(ValidationError) as exc:
        services.cycle_amend(
            cycle=cycle, what="review", changes={"parent_views": "x"}, reason=" ", by=senco
        )
    assert "reason" in exc.value.message_dict
    services.cycle_amend(
        cycle=cycle,
        what="review",
        changes={"parent_views": "Mum added: pleased with reading"},
        reason="Mum's views arrived after the meeting",
        by=senco,
    )
    cycle.review.refresh_from_db()
    assert cycle.review.parent_views.startswith("Mum added")
    assert cycle.amendments.get().reason == "Mum's views arrived after the meeting"


def test_do_notes_cannot_be_dated_before_the_cycle(world, senco):
    cycle, _ = plan_for(world, senco)
    with pytest.raises(ValidationError):
        services.do_note_add(
            cycle=cycle, on=cycle.opened_on - timedelta(days=1), text="x", by=world.users["teacher"]
        )
    note = services.do_note_add(
        cycle=cycle, on=TODAY, text="Used the word mat in phonics", by=world.users["teacher"]
    )
    assert note.author == world.users["teacher"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_upload_is_stored_outside_the_web_root(world, senco, settings):
    upload = SimpleUploadedFile("EP report.pdf", PDF, content_type="application/pdf")
    attachment = services.attachment_add(pupil=world.amy, upload=upload, by=senco)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    path = attachment.file.path
    assert path.startswith(str(settings.SENDPATH_UPLOADS_DIR)) and "EP report" not in path
    with open(path, "rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.exe", b"MZ....", "must be a PDF"),
        ("report.pdf", b"<html>not a pdf</html>", "not really a PDF"),
        ("notes.docx", b"PK\x03\x04 not a zip", "not a valid DOCX"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_uploads_are_refused_and_nothing_is_written(world, senco, name, content, message):
    with pytest.raises(ValidationError, match=message):
        services.attachment_add(pupil=world.amy, upload=SimpleUploadedFile(name, content), by=senco)
    assert not Attachment.objects.exists()


def test_an_upload_over_the_limit_is_refused(world, senco, settings):
    settings.SENDPATH_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="smaller than 1 MB"):
        services.attachment_add(pupil=world.amy, upload=big, by=senco)
    assert not Attachment.objects.exists()


def test_a_real_docx_is_accepted(world, senco):
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    upload = SimpleUploadedFile("plan.docx", buffer.getvalue())
    assert (
        services.attachment_add(pupil=world.amy, upload=upload, by=senco).original_name
        == "plan.docx"
    )


def test_passport_versions(world, senco):
    first = services.passport_save(
        pupil=world.amy, by=senco, data={"about_me": "I love drawing"}, version=0
    )
    services.passport_save(
        pupil=world.amy, by=senco, version=first.version, data={"what_helps": "Visual timetable"}
    )
    with pytest.raises(ValidationError):
        services.passport_save(
            pupil=world.amy, by=senco, version=first.version, data={"what_helps": "stale"}
        )
    world.amy.passport.refresh_from_db()
    assert world.amy.passport.what_helps == "Visual timetable" and world.amy.passport.version == 2


def test_concern_cannot_be_raised_in_the_future(world, senco):
    with pytest.raises(ValidationError):
        services.concern_raise(
            pupil=world.ben,
            source="teacher",
            raised_on=TODAY + timedelta(days=1),
            area="CL",
            what_was_seen="x",
            by=senco,
        )
    assert not Concern.objects.exists()


def test_targets_keep_their_order(world, senco):
    _, plan = plan_for(world, senco, targets=3)
    assert [t.position for t in Target.objects.filter(plan=plan)] == [1, 2, 3]


def test_saving_a_plan_without_dates_keeps_its_dates(world, senco):
    cycle, plan = plan_for(world, senco, targets=0)
    saved = services.plan_save(
        cycle=cycle, by=senco, data={"outcomes": "changed"}, version=plan.version
    )
    assert (saved.plan_date, saved.review_date) == (plan.plan_date, plan.review_date)


def test_completing_a_review_updates_the_callers_cycle(world, senco):
    cycle, plan = plan_for(world, senco, targets=1)
    services.review_complete(
        cycle=cycle, data=REVIEW, by=senco, ratings={plan.targets.get().pk: {"rating": 0}}
    )
    assert cycle.is_locked
