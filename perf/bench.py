"""`sendpath bench`: seed a database at a scale, then time the key pages as the people who use them.

`run_bench()` works on the current database (the test suite gives it the test database);
`fresh_database()` gives the command a database of its own — a new SQLite file in a temporary
folder, or `<name>_bench` beside the configured PostgreSQL database — and drops it afterwards.

Server time is measured in-process with django.test.Client: middleware, view, queries and template,
no network. Each page is requested a few times to warm up, then `repeats` times for the median and
95th percentile; one more request under CaptureQueriesContext counts its SQL queries and times them.
A later issue adds a page by adding one `PageCase` to `CASES`.
"""

import gc
import math
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import schooldates, two_factor
from accounts.models import LocalAuthority, Membership, Role, School, User
from perf import machine
from perf.floors import Floor, pupil_record_floor, register_floor
from perf.scales import SCALES, Scale, seed_scale
from pupils import census
from pupils.models import Pupil
from pupils.seeding import SeedResult
from support.models import Cycle

# The LA scale of a CTF import: an LA's year group moving school in September (the LA scale's
# 90,000 pupils hold about 8,000 a year group), rounded up.
LA_IMPORT_PUPILS = 10_000
REPEATS = 30
WARMUPS = 3


@dataclass(frozen=True)
class Subjects:
    """What the pages are about: the biggest school, a pupil with a full record, the LA, and one
    user per persona (made by the bench, with a membership)."""

    school: School
    pupil: Pupil
    la: LocalAuthority
    users: dict[str, User]
    start_year: int  # the school year the pages show by default
    cycle: Cycle  # the pupil's newest cycle: the cycle / plan page


@dataclass(frozen=True)
class PageCase:
    name: str
    persona: str  # a key of Subjects.users
    path: Callable[[Subjects], str]
    floor: Callable[[Subjects], Floor] | None = None


CASES: list[PageCase] = [
    PageCase(
        "register",
        "senco",
        lambda s: reverse("register"),
        lambda s: register_floor(s.school.pk, s.start_year),
    ),
    PageCase(
        "pupil_record",
        "senco",
        lambda s: reverse("pupil_detail", args=[s.pupil.pk]),
        lambda s: pupil_record_floor(s.pupil.pk, s.start_year),
    ),
    PageCase("cycle_plan", "senco", lambda s: reverse("cycle_detail", args=[s.cycle.pk])),
    PageCase("provision_map", "senco", lambda s: reverse("provision_map")),
    PageCase("impact", "senior_leader", lambda s: reverse("provision_impact")),
    PageCase("school_home", "senco", lambda s: reverse("school_home")),
    PageCase("la_overview", "la_officer", lambda s: reverse("overview_home")),
]


# --- measuring ---------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _p95(samples: list[float]) -> float:
    """The nearest-rank 95th percentile: of 30 samples, the 29th smallest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(
    fn: Callable[[], object], *, warmups: int, repeats: int, cpu: list[float] | None = None
) -> list[float]:
    """Seconds taken by each of `repeats` calls of `fn`, after `warmups` untimed calls. With
    `cpu`, also append the CPU seconds this process spent on each call: on a busy machine wall
    time swells with waiting for a core, CPU time much less (on SQLite it is nearly all the
    server's work; on PostgreSQL the database's own work happens in another process)."""
    for _ in range(warmups):
        fn()
    samples = []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - started_cpu)
    return samples


class QueryTimer:
    """An execute wrapper that counts queries and adds up their time (finer than the
    millisecond resolution CaptureQueriesContext records)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def _max_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux: the high-water mark of this process's resident memory.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _client_host() -> str:
    """A host name the Client may use under the current ALLOWED_HOSTS (the bench does not add
    "testserver" the way the test runner does)."""
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".") or "localhost"
    return "localhost"


@contextmanager
def static_files_usable() -> Iterator[None]:
    """Production settings keep hashed static files in a manifest that collectstatic writes;
    without one every page fails. Then (and only then) use plain static storage for the run: the
    URL of a static file costs the same either way."""
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.hashed_files:
        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
            yield
    else:
        yield


# --- the subjects --------------------------------------------------------------------------------


