"""Reads for the family area: the key person, the signposting, the parent's language, when the
views before a review are open."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.forms.models import model_to_dict

from accounts.models import Membership, Role, School, User
from family import languages, signposts
from family.models import FamilyLanguage, KeyPerson, Signposting
from pupils.models import Contact, Pupil
from support.models import Cycle


@dataclass(frozen=True)
class Contactable:
    """Who the family's key person is and how to reach them."""

    name: str
    role: str
    email: str
    phone: str
    user: User | None
    is_senco: bool


def key_person(pupil: Pupil) -> Contactable | None:
    """The pupil's named contact, else the school's SENCo (the first by name), else None."""
    named = KeyPerson.objects.filter(pupil=pupil).select_related("user").first()
    if named is not None:
        user = named.user
        return Contactable(
            name=user.get_full_name() or user.get_username(),
            role=named.role_title,
            email=named.email or user.email,
            phone=named.phone,
            user=user,
            is_senco=False,
        )
    senco = (
        Membership.objects.filter(school_id=pupil.school_id, role=Role.SENCO, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
        .first()
    )
    if senco is None:
        return None
    phone = str(signposting(pupil.school).get("school_phone") or "")
    user = senco.user
    return Contactable(
        name=user.get_full_name() or user.get_username(),
        role="",
        email=user.email,
        phone=phone,
        user=user,
        is_senco=True,
    )


def _values(row: Signposting | None) -> dict[str, object] | None:
    return model_to_dict(row) if row is not None else None


def signposting(school: School) -> dict[str, object]:
    """The school's signposting over its LA's (family.signposts.merged): one query."""
    rows = {
        (r.la_id, r.school_id): r
        for r in Signposting.objects.filter(school=school)
        | Signposting.objects.filter(la_id=school.la_id)
    }
    own = next((r for (_, s), r in rows.items() if s == school.pk), None)
    la = next((r for (la_id, _), r in rows.items() if la_id == school.la_id), None)
    return signposts.merged(_values(la), _values(own))


def parent_language(user: User) -> str:
    """The parent's language: their choice, else their family links' preferred language."""
    own = FamilyLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    if own in languages.SHIPPED:
        return own
    preferred = Contact.objects.filter(user=user).values_list("preferred_language", flat=True)
    return languages.choose(None, list(preferred))


@dataclass(frozen=True)
class ViewsWindow:
    opens_on: date
    review_on: date
    is_open: bool


def views_window(cycle: Cycle, today: date) -> ViewsWindow | None:
    """When the parents' views before this cycle's review open: `views_open_days` before the
    plan's review date, until the review is held (the cycle closes). None without a plan."""
    plan = getattr(cycle, "plan", None)
    if plan is None:
        return None
    days = int(signposting(cycle.pupil.school)["views_open_days"])  # type: ignore[call-overload]
    opens = plan.review_date - timedelta(days=days)
    return ViewsWindow(opens, plan.review_date, opens <= today and cycle.closed_on is None)
