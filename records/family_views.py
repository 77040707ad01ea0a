"""Pages for parents and carers: their own children only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

import access
from access import Action
from audit import log as audit
from audit.models import AuditAction
from pupils import selectors
from support import selectors as support_selectors
from ui.forms import add_service_errors


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    children = selectors.with_register_status(
        access.visible_pupils(request.user, reach="family")  # type: ignore[arg-type]
    ).select_related("school")
    return render(request, "family/home.html", {"children": children})


@login_required
def family_pupil(request: HttpRequest, pk: int) -> HttpResponse:
    reached = access.visible_pupils(request.user, reach="family")  # type: ignore[arg-type]
    pupil = access.get_for_user(request, selectors.pupil_record(reached), pk, Action.READ)
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


@login_required
@require_http_methods(["GET", "POST"])
def family_views(request: HttpRequest, pk: int) -> HttpResponse:
    """A parent's views before the review: added to the open cycle's assessment as a parent view."""
    from support import services as support_services
    from support.forms import ParentViewsForm

    reached = access.visible_pupils(request.user, reach="family")  # type: ignore[arg-type]
    pupil = access.get_for_user(request, reached, pk, Action.READ)
    cycle = pupil.cycles.filter(closed_on__isnull=True).first()
    if cycle is None:
        raise Http404("There is no plan to review at the moment.")
    form = ParentViewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            support_services.assessment_view_add(
                cycle=cycle,
                data={
                    "source": "parent",
                    "given_by": user.get_full_name() or user.get_username(),  # type: ignore[union-attr]
                    "given_on": timezone.localdate(),
                    **form.cleaned_data,
                },
                by=user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Thank you. The school will talk about your views at the review."
            )
            return redirect("family_pupil", pk=pupil.pk)
    return render(request, "family/views.html", {"form": form, "pupil": pupil, "cycle": cycle})


@login_required
def family_ehc(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the child's EHC needs assessment request and plan stand, in plain English: the
    dates the law gives, and what happens next. The parents' own child only."""
    from statutory import selectors as ehc_selectors

    user = request.user
    reached = access.visible_pupils(user, reach="family")  # type: ignore[arg-type]
    pupil = access.get_for_user(request, reached.select_related("school__la"), pk, Action.READ)
    audit.log(AuditAction.VIEW, user, pupil, {"page": "family_ehc"}, request=request)
    today = timezone.localdate()
    found = ehc_selectors.pupil_ehc(
        pupil,
        access.visible_ehc_requests(user, reach="family"),  # type: ignore[arg-type]
        access.visible_ehc_plans(user, reach="family"),  # type: ignore[arg-type]
    )
    return render(
        request,
        "family/ehc.html",
        {
            "pupil": pupil,
            "today": today,
            "requests": [
                (r, ehc_selectors.request_stage(r), ehc_selectors.request_limits(r, today))
                for r in found["requests"]
            ],
            "plans": [(p, ehc_selectors.family_plan(p, today)) for p in found["plans"]],
        },
    )
