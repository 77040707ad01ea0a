"""Staff pages of the provision map: the intervention library, staff roles and costs, provisions,
enrolments, the session register and entry/exit data. Views authorise, validate with a form,
call one service, render.

Reading: the SENCo, senior leaders and administrators see every provision of the school; teachers
and TAs those they deliver or that include a pupil they reach; roles that see no named pupils
(SEN governor, DPO) are refused (403) and read the aggregate reports instead. A provision of a
school where the user has no staff role, or one outside a teacher's or TA's reach, is a 404.
Writing: the SENCo runs the map; the adult who delivers a provision (and the SENCo) keeps its
session register and entry and exit data (the access package).
"""

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import access
from access import Action
from accounts.models import Membership, School, User
from accounts.selectors import closed_because
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from audit.versions import refuse_stale
from provision import costing, forms, selectors, services
from provision.models import Enrolment, Intervention, MeasureKind, Provision, Session
from pupils.models import Pupil
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    caption: str,
    submit: str,
    back: str,
    intro: str = "",
    their_changes: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "provision/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "submit": submit,
            "back": back,
            "intro": intro,
            "their_changes": their_changes or [],
        },
    )


# --- the intervention library -----------------------------------------------------------------


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """The built-in catalogue and the school's own interventions, filtered by area (htmx)."""
    school = access.current_school_for(request, Action.USE_STAFF_AREA)
    form = forms.AreaFilterForm(request.GET or None)
    area = form.cleaned_data["area"] if form.is_valid() else ""
    context = {
        "school": school,
        "form": form,
        "interventions": list(selectors.library(school, area)),
        "can_manage": access.may(_user(request), Action.MANAGE_PROVISION, school),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "provision/library.html#results", context)
    return render(request, "provision/library.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_add(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    form = forms.InterventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.intervention_add(
                school=school, data=form.cleaned_data, by=_user(request), request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"‘{intervention.name}’ has been added to your library.")
            return redirect("provision_library")
    return _form_page(
        request,
        form,
        title="Add an intervention",
        caption=school.name,
        submit="Add to the library",
        back=reverse("provision_library"),
        intro="Add an intervention your school runs that is not in the built-in catalogue.",
    )


