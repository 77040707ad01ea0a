"""The floor: the least a page's data can cost. Hand-written SQL through `connection.cursor()`,
no ORM, fetching every row the page shows — the rows of its table and the figures around them —
in as few queries as SQL allows. Page time / floor time says how much Django's request cycle, the
ORM, any extra queries and the template add; the page's own SQL time / floor time says how close
its queries come to the minimum.

Table names come from the models' own metadata, never from input (hence the S608 waivers)."""

from dataclasses import dataclass
from typing import Any

from accounts.models import School, SchoolYear, User
from provision.models import Enrolment, Intervention, Provision, Session, SessionAttendance
from provision.models import StaffRole as ProvisionRole
from pupils.models import Contact, FamilyLink, Need, Pupil, RegisterEntry, TeachingGroup
from support.models import Attachment, Concern, Cycle, Passport, Plan, Review, Target

PAGE_SIZE = 50  # pupils.views.REGISTER_PAGE_SIZE


@dataclass(frozen=True)
class FloorQuery:
    name: str
    sql: str
    params: tuple[Any, ...]


Floor = tuple[FloorQuery, ...]


def _t(model: Any) -> str:
    return model._meta.db_table  # type: ignore[no-any-return]


_GROUP_PUPILS = _t(TeachingGroup.pupils.through)
_GROUP_TEACHERS = _t(TeachingGroup.teachers.through)

# The register's rows: on-roll pupils with an open K or E entry and their open ranked needs.
_ON_REGISTER = f"""
    FROM {_t(Pupil)} p
    JOIN {_t(RegisterEntry)} r
      ON r.pupil_id = p.id AND r.end_date IS NULL AND r.provision IN ('K', 'E')
    LEFT JOIN {_t(Need)} n1 ON n1.pupil_id = p.id AND n1.rank = 1 AND n1.end_date IS NULL
"""  # noqa: S608


def register_floor(school_id: int, start_year: int) -> Floor:
    """The register's first page and what surrounds it: (1) the 50 rows in surname order — UPN,
    names, year, provision, since, parents told, primary and secondary need; (2) the figures above
    the table and the pager's total — the roll, and the register grouped by provision and primary
    need with the decisions not yet told; (3) this year's classes for the filter."""
    rows = f"""
        SELECT p.id, p.upn, p.legal_forename, p.legal_surname, p.preferred_forename,
               p.preferred_surname, p.nc_year, r.provision, r.start_date, r.parents_informed_on,
               n1.need_type, n2.need_type
        {_ON_REGISTER}
        LEFT JOIN {_t(Need)} n2 ON n2.pupil_id = p.id AND n2.rank = 2 AND n2.end_date IS NULL
        WHERE p.school_id = %s AND p.leaving_date IS NULL
        ORDER BY p.legal_surname, p.legal_forename, p.id
        LIMIT {PAGE_SIZE}
    """  # noqa: S608
    counts = f"""
        SELECT (SELECT COUNT(*) FROM {_t(Pupil)} WHERE school_id = %s AND leaving_date IS NULL),
               r.provision, n1.need_type, COUNT(*),
               SUM(CASE WHEN r.parents_informed_on IS NULL THEN 1 ELSE 0 END)
        {_ON_REGISTER}
        WHERE p.school_id = %s AND p.leaving_date IS NULL
        GROUP BY r.provision, n1.need_type
    """  # noqa: S608
    classes = f"""
        SELECT g.id, g.name FROM {_t(TeachingGroup)} g
        JOIN {_t(SchoolYear)} y ON y.id = g.school_year_id
        WHERE g.school_id = %s AND y.start_year = %s
        ORDER BY g.name
    """  # noqa: S608
    return (
        FloorQuery("rows", rows, (school_id,)),
        FloorQuery("counts", counts, (school_id, school_id)),
        FloorQuery("classes", classes, (school_id, start_year)),
    )