def make_subjects(la: LocalAuthority, seeded: SeedResult, today: date) -> Subjects:
    """Pick the biggest seeded school and its pupil with the fullest record, and make a SENCo
    and a senior leader there and an officer for the LA."""
    school = biggest_school(seeded.school_ids)
    pupil = fullest_record(school)
    cycle = pupil.cycles.order_by("-number").first()
    assert cycle is not None, f"{pupil} has no cycle"
    users = {
        "senco": _bench_user("bench-senco", role=Role.SENCO, school=school),
        "senior_leader": _bench_user("bench-senior-leader", role=Role.SENIOR_LEADER, school=school),
        "la_officer": _bench_user("bench-la-officer", role=Role.LA_OFFICER, la=la),
    }
    return Subjects(school, pupil, la, users, schooldates.school_year_start(today), cycle)


def biggest_school(school_ids: list[int]) -> School:
    school = (
        School.objects.filter(pk__in=school_ids)
        .annotate(n=Count("pupils"))
        .order_by("-n", "pk")
        .first()
    )
    assert school is not None, "the scale seeded no school"
    return school


def fullest_record(school: School) -> Pupil:
    """The pupil on the register with the most cycles, then the most provision and register
    entries, and at least one contact: the longest pupil record page."""
    pupil = (
        Pupil.objects.filter(
            school=school,
            leaving_date__isnull=True,
            register_entries__end_date__isnull=True,
            register_entries__provision__in=census.ON_REGISTER,
        )
        .annotate(
            cycles_n=Count("cycles", distinct=True),
            enrolments_n=Count("enrolments", distinct=True),
            entries=Count("register_entries", distinct=True),
            contacts=Count("family_links", distinct=True),
        )
        .filter(contacts__gt=0)
        .order_by("-cycles_n", "-enrolments_n", "-entries", "pk")
        .first()
    )
    assert pupil is not None, f"{school} has nobody on the SEN register"
    return pupil


def _bench_user(username: str, **membership: Any) -> User:
    user = User(username=username, first_name="Bench", last_name=username.split("-", 1)[1])
    user.set_unusable_password()  # signs in only through a session the bench makes
    user.save()
    Membership.objects.create(user=user, **membership)
    return user


# --- one row per page ----------------------------------------------------------------------------


def _signed_in(user: Any) -> Client:
    """A client signed in as `user` past the second factor (production settings require one for
    the whole-school roles): the pages are timed as the person uses them every day."""
    client = Client(SERVER_NAME=_client_host())
    client.force_login(user)
    session = client.session
    session[two_factor.SESSION_KEY] = "ok"
    session.save()
    return client


def bench_page(case: PageCase, subjects: Subjects, *, warmups: int, repeats: int) -> dict[str, Any]:
    """Median and p95 server time, status, SQL queries per request, and the floor if any."""
    client = _signed_in(subjects.users[case.persona])
    path = case.path(subjects)
    statuses: set[int] = set()

    def request() -> None:
        statuses.add(client.get(path).status_code)

    cpu: list[float] = []
    yardstick = machine.yardstick_ms()  # the machine's speed as this page was timed
    samples = timed(request, warmups=warmups, repeats=repeats, cpu=cpu)
    timer = QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        request()
    row: dict[str, Any] = {
        "name": case.name,
        "median_ms": _ms(statistics.median(samples)),
        "p95_ms": _ms(_p95(samples)),
        "queries": len(captured.captured_queries),
        "floor_ms": None,
        "ratio": None,
        "cpu_median_ms": _ms(statistics.median(cpu)),
        "sql_ms": _ms(timer.seconds),
        "yardstick_ms": yardstick,
        # The page's median against the machine's speed as it was timed: comparable between runs.
        "yardstick_ratio": round(statistics.median(samples) * 1000 / yardstick, 2)
        if yardstick
        else None,
        "status": statuses.pop() if len(statuses) == 1 else sorted(statuses),
        "path": path,
    }
    if case.floor is not None:
        floor = bench_floor(case.floor(subjects), warmups=warmups, repeats=repeats)
        row["floor_ms"] = _ms(floor)
        # page ÷ floor is kept in the JSON; the figure to keep is the page's own SQL ÷ floor.
        row["ratio"] = round(statistics.median(samples) / floor, 1) if floor else None
        row["sql_ratio"] = round(timer.seconds / floor, 1) if floor else None
    return row


def bench_floor(floor: Floor, *, warmups: int, repeats: int) -> float:
    """The median seconds to run the floor's queries one after another and fetch every row."""

    def run() -> None:
        with connection.cursor() as cursor:
            for query in floor:
                cursor.execute(query.sql, query.params)
                cursor.fetchall()

    return statistics.median(timed(run, warmups=warmups, repeats=repeats))


