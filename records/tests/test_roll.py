"""A seeded school's roll through its CTF and class list (records/roll.py): the same school as
the direct path writes, and it really came in through the imports."""

from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count

from accounts.models import Phase, School
from audit.models import AuditEvent
from pupils.models import (
    Contact,
    FamilyLink,
    KeyStageResult,
    Need,
    Pupil,
    RegisterEntry,
    TeachingGroup,
)
from pupils.seeding import SchoolSpec, local_authority
from records.seeding import seed_specs

TODAY = date(2026, 3, 10)
SPECS = [SchoolSpec(Phase.PRIMARY, 150), SchoolSpec(Phase.SECONDARY, 150)]
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]


def _roll() -> dict[str, list[tuple]]:
    """Everything a school's roll holds, keyed by UPN and names rather than ids."""
    return {
        "pupils": sorted(
            Pupil.objects.values_list(
                "school__urn", "upn", "legal_forename", "legal_surname", "middle_names",
                "preferred_forename", "date_of_birth", "sex", "nc_year", "eal", "fsm",
                "looked_after", "admission_date",
            )
        ),
        "register": sorted(
            RegisterEntry.objects.values_list(
                "pupil__upn", "provision", "start_date", "end_date", "reason", "decided_by_name",
                "parents_informed_on", "parents_informed_how", "parents_informed_note",
            )
        ),
        "needs": sorted(
            Need.objects.values_list(
                "pupil__upn", "need_type", "rank", "start_date", "end_date", "description"
            )
        ),
        "families": sorted(
            FamilyLink.objects.values_list(
                "pupil__upn", "contact_priority", "relationship", "parental_responsibility",
                "lives_with_pupil", "contact__title", "contact__forename", "contact__surname",
                "contact__email", "contact__phone", "contact__preferred_language",
                "contact__needs_interpreter",
            )
        ),
        "classes": sorted(
            TeachingGroup.objects.values_list(
                "school__urn", "name", "kind", "school_year__start_year", "teachers__username"
            )
        ),
        "placements": sorted(TeachingGroup.pupils.through.objects.values_list(
            "teachinggroup__name", "pupil__upn"
        )),
    }  # fmt: skip


def _seed(*, through_imports: bool) -> tuple[dict[str, list[tuple]], int]:
    with transaction.atomic():
        result = seed_specs(
            SPECS, seed=4, today=TODAY, la=local_authority("820"), through_imports=through_imports
        )
        roll = _roll()
        contacts = Contact.objects.count()
        assert result.pupils == 300
        transaction.set_rollback(True)
    return roll, contacts


def test_the_roll_through_the_imports_is_the_roll_the_generator_drew():
    direct, direct_contacts = _seed(through_imports=False)
    imported, imported_contacts = _seed(through_imports=True)
    for part, rows in direct.items():
        assert rows, part
        assert imported[part] == rows, part
    # Siblings' parents are one contact each time: the import knows them again.
    assert imported_contacts == direct_contacts


def test_the_roll_came_in_through_the_ctf_and_the_class_list():
    seed_specs(SPECS, seed=4, today=TODAY, la=local_authority("820"), through_imports=True)
    for school in School.objects.all():
        pupils = Pupil.objects.filter(school=school)
        imported = AuditEvent.objects.get(object_type="interop.ctf_import", object_id=school.pk)
        assert imported.data["created"] == pupils.count() == 150
        classes = AuditEvent.objects.get(object_type="pupils.TeachingGroup", school_id=school.pk)
        assert classes.data["placements"] == 150
        # What only the CTF import sets: enrolment status, first language, sessions, the school's
        # CTF version; and each pupil's attendance from last year and this.
        assert set(pupils.values_list("enrol_status", flat=True)) == {"C"}
        assert "" not in set(pupils.values_list("first_language", flat=True))
        assert school.__class__.objects.get(pk=school.pk).ctf_version == 25
        assert not pupils.filter(year_attendance__isnull=True).exists()
    secondary = School.objects.get(phase=Phase.SECONDARY)
    assert KeyStageResult.objects.filter(pupil__school=secondary, stage="KS2").exists()
    shared = Contact.objects.annotate(n=Count("family_links")).filter(n__gt=1)
    assert shared.exists()  # siblings' parents
