from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

import access
from access import Action


def school(request: HttpRequest) -> dict[str, object]:
    """The school the user is working in, the others they may switch to, and their menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    schools = access.staff_schools(user)
    current = access.current_school(request) if schools else None
    items: list[tuple[str, str]] = []
    lists_provision = current is not None and access.may(user, Action.READ_NAMED, current)
    if current is not None:
        items.append(("School home", reverse("school_home")))
        if lists_provision:
            items.append(("SEN register", reverse("register")))
            items.append(("Provision", reverse("provision_list")))
        if access.may(user, Action.IMPORT_PUPILS, current):
            items.append(("Import pupils", reverse("ctf_upload")))
        if access.may(user, Action.READ_AUDIT, current):
            items.append(("Audit trail", reverse("audit_search")))
        if access.may(user, Action.MANAGE_STAFF, current):
            items.append(("School admin", reverse("school_staff")))
        if access.may(user, Action.MANAGE_SIGN_IN, current):
            items.append(("Sign-in and security", reverse("school_sign_in")))
    if access.is_parent(user):
        items.append((gettext("Your children"), reverse("family_home")))
    if access.overview_scopes(user):
        items.append(("Schools overview", reverse("overview_home")))
    if user.is_superuser:
        items.append(("Installation", reverse("installation")))
    path = request.path
    nav = [
        {
            "text": t,
            "href": h,
            "current": path == h or (h != "/" and path.startswith(h) and len(h) > 7),
        }
        for t, h in items
    ]
    # Only the most specific matching item is current.
    matches = [n for n in nav if n["current"]]
    if len(matches) > 1:
        longest = max(matches, key=lambda n: len(str(n["href"])))
        for n in nav:
            n["current"] = n is longest
    return {
        "current_school": current,
        "switchable_schools": schools,
        "home_area": access.home_area(user),
        "nav_items": nav,
        # Links are shown only to pages the user may open: the provision list (back links) and
        # API tokens (offered to staff; see docs/decisions.md on tokens for other users).
        "may_list_provision": lists_provision,
        "offer_api_tokens": bool(schools),
    }