# --- the whole run -------------------------------------------------------------------------------


def run_bench(
    scale: str = "tiny",
    *,
    repeats: int = REPEATS,
    warmups: int = WARMUPS,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    cases: list[PageCase] | None = None,
    la_import_pupils: int = LA_IMPORT_PUPILS,
) -> dict[str, Any]:
    """Seed the current (empty) database at `scale`, then time every page in `cases`.

    Returns {"scale", "database", "machine", "results": [{"name", "median_ms", "p95_ms",
    "queries", "floor_ms", "ratio", ...}], ...}; the first result is the seeding itself."""
    say = progress or (lambda message: None)
    today = today or timezone.localdate()
    la, seeded, seeding = bench_seeding(SCALES[scale], today, say)
    subjects = make_subjects(la, seeded, today)
    # A web worker starts fresh; this process has just built a whole LA. Collect what the seeding
    # left and move the survivors out of the collector's reach (as gunicorn setups do with
    # gc.freeze() before forking), so a page's timing does not include full collections walking
    # objects no real worker would hold.
    gc.collect()
    gc.freeze()
    try:
        yardstick_before = machine.yardstick_ms()
        pages, healthz_ms, signed_in_ms = time_pages(
            subjects, cases, warmups=warmups, repeats=repeats, say=say
        )
        yardstick_after = machine.yardstick_ms()
    finally:
        gc.unfreeze()
    say("Timing import_ctf ...")
    import_row = bench_import_ctf(today)
    say(f"Timing import_ctf_la ({la_import_pupils:,} pupils) ...")
    import_la_row = bench_import_ctf(today, la_import_pupils, name="import_ctf_la", la="822")
    say("Timing evidence_pack ...")
    pack_row = bench_evidence_pack(subjects)
    say("Timing flags ...")
    flags_row = bench_flags(subjects, today)
    say("Timing flags_all_schools ...")
    flags_all_row = bench_flags_all_schools(seeded.school_ids, today)
    say("Timing the information report and the governors' report ...")
    duties_rows = bench_duties(subjects)
    return {
        "scale": scale,
        "database": machine.database(connection),
        "machine": machine.machine(),
        "results": [seeding, *pages],
        # Its own key: the page rows above are the pages' (perf/tests check their shape).
        "import_ctf": import_row,
        "import_ctf_la": import_la_row,
        "evidence_pack": pack_row,
        "flags": flags_row,
        "flags_all_schools": flags_all_row,
        "duties": duties_rows,
        "seeded": seeded.counts(),
        "on_register": Pupil.objects.filter(
            leaving_date__isnull=True,
            register_entries__end_date__isnull=True,
            register_entries__provision__in=census.ON_REGISTER,
        ).count(),
        "healthz_median_ms": healthz_ms,
        "signed_in_median_ms": signed_in_ms,
        # The machine's speed before and after the page timings (machine.yardstick_ms).
        "yardstick_ms": [yardstick_before, yardstick_after],
        "requests": {"warmups": warmups, "repeats": repeats},
        "measured_at": timezone.now().isoformat(timespec="seconds"),
    }


def time_pages(
    subjects: Subjects,
    cases: list[PageCase] | None,
    *,
    warmups: int,
    repeats: int,
    say: Callable[[str], None],
) -> tuple[list[dict[str, Any]], float, float]:
    """A result row per page, and the median ms of /healthz and of the signed-in baseline."""
    results = []
    with static_files_usable():
        for case in CASES if cases is None else cases:
            say(f"Timing {case.name} ...")
            results.append(bench_page(case, subjects, warmups=warmups, repeats=repeats))
        # What every request costs before any page: Django's handler and middleware, no session.
        anonymous = Client(SERVER_NAME=_client_host())
        healthz = timed(lambda: anonymous.get("/healthz"), warmups=warmups, repeats=repeats)
        # What every signed-in page costs before its own data: session, user, memberships, the
        # GOV.UK layout — the API tokens page of a SENCo who has none.
        signed_in = _signed_in(subjects.users["senco"])
        tokens = reverse("api_tokens")
        baseline = timed(lambda: signed_in.get(tokens), warmups=warmups, repeats=repeats)
    return results, _ms(statistics.median(healthz)), _ms(statistics.median(baseline))


