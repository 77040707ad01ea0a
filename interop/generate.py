"""Writing CTFs: `write_ctf` (dataclasses to XML) and `realistic_pupils` for tests and the bench.

`write_ctf` writes the element tree of ../shared/reference/standards.md §1.2 for any CTF version
from 17 to 25 (`Gender` before 25, `Sex` from 25), with or without the CBDS namespace, a BOM or
CRLF line ends, one pupil at a time (lxml's incremental writer), so parse(write(x)) == x.
`realistic_pupils` borrows the seed generator's realism (pupils/seeding.py): valid UPNs, dates of
birth matching the NC year, national SEN rates, need mix, boys' share, FSM and attendance.
"""

import io
import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import IO, Any

from lxml import etree

from accounts import schooldates
from accounts.models import Phase
from interop.ctf import (
    Contact,
    FSMPeriod,
    Header,
    Pupil,
    SchoolRef,
    SENNeed,
    SENPeriod,
    StageResult,
    YearAttendance,
)
from pupils import seeding
from pupils.upn import make_upn

CBDS_NAMESPACE = "http://www.dcsf.gov.uk/schemas/cbds"
LANGUAGE_CODES = {"Polish": "POL", "Urdu": "URD", "Romanian": "RUM", "Panjabi": "PNJ",
                  "Bengali": "BNG", "Arabic": "ARA", "Portuguese": "POR", "Somali": "SOM",
                  "Spanish": "SPA", "Gujarati": "GUJ", "Tamil": "TAM", "Turkish": "TUR"}  # fmt: skip
SURNAMES = (  # noqa: SIM905 (a word list reads best as words)
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen"
).split()
PARENTS_F = [
    "Sarah",
    "Emma",
    "Laura",
    "Rachel",
    "Claire",
    "Gemma",
    "Kate",
    "Helen",
    "Lisa",
    "Amy",
    "Nicola",
    "Joanne",
]
PARENTS_M = [
    "David",
    "James",
    "Mark",
    "Paul",
    "Andrew",
    "Richard",
    "Daniel",
    "Chris",
    "Matthew",
    "Michael",
    "Lee",
    "Steven",
]


def _el(parent: Any, ns: str, name: str, text: object = None) -> Any:
    child = etree.SubElement(parent, f"{{{ns}}}{name}" if ns else name)
    if text is not None:
        child.text = text.isoformat() if isinstance(text, date) else str(text)
    return child


def _opt(parent: Any, ns: str, name: str, text: object) -> None:
    if text not in (None, ""):
        _el(parent, ns, name, text)


def header_element(header: Header, ns: str) -> Any:
    h = etree.Element(f"{{{ns}}}Header", nsmap={None: ns}) if ns else etree.Element("Header")
    _el(h, ns, "DocumentName", "Common Transfer File")
    _el(h, ns, "CTFversion", header.version)
    _el(h, ns, "DateTime", header.date_time)
    _el(h, ns, "DocumentQualifier", header.document_qualifier)
    _opt(h, ns, "SupplierID", header.supplier_id)
    for tag, ref in (("SourceSchool", header.source), ("DestSchool", header.dest)):
        s = _el(h, ns, tag)
        _opt(s, ns, "LEA", ref.lea)
        _opt(s, ns, "Estab", ref.estab)
        _opt(s, ns, "URN", ref.urn)
        _opt(s, ns, "SchoolName", ref.name)
        if tag == "SourceSchool":
            _opt(s, ns, "AcademicYear", header.academic_year)
    return h


