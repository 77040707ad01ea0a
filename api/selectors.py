"""The API's reads: the joins and order each list's output needs, on top of a visible_*()
queryset of the access policy (which alone decides reach), so a list page costs the same few
queries however many rows it has."""

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import School
from pupils import census
from pupils.models import Need, Pupil, RegisterEntry
from statutory.models import EHCPlan, EHCRequest


def normalise_upn(raw: str) -> str:
    """A UPN as stored: upper case, no spaces (as Pupil.clean leaves it)."""
    return raw.strip().upper().replace(" ", "")


def school_rows(schools: QuerySet[School]) -> QuerySet[School]:
    return schools.select_related("la", "trust").order_by("name", "pk")


def pupil_rows(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Pupils with their school and current provision."""
    open_provision = RegisterEntry.objects.filter(
        pupil=OuterRef("pk"), end_date__isnull=True
    ).values("provision")[:1]
    return (
        pupils.select_related("school")
        .annotate(
            current_provision=Coalesce(
                Subquery(open_provision), Value(census.SENProvision.NO_SEN.value)
            )
        )
        .order_by("legal_surname", "legal_forename", "pk")
    )


def register_rows(entries: QuerySet[RegisterEntry]) -> QuerySet[RegisterEntry]:
    return entries.select_related("pupil__school", "decided_by")


def need_rows(needs: QuerySet[Need]) -> QuerySet[Need]:
    """Needs grouped by pupil, primary need first."""
    return needs.select_related("pupil__school").order_by(
        "pupil__legal_surname", "pupil__legal_forename", "pupil_id", "rank", "-start_date", "pk"
    )


def filter_by_pupil[M: (RegisterEntry, Need, EHCRequest, EHCPlan)](
    qs: QuerySet[M], *, school: int | None, upn: str | None, pupil: int | None = None
) -> QuerySet[M]:
    """The filters every pupil-linked list shares (register entries, needs)."""
    if school is not None:
        qs = qs.filter(pupil__school_id=school)
    if upn:
        qs = qs.filter(pupil__upn=normalise_upn(upn))
    if pupil is not None:
        qs = qs.filter(pupil_id=pupil)
    return qs
