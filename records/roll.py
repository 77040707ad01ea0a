"""A seeded school's roll brought in the way a new school brings its own (issue 14): the
generator's pupils written as a CTF from the school's MIS and imported
(interop.services.ctf_import_within), then its classes as a CSV through the class-list import
(people.classes.groups_import). What a CTF does not carry but sendpath keeps — why each register
entry was made and when the parents were told, the needs a pupil no longer has, a contact's
language and whether they live with the child — is then added to the imported rows, as the school
records it in sendpath afterwards.

The CTF's own extras (FSM start dates, last year's attendance, key stage results) are drawn from a
random stream of their own, so the rest of the seeded school is what the direct path writes."""

import csv
import io
import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import models

from accounts import schooldates
from interop import ctf
from interop.generate import LANGUAGE_CODES, ctf_bytes, make_header
from interop.generate import add_key_stage_results as add_results
from interop.services import ctf_import_within
from people.classes import SYNONYMS, groups_import
from people.tables import guess_mapping, read_table
from pupils.models import Contact, FamilyLink, GroupKind, Need, Pupil, RegisterEntry, TeachingGroup
from pupils.seeding import BATCH, Roll

CTF_VERSION = 25
FEMALE_TITLES = frozenset({"Mrs", "Ms", "Miss"})
# sendpath's relationships as CBDS codes: (for a woman, for anyone else).
RELATIONSHIP_CODES = {
    "mother": ("PAM", "PAM"),
    "father": ("PAF", "PAF"),
    "parent": ("PAR", "PAR"),
    "step_parent": ("STM", "STF"),
    "grandparent": ("GRM", "GRF"),
    "foster_carer": ("FOM", "FOF"),
    "social_worker": ("SWR", "SWR"),
}
KIND_WORDS: dict[str, str] = {GroupKind.CLASS: "class", GroupKind.TEACHING_GROUP: "set",
              GroupKind.TUTOR_GROUP: "tutor group"}  # fmt: skip
SESSIONS_A_YEAR = 380


def write_roll_through_imports(roll: Roll, *, seed: str) -> None:
    """Import `roll` as its school's CTF and class list, then add what sendpath keeps beyond
    them. Runs inside the caller's transaction (the seeder's)."""
    school = roll.school
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    here = ctf.SchoolRef(school.la.code, school.establishment_number, school.urn, school.name)
    header = make_header(version=CTF_VERSION, dest=here, source=here, when=roll.today)
    entries: dict[int, list[RegisterEntry]] = defaultdict(list)
    for entry in roll.entries:
        entries[id(entry.pupil)].append(entry)
    needs: dict[int, list[Need]] = defaultdict(list)
    for need in roll.needs:
        if need.end_date is None:
            needs[id(need.pupil)].append(need)
    pupils = (
        _ctf_pupil(roll, i, entries[id(p)], needs[id(p)], rng) for i, p in enumerate(roll.pupils)
    )
    data = ctf_bytes(header, pupils)
    result = ctf_import_within(source=io.BytesIO(data), school=school, dry_run=False, by=roll.senco)
    if result.created != len(roll.pupils):
        raise RuntimeError(f"The seeded CTF made {result.created} of {len(roll.pupils)} pupils.")
    _take_saved_pupils(roll)
    _add_register_details(roll)
    _add_needs(roll)
    _add_contact_details(roll)
    _import_classes(roll)


# --- the CTF ---------------------------------------------------------------------------------


