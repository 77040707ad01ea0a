"""The floor: the least a page's data can cost. One hand-written SQL query returning the rows a
page shows, through `connection.cursor()` with no ORM, so page time / floor time says how much
the ORM, the extra queries and the template add."""

from dataclasses import dataclass
from typing import Any

from accounts.models import School
from pupils.models import Contact, FamilyLink, Need, Pupil, RegisterEntry

PAGE_SIZE = 50  # pupils.views.REGISTER_PAGE_SIZE


@dataclass(frozen=True)
class FloorQuery:
    sql: str
    params: tuple[Any, ...]


def _t(model: type) -> str:
    return model._meta.db_table  # type: ignore[attr-defined,no-any-return]


def register_floor(school_id: int) -> FloorQuery:
    """The register's first page: on-roll pupils with an open K or E entry, their provision, since
    date, parents-told date and open primary and secondary needs, in surname order."""
    # Table names come from the models' own metadata, never from input.
    sql = f"""
        SELECT p.id, p.upn, p.legal_forename, p.legal_surname, p.preferred_forename,
               p.preferred_surname, p.nc_year, r.provision, r.start_date, r.parents_informed_on,
               n1.need_type, n2.need_type
        FROM {_t(Pupil)} p
        JOIN {_t(RegisterEntry)} r
          ON r.pupil_id = p.id AND r.end_date IS NULL AND r.provision IN ('K', 'E')
        LEFT JOIN {_t(Need)} n1 ON n1.pupil_id = p.id AND n1.rank = 1 AND n1.end_date IS NULL
        LEFT JOIN {_t(Need)} n2 ON n2.pupil_id = p.id AND n2.rank = 2 AND n2.end_date IS NULL
        WHERE p.school_id = %s AND p.leaving_date IS NULL
        ORDER BY p.legal_surname, p.legal_forename, p.id
        LIMIT {PAGE_SIZE}
    """  # noqa: S608
    return FloorQuery(sql, (school_id,))


def pupil_record_floor(pupil_id: int) -> FloorQuery:
    """The pupil record's data: the pupil (with their school's name), every register entry, every
    need and every family contact, as one UNION ALL of rows tagged by kind. (PostgreSQL types a
    UNION column from its first branches, hence the casts.)"""
    sql = f"""
        SELECT 'pupil', p.id, CAST(NULL AS integer), p.upn, p.legal_forename, p.legal_surname, s.name,
               p.date_of_birth, p.admission_date
        FROM {_t(Pupil)} p JOIN {_t(School)} s ON s.id = p.school_id WHERE p.id = %s
        UNION ALL
        SELECT 'entry', r.id, CAST(NULL AS integer), r.provision, r.reason, r.decided_by_name,
               r.parents_informed_how, r.start_date, r.end_date
        FROM {_t(RegisterEntry)} r WHERE r.pupil_id = %s
        UNION ALL
        SELECT 'need', n.id, CAST(n.rank AS integer), n.need_type, n.description, NULL, NULL,
               n.start_date, n.end_date
        FROM {_t(Need)} n WHERE n.pupil_id = %s
        UNION ALL
        SELECT 'contact', c.id, CAST(f.contact_priority AS integer), f.relationship, c.forename, c.surname,
               c.phone, NULL, NULL
        FROM {_t(FamilyLink)} f JOIN {_t(Contact)} c ON c.id = f.contact_id WHERE f.pupil_id = %s
    """  # noqa: S608
    return FloorQuery(sql, (pupil_id,) * 4)
