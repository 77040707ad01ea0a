"""The API's reads: each starts from what accounts/access.py lets the user reach and selects the
joins its output needs, so a list page costs the same few queries however many rows it has."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import access
from accounts.models import School, User
from pupils import census
from pupils.models import Need, Pupil, RegisterEntry


def normalise_upn(raw: str) -> str:
    """A UPN as stored: upper case, no spaces (as Pupil.clean leaves it)."""
    return raw.strip().upper().replace(" ", "")


def api_schools(user: User) -> QuerySet[School]:
    """Schools the user has any reach to: a membership at the school, or (for LA and trust
    officers) the schools of their LA or trust. Rows only; pupils still follow visible_pupils."""
    member_of = {m.school_id for m in access.memberships(user) if m.school_id is not None}
    overview = access.overview_schools(user).values("pk")
    return (
        School.objects.filter(Q(pk__in=member_of) | Q(pk__in=overview))
        .select_related("la", "trust")
        .order_by("name", "pk")
    )


def api_pupils(user: User) -> QuerySet[Pupil]:
    """Pupils whose named record the user may see, with their school and current provision."""
    open_provision = RegisterEntry.objects.filter(
        pupil=OuterRef("pk"), end_date__isnull=True
    ).values("provision")[:1]
    return (
        access.visible_pupils(user, reach="any")
        .select_related("school")
        .annotate(
            current_provision=Coalesce(
                Subquery(open_provision), Value(census.SENProvision.NO_SEN.value)
            )
        )
        .order_by("legal_surname", "legal_forename", "pk")
    )


def api_register_entries(user: User) -> QuerySet[RegisterEntry]:
    """Register entries of the pupils the user may see."""
    return RegisterEntry.objects.filter(
        pupil__in=access.visible_pupils(user, reach="any").values("pk")
    ).select_related("pupil__school", "decided_by")


def api_needs(user: User) -> QuerySet[Need]:
    """Needs of the pupils the user may see, grouped by pupil, primary need first."""
    return (
        Need.objects.filter(pupil__in=access.visible_pupils(user, reach="any").values("pk"))
        .select_related("pupil__school")
        .order_by(
            "pupil__legal_surname", "pupil__legal_forename", "pupil_id", "rank", "-start_date", "pk"
        )
    )


def filter_by_pupil[M: (RegisterEntry, Need)](
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


def pupil_for_register_write(user: User, pupil_id: int, *, refusal: str) -> Pupil:
    """The pupil a register or needs write names: 404 if outside the caller's reach, 403 (with
    `refusal`) if their role may not change the SEN register at the pupil's school."""
    pupil = api_pupils(user).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404
    if not access.can_change_register(user, pupil.school):
        raise PermissionDenied(refusal)
    return pupil