def pupil_record_floor(pupil_id: int, start_year: int) -> Floor:
    """Everything the pupil record shows: (1) the pupil and their school, every register entry,
    every need, every family contact and this year's classes with their teachers, as one UNION ALL
    of rows tagged by kind; (2) the support section — every cycle with its plan and review, the
    targets of every plan, concerns, documents and the passport, likewise; (3) each provision the
    pupil is enrolled in with its sessions delivered and missed, the staff cost delivered and the
    pupil's share of it (each delivered session's cost divided among the pupils present).
    PostgreSQL types a UNION column from its first branch, hence the casts."""
    record = f"""
        SELECT 'pupil', p.id, CAST(NULL AS integer), p.upn, p.legal_forename, p.legal_surname,
               s.name, p.date_of_birth, p.admission_date
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
        SELECT 'contact', c.id, CAST(f.contact_priority AS integer), f.relationship, c.forename,
               c.surname, c.phone, NULL, NULL
        FROM {_t(FamilyLink)} f JOIN {_t(Contact)} c ON c.id = f.contact_id WHERE f.pupil_id = %s
        UNION ALL
        SELECT 'group', g.id, CAST(u.id AS integer), g.name, u.first_name, u.last_name, NULL,
               NULL, NULL
        FROM {_GROUP_PUPILS} gp
        JOIN {_t(TeachingGroup)} g ON g.id = gp.teachinggroup_id
        JOIN {_t(SchoolYear)} y ON y.id = g.school_year_id AND y.start_year = %s
        LEFT JOIN {_GROUP_TEACHERS} gt ON gt.teachinggroup_id = g.id
        LEFT JOIN {_t(User)} u ON u.id = gt.user_id
        WHERE gp.pupil_id = %s
    """  # noqa: S608
    support = f"""
        SELECT 'cycle', c.id, CAST(c.number AS integer), pl.outcomes, rv.overall_progress,
               rv.decision, CAST(pl.id AS integer), c.opened_on, rv.held_on
        FROM {_t(Cycle)} c
        LEFT JOIN {_t(Plan)} pl ON pl.cycle_id = c.id
        LEFT JOIN {_t(Review)} rv ON rv.cycle_id = c.id
        WHERE c.pupil_id = %s
        UNION ALL
        SELECT 'target', t.id, CAST(t.position AS integer), t.description, t.measure,
               t.target_value, CAST(t.plan_id AS integer), t.target_date, NULL
        FROM {_t(Target)} t JOIN {_t(Plan)} pl ON pl.id = t.plan_id
        JOIN {_t(Cycle)} c ON c.id = pl.cycle_id
        WHERE c.pupil_id = %s
        UNION ALL
        SELECT 'concern', k.id, CAST(NULL AS integer), k.area, k.what_was_seen, k.outcome,
               CAST(NULL AS integer), k.raised_on, k.decided_on
        FROM {_t(Concern)} k WHERE k.pupil_id = %s
        UNION ALL
        SELECT 'attachment', a.id, CAST(NULL AS integer), a.original_name, a.description, NULL,
               CAST(a.cycle_id AS integer), NULL, NULL
        FROM {_t(Attachment)} a WHERE a.pupil_id = %s
        UNION ALL
        SELECT 'passport', pp.id, CAST(NULL AS integer), pp.about_me, NULL, NULL,
               CAST(NULL AS integer), NULL, NULL
        FROM {_t(Passport)} pp WHERE pp.pupil_id = %s
    """  # noqa: S608
    delivered = f"""
        FROM {_t(Session)} s JOIN {_t(ProvisionRole)} sr ON sr.id = s.staff_role_id
        WHERE s.provision_id = pr.id AND s.delivered
    """  # noqa: S608
    provision = f"""
        SELECT pr.id, pr.name, iv.name, pr.weekdays, pr.start_date, pr.end_date, e.start_date,
               e.end_date,
               (SELECT COUNT(*) {delivered}),
               (SELECT COUNT(*) FROM {_t(Session)} s WHERE s.provision_id = pr.id
                  AND NOT s.delivered),
               (SELECT SUM(s.minutes * sr.hourly_cost) {delivered}),
               (SELECT SUM(s.minutes * sr.hourly_cost / (
                    SELECT COUNT(*) FROM {_t(SessionAttendance)} a2
                    WHERE a2.session_id = s.id AND a2.present))
                {delivered} AND EXISTS (
                    SELECT 1 FROM {_t(SessionAttendance)} a
                    WHERE a.session_id = s.id AND a.pupil_id = e.pupil_id AND a.present))
        FROM {_t(Enrolment)} e
        JOIN {_t(Provision)} pr ON pr.id = e.provision_id
        JOIN {_t(Intervention)} iv ON iv.id = pr.intervention_id
        WHERE e.pupil_id = %s
        ORDER BY pr.start_date DESC
    """  # noqa: S608
    return (
        FloorQuery("record", record, (pupil_id,) * 4 + (start_year, pupil_id)),
        FloorQuery("support", support, (pupil_id,) * 5),
        FloorQuery("provision", provision, (pupil_id,)),
    )
