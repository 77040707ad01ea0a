"""Reads that decide joins: the register list, its counts and the pupil record."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from pupils import census
from pupils.models import FamilyLink, Need, Pupil, RegisterEntry, TeachingGroup


def _open_entry(pupil_ref: str = "pk") -> QuerySet[RegisterEntry]:
    return RegisterEntry.objects.filter(pupil=OuterRef(pupil_ref), end_date__isnull=True)


def _open_need(rank: int) -> QuerySet[Need]:
    return Need.objects.filter(pupil=OuterRef("pk"), rank=rank, end_date__isnull=True)


def with_register_status(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Annotate each pupil with their open register entry and open needs, in one query."""
    entry = _open_entry()
    return pupils.annotate(
        provision=Subquery(entry.values("provision")[:1]),
        on_register_since=Subquery(entry.values("start_date")[:1]),
        entry_id=Subquery(entry.values("pk")[:1]),
        parents_informed_on=Subquery(entry.values("parents_informed_on")[:1]),
        primary_need=Subquery(_open_need(1).values("need_type")[:1]),
        secondary_need=Subquery(_open_need(2).values("need_type")[:1]),
    )


@dataclass
class RegisterFilters:
    q: str = ""
    provision: str = ""
    need: str = ""
    area: str = ""
    year: str = ""
    group: TeachingGroup | None = None


def register(pupils: QuerySet[Pupil], filters: RegisterFilters) -> QuerySet[Pupil]:
    """Pupils on the SEN register (K or E) among `pupils` (or, with provision "N" or "all", those
    not on it or everyone), filtered, in surname order."""
    rows = with_register_status(pupils.filter(leaving_date__isnull=True))
    if filters.provision == "N":  # never on the register, or removed from it
        rows = rows.filter(Q(provision__isnull=True) | Q(provision="N"))  # type: ignore[misc]
    elif filters.provision != "all":
        wanted = [filters.provision] if filters.provision else sorted(census.ON_REGISTER)
        rows = rows.filter(provision__in=wanted)  # type: ignore[misc]
    if filters.q:
        q = filters.q.strip()
        rows = rows.filter(
            Q(upn__iexact=q.replace(" ", ""))
            | Q(legal_surname__icontains=q)
            | Q(legal_forename__icontains=q)
            | Q(preferred_forename__icontains=q)
            | Q(preferred_surname__icontains=q)
        )
    if filters.need:
        rows = rows.filter(needs__need_type=filters.need, needs__end_date__isnull=True)
    if filters.area:
        rows = rows.filter(
            needs__need_type__in=census.types_in_area(filters.area), needs__end_date__isnull=True
        )
    if filters.year:
        rows = rows.filter(nc_year=filters.year)
    if filters.group is not None:
        rows = rows.filter(teaching_groups=filters.group)
    return rows.distinct().order_by("legal_surname", "legal_forename", "pk")


@dataclass
class RegisterCounts:
    total_roll: int = 0
    by_provision: dict[str, int] = field(default_factory=dict)
    by_primary_need: list[tuple[str, str, int]] = field(default_factory=list)
    by_area: list[tuple[str, str, int]] = field(default_factory=list)
    awaiting_notification: int = 0

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


def register_counts(pupils: QuerySet[Pupil]) -> RegisterCounts:
    """Counts for a school (or several): roll, K and E, primary needs and broad areas. Three
    aggregate queries, whatever the size of the school."""
    on_roll = pupils.filter(leaving_date__isnull=True)
    open_entries = RegisterEntry.objects.filter(
        pupil__in=on_roll, end_date__isnull=True, provision__in=census.ON_REGISTER
    )
    by_provision = dict(
        open_entries.values_list("provision").annotate(n=Count("pk")).values_list("provision", "n")
    )
    awaiting = open_entries.filter(parents_informed_on__isnull=True).count()
    registered = on_roll.filter(
        register_entries__end_date__isnull=True, register_entries__provision__in=census.ON_REGISTER
    )
    primary = Counter(
        dict(
            Need.objects.filter(pupil__in=registered, rank=1, end_date__isnull=True)
            .values_list("need_type")
            .annotate(n=Count("pk"))
            .values_list("need_type", "n")
        )
    )
    areas: Counter[str] = Counter()
    for code, n in primary.items():
        areas[census.broad_area(code)] += n
    return RegisterCounts(
        total_roll=on_roll.count(),
        by_provision=by_provision,
        by_primary_need=[
            (c, census.SEN_TYPE_LABELS[c], primary[c]) for c, _, _ in census.SEN_TYPES if primary[c]
        ],
        by_area=[(a, label, areas[a]) for a, label in census.BROAD_AREA_LABELS.items() if areas[a]],
        awaiting_notification=awaiting,
    )


def pupil_record(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Everything the pupil record page shows, prefetched (a fixed number of queries)."""
    return pupils.select_related("school__la").prefetch_related(
        Prefetch(
            "register_entries",
            queryset=RegisterEntry.objects.select_related("decided_by").order_by(
                "-start_date", "-pk"
            ),
        ),
        Prefetch("needs", queryset=Need.objects.order_by("end_date", "rank", "-start_date")),
        Prefetch("family_links", queryset=FamilyLink.objects.select_related("contact")),
        Prefetch(
            "teaching_groups",
            queryset=TeachingGroup.objects.select_related("school_year").prefetch_related(
                "teachers"
            ),
        ),
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
