"""A leaver's Common Transfer File: the pupil's roll record and SEN history written as the same
element tree the import reads (interop.generate.write_ctf over interop.ctf's dataclasses), in the
school's CTF version, addressed to the destination school."""

from datetime import timedelta

from django.utils import timezone

from accounts import schooldates
from interop import ctf
from interop.generate import ctf_bytes
from interop.models import Leaving
from interop.services import RELATIONSHIPS
from pupils.models import Pupil

SUPPLIER_ID = "sendpath"
# sendpath's relationships back to CBDS codes (the first code each was read from).
RELATIONSHIP_CODES = {rel.value: code for code, rel in reversed(list(RELATIONSHIPS.items()))}


def _sen_history(pupil: Pupil) -> list[ctf.SENPeriod]:
    """Each register entry as a `SEN` period; a pupil taken off the register ends with N."""
    entries = sorted(pupil.register_entries.all(), key=lambda e: e.start_date)
    periods = [ctf.SENPeriod(e.start_date, e.provision) for e in entries]
    if entries and entries[-1].end_date is not None:
        periods.append(ctf.SENPeriod(entries[-1].end_date + timedelta(days=1), "N"))
    return periods


def ctf_pupil(pupil: Pupil) -> ctf.Pupil:
    """The pupil as the reader's dataclass (prefetch the related rows for many pupils)."""
    open_needs = sorted((n for n in pupil.needs.all() if n.end_date is None), key=lambda n: n.rank)
    links = sorted(pupil.family_links.all(), key=lambda link: link.contact_priority)
    return ctf.Pupil(
        upn=pupil.upn,
        surname=pupil.legal_surname,
        forename=pupil.legal_forename,
        date_of_birth=pupil.date_of_birth,
        sex=pupil.sex,
        nc_year=pupil.nc_year,
        former_upn=pupil.former_upn,
        preferred_surname=pupil.preferred_surname,
        preferred_forename=pupil.preferred_forename,
        middle_names=pupil.middle_names,
        entry_date=pupil.admission_date,
        enrol_status=pupil.enrol_status,
        first_language=pupil.first_language,
        fsm=[ctf.FSMPeriod(f.start_date, f.end_date, f.country) for f in pupil.fsm_periods.all()],
        in_care=pupil.looked_after,
        care_authority=pupil.care_authority,
        sen_history=_sen_history(pupil),
        sen_needs=[ctf.SENNeed(n.rank, n.need_type, n.start_date) for n in open_needs],
        contacts=[
            ctf.Contact(
                forename=link.contact.forename,
                surname=link.contact.surname,
                relationship=RELATIONSHIP_CODES.get(link.relationship, ""),
                responsibility=link.parental_responsibility,
                order=link.contact_priority,
                title=link.contact.title,
                email=link.contact.email,
                phone=link.contact.phone,
            )
            for link in links
        ],
        attendance=[
            ctf.YearAttendance(
                year=y.start_year,
                sessions_possible=y.sessions_possible,
                sessions_authorised=y.sessions_authorised,
                sessions_unauthorised=y.sessions_unauthorised,
                lea=y.la_code,
                estab=y.establishment_number,
                school_name=y.school_name,
            )
            for y in sorted(pupil.year_attendance.all(), key=lambda y: y.start_year)
        ],
        results=[
            ctf.StageResult(
                stage=r.stage,
                subject=r.subject,
                result=r.result,
                locale=r.locale,
                year=r.year,
                method=r.method,
                component=r.component,
                result_status=r.result_status,
                result_qualifier=r.result_qualifier,
            )  # fmt: skip
            for r in pupil.key_stage_results.all()
        ],
    )


def file_name(leaving: Leaving) -> str:
    """`<LA><Estab>_CTF_<destLA><destEstab>_001.xml` (standards §1.1); an unknown destination
    is written as the LA's "lost pupils" code, MMM + XXXX."""
    school = leaving.pupil.school
    dest = f"{leaving.destination_la or 'MMM'}{leaving.destination_estab or 'XXXX'}"
    return f"{school.la.code}{school.establishment_number}_CTF_{dest}_001.xml"


def leaver_ctf(leaving: Leaving) -> bytes:
    """The leaver's CTF, in the school's CTF version, from this school to the destination."""
    pupil = (
        Pupil.objects.select_related("school", "school__la")
        .prefetch_related(
            "register_entries",
            "needs",
            "family_links__contact",
            "fsm_periods",
            "year_attendance",
            "key_stage_results",
        )  # fmt: skip
        .get(pk=leaving.pupil_id)
    )
    school = pupil.school
    now = timezone.localtime()
    start = schooldates.school_year_start(now.date())
    header = ctf.Header(
        version=f"{school.ctf_version}.0",
        date_time=now.strftime("%Y-%m-%dT%H:%M:%S"),
        file_date=now.date(),
        source=ctf.SchoolRef(school.la.code, school.establishment_number, school.urn, school.name),
        dest=ctf.SchoolRef(
            leaving.destination_la,
            leaving.destination_estab,
            leaving.destination_urn,
            leaving.destination_name,
        ),  # fmt: skip
        document_qualifier="full",
        supplier_id=SUPPLIER_ID,
        academic_year=schooldates.school_year_label(start),
    )
    return ctf_bytes(header, [ctf_pupil(pupil)])