def pupil_element(p: Pupil, ns: str, *, sex_tag: str) -> Any:
    # The default namespace declared again on each pupil: written one at a time, it has none.
    el = etree.Element(f"{{{ns}}}Pupil", nsmap={None: ns}) if ns else etree.Element("Pupil")
    _el(el, ns, "UPN", p.upn)
    _el(el, ns, "Surname", p.surname)
    _el(el, ns, "Forename", p.forename)
    _opt(el, ns, "DOB", p.date_of_birth)
    _el(el, ns, sex_tag, p.sex)
    b = _el(el, ns, "BasicDetails")
    _opt(b, ns, "FormerUPN", p.former_upn)
    _opt(b, ns, "PreferredSurname", p.preferred_surname)
    _opt(b, ns, "PreferredForename", p.preferred_forename)
    _opt(b, ns, "MiddleNames", p.middle_names)
    _el(b, ns, "NCyearActual", p.nc_year)
    if p.first_language:
        t = _el(_el(b, ns, "Languages"), ns, "Type")
        _el(t, ns, "TypeID", "F")
        _el(t, ns, "LanguageCode", p.first_language)
    _opt(b, ns, "EnrolStatus", p.enrol_status)
    _opt(b, ns, "EntryDate", p.entry_date)
    if p.fsm:
        f = _el(el, ns, "FSMhistory")
        for period in p.fsm:
            i = _el(f, ns, "FSMinstance")
            _el(i, ns, "FSMstartDate", period.start_date)
            _opt(i, ns, "FSMendDate", period.end_date)
            _el(i, ns, "UKcountry", period.country)
    if p.in_care or p.care_authority:
        la = _el(el, ns, "LookedAfter")
        _el(la, ns, "InCare", "true" if p.in_care else "false")
        _opt(la, ns, "CareAuthority", p.care_authority)
    if p.sen_history or p.sen_needs:
        sh = _el(el, ns, "SENhistory")
        for sen in p.sen_history:
            s = _el(sh, ns, "SEN")
            _opt(s, ns, "StartDate", sen.start_date)
            _el(s, ns, "SENprovision", sen.provision)
        if p.sen_needs:
            needs = _el(sh, ns, "SENneeds")
            for need in p.sen_needs:
                n = _el(needs, ns, "SENneed")
                _el(n, ns, "SENtypeRank", need.rank)
                _el(n, ns, "SENtype", need.need_type)
                _opt(n, ns, "NeedStartDate", need.start_date)
    if p.contacts:
        cs = _el(el, ns, "Contacts")
        for c in p.contacts:
            e = _el(cs, ns, "Contact")
            _el(e, ns, "Order", c.order)
            _opt(e, ns, "Title", c.title)
            _el(e, ns, "Surname", c.surname)
            _opt(e, ns, "Forename", c.forename)
            _opt(e, ns, "Relationship", c.relationship)
            _el(e, ns, "Responsibility", "true" if c.responsibility else "false")
            _opt(e, ns, "Email", c.email)
            if c.phone:
                _el(_el(_el(e, ns, "Phones"), ns, "Phone"), ns, "PhoneNo", c.phone)
    if p.attendance:
        a = _el(el, ns, "Attendance")
        for y in p.attendance:
            d = _el(a, ns, "YearData")
            _el(d, ns, "Year", y.year)
            _opt(d, ns, "LEA", y.lea)
            _opt(d, ns, "Estab", y.estab)
            _opt(d, ns, "SchoolName", y.school_name)
            _el(d, ns, "SessionsPossible", y.sessions_possible)
            _el(d, ns, "SessionsAuthorised", y.sessions_authorised)
            _el(d, ns, "SessionsUnauthorised", y.sessions_unauthorised)
    if p.results:
        sa = _el(el, ns, "StageAssessments")
        stages: dict[str, Any] = {}
        for r in p.results:
            if r.stage not in stages:
                stages[r.stage] = _el(sa, ns, "KeyStage")
                _el(stages[r.stage], ns, "Stage", r.stage)
            e = _el(stages[r.stage], ns, "StageAssessment")
            for name, value in (
                ("Locale", r.locale),
                ("Year", r.year),
                ("Subject", r.subject),
                ("Method", r.method),
                ("Component", r.component),
                ("ResultStatus", r.result_status),
                ("ResultQualifier", r.result_qualifier),
                ("Result", r.result),
            ):
                _opt(e, ns, name, value)
    return el