def bench_seeding(
    spec: Scale, today: date, say: Callable[[str], None]
) -> tuple[LocalAuthority, SeedResult, dict[str, Any]]:
    """Seed `spec` once, timing it and reading the process's peak memory (ru_maxrss: tracemalloc
    would slow the seeding down several times)."""
    say(f"Seeding {spec.description} ...")
    rss_before = _max_rss_mib()
    counter = QueryTimer()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        la, seeded = seed_scale(
            spec,
            today=today,
            progress=lambda i, n: say(f"  school {i} of {n}") if i % 10 == 0 or i == n else None,
        )
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load in production: statistics for the
        # planner and a visibility map for index-only scans. (SQLite has no automatic ANALYZE,
        # and production SQLite does not run one, so neither does the bench.)
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (the test suite's); ANALYZE can.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
            if not connection.in_atomic_block:
                # Write the freshly loaded pages out now rather than while pages are timed: a
                # checkpoint in the middle of the timings is the bulk load's cost, not a page's.
                # (Needs the pg_checkpoint role or a superuser; skipped without it.)
                with suppress(DatabaseError):
                    cursor.execute("CHECKPOINT")
    row = {
        "name": "seeding",
        "median_ms": _ms(seconds),
        "p95_ms": _ms(seconds),
        "queries": counter.count,
        "floor_ms": None,
        "ratio": None,
        "seconds": round(seconds, 1),
        "peak_rss_mib": _max_rss_mib(),
        "rss_before_mib": rss_before,
    }
    return la, seeded, row


def bench_import_ctf(
    today: date, pupils: int = 2000, *, name: str = "import_ctf", la: str = "821"
) -> dict[str, Any]:
    """Import a generated CTF of `pupils` pupils into a new school: the time of `sendpath
    import-ctf`, the file already on disk. `parse_peak_mib` is the reader's peak memory over the
    whole file (tracemalloc, a separate pass without the database): flat whatever the file's size,
    as lxml's iterparse frees each pupil once read."""
    # Imported here: the generator pulls in lxml and the interop app only when the row runs.
    from interop.ctf import CTFReader, SchoolRef
    from interop.generate import ctf_bytes, make_header
    from interop.generate import realistic_pupils as ctf_pupils
    from interop.services import ctf_import

    dest = SchoolRef(la, "4999", f"1{la}99"[:6].ljust(6, "9"), "Bench Import Academy")
    data = ctf_bytes(make_header(dest=dest, when=today), ctf_pupils(pupils, seed=7, today=today,
                                                                    upn_la=la))  # fmt: skip
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        f.write(data)
        f.flush()
        tracemalloc.start()
        reader = CTFReader(f.name)
        reader.read_header()
        read = sum(1 for _ in reader.pupils())
        parse_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        counter = QueryTimer()
        started, cpu_started = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(counter):
            result = ctf_import(source=f.name, school=None, dry_run=False, by=None,
                                create_school=True)  # fmt: skip
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert read == result.created == pupils
    return {
        "name": name,
        "median_ms": _ms(seconds),
        "p95_ms": _ms(seconds),
        "queries": counter.count,
        "floor_ms": None,
        "ratio": None,
        "pupils": result.created,
        # This process's CPU time: on a shared machine the wall time includes others' work (on
        # SQLite the database's work is in this process too).
        "cpu_ms": _ms(cpu),
        "file_mib": round(len(data) / 2**20, 1),
        "parse_peak_mib": round(parse_peak / 2**20, 2),
    }


def bench_evidence_pack(subjects: Subjects, repeats: int = 3) -> dict[str, Any]:
    """The SENCo's evidence pack for the pupil with the fullest record (three school years of
    register history, cycles, provision and attendance): the whole POST, every section ticked,
    the PDF rendered (issue 15: at most 5 s). One warm-up, then the median of `repeats`."""
    from statutory import evidence

    client = _signed_in(subjects.users["senco"])
    path = reverse("ehc_evidence_pack", args=[subjects.pupil.pk])
    form = {"sections": list(evidence.SECTIONS), "why_left_out": ""}

    def build() -> None:
        response = client.post(path, form)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", (
            response.status_code
        )

    cpu: list[float] = []
    with static_files_usable():
        samples = timed(build, warmups=1, repeats=repeats, cpu=cpu)
        counter = QueryTimer()
        with connection.execute_wrapper(counter):
            response = client.post(path, form)
    return {
        "name": "evidence_pack",
        "median_ms": _ms(statistics.median(samples)),
        "p95_ms": _ms(max(samples)),
        "queries": counter.count,
        "floor_ms": None,
        "ratio": None,
        "cpu_median_ms": _ms(statistics.median(cpu)),
        "pdf_kib": round(len(response.content) / 1024, 1),
        "target_ms": 5000,
    }


