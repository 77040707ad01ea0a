"""Pages for parents and carers: their own children only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access
from audit import log as audit
from audit.models import AuditAction
from pupils import selectors
from pupils.models import Pupil
from support import selectors as support_selectors


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    children = selectors.with_register_status(
        access.visible_pupils(request.user, reach="family")  # type: ignore[arg-type]
    ).select_related("school")
    return render(request, "family/home.html", {"children": children})


@login_required
def family_pupil(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = access.get_pupil_for_user(
        request, pk, family=True, queryset=selectors.pupil_record(Pupil.objects.all())
    )
    audit.log(AuditAction.VIEW, request.user, pupil, {"page": "family"}, request=request)
    entries = list(pupil.register_entries.all())
    current = next((e for e in entries if e.end_date is None), None)
    return render(
        request,
        "family/pupil.html",
        {
            "pupil": pupil,
            "provision": current.provision if current else "N",
            "current": current,
            "open_needs": [n for n in pupil.needs.all() if n.end_date is None],
            "history": entries,
            "support": support_selectors.pupil_support(pupil),
        },
    )