def write_ctf(
    out: IO[bytes],
    header: Header,
    pupils: Iterable[Pupil],
    *,
    namespace: bool = False,
    bom: bool = False,
    crlf: bool = False,
) -> None:
    """Write a CTF to `out`, one pupil at a time. `Sex` from version 25, `Gender` before."""
    ns = CBDS_NAMESPACE if namespace else ""
    sex_tag = "Sex" if header.version_number >= 25 else "Gender"
    sink: IO[bytes] = io.BytesIO() if crlf else out
    if bom:
        out.write(b"\xef\xbb\xbf")
    with etree.xmlfile(sink, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{ns}}}CTfile" if ns else "CTfile", nsmap={None: ns} if ns else None):
            xf.write("\n")
            xf.write(header_element(header, ns), pretty_print=True)
            with xf.element(f"{{{ns}}}CTFpupilData" if ns else "CTFpupilData"):
                xf.write("\n")
                for pupil in pupils:
                    xf.write(pupil_element(pupil, ns, sex_tag=sex_tag), pretty_print=True)
    if crlf:
        assert isinstance(sink, io.BytesIO)
        out.write(sink.getvalue().replace(b"\n", b"\r\n"))


def ctf_bytes(header: Header, pupils: Iterable[Pupil], **options: bool) -> bytes:
    buffer = io.BytesIO()
    write_ctf(buffer, header, pupils, **options)
    return buffer.getvalue()


# --- realistic content -----------------------------------------------------------------------


def make_header(
    *,
    version: int = 25,
    dest: SchoolRef,
    source: SchoolRef | None = None,
    when: date,
) -> Header:
    start = schooldates.school_year_start(when)
    return Header(
        version=f"{version}.0",
        date_time=f"{when.isoformat()}T09:30:00",
        file_date=when,
        source=source or SchoolRef("820", "2001", "100001", "Ashfield Primary School"),
        dest=dest,
        supplier_id="sendpath test generator",
        academic_year=f"{start}/{(start + 1) % 100:02d}",
    )


