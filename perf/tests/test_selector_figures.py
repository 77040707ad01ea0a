"""The register, its counts and the LA overview, rewritten for speed (joins on the one open entry and
open needs, grouped counts), checked against plain Python over every row of seeded schools with
leavers and untold decisions among them."""

from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from accounts.models import School
from pupils import census, selectors
from pupils.models import Need, Pupil, RegisterEntry, TeachingGroup
from pupils.seeding import SchoolSpec, local_authority
from records.seeding import seed_specs


@dataclass
class Plain:
    """One pupil as plain Python: their open entry and open needs."""

    pupil: Pupil
    entry: RegisterEntry | None = None
    needs: dict[int, str] = field(default_factory=dict)
    open_types: set[str] = field(default_factory=set)

    @property
    def on_roll(self) -> bool:
        return self.pupil.leaving_date is None

    @property
    def provision(self) -> str | None:
        return self.entry.provision if self.entry else None

    @property
    def registered(self) -> bool:
        return self.on_roll and self.provision in census.ON_REGISTER


@pytest.fixture
def schools(db: None) -> list[School]:
    specs = [SchoolSpec("primary", 90), SchoolSpec("secondary", 120)]
    seeded = seed_specs(specs, seed=3, today=timezone.localdate(), la=local_authority("820"))
    pupils = Pupil.objects.filter(school_id__in=seeded.school_ids).order_by("pk")
    today = timezone.localdate()
    leavers = [p.pk for p in pupils if p.admission_date and p.admission_date <= today][::6]
    Pupil.objects.filter(pk__in=leavers).update(leaving_date=today)
    untold = RegisterEntry.objects.filter(end_date__isnull=True, provision__in=["K", "E"])
    RegisterEntry.objects.filter(pk__in=list(untold.values_list("pk", flat=True)[::5])).update(
        parents_informed_on=None, parents_informed_how=""
    )
    return list(School.objects.filter(pk__in=seeded.school_ids).order_by("pk"))


def plain(school: School) -> list[Plain]:
    rows = {p.pk: Plain(p) for p in Pupil.objects.filter(school=school)}
    for e in RegisterEntry.objects.filter(pupil__school=school, end_date__isnull=True):
        rows[e.pupil_id].entry = e
    for n in Need.objects.filter(pupil__school=school, end_date__isnull=True):
        rows[n.pupil_id].needs[n.rank] = n.need_type
        rows[n.pupil_id].open_types.add(n.need_type)
    return list(rows.values())


def test_register_counts_match_a_plain_count(schools: list[School]) -> None:
    for school in schools:
        rows = plain(school)
        registered = [r for r in rows if r.registered]
        counts = selectors.register_counts(Pupil.objects.filter(school=school))
        assert counts.total_roll == sum(r.on_roll for r in rows)
        assert counts.by_provision == dict(Counter(r.provision for r in registered))
        assert counts.awaiting_notification == sum(
            r.entry is not None and r.entry.parents_informed_on is None for r in registered
        )
        primary = Counter(r.needs[1] for r in registered if 1 in r.needs)
        assert {c: n for c, _, n in counts.by_primary_need} == dict(primary)
        assert counts.awaiting_notification > 0 and counts.total_roll < len(rows)


def test_overview_figures_match_a_plain_count(schools: list[School]) -> None:
    figures = selectors.overview_figures(School.objects.filter(pk__in=[s.pk for s in schools]))
    needs: Counter[str] = Counter()
    awaiting = 0
    for school in schools:
        rows = plain(school)
        registered = [r for r in rows if r.registered]
        mine = figures.schools[school.pk]
        assert mine.roll == sum(r.on_roll for r in rows)
        assert mine.sen_support == sum(r.provision == "K" for r in registered)
        assert mine.ehc_plans == sum(r.provision == "E" for r in registered)
        needs.update(r.needs[1] for r in registered if 1 in r.needs)
        # Decisions not yet told count leavers too, as the overview always has.
        awaiting += sum(
            r.provision in census.ON_REGISTER and r.entry.parents_informed_on is None  # type: ignore[union-attr]
            for r in rows
        )
    assert figures.primary_needs == dict(needs)
    assert figures.awaiting_notification == awaiting


FILTERS: list[dict[str, str]] = [
    {},
    {"provision": "K"},
    {"provision": "N"},
    {"provision": "all"},
    {"need": "SEMH", "provision": "all"},
    {"area": "CL"},
    {"year": "8"},
]


def test_register_rows_match_a_plain_filter(schools: list[School]) -> None:
    school = schools[1]
    rows = [r for r in plain(school) if r.on_roll]
    group = TeachingGroup.objects.filter(school=school).order_by("pk").first()
    assert group is not None
    members = set(group.pupils.values_list("pk", flat=True))
    for filters in FILTERS:
        for in_group in (False, True):
            wanted = selectors.RegisterFilters(**filters, group=group if in_group else None)
            got = [p.pk for p in selectors.register(Pupil.objects.filter(school=school), wanted)]
            expected = [
                r.pupil
                for r in rows
                if _provision_matches(r, filters.get("provision", ""))
                and (not filters.get("need") or filters["need"] in r.open_types)
                and (
                    not filters.get("area")
                    or r.open_types & set(census.types_in_area(filters["area"]))
                )
                and (not filters.get("year") or r.pupil.nc_year == filters["year"])
                and (not in_group or r.pupil.pk in members)
            ]
            expected.sort(key=lambda p: (p.legal_surname, p.legal_forename, p.pk))
            assert got == [p.pk for p in expected], (filters, in_group)
            assert got or filters.get("year") or in_group  # the filters do select someone


def _provision_matches(row: Plain, wanted: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "N":
        return row.provision in (None, "N")
    return row.provision in ([wanted] if wanted else census.ON_REGISTER)