def bench_flags(subjects: Subjects, today: date, repeats: int = 5) -> dict[str, Any]:
    """The four criteria's flags for the biggest school (attainment.selectors.school_flags, what
    `sendpath flags`, the API and the "pupils to look at" page run): the query of its points and
    the criteria over them. Issue 18's target: at most 1 s for 1,500 pupils with three years of six
    points in three subjects. One warm-up, then the median of `repeats`, wall and CPU."""
    from attainment.models import AssessmentPoint
    from attainment.selectors import school_flags

    cpu: list[float] = []
    found: list[int] = []
    samples = timed(lambda: found.append(len(school_flags(subjects.school, today))),
                    warmups=1, repeats=repeats, cpu=cpu)  # fmt: skip
    counter = QueryTimer()
    with connection.execute_wrapper(counter):
        school_flags(subjects.school, today)
    return {
        "name": "flags",
        "median_ms": _ms(statistics.median(samples)),
        "p95_ms": _ms(max(samples)),
        "queries": counter.count,
        "floor_ms": None,
        "ratio": None,
        "cpu_median_ms": _ms(statistics.median(cpu)),
        "pupils": subjects.school.pupils.filter(leaving_date__isnull=True).count(),
        "points": AssessmentPoint.objects.filter(subject__school=subjects.school).count(),
        "flags": found[-1],
        "target_ms": 1000,
    }


def bench_flags_all_schools(school_ids: list[int], today: date) -> dict[str, Any]:
    """The flags of every seeded school, one after another, once (issue 18: at most 30 s for the
    LA scale), wall and CPU."""
    from attainment.models import AssessmentPoint
    from attainment.selectors import school_flags

    started, started_cpu = time.perf_counter(), time.process_time()
    counter = QueryTimer()
    with connection.execute_wrapper(counter):
        flags = sum(len(school_flags(school_id, today)) for school_id in school_ids)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return {
        "name": "flags_all_schools",
        "median_ms": _ms(seconds),
        "p95_ms": _ms(seconds),
        "queries": counter.count,
        "floor_ms": None,
        "ratio": None,
        "cpu_median_ms": _ms(cpu),
        "schools": len(school_ids),
        "points": AssessmentPoint.objects.count(),
        "flags": flags,
        "target_ms": 30000,
    }


def bench_duties(subjects: Subjects, repeats: int = 3) -> list[dict[str, Any]]:
    """The SEN information report (a draft: its figures read from the records for the last school
    year) and the governors' termly report, for the biggest school, as its SENCo (issue 19: at
    most 2 s each). One warm-up, then the median of `repeats`."""
    from duties import services as duties_services
    from duties.models import InformationReport

    senco = subjects.users["senco"]
    report = InformationReport.objects.filter(school=subjects.school).first()
    if report is None:
        report = duties_services.report_start(
            school=subjects.school, start_year=subjects.start_year - 1, by=senco
        )
    client = _signed_in(senco)
    rows = []
    for name, path in (
        ("information_report", reverse("information_report_version", args=[report.pk])),
        ("governors_report", reverse("duties_governors")),
    ):

        def get(path: str = path) -> None:
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        with static_files_usable():
            samples = timed(get, warmups=1, repeats=repeats)
            counter = QueryTimer()
            with connection.execute_wrapper(counter):
                get()
        rows.append(
            {
                "name": name,
                "median_ms": _ms(statistics.median(samples)),
                "p95_ms": _ms(max(samples)),
                "queries": counter.count,
                "target_ms": 2000,
            }
        )
    return rows


# --- a database of its own -----------------------------------------------------------------------


