"""Key stage results from a CTF (kept by interop's import in pupils.KeyStageResult) become
assessment points, read automatically by the import."""

import pytest
from django.utils import timezone

from attainment.models import AssessmentPoint, PointSource, Subject
from attainment.services import key_stage_points
from interop.ctf import SchoolRef
from interop.generate import ctf_bytes, make_header, realistic_pupils
from interop.services import ctf_import
from pupils.models import KeyStageResult


@pytest.mark.django_db
def test_the_ctf_import_reads_key_stage_results_into_points(tmp_path) -> None:
    today = timezone.localdate()
    dest = SchoolRef("821", "4999", "199999", "Key Stage Academy")
    pupils = [p for p in realistic_pupils(40, seed=3, today=today, upn_la="821")]
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf_bytes(make_header(dest=dest, when=today), pupils))
    ctf_import(source=str(path), school=None, dry_run=False, by=None, create_school=True)
    kept = KeyStageResult.objects.filter(component="", result__regex=r"^\d+$").count()
    assert kept > 0
    points = AssessmentPoint.objects.filter(source=PointSource.CTF)
    assert points.count() == kept  # the MTC component is not read
    maths = Subject.objects.get(name="KS2 MAT")
    assert (maths.min_score, maths.max_score) == (80, 120)
    assert all(p.assessed_on.month == 7 for p in points)
    school = maths.school
    assert key_stage_points(school=school) == 0  # read once


@pytest.mark.django_db
def test_teacher_assessments_become_bands(world) -> None:
    KeyStageResult.objects.create(pupil=world.amy, stage="KS1", subject="REA", year="2022",
                                  method="TA", result="EXS")  # fmt: skip
    KeyStageResult.objects.create(pupil=world.ben, stage="KS1", subject="REA", year="2022",
                                  method="TA", result="PKF")  # fmt: skip
    assert key_stage_points(school=world.oak) == 1
    point = AssessmentPoint.objects.get()
    assert point.subject.name == "KS1 REA (teacher assessment)" and point.score == 2
    assert point.subject.bands["GDS"] == 3
