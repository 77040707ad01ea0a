"""The bench at tiny scale: the JSON contract, every page a 200, floors that fetch the page's rows.
No timing assertions: the figures depend on the machine."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts import schooldates
from accounts.models import School
from perf.bench import CASES, format_table, fullest_record, run_bench
from perf.floors import Floor, pupil_record_floor, register_floor
from perf.scales import SCALES, seed_scale
from provision.models import Enrolment, Session
from pupils import selectors
from pupils.models import FamilyLink, Need, Pupil, RegisterEntry
from pupils.seeding import SchoolSpec, local_authority
from records.seeding import seed_specs
from support.models import Concern, Cycle, Target

ROW_KEYS = {"name", "median_ms", "p95_ms", "queries", "floor_ms", "ratio"}
BASE_DIR = Path(__file__).resolve().parents[2]


# The generator's provision comes from the built-in catalogue (conftest.builtin_catalogue).
pytestmark = pytest.mark.usefixtures("builtin_catalogue")


def check_report(report: dict) -> None:
    assert {"scale", "database", "machine", "results"} <= set(report)
    assert report["scale"] == "tiny"
    assert report["database"].split()[0] in {"SQLite", "PostgreSQL"}
    assert {"cpu", "cores", "memory_gib", "python"} <= set(report["machine"])
    names = [r["name"] for r in report["results"]]
    assert names == ["seeding", *(case.name for case in CASES)]
    for row in report["results"]:
        assert set(row) >= ROW_KEYS, row
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
    seeding, *pages = report["results"]
    assert seeding["peak_rss_mib"] > 0 and seeding["floor_ms"] is None
    for row in pages:
        assert row["status"] == 200, row
        assert row["queries"] > 0
    with_floor = {r["name"] for r in pages if r["floor_ms"] is not None}
    assert with_floor == {"register", "pupil_record"}
    assert all(r["ratio"] > 0 for r in pages if r["name"] in with_floor)
    assert all(r["sql_ratio"] > 0 for r in pages if r["name"] in with_floor)
    assert all(r["yardstick_ratio"] > 0 for r in pages)
    assert report["healthz_median_ms"] > 0
    assert len(report["yardstick_ms"]) == 2 and all(ms > 0 for ms in report["yardstick_ms"])
    assert all(row["yardstick_ms"] > 0 for row in report["results"][1:])
    assert json.loads(json.dumps(report)) == report  # plain JSON types only
    assert report["import_ctf"]["name"] == "import_ctf"
    assert report["import_ctf"]["pupils"] == 2000 and report["import_ctf"]["median_ms"] > 0
    school, la = report["import_ctf"], report["import_ctf_la"]
    assert la["name"] == "import_ctf_la" and la["pupils"] == 6000
    # Memory stays flat: three times the file, not three times the reader's peak (iterparse).
    assert la["file_mib"] > 2.5 * school["file_mib"]
    assert la["parse_peak_mib"] < 1.5 * school["parse_peak_mib"] + 1
    pack = report["evidence_pack"]
    assert pack["name"] == "evidence_pack" and pack["median_ms"] > 0 and pack["queries"] > 0
    assert pack["pdf_kib"] > 1 and pack["target_ms"] == 5000
    flags = report["flags"]
    assert flags["name"] == "flags" and flags["target_ms"] == 1000 and flags["points"] > 0
    assert flags["cpu_median_ms"] > 0 and 0 < flags["queries"] <= 5
    everyone = report["flags_all_schools"]
    assert everyone["schools"] == 2 and everyone["target_ms"] == 30000
    assert everyone["flags"] >= flags["flags"] and everyone["queries"] <= 5 * 2
    duties = {row["name"]: row for row in report["duties"]}
    assert set(duties) == {"information_report", "governors_report"}
    assert all(
        r["median_ms"] > 0 and r["queries"] > 0 and r["target_ms"] == 2000 for r in duties.values()
    )


@pytest.mark.django_db
def test_tiny_bench_reports_every_page_in_the_agreed_shape() -> None:
    report = run_bench("tiny", repeats=2, warmups=1, la_import_pupils=6000)
    check_report(report)
    assert report["seeded"]["schools"] == 2 and report["seeded"]["pupils"] == 200
    table = format_table(report)
    assert all(case.name in table for case in CASES)
    assert "sql ratio" in table and "÷ yardstick" in table
    assert "evidence_pack:" in table
    assert "flags: " in table and "flags_all_schools: " in table
    assert "information_report:" in table and "governors_report:" in table


def _floor_rows(floor: Floor, name: str) -> list[tuple]:
    (query,) = [q for q in floor if q.name == name]
    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        return cursor.fetchall()


@pytest.mark.django_db
def test_register_floor_fetches_the_register_pages_rows() -> None:
    # A secondary of 450 has about 70 pupils on the register: more than one page.
    seeded = seed_specs(
        [SchoolSpec("secondary", 450)], seed=1, today=_today(), la=local_authority("820")
    )
    school = School.objects.get(pk=seeded.school_ids[0])
    on_register = selectors.register(
        Pupil.objects.filter(school=school), selectors.RegisterFilters()
    )
    rows_on_page = on_register[:50]
    columns = ("pk", "provision", "on_register_since", "primary_need", "secondary_need")
    page = list(rows_on_page.values_list(*columns))  # type: ignore[misc]
    floor = register_floor(school.pk, schooldates.school_year_start(_today()))
    rows = _floor_rows(floor, "rows")
    assert len(page) == 50
    assert [(r[0], r[7], r[8], r[10], r[11]) for r in rows] == page
    # The figures above the table and the pager's total, from the grouped counts.
    counts = selectors.register_counts(Pupil.objects.filter(school=school))
    grouped = _floor_rows(floor, "counts")
    assert {r[0] for r in grouped} == {counts.total_roll}
    assert sum(r[3] for r in grouped) == counts.on_register == on_register.count() > 50
    assert sum(r[4] for r in grouped) == counts.awaiting_notification
    primary = {c: n for c, _label, n in counts.by_primary_need}
    assert {r[2]: 0 for r in grouped if r[2]} | primary == primary
    assert sum(r[3] for r in grouped if r[2]) == sum(primary.values())
    # This year's classes, the filter's options.
    classes = [g for _pk, g in _floor_rows(floor, "classes")]
    this_year = school.teaching_groups.filter(
        school_year__start_year=schooldates.school_year_start(_today())
    )
    assert classes == sorted(this_year.values_list("name", flat=True)) != []


@pytest.mark.django_db
def test_pupil_record_floor_fetches_the_pupil_and_all_their_rows() -> None:
    la, seeded = seed_scale(SCALES["tiny"], today=_today())
    # The bench's own pick: the pupil with the most cycles, provision and register history.
    pupil = fullest_record(School.objects.get(pk=seeded.school_ids[0]))
    floor = pupil_record_floor(pupil.pk, schooldates.school_year_start(_today()))
    kinds = [r[0] for r in _floor_rows(floor, "record")]
    assert kinds.count("pupil") == 1
    assert kinds.count("entry") == RegisterEntry.objects.filter(pupil=pupil).count() > 0
    assert kinds.count("need") == Need.objects.filter(pupil=pupil).count() > 0
    assert kinds.count("contact") == FamilyLink.objects.filter(pupil=pupil).count() > 0
    groups = {r[1] for r in _floor_rows(floor, "record") if r[0] == "group"}
    assert (
        groups
        == {
            g.pk
            for g in pupil.teaching_groups.all()
            if g.school_year.start_year == schooldates.school_year_start(_today())
        }
        != set()
    )
    support = [r[0] for r in _floor_rows(floor, "support")]
    assert support.count("cycle") == Cycle.objects.filter(pupil=pupil).count() > 1
    assert support.count("target") == Target.objects.filter(plan__cycle__pupil=pupil).count() > 1
    assert support.count("concern") == Concern.objects.filter(pupil=pupil).count()
    provisions = _floor_rows(floor, "provision")
    assert len(provisions) == Enrolment.objects.filter(pupil=pupil).count() > 0
    # Each provision's delivered sessions, as its fidelity tag counts them.
    for row in provisions:
        assert row[8] == Session.objects.filter(provision_id=row[0], delivered=True).count()


def test_bench_command_uses_a_database_of_its_own(tmp_path: Path) -> None:
    """End to end with the production settings: a throwaway database (the data folder's SQLite
    file is never made), the table on stdout, the JSON file, nothing left in the temp folder."""
    data, tmp, out = tmp_path / "data", tmp_path / "tmp", tmp_path / "bench.json"
    tmp.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sendpath.settings",
        "SENDPATH_DATA_DIR": str(data),
        "TMPDIR": str(tmp),
    }
    args = ["--scale", "tiny", "--json", str(out), "--repeats", "2", "--warmups", "1",
            "--la-import-pupils", "6000"]  # fmt: skip
    done = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, str(BASE_DIR / "manage.py"), "bench", *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "pupil_record" in done.stdout
    check_report(json.loads(out.read_text()))
    assert not (data / "sendpath.sqlite3").exists()
    assert list(tmp.iterdir()) == []


def _today() -> date:
    return timezone.localdate()