def realistic_pupils(
    count: int,
    *,
    seed: int,
    today: date,
    phase: str = Phase.SECONDARY,
    upn_la: str = "820",
    first_estab: int = 2001,
) -> Iterator[Pupil]:
    """`count` pupils as a school's MIS would export them, deterministically for `seed`."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    start_year = schooldates.school_year_start(today)
    years = seeding.NC_YEARS.get(phase, seeding.NC_YEARS[Phase.SECONDARY])
    support_rate, ehc_rate = seeding.SEN_RATES.get(phase, seeding.SEN_RATES[Phase.SECONDARY])
    languages, weights = seeding._weighted({k: v[0] for k, v in seeding.LANGUAGES.items()})
    for i in range(count):
        nc = years[i % len(years)]
        roll = rng.random()
        provision = "E" if roll < ehc_rate else "K" if roll < ehc_rate + support_rate else "N"
        boy = rng.random() < seeding.BOYS.get(provision, seeding.ALL_BOYS)
        eal = rng.random() < seeding.EAL.get(phase, 0.18)
        language = rng.choices(languages, weights)[0] if eal else ""
        forename = rng.choice(seeding.CHILD_MALE if boy else seeding.CHILD_FEMALE)
        surname = rng.choice(SURNAMES)
        lo, hi = schooldates.birth_date_range(nc, start_year)
        dob = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
        entry = date(start_year - rng.randrange(0, 3), 9, rng.randint(1, 8))
        cohort = dob.year + 5
        pupil = Pupil(
            upn=make_upn(upn_la, str(first_estab + i // 900), cohort, i % 900),
            surname=surname,
            forename=forename,
            date_of_birth=dob,
            sex="M" if boy else "F",
            nc_year=nc,
            preferred_forename=seeding.NICKNAMES.get(forename, "") if rng.random() < 0.2 else "",
            middle_names=rng.choice(seeding.CHILD_FEMALE if not boy else seeding.CHILD_MALE)
            if rng.random() < 0.5
            else "",
            entry_date=min(entry, today),
            enrol_status="C",
            first_language=LANGUAGE_CODES[language] if language else "ENG",
        )
        _add_sen(rng, pupil, provision, phase, today)
        _add_family(rng, pupil, provision, today)
        _add_attendance(rng, pupil, provision, start_year, today)
        add_key_stage_results(rng, pupil)
        yield pupil


def _add_sen(rng: random.Random, pupil: Pupil, provision: str, phase: str, today: date) -> None:
    if provision == "N":
        return
    mix = (seeding.EHC_MIX if provision == "E" else seeding.SUPPORT_MIX).get(
        phase, seeding.SUPPORT_MIX[Phase.SECONDARY]
    )
    types, weights = seeding._weighted(mix)
    start = today - timedelta(days=rng.randint(60, 900))
    if provision == "E":
        pupil.sen_history.append(SENPeriod(start - timedelta(days=rng.randint(200, 500)), "K"))
    pupil.sen_history.append(SENPeriod(start, provision))
    primary = rng.choices(types, weights)[0]
    pupil.sen_needs.append(SENNeed(1, primary, start))
    if rng.random() < seeding.SECOND_NEED_SHARE:
        others = [t for t in types if t != primary]
        pupil.sen_needs.append(SENNeed(2, rng.choice(others), start))


def _add_family(rng: random.Random, pupil: Pupil, provision: str, today: date) -> None:
    domain = rng.choice(("example.com", "example.org", "example.net"))
    mother = Contact(
        forename=rng.choice(PARENTS_F),
        surname=pupil.surname,
        relationship="PAM",
        responsibility=True,
        order=1,
        title="Mrs",
        email=f"parent{rng.randrange(10**6):06d}@{domain}",
        phone=f"07700 9{rng.randrange(10**5):05d}",
    )
    pupil.contacts.append(mother)
    if rng.random() < 0.6:
        pupil.contacts.append(
            Contact(
                forename=rng.choice(PARENTS_M),
                surname=pupil.surname,
                relationship="PAF",
                responsibility=True,
                order=2,
                title="Mr",
                phone=f"07700 9{rng.randrange(10**5):05d}",
            )
        )
    if rng.random() < seeding.FSM.get(provision, 0.22):
        pupil.fsm.append(FSMPeriod(today - timedelta(days=rng.randint(100, 1500))))
    if rng.random() < seeding.LOOKED_AFTER.get(provision, 0.004):
        pupil.in_care, pupil.care_authority = True, "820"


def _add_attendance(
    rng: random.Random, pupil: Pupil, provision: str, start_year: int, today: date
) -> None:
    mean = seeding.ABSENCE_MEAN.get(provision, 5.5) / 100
    for year in (start_year - 1, start_year):
        # Two sessions a weekday: about 10 sessions a week since 1 September this year.
        days = (today - date(year, 9, 1)).days
        possible = 380 if year < start_year else min(380, max(20, days * 10 // 7))
        missed = min(possible, round(possible * max(0.0, rng.gauss(mean, mean / 2))))
        unauthorised = round(missed * rng.uniform(0.0, 0.35))
        pupil.attendance.append(
            YearAttendance(year, possible, missed - unauthorised, unauthorised, "820", "2001")
        )


def add_key_stage_results(rng: random.Random, pupil: Pupil) -> None:
    """KS2 results (English, maths and the multiplication tables check) for a pupil past them."""
    if pupil.nc_year.isdigit() and int(pupil.nc_year) >= 7:
        for subject in ("ENG", "MAT"):
            pupil.results.append(
                StageResult(
                    stage="KS2",
                    subject=subject,
                    result=str(rng.randint(85, 118)),
                    locale="ENG",
                    year=str(pupil.date_of_birth.year + 11 if pupil.date_of_birth else ""),
                    method="TT",
                    result_status="R",
                    result_qualifier="SS",
                )
            )
    if pupil.nc_year.isdigit() and int(pupil.nc_year) >= 5:
        pupil.results.append(
            StageResult(
                stage="KS2",
                subject="MAT",
                result=str(rng.randint(5, 25)),
                locale="ENG",
                method="TT",
                component="MTC",
                result_status="R",
                result_qualifier="MT",
            )
        )
