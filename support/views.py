"""Staff pages of the graduated approach: concerns, the cycle (Assess, Plan, Do, Review),
documents and the pupil passport. Views authorise, validate with a form, call one service."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import access
from access import Action
from accounts.models import User
from attainment import selectors as attainment_selectors
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from audit.versions import refuse_stale
from pupils import census
from pupils import services as pupil_services
from pupils.models import Pupil
from support import forms, rules, selectors, services
from support.models import Attachment, Concern, ConcernSource, Cycle, Passport, Plan, Target
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _pupil(request: HttpRequest, pk: int, action: Action = Action.READ) -> Pupil:
    """The pupil if in (staff) reach, else 404; 403 unless the role may do `action`."""
    return access.get_for_user(request, access.visible_pupils(_user(request)), pk, action)


def _cycle(request: HttpRequest, pk: int, action: Action = Action.READ) -> Cycle:
    """The cycle with its record (selectors.cycle_record) if its pupil is in reach (else 404),
    and the role may do `action` (else 403): the reach is part of the one query for the cycle."""
    reached = access.visible_cycles(_user(request), reach="staff")
    return access.get_for_user(request, selectors.cycle_record(reached), pk, action)


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    pupil: Pupil,
    submit: str,
    back: str,
    intro: str = "",
    multipart: bool = False,
    their_changes: list[dict[str, str]] | None = None,
    progress: attainment_selectors.CycleProgress | None = None,
    voices: Any = None,
    target_words: list[tuple[int, str]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": title,
            "pupil": pupil,
            "submit": submit,
            "back": back,
            "intro": intro,
            "multipart": multipart,
            "their_changes": their_changes or [],
            "progress": progress,
            "voices": voices,
            "target_words": target_words or [],
        },
    )


# --- concerns ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, Action.CONTRIBUTE)
    form = forms.ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_raise(
                pupil=pupil, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "The concern has been recorded. The SENCo will decide what happens next."
            )
            return redirect("pupil_detail", pk=pupil.pk)
    return _form_page(
        request,
        form,
        title="Raise a concern",
        pupil=pupil,
        submit="Record the concern",
        back=f"/staff/pupils/{pupil.pk}/",
        intro="Describe what you have seen. Slow progress on its own does not mean a pupil has SEN: the SENCo will look at other factors too.",
    )


@login_required
@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    """The SENCo's list of concerns waiting for a decision at their school, with who raised
    each (a parent's from the family area shows as raised by a parent), the newest first."""
    school = access.current_school_for(request, Action.RUN_CYCLE)
    concerns = (
        access.visible_concerns(_user(request))
        .filter(pupil__school=school, outcome="")
        .select_related("pupil")
        .order_by("-raised_on", "-pk")
    )
    source = request.GET.get("source", "")
    if source in ConcernSource.values:
        concerns = concerns.filter(source=source)
    shown = list(concerns)
    reads.log_read(request, _user(request), shown)
    return render(
        request,
        "support/concern_list.html",
        {"concerns": shown, "sources": ConcernSource.choices, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_decide(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(Concern, pk=pk)
    pupil = _pupil(request, concern.pupil_id, Action.RUN_CYCLE)
    form = forms.ConcernDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_decide(
                concern=concern, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Decision recorded: {concern.get_outcome_display().lower()}."
            )
            current = pupil.cycles.filter(closed_on__isnull=True).first()
            if concern.outcome == "assess" and current is not None:
                return redirect("cycle_detail", pk=current.pk)
            return redirect("pupil_detail", pk=pupil.pk)
    return render(
        request, "support/concern_decide.html", {"form": form, "concern": concern, "pupil": pupil}
    )


# --- the cycle --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cycle_open(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, Action.RUN_CYCLE)
    form = forms.CycleOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(
                pupil=pupil,
                opened_on=form.cleaned_data["opened_on"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Cycle {cycle.number} has started. Begin with the assessment: gather everyone's views.",
            )
            return redirect("cycle_detail", pk=cycle.pk)
    return _form_page(
        request,
        form,
        title="Start a new cycle",
        pupil=pupil,
        submit="Start the cycle",
        back=f"/staff/pupils/{pupil.pk}/",
        intro="A cycle is Assess, Plan, Do, Review — usually a term long.",
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    user = _user(request)
    audit.log(AuditAction.VIEW, user, cycle, request=request, pupil_id=cycle.pupil_id)
    plan = selectors.plan_of(cycle)
    review = selectors.review_of(cycle)
    school = cycle.pupil.school
    can_run = access.may(user, Action.RUN_CYCLE, school) and not cycle.is_locked
    return render(
        request,
        "support/cycle_detail.html",
        {
            "cycle": cycle,
            "pupil": cycle.pupil,
            "plan": plan,
            "review": review,
            "targets": selectors.targets_with_warnings(plan),
            "ratings": {r.target_id: r for r in review.ratings.all()} if review else {},
            "can_run": can_run,
            "is_senco": access.may(user, Action.RUN_CYCLE, school),
            "can_contribute": access.may(user, Action.CONTRIBUTE, school) and not cycle.is_locked,
            "target_form": forms.TargetForm() if can_run and plan else None,
            "note_form": forms.DoNoteForm()
            if access.may(user, Action.CONTRIBUTE, school) and not cycle.is_locked
            else None,
            "rating_labels": rules.RATING_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def view_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Action.CONTRIBUTE)
    form = forms.AssessmentViewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_view_add(
                cycle=cycle, data=form.cleaned_data, by=_user(request), request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The view has been added to the assessment.")
            return redirect("cycle_detail", pk=cycle.pk)
    return _form_page(
        request,
        form,
        title=f"Add a view to cycle {cycle.number}",
        pupil=cycle.pupil,
        submit="Add the view",
        back=f"/staff/cycles/{cycle.pk}/",
        intro="Views from the teacher, the parents, the pupil, the TA and any specialist. No diagnosis is needed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Action.RUN_CYCLE)
    plan = selectors.plan_of(cycle)
    initial: dict[str, Any] = {"version": 0}  # 0: the form was loaded with no plan yet
    if plan is not None:
        initial = {f: getattr(plan, f) for f in services.PLAN_FIELDS} | {"version": plan.version}
    form = forms.PlanForm(request.POST or None, initial=initial)
    their_changes: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if not data.get("review_date"):
            data.pop("review_date", None)
        try:
            services.plan_save(
                cycle=cycle,
                data=services.plan_input(data),
                by=_user(request),
                version=version,
                request=request,
            )
        except ValidationError as exc:
            their_changes = refuse_stale(form, exc, selectors.plan_of(cycle), services.PLAN_FIELDS)
        else:
            messages.success(request, "The plan has been saved. Add its SMART targets below.")
            return redirect("cycle_detail", pk=cycle.pk)
    return _form_page(
        request,
        form,
        title=f"Plan for cycle {cycle.number}",
        pupil=cycle.pupil,
        submit="Save the plan",
        back=f"/staff/cycles/{cycle.pk}/",
        intro="Agree the outcomes with the parents and the pupil. Every adult who works with the pupil will see this plan.",
        their_changes=their_changes,
    )


@login_required
@require_POST
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a target; with htmx, answer with the targets list (and the form, with its errors)."""
    cycle = _cycle(request, pk, Action.RUN_CYCLE)
    plan = selectors.plan_of(cycle)
    if plan is None:
        raise PermissionDenied("Write the plan before its targets.")
    form = forms.TargetForm(request.POST)
    added = None
    if form.is_valid():
        try:
            added = services.target_add(
                plan=plan, data=form.cleaned_data, by=_user(request), request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if added is not None:
        form = forms.TargetForm()
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, "The target has been added.")
            return redirect("cycle_detail", pk=cycle.pk)
    plan = Plan.objects.prefetch_related("targets__provisions").get(
        pk=plan.pk
    )  # the prefetched targets are stale now
    context = {
        "cycle": cycle,
        "plan": plan,
        "targets": selectors.targets_with_warnings(plan),
        "target_form": form,
        "can_run": True,
        "added": added,
        "oob": bool(request.htmx),  # type: ignore[attr-defined]  # the live count in "Plan"
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "support/cycle_detail.html#targets", context)
    return render(
        request, "support/target_errors.html", context | {"pupil": cycle.pupil}, status=200
    )


@login_required
@require_POST
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target.objects.select_related("plan__cycle"), pk=pk)
    cycle = _cycle(request, target.plan.cycle_id, Action.RUN_CYCLE)
    try:
        services.target_remove(target=target, by=_user(request), request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The target has been removed.")
    return redirect("cycle_detail", pk=cycle.pk)


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Action.CONTRIBUTE)
    form = forms.DoNoteForm(request.POST)
    if form.is_valid():
        try:
            services.do_note_add(
                cycle=cycle, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = forms.DoNoteForm()
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, "The note has been added.")
                return redirect("cycle_detail", pk=cycle.pk)
    cycle = selectors.cycle_record(Cycle.objects.filter(pk=cycle.pk)).get()
    context = {"cycle": cycle, "pupil": cycle.pupil, "note_form": form, "can_contribute": True}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "support/cycle_detail.html#notes", context)
    return _form_page(
        request,
        form,
        title="Add a note",
        pupil=cycle.pupil,
        submit="Add the note",
        back=f"/staff/cycles/{cycle.pk}/",
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(
    request: HttpRequest,
    pk: int,
    evidence: Callable[[Cycle, list[Target]], Mapping[int, str]] | None = None,
) -> HttpResponse:
    """The review form. `evidence`, given by the page above support that serves this URL
    (records.review_views), renders the provision evidence beside each target."""
    cycle = _cycle(request, pk, Action.RUN_CYCLE)
    plan = selectors.plan_of(cycle)
    if cycle.is_locked:
        messages.error(
            request,
            f"Cycle {cycle.number} has already been reviewed. Use an amendment to correct it.",
        )
        return redirect("cycle_detail", pk=cycle.pk)
    if plan is None:
        messages.error(request, "There is no plan to review yet: write the plan first.")
        return redirect("cycle_detail", pk=cycle.pk)
    targets = list(plan.targets.select_related("pupil_words"))
    form = forms.ReviewForm(
        request.POST or None,
        targets=targets,
        evidence=evidence(cycle, targets) if evidence else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, next_cycle = services.review_complete(
                cycle=cycle,
                data=form.review_data(),
                ratings=form.ratings(),
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if next_cycle is not None:
                messages.success(
                    request,
                    f"The review is complete and cycle {cycle.number} is locked. Cycle {next_cycle.number} "
                    "has started with the targets not yet met carried forward.",
                )
                return redirect("cycle_detail", pk=next_cycle.pk)
            messages.success(request, f"The review is complete and cycle {cycle.number} is locked.")
            return redirect("cycle_detail", pk=cycle.pk)
    return _form_page(
        request,
        form,
        title=f"Review of cycle {cycle.number}",
        pupil=cycle.pupil,
        submit="Complete the review",
        back=f"/staff/cycles/{cycle.pk}/",
        intro="Review with the parents and the pupil. Completing the review locks this cycle and starts the next.",
        progress=_cycle_progress(cycle),
        # The child's views from the family area and their targets in their own words, as said.
        voices=list(cycle.pupil_voices.all()),
        target_words=[
            (t.position, words.words)
            for t in targets
            if (words := getattr(t, "pupil_words", None)) is not None
        ],
    )


def _cycle_progress(cycle: Cycle) -> attainment_selectors.CycleProgress:
    """The assessment data over this cycle and the one before (attainment), for the review."""
    today = timezone.localdate()
    earlier = cycle.pupil.cycles.filter(number__lt=cycle.number).order_by("-number").first()
    periods = [(cycle.opened_on, today)]
    if earlier is not None:
        periods.insert(0, (earlier.opened_on, earlier.closed_on or cycle.opened_on))
    return attainment_selectors.cycle_progress(cycle.pupil_id, cycle.pupil.school_id, periods)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Action.RUN_CYCLE)
    form = forms.AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        what, field = form.cleaned_data["field"].split(":")
        try:
            services.cycle_amend(
                cycle=cycle,
                what=what,
                changes={field: form.cleaned_data["value"]},
                reason=form.cleaned_data["reason"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The amendment has been recorded with its reason.")
            return redirect("cycle_detail", pk=cycle.pk)
    return _form_page(
        request,
        form,
        title=f"Amend cycle {cycle.number}",
        pupil=cycle.pupil,
        submit="Record the amendment",
        back=f"/staff/cycles/{cycle.pk}/",
        intro="This cycle has been reviewed and is locked. A correction is kept with its reason, who made it and when.",
    )


# --- documents --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, Action.CONTRIBUTE)
    cycle = pupil.cycles.filter(closed_on__isnull=True).first()
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                pupil=pupil,
                cycle=cycle,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The document has been added.")
            return redirect(f"/staff/cycles/{cycle.pk}/" if cycle else f"/staff/pupils/{pupil.pk}/")
    return _form_page(
        request,
        form,
        title="Add a document",
        pupil=pupil,
        submit="Upload",
        back=f"/staff/pupils/{pupil.pk}/",
        intro="Reports, assessments and work samples. Documents are only shown to people who work with the pupil.",
        multipart=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def specialist_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a specialist's involvement (the SENCo, who runs the cycle)."""
    pupil = _pupil(request, pk, Action.RUN_CYCLE)
    targets = selectors.pupil_targets(pupil)
    form = forms.SpecialistInvolvementForm(
        request.POST or None, request.FILES or None, targets=targets
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.specialist_involvement_add(
                pupil=pupil,
                data=data,
                targets=list(data["targets"]),
                advice=data.get("advice"),
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The specialist's involvement has been recorded.")
            return redirect(f"/staff/pupils/{pupil.pk}/#specialists")
    return _form_page(
        request,
        form,
        title="Record a specialist's involvement",
        pupil=pupil,
        submit="Record the involvement",
        back=f"/staff/pupils/{pupil.pk}/",
        intro="An educational psychologist, a speech and language therapist, an outreach "
        "teacher, CAMHS, an occupational therapist or another specialist. Enter the real dates: "
        "the compliance page counts the involvement from the day the school asked.",
        multipart=True,
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    _pupil(request, attachment.pupil_id)
    audit.log(
        AuditAction.EXPORT,
        _user(request),
        attachment,
        {"name": attachment.original_name},
        request=request,
    )
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- passport ---------------------------------------------------------------------------------


@login_required
def passport(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    record = Passport.objects.filter(pupil=pupil).select_related("updated_by").first()
    audit.log(
        AuditAction.VIEW,
        _user(request),
        record or pupil,
        {"page": "passport"},
        request=request,
        pupil_id=pupil.pk,
    )
    plan = None
    current = pupil.cycles.filter(closed_on__isnull=True).select_related("plan").first()
    if current is not None:
        plan = selectors.plan_of(current)
    return render(
        request,
        "support/passport.html",
        {
            "pupil": pupil,
            "passport": record,
            "plan": plan,
            "targets": list(plan.targets.all()) if plan else [],
            "needs": list(pupil.needs.filter(end_date__isnull=True).order_by("rank")),
            "can_edit": access.may(_user(request), Action.RUN_CYCLE, pupil.school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def passport_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk, Action.RUN_CYCLE)
    record = Passport.objects.filter(pupil=pupil).first()
    initial = (
        {f: getattr(record, f) for f in services.PASSPORT_FIELDS} | {"version": record.version}
        if record
        else {"version": 0}  # 0: the form was loaded with no passport yet
    )
    form = forms.PassportForm(request.POST or None, initial=initial)
    their_changes: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.passport_save(
                pupil=pupil,
                data=services.passport_input(data),
                by=_user(request),
                version=version,
                request=request,
            )
        except ValidationError as exc:
            their_changes = refuse_stale(
                form,
                exc,
                Passport.objects.filter(pupil=pupil).first(),
                services.PASSPORT_FIELDS,
            )
        else:
            messages.success(request, "The passport has been saved.")
            return redirect("passport", pk=pupil.pk)
    return _form_page(
        request,
        form,
        title=f"Passport for {pupil.full_name}",
        pupil=pupil,
        submit="Save the passport",
        back=f"/staff/pupils/{pupil.pk}/passport/",
        intro="Write it with the pupil and the parents, in the pupil's own words where you can.",
        their_changes=their_changes,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 of a register decision: the decision itself, and for a removal the closing note
    of the open cycle and what happens to the needs. Step 2 records telling the parents.
    Here, not in pupils, because a removal closes the cycle (support.services.register_decide)."""
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.CHANGE_REGISTER)
    current = pupil_services.current_provision(pupil)
    open_needs = list(pupil.needs.filter(end_date__isnull=True))
    cycle = pupil.cycles.filter(closed_on__isnull=True).first()
    form = forms.RegisterDecisionForm(
        request.POST or None,
        current=current,
        needs_primary=not any(n.rank == 1 for n in open_needs),
        open_cycle=cycle is not None,
        open_needs=bool(open_needs),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.register_decide(
                pupil=pupil,
                provision=data["provision"],
                start_date=data["start_date"],
                reason=data["reason"],
                need_type=data.get("need_type") or "",
                closing_note=data.get("closing_note") or "",
                needs=data.get("needs") or services.NeedsOnRemoval.END,
                by=user,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            label = census.SEN_PROVISION_LABELS[entry.provision]
            messages.success(
                request,
                f"{pupil.full_name}: {label} from {entry.start_date:%-d %B %Y}. "
                "Now record how the parents were told.",
            )
            return redirect("parents_informed", pk=pupil.pk, entry_pk=entry.pk)
    return render(
        request,
        "support/register_change.html",
        {
            "form": form,
            "pupil": pupil,
            "current_label": census.SEN_PROVISION_LABELS[current],
            "cycle": cycle,
            "open_needs": open_needs,
        },
    )