# --- staff roles and costs --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_roles(request: HttpRequest) -> HttpResponse:
    """The school's staff roles and hourly costs; the SENCo adds one with the form below."""
    school = access.current_school_for(request, Action.READ_COSTS)
    can_manage = access.may(_user(request), Action.MANAGE_PROVISION, school)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("The SENCo sets the staff costs.")
    form = forms.StaffRoleForm(request.POST or None) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            role = services.staff_role_save(
                school=school, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved: {role.name} at £{role.hourly_cost} an hour.")
            return redirect("provision_staff_roles")
    return render(
        request,
        "provision/staff_roles.html",
        {
            "school": school,
            "roles": list(selectors.staff_roles(school)),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    role = access.get_for_user(
        request, access.visible_staff_roles(_user(request)).filter(school=school), pk
    )
    initial = {"name": role.name, "kind": role.kind, "hourly_cost": role.hourly_cost}
    form = forms.StaffRoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_role_save(
                school=school, role=role, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The role has been changed.")
            return redirect("provision_staff_roles")
    return _form_page(
        request,
        form,
        title=f"Change {role.name}",
        caption=school.name,
        submit="Save the role",
        back=reverse("provision_staff_roles"),
        intro="A new hourly cost changes the cost of every session delivered in this role, past ones included.",
    )


# --- provisions -------------------------------------------------------------------------------


# What the page above provision that serves these URLs (records.provision_views) says of the
# school's provisions beside their fidelity: {provision id: a flag, e.g. run by someone untrained}.
Flags = Callable[[School], Mapping[int, Any]]


@login_required
@require_GET
def provision_list(request: HttpRequest, flags: Flags | None = None) -> HttpResponse:
    """Current (running or about to start) or past provisions, each with its fidelity and any
    flag `flags` gives."""
    school = access.current_school_for(request, Action.READ_NAMED)
    user = _user(request)
    show = "past" if request.GET.get("show") == "past" else "current"
    rows = list(
        selectors.current_or_past(
            selectors.provision_list(access.visible_provisions(user, school)), show
        )
    )
    figures = selectors.provision_figures(rows)
    flagged = flags(school) if flags is not None else {}
    return render(
        request,
        "provision/list.html",
        {
            "school": school,
            "show": show,
            "rows": [
                {
                    "p": p,
                    "f": figures[p.pk],
                    "days": selectors.days_label(p.weekdays),
                    "flag": flagged.get(p.pk),
                }
                for p in rows
            ],
            "can_manage": access.may(user, Action.MANAGE_PROVISION, school),
            "can_read_costs": access.may(user, Action.READ_COSTS, school),
            "whole_school": access.has_role(user, school, access.WHOLE_SCHOOL_ROLES),
        },
    )


def _provision_form(
    request: HttpRequest, school: School, *, provision: Provision | None = None
) -> forms.ProvisionForm:
    staff = User.objects.filter(
        pk__in=Membership.objects.filter(school=school, role__in=access.DELIVERING_ROLES).values(
            "user_id"
        ),
        is_active=True,
    ).order_by("first_name", "last_name", "username")
    initial: dict[str, Any] = {}
    if provision is not None:
        initial = {k: getattr(provision, k) for k in services.PROVISION_FIELDS}
        initial |= {"intervention": provision.intervention, "targets": provision.targets.all()}
        initial["version"] = provision.version
    else:
        chosen = request.GET.get("intervention", "")
        initial["intervention"] = chosen if chosen.isdigit() else None
    return forms.ProvisionForm(
        request.POST or None,
        initial=initial,
        interventions=selectors.library(school),
        staff=staff,
        roles=selectors.staff_roles(school),
        targets=selectors.linkable_targets(provision) if provision is not None else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def provision_create(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    form = _provision_form(request, school)
    if request.method == "POST" and form.is_valid():
        try:
            provision = services.provision_create(
                school=school,
                intervention=form.cleaned_data["intervention"],
                data=form.service_data(),
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{provision.name} has been set up. Now add its pupils.")
            return redirect("provision_detail", pk=provision.pk)
    if not selectors.staff_roles(school).exists():
        messages.error(request, "Add your staff roles and their hourly costs first.")
    return _form_page(
        request,
        form,
        title="Set up a provision",
        caption=school.name,
        submit="Set up the provision",
        back=reverse("provision_list"),
        intro="An intervention delivered to a group or one pupil, by named staff, on set days.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def provision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provision = access.get_provision_for_user(request, pk, Action.MANAGE_PROVISION)
    form = _provision_form(request, provision.school, provision=provision)
    their_changes: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data() | {"intervention": form.cleaned_data["intervention"]}
        try:
            services.provision_update(
                provision=provision,
                data=data,
                version=form.cleaned_data["version"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            their_changes = refuse_stale(
                form, exc, Provision.objects.get(pk=provision.pk), services.PROVISION_FIELDS
            )
        else:
            messages.success(request, "The provision has been changed.")
            return redirect("provision_detail", pk=provision.pk)
    return _form_page(
        request,
        form,
        title=f"Change {provision.name}",
        caption=provision.school.name,
        submit="Save the changes",
        back=reverse("provision_detail", args=[provision.pk]),
        their_changes=their_changes,
    )


@login_required
@require_GET
def provision_detail(request: HttpRequest, pk: int, flags: Flags | None = None) -> HttpResponse:
    """The provision's page: schedule, delivery and fidelity (with any flag `flags` gives),
    pupils, sessions."""
    access.get_provision_for_user(request, pk, Action.READ)
    provision = selectors.provision_record(pk)
    user = _user(request)
    audit.log(AuditAction.VIEW, user, provision, request=request)
    figures = selectors.provision_figures([provision])[provision.pk]
    named = access.pupils_named_on(user, provision)
    enrolments = list(provision.enrolments.all())
    shown = [e.pupil_id for e in enrolments if e.pupil_id in named]
    reads.log_pupils(request, user, shown, what="provision.Provision")
    return render(
        request,
        "provision/detail.html",
        {
            "provision": provision,
            "f": figures,
            "flag": (flags(provision.school) if flags is not None else {}).get(provision.pk),
            "days": selectors.days_label(provision.weekdays),
            "pupil_rows": [_pupil_row(e) for e in enrolments if e.pupil_id in named],
            "hidden_pupils": sum(1 for e in enrolments if e.pupil_id not in named),
            "sessions": provision.sessions.all(),
            "named": named,
            "targets": [t for t in provision.targets.all() if t.plan.cycle.pupil_id in named],
            "can_manage": access.may(user, Action.MANAGE_PROVISION, provision.school),
            "can_log": access.may(user, Action.LOG_SESSIONS, provision),
            "can_read_costs": access.may(user, Action.READ_COSTS, provision.school),
            "reachable": set(
                access.visible_pupils(user, provision.school).values_list("pk", flat=True)
            )
            & named,
        },
    )


def _pupil_row(enrolment: Enrolment) -> dict[str, Any]:
    """A pupil's line on the provision page: their entry and exit data and the gain."""
    got = {m.kind: m for m in enrolment.measures.all()}
    entry, exit_ = got.get(MeasureKind.ENTRY), got.get(MeasureKind.EXIT)
    gain = None
    if entry is not None and exit_ is not None:
        gain = costing.gain(
            costing.EntryExit(
                enrolment.pupil_id,
                entry.measure_type,
                float(entry.value),
                entry.on,
                float(exit_.value),
                exit_.on,
            )
        )
    return {"e": enrolment, "entry": entry, "exit": exit_, "gain": gain}


# --- enrolments -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    provision = access.get_provision_for_user(request, pk, Action.MANAGE_PROVISION)
    today = timezone.localdate()
    pupils = (
        access.visible_pupils(_user(request), provision.school)
        .exclude(pk__in=provision.enrolments.values("pupil_id"))
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .order_by("legal_surname", "legal_forename")
    )
    form = forms.EnrolForm(request.POST or None, pupils=pupils)
    if not form.is_bound:
        form.initial["start_date"] = min(max(today, provision.start_date), provision.end_date)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol(
                provision=provision, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{enrolment.pupil.full_name} has joined {provision.name}.")
            return redirect("provision_detail", pk=provision.pk)
    return _form_page(
        request,
        form,
        title="Add a pupil",
        caption=provision.name,
        submit="Add the pupil",
        back=reverse("provision_detail", args=[provision.pk]),
        intro=f"{provision.name} runs from {provision.start_date:%-d %B %Y} to {provision.end_date:%-d %B %Y}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_end(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(Enrolment.objects.select_related("pupil"), pk=pk)
    enrolment.provision = access.get_provision_for_user(
        request, enrolment.provision_id, Action.MANAGE_PROVISION
    )
    form = forms.EnrolmentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_end(
                enrolment=enrolment, by=_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{enrolment.pupil.full_name} has left {enrolment.provision.name}."
            )
            return redirect("provision_detail", pk=enrolment.provision_id)
    return _form_page(
        request,
        form,
        title=f"{enrolment.pupil.full_name} leaves the provision",
        caption=enrolment.provision.name,
        submit="Record the last day",
        back=reverse("provision_detail", args=[enrolment.provision_id]),
        intro="Their sessions and entry and exit data are kept.",
    )


# --- the session register ---------------------------------------------------------------------


def _register_day(request: HttpRequest, provision: Provision) -> date:
    """The date asked for, else the last school day up to today, within the provision's dates."""
    asked = forms.parse_day(request.GET.get("on"))
    if asked is None and request.GET.get("on_0"):
        picker = forms.RegisterDateForm(request.GET)
        asked = picker.cleaned_data["on"] if picker.is_valid() else None
    if asked is not None:
        return asked
    day = min(max(timezone.localdate(), provision.start_date), provision.end_date)
    while day.weekday() > 4 and day > provision.start_date:  # at the weekend, Friday's
        day -= timedelta(days=1)
    return day


def _session_initial(session: Session | None, pupils: list[Pupil], minutes: int) -> dict[str, Any]:
    if session is None:
        return {"delivered": "yes", "present": [p.pk for p in pupils], "minutes": minutes}
    return {
        "delivered": "yes" if session.delivered else "no",
        "present": [a.pupil_id for a in session.attendance.all() if a.present],
        "minutes": session.minutes or minutes,
        "missed_reason": session.missed_reason,
        "note": session.note,
        "closed_day_reason": session.closed_day_reason,
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_register(request: HttpRequest, pk: int) -> HttpResponse:
    """One form for one date: did it happen (or why not), minutes, a box per pupil present.
    Saving the same date again replaces that day's record."""
    provision = access.get_provision_for_user(request, pk, Action.LOG_SESSIONS)
    day = _register_day(request, provision)
    pupils = [e.pupil for e in services.enrolled_on(provision, day)]
    session = (
        Session.objects.filter(provision=provision, on=day).prefetch_related("attendance").first()
    )
    closed = closed_because(provision.school_id, day)
    form = forms.SessionForm(
        request.POST or None,
        pupils=pupils,
        closed=closed,
        initial=_session_initial(session, pupils, provision.session_minutes),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.session_record(
                provision=provision,
                on=day,
                by=_user(request),
                request=request,
                **form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, to_page=frozenset({"on"}))
        else:
            messages.success(request, _register_saved(saved, len(pupils)))
            return redirect(
                reverse("provision_register", args=[provision.pk]) + f"?on={day.isoformat()}"
            )
    figures = selectors.provision_figures([provision])[provision.pk]
    reads.log_pupils(request, _user(request), [p.pk for p in pupils], what="provision.Session")
    return render(
        request,
        "provision/register.html",
        {
            "provision": provision,
            "day": day,
            "closed": closed,
            "session": session,
            "form": form,
            "pupils": pupils,
            "f": figures,
            "date_form": forms.RegisterDateForm(initial={"on": day}),
            "to_record": [u for u in reversed(figures.unrecorded) if u != day][:10],
            "recent": Session.objects.filter(provision=provision)
            .prefetch_related("attendance")
            .order_by("-on")[:10],
        },
    )


def _register_saved(session: Session, enrolled: int) -> str:
    when = f"{session.on:%A %-d %B}"
    if not session.delivered:
        return f"Recorded as missed on {when}."
    present = sum(1 for a in session.attendance.all() if a.present)
    return f"Register saved for {when}: {present} of {enrolled} present."


# --- entry and exit data ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def measures(request: HttpRequest, pk: int) -> HttpResponse:
    """A pupil's entry and exit data for a provision: the entry first, then the exit with the
    same measure."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("pupil"), pk=pk)
    enrolment.provision = access.get_provision_for_user(
        request, enrolment.provision_id, Action.LOG_SESSIONS
    )
    recorded = {m.kind: m for m in enrolment.measures.all()}
    entry = recorded.get(MeasureKind.ENTRY)
    kind = MeasureKind.ENTRY if entry is None else MeasureKind.EXIT
    done = MeasureKind.EXIT in recorded
    intervention: Intervention = enrolment.provision.intervention
    initial = (
        {"measure_type": intervention.measure_type}
        if entry is None
        else {"measure_type": entry.measure_type, "name": entry.name}
    )
    form = None if done else forms.MeasureForm(request.POST or None, initial=initial)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.measure_record(
                enrolment=enrolment,
                kind=kind,
                by=_user(request),
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{kind.label} data recorded for {enrolment.pupil.full_name}."
            )
            return redirect("provision_detail", pk=enrolment.provision_id)
    reads.log_pupils(request, _user(request), [enrolment.pupil_id], what="provision.Enrolment")
    return render(
        request,
        "provision/measures.html",
        {
            "enrolment": enrolment,
            "provision": enrolment.provision,
            "pupil": enrolment.pupil,
            "entry": entry,
            "exit": recorded.get(MeasureKind.EXIT),
            "kind": kind,
            "form": form,
        },
    )