@contextmanager
def fresh_database(*, keep: bool = False, alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Point `alias` at a new, migrated database for the bench and drop it afterwards (unless
    `keep`). SQLite: a file in a new temporary folder, never the one in the data folder.
    PostgreSQL: `<configured name>_bench` on the same server, replaced if left over from a
    crashed run. Yields the database's name (the file path for SQLite)."""
    conn = connections[alias]
    original = conn.settings_dict["NAME"]
    folder = None
    if conn.vendor == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="sendpath-bench-"))
        name = str(folder / "bench.sqlite3")
    else:
        name = f"{original}_bench"
    # Django's test-database machinery creates, migrates and drops a named database on any
    # backend; the bench uses it with its own name and none of the test environment.
    conn.settings_dict["TEST"] = {**conn.settings_dict.get("TEST", {}), "NAME": name}
    conn.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield name
    finally:
        conn.creation.destroy_test_db(original, verbosity=0, keepdb=keep)
        if folder is not None and not keep:
            for leftover in folder.iterdir():  # SQLite's -wal and -shm files
                leftover.unlink()
            folder.rmdir()


# --- output --------------------------------------------------------------------------------------


def _cell(value: object, fmt: str = "{:,.1f}") -> str:
    if value is None:
        return "–"
    return fmt.format(value) if isinstance(value, int | float) else str(value)


def format_table(report: dict[str, Any]) -> str:
    """The results as a fixed-width table, with the machine and database underneath."""
    head = (
        f"{'':<14}{'median ms':>11}{'p95 ms':>11}{'queries':>9}{'floor ms':>10}"
        f"{'cpu ms':>9}{'sql ms':>9}{'sql ratio':>11}{'yardstick':>11}{'÷ yardstick':>13}"
    )
    lines = [f"sendpath bench — scale {report['scale']}, {report['database']}", head]
    for r in report["results"]:
        lines.append(
            f"{r['name']:<14}{_cell(r['median_ms']):>11}{_cell(r['p95_ms']):>11}"
            f"{_cell(r['queries'], '{:,}'):>9}{_cell(r['floor_ms'], '{:.2f}'):>10}"
            f"{_cell(r.get('cpu_median_ms')):>9}"
            f"{_cell(r.get('sql_ms')):>9}{_cell(r.get('sql_ratio')):>11}"
            f"{_cell(r.get('yardstick_ms')):>11}{_cell(r.get('yardstick_ratio'), '{:.2f}'):>13}"
        )
    seeding = report["results"][0]
    m = report["machine"]
    for key in ("import_ctf", "import_ctf_la"):
        if key in report:
            row = report[key]
            lines.append(
                f"{key}: {row['pupils']:,} pupils ({row['file_mib']} MiB) in "
                f"{row['median_ms']:,.0f} ms (CPU {row['cpu_ms']:,.0f} ms), {row['queries']:,} "
                f"queries, reader's peak "
                f"memory {row['parse_peak_mib']} MiB"
            )
    if "evidence_pack" in report:
        row = report["evidence_pack"]
        lines.append(
            f"evidence_pack: {row['median_ms']:,.0f} ms median, {row['p95_ms']:,.0f} ms slowest "
            f"(target {row['target_ms']:,} ms), CPU {row['cpu_median_ms']:,.0f} ms, "
            f"{row['queries']:,} queries, "
            f"{row['pdf_kib']:,} KiB PDF"
        )
    for key in ("flags", "flags_all_schools"):
        if key in report:
            row = report[key]
            lines.append(
                f"{key}: {row['median_ms']:,.0f} ms median, {row['p95_ms']:,.0f} ms slowest "
                f"(target {row['target_ms']:,} ms), CPU {row['cpu_median_ms']:,.0f} ms, "
                f"{row['queries']:,} queries, {row['points']:,} points, {row['flags']:,} flags"
            )
    for row in report.get("duties", []):
        lines.append(
            f"{row['name']}: {row['median_ms']:,.0f} ms median, {row['p95_ms']:,.0f} ms slowest "
            f"(target {row['target_ms']:,} ms), {row['queries']:,} queries"
        )
    lines.append(
        f"seeding: {seeding['seconds']} s, peak memory {seeding['peak_rss_mib']} MiB; "
        f"{report['seeded']['pupils']:,} pupils, {report['on_register']:,} on the register"
    )
    lines.append(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
        f"load average {m.get('load_avg')}; /healthz {report['healthz_median_ms']} ms, "
        f"a signed-in page with no data {report['signed_in_median_ms']} ms; "
        f"yardstick {report['yardstick_ms'][0]} / {report['yardstick_ms'][1]} ms (before / after)"
    )
    return "\n".join(lines)


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
