"""The EHC pages: the SENCo's request form from the pupil record, a request with its clocks and
exceptions, a plan with its sections A-K and annual reviews, and the casework list (the LA
officer's: every EHC case of their LA's schools; the SENCo's: their school's). Each page asks the
access policy with its Action; every read of a named pupil is audited."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

import access
from access import Action
from access.actions import REFUSALS
from accounts.models import LocalAuthority, User
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from pupils import census
from pupils.services import current_provision
from statutory import documents, evidence, selectors, services
from statutory.forms import (
    AnnualReviewForm,
    CaseworkerForm,
    DecisionForm,
    EHCPlanForm,
    EHCRequestForm,
    EvidencePackForm,
    InvitationForm,
    PhaseTransferForm,
    PlanDocumentForm,
    PlanLinksForm,
    RegExceptionForm,
    ReviewDecisionForm,
)
from support import pdf
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _documents(user: User, **case: Any) -> list[Any]:
    """The documents kept with a request, a plan (its own and its reviews'), or a review."""
    return list(access.visible_case_documents(user).filter(**case).select_related("added_by"))


@login_required
def casework(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.officer_las(user) and not access.schools_where(user, access.WHOLE_SCHOOL_ROLES):
        raise PermissionDenied(REFUSALS[Action.READ_EHC])
    today = timezone.localdate()
    requests = list(
        selectors.casework_requests(access.visible_ehc_requests(user, reach="staff"))
        .filter(plan__isnull=True)
        .exclude(decision__in=["N", "W"])
        .exclude(assessment_outcome__in=["N", "W"])
        .order_by("received_date", "pk")
    )
    plans = list(
        selectors.casework_plans(access.visible_ehc_plans(user, reach="staff"))
        .filter(cease_date__isnull=True)
        .order_by("pupil__legal_surname", "pk")
    )
    reads.log_read(request, user, [*requests, *plans])
    return render(
        request,
        "statutory/casework.html",
        {
            "requests": [(r, selectors.request_limits(r, today)) for r in requests],
            "plans": [(p, selectors.plan_limits(p, today)) for p in plans],
            "is_officer": bool(access.officer_las(user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.RECORD_EHC)
    form = EHCRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ehc = services.ehc_request_create(
                pupil=pupil, by=user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The request for an EHC needs assessment has been recorded.")
            return redirect("ehc_request", pk=ehc.pk)
    return render(request, "statutory/request_form.html", {"form": form, "pupil": pupil})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ehc = access.get_for_user(
        request,
        selectors.casework_requests(access.visible_ehc_requests(user, reach="staff")),
        pk,
        Action.READ_EHC,
    )
    audit.log(AuditAction.VIEW, user, ehc, request=request)
    return render(
        request,
        "statutory/request_detail.html",
        {
            "ehc": ehc,
            "pupil": ehc.pupil,
            "limits": selectors.request_limits(ehc, timezone.localdate()),
            "documents": _documents(user, request=ehc),
            "can_record": access.may(user, Action.RECORD_EHC, ehc),
            "can_decide": access.may(user, Action.DECIDE_EHC, ehc),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ehc = access.get_for_user(
        request, access.visible_ehc_requests(user, reach="staff"), pk, Action.DECIDE_EHC
    )
    fields = list(DecisionForm.base_fields)
    form = DecisionForm(request.POST or None, initial={f: getattr(ehc, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.ehc_request_update(
                ehc_request=ehc, by=user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The decisions have been recorded.")
            return redirect("ehc_request", pk=ehc.pk)
    return render(
        request, "statutory/decision_form.html", {"form": form, "ehc": ehc, "pupil": ehc.pupil}
    )


@login_required
@require_http_methods(["GET", "POST"])
def exception_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ehc = access.get_for_user(
        request, access.visible_ehc_requests(user, reach="staff"), pk, Action.DECIDE_EHC
    )
    form = RegExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reg_exception_add(
                ehc_request=ehc, by=user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The exception has been recorded; the clocks allow for it.")
            return redirect("ehc_request", pk=ehc.pk)
    return render(
        request, "statutory/exception_form.html", {"form": form, "ehc": ehc, "pupil": ehc.pupil}
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = access.get_for_user(
        request,
        selectors.casework_plans(access.visible_ehc_plans(user, reach="staff")).prefetch_related(
            "outcomes__targets", "provision_items__provisions"
        ),
        pk,
        Action.READ_EHC,
    )
    audit.log(AuditAction.VIEW, user, plan, request=request)
    return render(
        request,
        "statutory/plan_detail.html",
        {
            "plan": plan,
            "pupil": plan.pupil,
            "limits": selectors.plan_limits(plan, timezone.localdate()),
            "reviews": sorted(plan.reviews.all(), key=lambda r: r.meeting_date, reverse=True),
            "versions": selectors.plan_versions(plan),
            "amending": selectors.amending_review(plan),
            "documents": _documents(user, plan=plan),
            "can_record": access.may(user, Action.RECORD_EHC, plan),
            "can_decide": access.may(user, Action.DECIDE_EHC, plan),
            "still_e": plan.cease_date is not None
            and current_provision(plan.pupil) == census.SENProvision.EHC_PLAN.value,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = access.get_for_user(
        request, access.visible_ehc_plans(user, reach="staff"), pk, Action.RECORD_EHC
    )
    form = AnnualReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.annual_review_record(
                plan=plan, by=user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The annual review has been recorded.")
            return redirect("ehc_review", pk=review.pk)
    return render(
        request, "statutory/review_form.html", {"form": form, "plan": plan, "pupil": plan.pupil}
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The SENCo chooses what goes in; the pack comes as a tagged PDF with a contents page, plus
    a zip of the attached documents; either can be sent to the LA with the request."""
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.RECORD_EHC)
    attachments = list(pupil.attachments.order_by("uploaded_at", "pk"))
    form = EvidencePackForm(
        request.POST if request.method == "POST" else None, attachments=attachments
    )
    if request.method == "POST" and form.is_valid():
        pack = evidence.evidence_pack(
            pupil,
            today=timezone.localdate(),
            include=set(form.cleaned_data["sections"]),
            why_left_out=form.cleaned_data["why_left_out"],
            reasons=form.reasons(),
            attachment_ids=form.attachment_ids(),
        )
        action = form.cleaned_data.get("action") or "pdf"
        name = slugify(pupil.full_name) or f"pupil-{pupil.pk}"
        if action == "zip" and not pack.attachments:
            form.add_error("action", "No attached document is chosen: there is nothing to zip.")
        elif action == "zip":
            return _evidence_zip(request, user, pupil, pack, name)
        else:
            return _evidence_pdf(request, user, pupil, pack, name, form, send=action == "send")
    return render(request, "statutory/evidence_form.html", {"form": form, "pupil": pupil})


def _evidence_zip(
    request: HttpRequest, user: User, pupil: Any, pack: Any, name: str
) -> HttpResponse:
    body = documents.attachments_zip(pack.attachments)
    audit.log(
        AuditAction.EXPORT, user, pupil,
        {"format": "zip", "document": "evidence_pack_attachments",
         "attachments": len(pack.attachments)},
        request=request,
    )  # fmt: skip
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}-attached-documents.zip"'
    return response


def _evidence_pdf(
    request: HttpRequest, user: User, pupil: Any, pack: Any, name: str, form: Any, *, send: bool
) -> HttpResponse:
    open_request = None
    if send:
        open_request = (
            access.visible_ehc_requests(user, reach="staff")
            .filter(pupil=pupil)
            .exclude(decision="W")
            .order_by("-received_date", "-pk")
            .first()
        )
        if open_request is None:
            form.add_error(
                "action",
                "Record the request for an EHC needs assessment first: the pack is kept with it.",
            )
            return render(request, "statutory/evidence_form.html", {"form": form, "pupil": pupil})
    body = pdf.render_pdf(
        "statutory/pdf/evidence_pack.html",
        {"pack": pack, "d": pack.data, "pupil": pupil, "school": pupil.school,
         "created": timezone.now()},
    )  # fmt: skip
    if open_request is not None:
        left_out = "; ".join(label for label, _why in pack.left_out) or "nothing"
        documents.evidence_pack_send(
            ehc_request=open_request, body=body, name=f"{name}-evidence-pack.pdf",
            attachments=pack.attachments, note=f"Left out: {left_out}", by=user,
            request=request,
        )  # fmt: skip
        messages.success(request, "The evidence pack has been sent to the local authority.")
        return redirect("ehc_request", pk=open_request.pk)
    audit.log(
        AuditAction.EXPORT,
        user,
        pupil,
        {"format": "pdf", "document": "evidence_pack.html", "sections": pack.included},
        request=request,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-evidence-pack.pdf"'
    return response


def _plan_form(request: HttpRequest, user: User, pupil: Any, ehc: Any) -> HttpResponse:
    post = request.method == "POST"
    form = EHCPlanForm(request.POST if post else None, request.FILES if post else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.ehc_plan_issue(
                pupil=pupil, ehc_request=ehc, by=user, request=request, **form.service_input()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "The EHC plan has been entered; the pupil is on the register as E."
            )
            return redirect("ehc_plan", pk=plan.pk)
    return render(request, "statutory/plan_form.html", {"form": form, "pupil": pupil, "ehc": ehc})


@login_required
@require_http_methods(["GET", "POST"])
def plan_new_for_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan the LA issued on this request: entered by the LA officer or the SENCo."""
    user = _user(request)
    ehc = access.get_for_user(
        request,
        access.visible_ehc_requests(user, reach="staff").select_related("pupil__school"),
        pk,
        Action.RECORD_EHC,
    )
    return _plan_form(request, user, ehc.pupil, ehc)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan issued before sendpath knew of the request (from another LA, or an old one)."""
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.RECORD_EHC)
    return _plan_form(request, user, pupil, None)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A move between phases (reg 18): its amended plan is due by 15 February, or 31 March for
    secondary to post-16."""
    user = _user(request)
    plan = access.get_for_user(
        request, access.visible_ehc_plans(user, reach="staff"), pk, Action.RECORD_EHC
    )
    form = PhaseTransferForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_transfer_record(plan=plan, by=user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The phase transfer has been recorded.")
            return redirect("ehc_plan", pk=plan.pk)
    return render(
        request, "statutory/transfer_form.html", {"form": form, "plan": plan, "pupil": plan.pupil}
    )


def _saved(
    request: HttpRequest, form: Any, write: Any, message: str, to: HttpResponse | None
) -> HttpResponse | None:
    """Bind-validate-write for the small forms below: the service's redirect on success, None
    to show the form again (with the service's field errors)."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return to
    return None


def _review(request: HttpRequest, pk: int, action: Action) -> Any:
    user = _user(request)
    reviews = (
        access.visible_annual_reviews(user, reach="staff")
        .select_related("plan__pupil__school")
        .prefetch_related("invitations")
    )
    return access.get_for_user(request, reviews, pk, action)


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An annual review: who was invited and when, whose advice came and when (reg 20(3)), the
    school's report to the LA, the LA's decision, each with its time limit."""
    user = _user(request)
    review = _review(request, pk, Action.READ_EHC)
    audit.log(AuditAction.VIEW, user, review, request=request, pupil_id=review.plan.pupil_id)
    return render(
        request,
        "statutory/review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "pupil": review.plan.pupil,
            "invitations": list(review.invitations.all()),
            "limits": selectors.review_limits(review, timezone.localdate()),
            "progress": selectors.e_progress(review.plan, up_to=review.meeting_date),
            "documents": _documents(user, review=review),
            "can_record": access.may(user, Action.RECORD_EHC, review),
            "can_decide": access.may(user, Action.DECIDE_EHC, review),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The LA officer records the LA's decision; amend starts the plan's next version."""
    user = _user(request)
    review = _review(request, pk, Action.DECIDE_EHC)
    fields = list(ReviewDecisionForm.base_fields)
    form = ReviewDecisionForm(request.POST or None, initial={f: getattr(review, f) for f in fields})
    done = _saved(
        request,
        form,
        lambda data: services.annual_review_update(review=review, by=user, request=request, **data),
        "The local authority's decision has been recorded.",
        redirect("ehc_review", pk=review.pk),
    )
    return done or render(
        request,
        "statutory/review_decision_form.html",
        {"form": form, "review": review, "pupil": review.plan.pupil},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    review = _review(request, pk, Action.RECORD_EHC)
    form = InvitationForm(request.POST or None)
    done = _saved(
        request,
        form,
        lambda data: services.review_invitation_add(
            review=review, by=user, request=request, **data
        ),
        "The invitation has been recorded.",
        redirect("ehc_review", pk=review.pk),
    )
    return done or render(
        request,
        "statutory/invitation_form.html",
        {"form": form, "review": review, "pupil": review.plan.pupil},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_edit(request: HttpRequest, pk: int, invitation: int) -> HttpResponse:
    """Record the advice received (or correct the invitation)."""
    user = _user(request)
    review = _review(request, pk, Action.RECORD_EHC)
    found = access.get_for_user(request, review.invitations.select_related("review"), invitation)
    fields = list(InvitationForm.base_fields)
    form = InvitationForm(request.POST or None, initial={f: getattr(found, f) for f in fields})
    done = _saved(
        request,
        form,
        lambda data: services.review_invitation_update(
            invitation=found, by=user, request=request, **data
        ),
        "The invitation has been updated.",
        redirect("ehc_review", pk=review.pk),
    )
    return done or render(
        request,
        "statutory/invitation_form.html",
        {"form": form, "review": review, "pupil": review.plan.pupil, "invitation": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_sections(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter or change the current version's sections: from the LA's PDF, or the amendments
    proposed after a decision to amend. Versions an amendment replaced are not editable."""
    user = _user(request)
    plan = access.get_for_user(
        request,
        access.visible_ehc_plans(user, reach="staff").select_related("pupil__school"),
        pk,
        Action.RECORD_EHC,
    )
    form = EHCPlanForm.for_sections(plan, request.POST or None)
    done = _saved(
        request,
        form,
        lambda data: services.ehc_plan_update(
            plan=plan, by=user, request=request, **form.service_input()
        ),
        "The plan's sections have been saved.",
        redirect("ehc_plan", pk=plan.pk),
    )
    return done or render(
        request,
        "statutory/plan_sections_form.html",
        {"form": form, "plan": plan, "pupil": plan.pupil},
    )


def _plan_for(request: HttpRequest, pk: int, action: Action) -> Any:
    user = _user(request)
    return access.get_for_user(
        request,
        access.visible_ehc_plans(user, reach="staff").select_related("pupil__school"),
        pk,
        action,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Link each E outcome to the school's plan targets and each F item to the provision that
    delivers it: what "F is in place" and the annual review's progress towards E read."""
    from provision.models import Provision
    from support.models import Target

    user = _user(request)
    plan = _plan_for(request, pk, Action.RECORD_EHC)
    targets = list(
        Target.objects.filter(plan__cycle__pupil=plan.pupil)
        .select_related("plan__cycle")
        .order_by("-plan__plan_date", "position", "pk")
    )
    provisions = list(
        Provision.objects.filter(enrolments__pupil=plan.pupil)
        .select_related("intervention")
        .distinct()
        .order_by("-start_date", "pk")
    )
    form = PlanLinksForm(plan, targets, provisions, request.POST or None)
    done = _saved(
        request,
        form,
        lambda _data: services.plan_links_set(
            plan=plan, by=user, request=request, **form.service_input()
        ),
        "The links have been saved.",
        redirect("ehc_plan", pk=plan.pk),
    )
    return done or render(
        request,
        "statutory/plan_links_form.html",
        {"form": form, "plan": plan, "pupil": plan.pupil, "targets": targets,
         "provisions": provisions},
    )  # fmt: skip


def _f_context(request: HttpRequest, pk: int, *, export: bool = False) -> dict[str, Any]:
    user = _user(request)
    plan = _plan_for(request, pk, Action.READ_EHC)
    today = timezone.localdate()
    if export:
        audit.log(AuditAction.EXPORT, user, plan, {"format": "pdf", "document": "f_in_place"},
                  request=request)  # fmt: skip
    else:
        audit.log(AuditAction.VIEW, user, plan, {"page": "f_in_place"}, request=request)
    return {
        "plan": plan,
        "pupil": plan.pupil,
        "school": plan.pupil.school,
        "today": today,
        "items": selectors.f_in_place(plan, today),
        "created": timezone.now(),
        "can_record": access.may(user, Action.RECORD_EHC, plan),
    }


@login_required
def f_in_place(request: HttpRequest, pk: int) -> HttpResponse:
    """F is in place: each section F item, the provision that delivers it, and its sessions
    delivered against those planned so far (seed 004: "ensure provisions specified in EHC plans
    are in place")."""
    return render(request, "statutory/f_in_place.html", _f_context(request, pk))


@login_required
def f_in_place_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _f_context(request, pk, export=True)
    body = pdf.render_pdf("statutory/pdf/f_in_place.html", context)
    response = HttpResponse(body, content_type="application/pdf")
    name = slugify(context["pupil"].full_name) or f"pupil-{context['pupil'].pk}"
    response["Content-Disposition"] = f'inline; filename="{name}-section-f-in-place.pdf"'
    return response


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A document kept with the case, for the school and the LA's caseworker; audited."""
    user = _user(request)
    document = access.get_for_user(
        request, access.visible_case_documents(user), pk, Action.READ_EHC
    )
    audit.log(
        AuditAction.EXPORT, user, document, {"kind": document.kind}, request=request,
        pupil_id=document.pupil_id,
    )  # fmt: skip
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep the plan's PDF as the LA issued it (a later version's too)."""
    user = _user(request)
    plan = _plan_for(request, pk, Action.RECORD_EHC)
    post = request.method == "POST"
    form = PlanDocumentForm(request.POST if post else None, request.FILES if post else None)
    done = _saved(
        request,
        form,
        lambda data: documents.plan_document_add(
            plan=plan, upload=data["file"], by=user, request=request
        ),
        "The plan's PDF is kept with the case.",
        redirect("ehc_plan", pk=plan.pk),
    )
    return done or render(
        request,
        "statutory/plan_document_form.html",
        {"form": form, "plan": plan, "pupil": plan.pupil},
    )


def _report_context(review: Any, today: Any) -> dict[str, Any]:
    plan = review.plan
    return {
        "review": review,
        "plan": plan,
        "pupil": plan.pupil,
        "school": plan.pupil.school,
        "invitations": list(review.invitations.all()),
        "progress": selectors.e_progress(plan, up_to=review.meeting_date),
        "items": selectors.f_in_place(plan, review.meeting_date),
        "today": today,
        "created": timezone.now(),
    }


def _report_pdf(review: Any) -> tuple[bytes, str]:
    body = pdf.render_pdf(
        "statutory/pdf/review_report.html", _report_context(review, timezone.localdate())
    )
    pupil = review.plan.pupil
    name = slugify(pupil.full_name) or f"pupil-{pupil.pk}"
    return body, f"{name}-annual-review-{review.meeting_date:%Y-%m-%d}.pdf"


@login_required
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's report of the annual review meeting, as a PDF: the meeting, who was
    invited and whose advice came, progress towards each E outcome, F in place, the
    recommendation."""
    user = _user(request)
    review = _review(request, pk, Action.READ_EHC)
    body, name = _report_pdf(review)
    audit.log(
        AuditAction.EXPORT, user, review, {"format": "pdf", "document": "review_report"},
        request=request, pupil_id=review.plan.pupil_id,
    )  # fmt: skip
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def review_report_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the report to the LA: the PDF is kept with the review (reg 20(7))."""
    user = _user(request)
    review = _review(request, pk, Action.RECORD_EHC)
    if request.method == "POST":
        body, name = _report_pdf(review)
        documents.review_report_send(review=review, body=body, name=name, by=user, request=request)
        messages.success(request, "The report has been sent to the local authority.")
        return redirect("ehc_review", pk=review.pk)
    return render(
        request,
        "statutory/review_send.html",
        {"review": review, "plan": review.plan, "pupil": review.plan.pupil},
    )


@login_required
def la_figures(request: HttpRequest) -> HttpResponse:
    """The LA officer's figures across their LA for a calendar year: requests, decisions in 6
    weeks, plans in 20 weeks (with and without exceptions), annual review decisions in 4 weeks,
    beside England's (the DfE's SEN2 release), in one table and one chart with its data."""
    from statutory import national

    user = _user(request)
    las = access.officer_las(user)
    if not las:
        raise PermissionDenied(REFUSALS[Action.READ_EHC])
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2014), today.year)  # SEN2 began with the 2014 reforms
    mine = selectors.la_figures(las, year)
    england = national.for_year(year)
    rows = [
        {"label": "Requests for an EHC needs assessment received", "count": mine.requests,
         "england": f"{england.requests:,}"},
        {"label": "Decisions whether to assess made within 6 weeks",
         "share": mine.decisions_6_weeks, "england_percent": england.decisions_6_weeks},
        {"label": "EHC plans issued within 20 weeks, including exceptions",
         "share": mine.plans_20_weeks, "england_percent": england.plans_20_weeks},
        {"label": "EHC plans issued within 20 weeks, excluding exceptions",
         "share": mine.plans_20_weeks_ex, "england_percent": england.plans_20_weeks_ex},
        {"label": "Annual review decisions made within 4 weeks of the meeting",
         "share": mine.reviews_4_weeks, "england_percent": england.reviews_4_weeks},
    ]  # fmt: skip
    return render(
        request,
        "statutory/la_figures.html",
        {
            "year": year,
            "years": list(range(today.year, 2018, -1)),
            "rows": rows,
            "chart": rows[1:],
            "england": england,
            "source": national.SOURCE,
            "las": list(LocalAuthority.objects.filter(pk__in=las).order_by("name")),
        },
    )


def _caseworker_page(request: HttpRequest, case: Any, back: HttpResponseRedirect) -> HttpResponse:
    user = _user(request)
    officers = services.la_officers(case.la_id)
    form = CaseworkerForm(
        request.POST or None,
        officers=officers,
        initial={"caseworker": case.caseworker_id or ""},
    )
    done = _saved(
        request,
        form,
        lambda _data: services.caseworker_set(
            case=case, caseworker=form.chosen(), by=user, request=request
        ),
        "The caseworker has been recorded.",
        back,
    )
    return done or render(
        request, "statutory/caseworker_form.html", {"form": form, "case": case,
                                                    "pupil": case.pupil, "back": back.url},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def request_caseworker(request: HttpRequest, pk: int) -> HttpResponse:
    """The LA puts a request (and its plan) in an officer's caseload."""
    user = _user(request)
    ehc = access.get_for_user(
        request,
        access.visible_ehc_requests(user, reach="staff").select_related("pupil__school"),
        pk,
        Action.DECIDE_EHC,
    )
    return _caseworker_page(request, ehc, redirect("ehc_request", pk=ehc.pk))


@login_required
@require_http_methods(["GET", "POST"])
def plan_caseworker(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk, Action.DECIDE_EHC)
    return _caseworker_page(request, plan, redirect("ehc_plan", pk=plan.pk))
