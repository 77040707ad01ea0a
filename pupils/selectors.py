"""Reads that decide joins: the register list, its counts and the pupil record."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet

from accounts.models import School
from pupils import census
from pupils.models import FamilyLink, Need, Pupil, RegisterEntry, TeachingGroup
from pupils.names import search_key


def _with_open_rows(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Join each pupil's open register entry and open primary and secondary needs. The database
    allows at most one of each per pupil (register_one_open_entry_per_pupil,
    need_one_open_per_rank), so these LEFT JOINs never repeat a pupil: a plain join the planner
    can drive from the school's pupils, where a correlated subquery per column could not."""
    return pupils.annotate(
        open_entry=FilteredRelation(
            "register_entries", condition=Q(register_entries__end_date__isnull=True)
        ),
        open_primary=FilteredRelation(
            "needs", condition=Q(needs__rank=1, needs__end_date__isnull=True)
        ),
        open_secondary=FilteredRelation(
            "needs", condition=Q(needs__rank=2, needs__end_date__isnull=True)
        ),
    )


def with_register_status(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Annotate each pupil with their open register entry and open needs, in one query."""
    return _with_open_rows(pupils).annotate(
        provision=F("open_entry__provision"),
        on_register_since=F("open_entry__start_date"),
        entry_id=F("open_entry__id"),
        parents_informed_on=F("open_entry__parents_informed_on"),
        primary_need=F("open_primary__need_type"),
        secondary_need=F("open_secondary__need_type"),
    )


def _has_open_need(types: list[str]) -> Exists:
    return Exists(
        Need.objects.filter(pupil=OuterRef("pk"), need_type__in=types, end_date__isnull=True)
    )


@dataclass
class RegisterFilters:
    q: str = ""
    provision: str = ""
    need: str = ""
    area: str = ""
    year: str = ""
    group: TeachingGroup | None = None
    told: str = ""  # "no": decisions not yet told to the parents; "yes": told


def _matching(filters: RegisterFilters, *, provision: str) -> Q:
    """The register's filters as one condition on pupils joined to their open rows
    (_with_open_rows): the WHERE of the register's rows, and the FILTER of its count in
    register_counts. `provision` names the open entry's provision in that query: the rows'
    annotation, since a filter on "open_entry__..." in a later .filter() would join the entries
    a second time. The provision test comes first, so the EXISTS subqueries after it run only for
    the pupils it lets through."""
    where = Q()
    if filters.provision == "N":  # never on the register, or removed from it
        where &= Q(**{f"{provision}__isnull": True}) | Q(**{provision: "N"})
    elif filters.provision != "all":
        wanted = [filters.provision] if filters.provision else sorted(census.ON_REGISTER)
        where &= Q(**{f"{provision}__in": wanted})
    if filters.q:
        q = filters.q.strip()
        # Names are compared folded (no accents, no case: pupils.names) on every database.
        where &= Q(upn__iexact=q.replace(" ", "")) | Q(search_name__contains=search_key(q))
    # Exists, not a join, for the many-valued filters: no row repeats, so no DISTINCT, and the
    # database can walk the school's pupils in surname order and stop after a page.
    if filters.need:
        where &= Q(_has_open_need([filters.need]))
    if filters.area:
        where &= Q(_has_open_need(census.types_in_area(filters.area)))
    if filters.year:
        where &= Q(nc_year=filters.year)
    if filters.told in ("no", "yes"):
        # The annotation on the register's rows; the joined column in register_counts.
        informed = (
            "parents_informed_on" if provision == "provision" else "open_entry__parents_informed_on"
        )
        where &= Q(**{f"{informed}__isnull": filters.told == "no"})
    if filters.group is not None:
        members = TeachingGroup.pupils.through.objects.filter(
            teachinggroup=filters.group, pupil=OuterRef("pk")
        )
        where &= Q(Exists(members))
    return where


def register(pupils: QuerySet[Pupil], filters: RegisterFilters) -> QuerySet[Pupil]:
    """Pupils on the SEN register (K or E) among `pupils` (or, with provision "N" or "all", those
    not on it or everyone), filtered, in surname order."""
    rows = with_register_status(pupils.filter(leaving_date__isnull=True))
    return rows.filter(_matching(filters, provision="provision")).order_by(
        "legal_surname", "legal_forename", "pk"
    )


@dataclass
class RegisterCounts:
    total_roll: int = 0
    by_provision: dict[str, int] = field(default_factory=dict)
    by_primary_need: list[tuple[str, str, int]] = field(default_factory=list)
    by_area: list[tuple[str, str, int]] = field(default_factory=list)
    awaiting_notification: int = 0
    # How many pupils the register's filters select, when register_counts could count them.
    matching: int | None = None

    @property
    def on_register(self) -> int:
        return sum(self.by_provision.get(code, 0) for code in census.ON_REGISTER)

    @property
    def sen_support(self) -> int:
        return self.by_provision.get("K", 0)

    @property
    def ehc_plans(self) -> int:
        return self.by_provision.get("E", 0)

    def percent(self, n: int) -> str:
        return f"{100 * n / self.total_roll:.1f}%" if self.total_roll else "–"

    @property
    def sen_support_percent(self) -> str:
        return self.percent(self.sen_support)

    @property
    def ehc_percent(self) -> str:
        return self.percent(self.ehc_plans)


def register_counts(
    pupils: QuerySet[Pupil], matching: RegisterFilters | None = None
) -> RegisterCounts:
    """Counts for a school (or several): roll, K and E, primary needs and broad areas. Two
    aggregate queries, whatever the size of the school: the roll, and the register grouped by
    provision and primary need.

    With `matching` filters that stay within the register (provision "", "K" or "E": the page as
    it opens, and most filtering), the grouped query also counts the pupils they select, so the
    register page needs no COUNT query of its own; `matching` stays None otherwise."""
    on_roll = pupils.filter(leaving_date__isnull=True)
    aggregates = {
        "n": Count("pk"),
        "awaiting": Count("pk", filter=Q(open_entry__parents_informed_on__isnull=True)),
    }
    on_register_only = matching is not None and matching.provision in ("", *census.ON_REGISTER)
    within = matching if on_register_only else None
    if within is not None:
        aggregates["selected"] = Count(
            "pk", filter=_matching(within, provision="open_entry__provision")
        )
    grouped = (
        _with_open_rows(on_roll)
        .filter(open_entry__provision__in=census.ON_REGISTER)  # type: ignore[misc]
        .order_by()
        .values_list("open_entry__provision", "open_primary__need_type")
        .annotate(**aggregates)
    )
    by_provision: Counter[str] = Counter()
    primary: Counter[str] = Counter()
    awaiting = selected = 0
    for provision, need_type, n, not_told, *rest in grouped:
        by_provision[provision] += n
        awaiting += not_told
        selected += rest[0] if rest else 0
        if need_type:
            primary[need_type] += n
    areas: Counter[str] = Counter()
    for code, n in primary.items():
        areas[census.broad_area(code)] += n
    return RegisterCounts(
        total_roll=on_roll.count(),
        by_provision=dict(by_provision),
        by_primary_need=[
            (c, census.SEN_TYPE_LABELS[c], primary[c]) for c, _, _ in census.SEN_TYPES if primary[c]
        ],
        by_area=[(a, label, areas[a]) for a, label in census.BROAD_AREA_LABELS.items() if areas[a]],
        awaiting_notification=awaiting,
        matching=selected if within is not None else None,
    )


@dataclass
class SchoolFigures:
    roll: int = 0
    sen_support: int = 0
    ehc_plans: int = 0


@dataclass
class OverviewFigures:
    schools: dict[int, SchoolFigures]
    primary_needs: dict[str, int]
    awaiting_notification: int


def overview_figures(schools: QuerySet[School]) -> OverviewFigures:
    """Figures for many schools at once (the LA and trust overview): each school's roll, K and
    E, the primary needs of everyone on the register, and decisions not yet told to parents.
    Two grouped queries: the rolls, and one pass over the open K and E entries (far fewer than
    the pupils) grouped by school, provision and primary need."""
    figures: dict[int, SchoolFigures] = {}
    roll = (
        Pupil.objects.filter(school__in=schools, leaving_date__isnull=True)
        .order_by()
        .values_list("school_id")
        .annotate(n=Count("pk"))
    )
    for school_id, n in roll:
        figures.setdefault(school_id, SchoolFigures()).roll = n
    on_roll = Q(pupil__leaving_date__isnull=True)
    grouped = (
        RegisterEntry.objects.filter(
            end_date__isnull=True, provision__in=census.ON_REGISTER, pupil__school__in=schools
        )
        .annotate(
            primary=FilteredRelation(
                "pupil__needs",
                condition=Q(pupil__needs__rank=1, pupil__needs__end_date__isnull=True),
            )
        )
        .order_by()
        .values_list("pupil__school_id", "provision", "primary__need_type")
        .annotate(
            on_roll=Count("pk", filter=on_roll),
            # Leavers' decisions still count as not yet told (as they always have here).
            not_told=Count("pk", filter=Q(parents_informed_on__isnull=True)),
        )
    )
    primary_needs: Counter[str] = Counter()
    awaiting = 0
    for school_id, provision, need_type, n, not_told in grouped:
        row = figures.setdefault(school_id, SchoolFigures())
        if provision == census.SENProvision.SEN_SUPPORT:
            row.sen_support += n
        else:
            row.ehc_plans += n
        if need_type:
            primary_needs[need_type] += n
        awaiting += not_told
    return OverviewFigures(figures, dict(primary_needs), awaiting)


def pupil_record(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Everything the pupil record page shows, prefetched (a fixed number of queries)."""
    return pupils.select_related("school__la", "passport").prefetch_related(
        Prefetch(
            "register_entries",
            queryset=RegisterEntry.objects.select_related("decided_by").order_by(
                "-start_date", "-pk"
            ),
        ),
        Prefetch("needs", queryset=Need.objects.order_by("end_date", "rank", "-start_date")),
        Prefetch("family_links", queryset=FamilyLink.objects.select_related("contact")),
        # The record names the pupil's classes this year; nothing on it shows their teachers.
        Prefetch("teaching_groups", queryset=TeachingGroup.objects.select_related("school_year")),
    )


def timeline(pupil: Pupil) -> list[dict[str, Any]]:
    """The register history and needs as one dated list, newest first, from prefetched rows."""
    events: list[dict[str, Any]] = []
    for entry in pupil.register_entries.all():
        events.append({"date": entry.start_date, "kind": "register", "entry": entry})
    for need in pupil.needs.all():
        events.append({"date": need.start_date, "kind": "need_start", "need": need})
        if need.end_date:
            events.append({"date": need.end_date, "kind": "need_end", "need": need})
    return sorted(events, key=lambda e: e["date"], reverse=True)
