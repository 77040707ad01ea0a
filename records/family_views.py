"""Pages for parents and carers: their own children only (issue 17: families as partners).

Every page speaks the parent's language (family.selectors.parent_language): the view activates it
for its response. What the school wrote stays as written, marked as the school's own words.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import access
from access import Action
from accounts.models import School, User
from audit import log as audit
from audit.models import AuditAction
from family import selectors as family_selectors
from family import services as family_services
from family.forms import (
    AcknowledgeForm,
    ConcernForm,
    LanguageForm,
    MessageForm,
    ParentViewsForm,
    PupilVoiceForm,
)
from family.models import Acknowledgement, PupilVoice, ViewsDraft
from family.views import in_parent_language
from provision.models import Enrolment
from pupils import selectors
from pupils.models import Pupil
from support import selectors as support_selectors
from support.models import Cycle, Target
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _family_pupils(request: HttpRequest) -> QuerySet[Pupil]:
    return access.visible_pupils(request.user, reach="family")  # type: ignore[arg-type]


def _pupil(request: HttpRequest, pk: int, action: Action = Action.READ) -> Pupil:
    reached = _family_pupils(request).select_related("school__la")
    return access.get_for_user(request, reached, pk, action)


def _signposting(request: HttpRequest, school: School) -> dict[str, object]:
    """The school's signposting over its LA's; without a link to the SEN information report, the
    one the school published here (duties), at its public address."""
    from duties.models import InformationReport, ReportStatus

    found = family_selectors.signposting(school)
    published = InformationReport.objects.filter(school=school, status=ReportStatus.PUBLISHED)
    if not found["information_report_url"] and published.exists():
        path = reverse("public_information_report", args=[school.urn])
        found["information_report_url"] = request.build_absolute_uri(path)
    return found


def _common(request: HttpRequest, pupil: Pupil) -> dict[str, Any]:
    return {
        "pupil": pupil,
        "key_person": family_selectors.key_person(pupil),
        "signposting": _signposting(request, pupil.school),
    }


@login_required
@in_parent_language
def family_home(request: HttpRequest) -> HttpResponse:
    children = list(
        selectors.with_register_status(_family_pupils(request)).select_related("school__la")
    )
    people = [(child, family_selectors.key_person(child)) for child in children]
    signposting = _signposting(request, children[0].school) if children else None
    return render(
        request,
        "family/home.html",
        {"children": people, "signposting": signposting, "language_form": LanguageForm()},
    )


def _provisions(pupil: Pupil, today: Any) -> list[Enrolment]:
    """What support happens when and with whom: the pupil's enrolments in provision that has
    not ended, with the intervention and the adult."""
    return list(
        Enrolment.objects.filter(pupil=pupil, provision__end_date__gte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("provision__intervention", "provision__staff", "provision__staff_role")
        .order_by("provision__start_date", "pk")
    )


def _targets_with_words(plan: Any) -> list[Target]:
    """The plan's targets, each with `child_words`: the child's own words for it, else those
    for the target it was carried forward from (the same target, still in their words)."""
    if plan is None:
        return []
    targets = list(plan.targets.select_related("pupil_words", "carried_from__pupil_words"))
    for target in targets:
        target.child_words = _child_words(target)  # type: ignore[attr-defined]
    return targets


def _child_words(target: Target | None) -> str:
    seen = 0
    while target is not None and seen < 20:  # a chain of carried targets, never a loop
        words = getattr(target, "pupil_words", None)
        if words is not None:
            return str(words.words)
        target, seen = target.carried_from, seen + 1
    return ""


@login_required
@in_parent_language
def family_pupil(request: HttpRequest, pk: int) -> HttpResponse:
    """The family area for one child: the key person first, then the plan in plain words, the
    support that happens when and with whom, the next review, and past review records."""
    pupil = _pupil(request, pk)
    audit.log(AuditAction.VIEW, request.user, pupil, {"page": "family"}, request=request)
    today = timezone.localdate()
    support = support_selectors.pupil_support(pupil)
    current = support["current_cycle"]
    plan = support["current_plan"]
    entries = list(pupil.register_entries.all())
    now = next((e for e in entries if e.end_date is None), None)
    acknowledged = set(
        Acknowledgement.objects.filter(cycle__pupil=pupil, parent=_user(request)).values_list(
            "cycle_id", "document"
        )
    )
    return render(
        request,
        "family/pupil.html",
        {
            **_common(request, pupil),
            "provision": now.provision if now else "N",
            "open_needs": [n for n in pupil.needs.all() if n.end_date is None],
            "history": entries,
            "support": support,
            "plan": plan,
            "targets": _targets_with_words(plan),
            "enrolments": _provisions(pupil, today),
            "reviews": [c for c in support["cycles"] if c.is_locked and hasattr(c, "review")],
            "plan_acknowledged": current is not None and (current.pk, "plan") in acknowledged,
            "reviews_acknowledged": {c for c, doc in acknowledged if doc == "review"},
            "window": family_selectors.views_window(current, today) if current else None,
            "voices": list(PupilVoice.objects.filter(cycle=current)) if current else [],
        },
    )


def _reviewed_cycle(request: HttpRequest, pupil: Pupil, cycle_pk: int) -> Cycle:
    cycles = access.visible_cycles(request.user, reach="family").filter(  # type: ignore[arg-type]
        pupil=pupil, review__isnull=False
    )
    return access.get_for_user(request, cycles.select_related("review", "plan"), cycle_pk)


@login_required
@in_parent_language
def family_review(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    """A past review record as a page (the PDF beside it)."""
    pupil = _pupil(request, pk)
    cycle = _reviewed_cycle(request, pupil, cycle_pk)
    audit.log(
        AuditAction.VIEW, request.user, cycle.review, {"page": "family_review"}, request=request
    )
    ratings = cycle.review.ratings.select_related("target").order_by("target__position")
    return render(
        request,
        "family/review.html",
        {
            **_common(request, pupil),
            "cycle": cycle,
            "review": cycle.review,
            "ratings": list(ratings),
            "voices": list(PupilVoice.objects.filter(cycle=cycle)),
            "acknowledged": Acknowledgement.objects.filter(
                cycle=cycle, document="review", parent=_user(request)
            ).first(),
        },
    )


@login_required
@require_POST
@in_parent_language
def family_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """The parent confirms they received and read the plan or the review record."""
    pupil = _pupil(request, pk, Action.RESPOND_AS_FAMILY)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        raise Http404(_("There is nothing to confirm."))
    cycles = access.visible_cycles(request.user, reach="family").filter(pupil=pupil)  # type: ignore[arg-type]
    cycle = access.get_for_user(request, cycles, form.cleaned_data["cycle"])
    document = form.cleaned_data["document"]
    try:
        family_services.acknowledge(
            cycle=cycle,
            document=document,
            by=_user(request),
            on=timezone.localdate(),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. We have recorded that you have read it."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("family_pupil", pk=pupil.pk)


def _open_cycle(pupil: Pupil) -> Cycle:
    cycle = pupil.cycles.filter(closed_on__isnull=True).select_related("plan").first()
    if cycle is None:
        raise Http404(_("There is no plan to review at the moment."))
    return cycle


@login_required
@require_http_methods(["GET", "POST"])
@in_parent_language
def family_views(request: HttpRequest, pk: int) -> HttpResponse:
    """A parent's views before the review: open a set number of days before the meeting, with
    a draft to come back to; sent, they join the open cycle's assessment as a parent's view."""
    pupil = _pupil(request, pk)
    cycle = _open_cycle(pupil)
    window = family_selectors.views_window(cycle, timezone.localdate())
    draft = ViewsDraft.objects.filter(cycle=cycle, parent=_user(request)).first()
    sending = request.POST.get("action") != "draft"
    initial = (
        {"views": draft.views, "strengths": draft.strengths, "barriers": draft.barriers}
        if draft
        else None
    )
    form = ParentViewsForm(request.POST or None, initial=initial, sending=sending)
    is_open = window is not None and window.is_open
    if request.method == "POST":
        if not is_open:
            raise Http404(_("Views for this review are not open yet."))
        access.get_for_user(request, _family_pupils(request), pk, Action.RESPOND_AS_FAMILY)
        if form.is_valid():
            user = _user(request)
            if not sending:
                family_services.views_draft_save(
                    cycle=cycle,
                    data=form.cleaned_data,
                    by=user,
                    request=request,  # type: ignore[arg-type]
                )
                messages.success(
                    request, _("Your draft is saved. Nobody at school can see it yet.")
                )
                return redirect("family_views", pk=pupil.pk)
            try:
                family_services.views_send(
                    cycle=cycle,
                    data=form.cleaned_data,
                    by=user,
                    request=request,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Thank you. The school will talk about your views at the review.")
                )
                return redirect("family_pupil", pk=pupil.pk)
    return render(
        request,
        "family/views.html",
        {**_common(request, pupil), "form": form, "cycle": cycle, "window": window, "is_open": is_open,
         "draft": draft},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
@in_parent_language
def family_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared entries of the communication log, and a message to the key person."""
    pupil = _pupil(request, pk)
    entries = access.visible_log_entries(request.user, reach="family").filter(pupil=pupil)  # type: ignore[arg-type]
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        access.get_for_user(request, _family_pupils(request), pk, Action.RESPOND_AS_FAMILY)
        if form.is_valid():
            family_services.family_message_send(
                pupil=pupil,
                text=form.cleaned_data["text"],
                by=_user(request),
                base_url=request.build_absolute_uri("/")[:-1],
                request=request,
            )
            messages.success(request, _("Your message has been sent."))
            return redirect("family_log", pk=pupil.pk)
    audit.log(AuditAction.VIEW, request.user, pupil, {"page": "family_log"}, request=request)
    return render(
        request,
        "family/log.html",
        {
            **_common(request, pupil),
            "entries": list(entries.select_related("in_reply_to")),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@in_parent_language
def family_concern(request: HttpRequest, pk: int) -> HttpResponse:
    """A parent raises a concern: it reaches the SENCo's concerns list as raised by a parent."""
    pupil = _pupil(request, pk)
    form = ConcernForm(request.POST or None)
    if request.method == "POST":
        access.get_for_user(request, _family_pupils(request), pk, Action.RESPOND_AS_FAMILY)
        if form.is_valid():
            try:
                family_services.family_concern_raise(
                    pupil=pupil,
                    by=_user(request),
                    request=request,
                    **form.cleaned_data,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. Your concern has gone to the SENCo, who will contact you."),
                )
                return redirect("family_pupil", pk=pupil.pk)
    return render(request, "family/concern.html", {**_common(request, pupil), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@in_parent_language
def family_voice(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's views, taken with an adult at home: short questions, a feeling scale with
    words, and their targets in their own words."""
    pupil = _pupil(request, pk)
    cycle = _open_cycle(pupil)
    plan = getattr(cycle, "plan", None)
    targets = list(plan.targets.all()) if plan else []
    form = PupilVoiceForm(request.POST or None, targets=targets)
    if request.method == "POST":
        access.get_for_user(request, _family_pupils(request), pk, Action.RESPOND_AS_FAMILY)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("target_")}
            family_services.pupil_voice_record(
                cycle=cycle,
                data=data,
                target_words=form.target_words(),
                by=_user(request),
                request=request,
            )
            messages.success(request, _("Thank you. The school will hear what your child said."))
            return redirect("family_my_targets", pk=pupil.pk)
    return render(
        request, "family/voice.html", {**_common(request, pupil), "form": form, "cycle": cycle}
    )


@login_required
@require_GET
@in_parent_language
def family_my_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """A child-friendly page of "my targets", in the child's words where the plan has them."""
    pupil = _pupil(request, pk)
    support = support_selectors.pupil_support(pupil)
    plan = support["current_plan"]
    audit.log(AuditAction.VIEW, request.user, pupil, {"page": "family_my_targets"}, request=request)
    return render(
        request,
        "family/my_targets.html",
        {**_common(request, pupil), "plan": plan, "targets": _targets_with_words(plan)},
    )


@login_required
@require_POST
def family_language(request: HttpRequest) -> HttpResponse:
    """The parent chooses the family area's language."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        family_services.language_choose(user=request.user, language=form.cleaned_data["language"])  # type: ignore[arg-type]
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("family_home")


@login_required
@in_parent_language
def family_ehc(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the child's EHC needs assessment request and plan stand, in plain English: the
    dates the law gives, and what happens next. The parents' own child only."""
    from statutory import selectors as ehc_selectors

    user = request.user
    pupil = _pupil(request, pk)
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
            **_common(request, pupil),
            "today": today,
            "requests": [
                (r, ehc_selectors.request_stage(r), ehc_selectors.request_limits(r, today))
                for r in found["requests"]
            ],
            "plans": [(p, ehc_selectors.family_plan(p, today)) for p in found["plans"]],
        },
    )


# ---- the parents' PDFs: support's documents with the signposting at their foot ------------------


def _family_pdf(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    from support import pdf_views

    cycles = access.visible_cycles(request.user, reach="family").select_related("pupil__school")  # type: ignore[arg-type]
    school = cycles.filter(pk=pk).values_list("pupil__school", flat=True).first()
    extra: dict[str, Any] = {}
    if school is not None:
        extra["signposting"] = _signposting(
            request, School.objects.select_related("la").get(pk=school)
        )
    render_document = pdf_views.plan_document if which == "plan" else pdf_views.review_document
    return render_document(request, pk, family=True, extra=extra)


@never_cache
@login_required
@require_GET
@in_parent_language
def family_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _family_pdf(request, pk, "plan")


@never_cache
@login_required
@require_GET
@in_parent_language
def family_review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _family_pdf(request, pk, "review")
