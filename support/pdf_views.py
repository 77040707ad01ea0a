"""PDF downloads of the plan, the review and the passport, for staff and for parents, and the
SENCo's record of the date the review was given to the parents (seed 001).

Every download is audited as an export. A pupil outside the user's reach is a 404; parents reach
only their own children (access.get_for_user over visible_pupils(reach="family")).
"""

from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

import access
from access import Action
from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from pupils.models import Pupil
from support import pdf, services
from support.models import Cycle, Review
from ui.forms import GovDateField, add_service_errors, gds_helper


def _cycle(request: HttpRequest, pk: int, *, family: bool, action: Action = Action.READ) -> Cycle:
    """The cycle, if its pupil is within the user's reach (staff or family; else 404) and the
    role may do `action` (else 403)."""
    reached = access.visible_cycles(request.user, reach="family" if family else "staff")  # type: ignore[arg-type]
    return access.get_for_user(request, reached.select_related("pupil__school"), pk, action)


def _pdf_response(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    obj: Model,
    pupil: Pupil,
    filename: str,
    area: str,
) -> HttpResponse:
    body = pdf.render_pdf(template, context)
    audit.log(
        AuditAction.EXPORT,
        request.user,
        obj,
        {"format": "pdf", "document": template.rsplit("/", 1)[-1], "area": area},
        request=request,
        pupil_id=pupil.pk,
        school_id=pupil.school_id,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _filename(pupil: Pupil, what: str) -> str:
    # A name with no Latin letters slugifies to nothing: fall back to the record number.
    return f"{slugify(pupil.full_name) or f'pupil-{pupil.pk}'}-{what}.pdf"


def plan_document(
    request: HttpRequest, pk: int, *, family: bool, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """The plan PDF. `extra` adds to the template's context (the family area's signposting,
    which records/family_views passes: the parents' PDFs are served from there)."""
    cycle = _cycle(request, pk, family=family)
    context = {**pdf.plan_context(cycle), **(extra or {})}
    return _pdf_response(
        request,
        template="support/pdf/plan.html",
        context=context,
        obj=context["plan"],
        pupil=cycle.pupil,
        filename=_filename(cycle.pupil, f"support-plan-{cycle.number}"),
        area="family" if family else "staff",
    )


def review_document(
    request: HttpRequest, pk: int, *, family: bool, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """The review record PDF (`extra` as for plan_document)."""
    cycle = _cycle(request, pk, family=family)
    context = {**pdf.review_context(cycle), **(extra or {})}
    return _pdf_response(
        request,
        template="support/pdf/review.html",
        context=context,
        obj=context["review"],
        pupil=cycle.pupil,
        filename=_filename(cycle.pupil, f"review-{context['review'].held_on:%Y-%m-%d}"),
        area="family" if family else "staff",
    )


@never_cache
@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return plan_document(request, pk, family=False)


@never_cache
@login_required
@require_GET
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return review_document(request, pk, family=False)


@never_cache
@login_required
@require_GET
def passport_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = access.get_for_user(request, access.visible_pupils(request.user), pk, Action.READ)  # type: ignore[arg-type]
    context = pdf.passport_context(pupil)
    return _pdf_response(
        request,
        template="support/pdf/passport.html",
        context=context,
        obj=context["passport"],
        pupil=pupil,
        filename=_filename(pupil, "passport"),
        area="staff",
    )


class ReviewGivenForm(forms.Form):
    given_on = GovDateField(
        label="When was the record of the review given to the parents?",
        help_text="For example, 27 3 2026",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())
        self.helper = gds_helper()
        self.helper.layout = Layout(Field("given_on"))


@login_required
@require_http_methods(["GET", "POST"])
def review_given(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the date the record of the review was given to the parents (SENCo only)."""
    user: User = request.user  # type: ignore[assignment]
    cycle = _cycle(request, pk, family=False, action=Action.RUN_CYCLE)
    review = get_object_or_404(Review.objects.select_related("cycle"), cycle=cycle)
    form = ReviewGivenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_given_to_parents(
                review=review, given_on=form.cleaned_data["given_on"], by=user, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recorded when the review was given to the parents.")
            return redirect("cycle_detail", pk=cycle.pk)
    return render(
        request,
        "support/pdf/review_given.html",
        {
            "form": form,
            "pupil": cycle.pupil,
            "cycle": cycle,
            "review": review,
        },
    )