def _ctf_pupil(
    roll: Roll, i: int, entries: list[RegisterEntry], needs: list[Need], rng: random.Random
) -> ctf.Pupil:
    """Pupil i as the school's MIS exports them: the register history and current needs."""
    pupil, language = roll.pupils[i], roll.languages[i]
    out = ctf.Pupil(
        upn=pupil.upn,
        surname=pupil.legal_surname,
        forename=pupil.legal_forename,
        date_of_birth=pupil.date_of_birth,
        sex=pupil.sex,
        nc_year=pupil.nc_year,
        preferred_forename=pupil.preferred_forename,
        middle_names=pupil.middle_names,
        entry_date=pupil.admission_date,
        enrol_status="C",
        first_language=LANGUAGE_CODES.get(language, "ENG"),
        in_care=pupil.looked_after,
        care_authority=roll.school.la.code if pupil.looked_after else "",
        sen_history=[ctf.SENPeriod(e.start_date, e.provision) for e in entries],
        sen_needs=[ctf.SENNeed(n.rank, n.need_type, n.start_date) for n in needs],
        contacts=[
            ctf.Contact(
                forename=contact.forename,
                surname=contact.surname,
                relationship=RELATIONSHIP_CODES[relationship][contact.title not in FEMALE_TITLES],
                responsibility=responsible,
                order=order,
                title=contact.title,
                email=contact.email,
                phone=contact.phone,
            )
            for order, (contact, relationship, responsible, _lives) in enumerate(
                roll.families[i], start=1
            )
        ],
    )
    if pupil.fsm:
        days = (roll.today - roll.history_start).days + 365
        out.fsm.append(ctf.FSMPeriod(roll.today - timedelta(days=rng.randint(30, days))))
    out.attendance.extend(_attendance(roll, pupil, rng))
    add_results(rng, out)
    return out


def _attendance(roll: Roll, pupil: Pupil, rng: random.Random) -> list[ctf.YearAttendance]:
    """This year's sessions so far at the pupil's attendance, and last year's if they were here."""
    start_year = schooldates.school_year_start(roll.today)
    percent = float(pupil.attendance_percent or 100)
    years = [(start_year, _sessions_since(date(start_year, 9, 1), roll.today), percent)]
    if pupil.admission_date and pupil.admission_date < date(start_year, 9, 1):
        last = min(100.0, max(40.0, rng.gauss(percent, 1.5)))
        years.insert(0, (start_year - 1, SESSIONS_A_YEAR, last))
    out = []
    for year, possible, attended in years:
        missed = round(possible * (100 - attended) / 100)
        unauthorised = round(missed * rng.uniform(0.0, 0.35))
        out.append(
            ctf.YearAttendance(
                year,
                possible,
                missed - unauthorised,
                unauthorised,
                roll.school.la.code,
                roll.school.establishment_number,
                roll.school.name,
            )  # fmt: skip
        )
    return out


def _sessions_since(start: date, today: date) -> int:
    """Two sessions a weekday (the seeded school's closures aside: a CTF's count is its own)."""
    weekdays = sum((start + timedelta(days=d)).weekday() < 5 for d in range((today - start).days))
    return min(SESSIONS_A_YEAR, max(2, 2 * weekdays))


# --- what sendpath keeps beyond the file -------------------------------------------------------


def _saved(obj: models.Model, pk: int) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = "default"


def _take_saved_pupils(roll: Roll) -> None:
    """The generator's pupil objects become the imported rows (the seeders after this one hold
    them), with what the import set: ids, first language, enrolment status."""
    saved = {p.upn: p for p in Pupil.objects.filter(school=roll.school)}
    drawn = {p.upn: p.attendance_percent for p in roll.pupils}
    for pupil in roll.pupils:
        row = saved[pupil.upn]
        for f in Pupil._meta.concrete_fields:
            setattr(pupil, f.attname, getattr(row, f.attname))
        _saved(pupil, row.pk)
        # The generator's percentage, which the CTF's whole sessions round to within a fifth of
        # a point: kept, so the history drawn from it is the one the direct path draws.
        pupil.attendance_percent = drawn[pupil.upn]
    Pupil.objects.bulk_update(roll.pupils, ["attendance_percent"], batch_size=BATCH)
    # Assigned again now they are saved: sets pupil_id and keeps these very objects (setting
    # pupil_id alone would drop them, and the seeders after this group rows by the object).
    for entry in roll.entries:
        entry.pupil = entry.pupil
    for need in roll.needs:
        need.pupil = need.pupil


