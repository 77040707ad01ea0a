"""A pupil's plan as the coming Individual Support Plan sees it: the layer of support with its
history, the clock from the decision to give SEN support to the first agreed plan (against 8
weeks, as information), and the annual reviews of the whole plan beside the termly reviews
(read: Action.READ_CASE_TRACE; record: Action.RECORD_LAYER)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

import access
from access import Action
from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from duties import isp, services
from duties.forms import LayerForm, PlanAnnualReviewForm
from pupils.models import Pupil
from support.models import Plan, Review
from ui.forms import add_service_errors


def _pupil(request: HttpRequest, pk: int) -> Pupil:
    reached = access.visible_pupils(request.user, reach="staff")  # type: ignore[arg-type]
    return access.get_for_user(request, reached, pk, Action.READ_CASE_TRACE)


@login_required
@require_http_methods(["GET", "POST"])
def layer(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    user: User = request.user  # type: ignore[assignment]
    may_record = access.may(user, Action.RECORD_LAYER, pupil)
    layer_form = LayerForm(request.POST if "layer" in request.POST else None, prefix="layer")
    review_form = PlanAnnualReviewForm(
        request.POST if "review-held_on_0" in request.POST else None, prefix="review"
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("Only the SENCo records a pupil's layer of support.")
        done = _post(request, pupil, user, layer_form, review_form)
        if done:
            return redirect("duties_layer", pk=pupil.pk)
    else:
        audit.log(AuditAction.VIEW, user, pupil, {"page": "plan"}, request=request)
    today = timezone.localdate()
    starts = list(pupil.register_entries.filter(provision="K").values_list("start_date", flat=True))
    agreed = list(
        Plan.objects.filter(cycle__pupil=pupil, parents_agreed_on__isnull=False).values_list(
            "parents_agreed_on", flat=True
        )
    )
    return render(
        request,
        "duties/layer.html",
        {
            "pupil": pupil,
            "layers": pupil.support_layers.all(),  # type: ignore[attr-defined]
            "clock": isp.first_plan_clock(starts, [d for d in agreed if d], today),
            "annual_reviews": pupil.plan_annual_reviews.all(),  # type: ignore[attr-defined]
            "termly_reviews": Review.objects.filter(cycle__pupil=pupil).order_by("-held_on"),
            "layer_form": layer_form,
            "review_form": review_form,
            "may_record": may_record,
            # The whole plan as portable JSON (docs/schemas/sen-file-1.0.schema.json, interop/).
            "may_export": access.may(user, Action.TRANSFER_RECORDS, pupil),
            "may_import": access.may(user, Action.RUN_CYCLE, pupil),
        },
    )


def _post(
    request: HttpRequest,
    pupil: Pupil,
    user: User,
    layer_form: LayerForm,
    review_form: PlanAnnualReviewForm,
) -> bool:
    try:
        if layer_form.is_bound and layer_form.is_valid():
            services.layer_set(
                pupil=pupil,
                layer=layer_form.cleaned_data["layer"],
                on=layer_form.cleaned_data["on"],
                by=user,
                request=request,
            )
            messages.success(request, "The layer of support is recorded.")
            return True
        if review_form.is_bound and review_form.is_valid():
            services.plan_annual_review_record(
                pupil=pupil, fields=dict(review_form.cleaned_data), by=user, request=request
            )
            messages.success(request, "The annual review of the plan is recorded.")
            return True
    except ValidationError as exc:
        add_service_errors(layer_form if layer_form.is_bound else review_form, exc)
    return False
