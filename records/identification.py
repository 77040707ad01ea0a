"""Pupils to look at (issue 18): pupils not on the SEN register whose progress meets one of the
Code's four criteria, grouped by class, with the context to consider first (seed 000: EAL,
attendance, a recent arrival, FSM, being looked after, a concern already raised). It composes
attainment's flags with support's concerns, so it lives here. One click raises a concern with the
flag's evidence; setting a flag aside asks for a reason, which is kept."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

import access
from access import Action
from accounts import schooldates
from accounts.models import Role, User
from attainment import selectors as attainment_selectors
from attainment import services as attainment_services
from attainment.criteria import CRITERIA_LABELS
from attainment.models import Subject
from audit import reads
from pupils import census
from pupils.models import Pupil, RegisterEntry, TeachingGroup
from support import services as support_services
from support.models import Concern

RECENT_ARRIVAL = timedelta(days=365)
LOW_ATTENDANCE = 90


@dataclass
class PupilToLookAt:
    pupil: Pupil
    flags: list[attainment_selectors.Flag]
    context: list[str] = field(default_factory=list)
    concern: Concern | None = None


def _context(pupil: Pupil, concern: Concern | None, today: date) -> list[str]:
    out = []
    if pupil.eal:
        out.append("English as an additional language")
    if pupil.attendance_percent is not None and pupil.attendance_percent < LOW_ATTENDANCE:
        out.append(f"Attendance {pupil.attendance_percent:.0f}%")
    if pupil.admission_date and today - pupil.admission_date < RECENT_ARRIVAL:
        out.append(f"Arrived {pupil.admission_date:%B %Y}")
    if pupil.fsm:
        out.append("Free school meals")
    if pupil.looked_after:
        out.append("Looked after")
    if concern is not None:
        out.append(f"Concern raised {concern.raised_on:%d %B %Y}")
    return out


def pupils_to_look_at(user: User, school_id: int, today: date) -> dict[str, list[PupilToLookAt]]:
    """The flagged pupils not on the register that `user` reaches, by class name."""
    flags = attainment_selectors.school_flags(school_id, today)
    by_pupil: dict[int, list[attainment_selectors.Flag]] = defaultdict(list)
    for flag in flags:
        by_pupil[flag.pupil_id].append(flag)
    on_register = RegisterEntry.objects.filter(
        pupil_id__in=list(by_pupil), end_date__isnull=True, provision__in=census.ON_REGISTER
    ).values_list("pupil_id", flat=True)
    pupils = (
        Pupil.objects.filter(access.pupil_reach(user, reach="staff", today=today))
        .filter(school_id=school_id, pk__in=list(by_pupil))
        .exclude(pk__in=list(on_register))
        .order_by("legal_surname", "legal_forename")
    )
    listed = list(pupils)
    ids = [p.pk for p in listed]
    concerns: dict[int, Concern] = {}
    for concern in Concern.objects.filter(pupil_id__in=ids).order_by("raised_on", "pk"):
        concerns[concern.pupil_id] = concern  # the latest
    classes = dict(
        TeachingGroup.objects.filter(
            school_id=school_id,
            kind="class",
            school_year__start_year=schooldates.school_year_start(today),
            pupils__in=ids,
        ).values_list("pupils", "name")
    )
    grouped: dict[str, list[PupilToLookAt]] = defaultdict(list)
    for pupil in listed:
        latest = concerns.get(pupil.pk)
        item = PupilToLookAt(pupil, by_pupil[pupil.pk], _context(pupil, latest, today), latest)
        grouped[classes.get(pupil.pk, "No class this year")].append(item)
    return dict(sorted(grouped.items()))


@login_required
def look_at(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_PROGRESS_FLAGS)
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    groups = pupils_to_look_at(user, school.pk, today)
    reads.log_pupils(
        request, user, [i.pupil.pk for items in groups.values() for i in items],
        what="pupils to look at",
    )  # fmt: skip
    return render(
        request,
        "records/pupils_to_look_at.html",
        {
            "school": school,
            "groups": groups,
            "today": today,
            "labels": CRITERIA_LABELS,
            "may_raise": access.has_role(user, school, frozenset({Role.SENCO, Role.TEACHER})),
            "may_set_up": access.may(user, Action.SET_IDENTIFICATION, school),
        },
    )


def _flag_of(request: HttpRequest, pupil_pk: int, subject_pk: int | None, action: Action):
    """The pupil (within reach, 404; the action, 403) and their current flags."""
    pupil = access.get_for_user(request, access.visible_pupils(request.user), pupil_pk)  # type: ignore[arg-type]
    if not access.may(request.user, action, pupil):  # type: ignore[arg-type]
        raise PermissionDenied(access.actions.REFUSALS[action])
    flags = [
        f
        for f in attainment_selectors.school_flags(pupil.school_id, timezone.localdate())
        if f.pupil_id == pupil.pk and (subject_pk is None or f.subject_id == subject_pk)
    ]
    if not flags:
        raise Http404("This pupil has no such flag now.")
    return pupil, flags


def evidence_of(flags: list[attainment_selectors.Flag]) -> str:
    lines = []
    for f in flags:
        criteria = "; ".join(CRITERIA_LABELS[c] for c in f.criteria)
        lines.append(f"{f.explanation} (Code of Practice 6.17: {criteria.lower()}.)")
    return "\n".join(lines)


@login_required
@require_POST
def raise_concern(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a concern about the pupil's progress, the flags' words and numbers attached."""
    pupil, flags = _flag_of(request, pk, None, Action.CONTRIBUTE)
    user: User = request.user  # type: ignore[assignment]
    source = (
        "senco" if access.has_role(user, pupil.school_id, frozenset({Role.SENCO})) else "teacher"
    )
    subjects = ", ".join(sorted({f.subject for f in flags}))
    support_services.concern_raise(
        pupil=pupil,
        source=source,
        raised_on=timezone.localdate(),
        area="unsure",
        what_was_seen=f"Progress in {subjects} meets the Code's criteria for a closer look "
        "(the assessment data below).",
        evidence=evidence_of(flags),
        by=user,
        request=request,
    )
    messages.success(
        request, f"A concern about {pupil.full_name} has been raised with the evidence."
    )
    return redirect("pupils_to_look_at")


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why is this flag being set aside?",
        help_text="For example: the pupil was ill for the assessment. The reason is kept; the flag "
        "comes back if the next assessment shows the same.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dismiss(request: HttpRequest, pk: int, subject_pk: int) -> HttpResponse:
    pupil, flags = _flag_of(request, pk, subject_pk, Action.DISMISS_FLAG)
    flag = flags[0]
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attainment_services.flag_dismiss(
                pupil=pupil,
                subject=Subject.objects.get(pk=flag.subject_id),
                criteria=flag.criteria,
                latest_point_on=flag.result.latest or timezone.localdate(),
                reason=form.cleaned_data["reason"],
                today=timezone.localdate(),
                by=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
        else:
            messages.success(request, f"The {flag.subject} flag of {pupil.full_name} is set aside.")
            return redirect("pupils_to_look_at")
    return render(
        request, "records/flag_dismiss.html", {"pupil": pupil, "flag": flag, "form": form}
    )