def _add_register_details(roll: Roll) -> None:
    """The imported register entries are the generator's; add why each was made, by whom, and
    when the parents were told."""
    imported = {
        (pupil_id, start): (pk, provision, end)
        for pk, pupil_id, start, provision, end in RegisterEntry.objects.filter(
            pupil__school=roll.school
        ).values_list("pk", "pupil_id", "start_date", "provision", "end_date")
    }
    if len(imported) != len(roll.entries):
        raise RuntimeError("The CTF import made other register entries than the generator's.")
    for entry in roll.entries:
        pk, provision, end = imported[(entry.pupil.pk, entry.start_date)]
        if (provision, end) != (entry.provision, entry.end_date):
            raise RuntimeError(f"Register entry {pk} came in unlike the generator's.")
        _saved(entry, pk)
    RegisterEntry.objects.bulk_update(
        roll.entries,
        ["reason", "decided_by_name", "parents_informed_on", "parents_informed_how",
         "parents_informed_note"],
        batch_size=BATCH,
    )  # fmt: skip


def _add_needs(roll: Roll) -> None:
    """The CTF carries the needs a pupil has now: describe them, and add the ones they had."""
    imported = {
        (pupil_id, rank): (pk, code)
        for pk, pupil_id, rank, code in Need.objects.filter(pupil__school=roll.school).values_list(
            "pk", "pupil_id", "rank", "need_type"
        )
    }
    current = [n for n in roll.needs if n.end_date is None]
    if len(imported) != len(current):
        raise RuntimeError("The CTF import made other needs than the generator's.")
    for need in current:
        pk, code = imported[(need.pupil.pk, need.rank)]
        if code != need.need_type:
            raise RuntimeError(f"Need {pk} came in unlike the generator's.")
        _saved(need, pk)
    Need.objects.bulk_update(current, ["description"], batch_size=BATCH)
    Need.objects.bulk_create([n for n in roll.needs if n.end_date is not None], batch_size=BATCH)


def _add_contact_details(roll: Roll) -> None:
    """Contacts' languages and interpreters, and who does not live with the child."""
    links = {
        (pupil_id, priority): (pk, contact_id)
        for pk, pupil_id, priority, contact_id in FamilyLink.objects.filter(
            pupil__school=roll.school
        ).values_list("pk", "pupil_id", "contact_priority", "contact_id")
    }
    apart = []
    for pupil, family in zip(roll.pupils, roll.families, strict=True):
        for priority, (contact, _relationship, _responsible, lives_with) in enumerate(family, 1):
            link, contact_id = links[(pupil.pk, priority)]
            if contact.pk is None:
                _saved(contact, contact_id)
            if not lives_with:
                apart.append(link)
    Contact.objects.bulk_update(
        [c for c in roll.contacts if c.preferred_language != "English" or c.needs_interpreter],
        ["preferred_language", "needs_interpreter"],
        batch_size=BATCH,
    )
    FamilyLink.objects.filter(pk__in=apart).update(lives_with_pupil=False)


def _import_classes(roll: Roll) -> None:
    """Each pupil's class and its teacher, as a class list exported from the MIS."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Class", "UPN", "Teacher", "Kind"])
    for pupil, g in zip(roll.pupils, roll.groups_of, strict=True):
        group = roll.groups[g]
        writer.writerow([group.name, pupil.upn, roll.teachers[g].email, KIND_WORDS[group.kind]])
    table = read_table("classes.csv", out.getvalue().encode())
    start_year = schooldates.school_year_start(roll.today)
    groups_import(
        school=roll.school,
        start_year=start_year,
        table=table,
        mapping=guess_mapping(table.headers, SYNONYMS),
        by=roll.senco,
    )
    saved = dict(
        TeachingGroup.objects.filter(
            school=roll.school, school_year__start_year=start_year
        ).values_list("name", "pk")
    )
    for group in roll.groups:
        _saved(group, saved[group.name])
