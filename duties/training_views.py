"""Staff SEND training: the records (course or topic, area of need, date, hours, provider,
certificate), the training each intervention needs, provision run by someone untrained for it,
and the training needs view: the school's needs by area against who is trained
(Action.READ_TRAINING / MANAGE_TRAINING)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import access
from access import Action
from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from duties import selectors, services
from duties.forms import RequirementForm, TrainingForm
from duties.models import TrainingCourse, TrainingRecord
from provision.models import Intervention, Provision
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def training(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_TRAINING)
    today = timezone.localdate()
    courses = TrainingCourse.objects.filter(school=school).prefetch_related("required_for")
    return render(
        request,
        "duties/training.html",
        {
            "school": school,
            "records": selectors.training_records(school),
            "needs": selectors.needs_by_area(school, today),
            "courses": courses,
            "untrained": selectors.untrained_provisions(school, today),
            "may_manage": access.may(_user(request), Action.MANAGE_TRAINING, school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_TRAINING)
    staff = selectors.school_staff(school)
    form = TrainingForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.training_record(
                school=school,
                staff=User.objects.get(pk=data["staff"]),
                course_name=data["course_name"],
                area=data["area"],
                completed_on=data["completed_on"],
                hours=data["hours"],
                provider=data["provider"],
                certificate=data["certificate"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The training is recorded.")
            return redirect("duties_training")
    return render(
        request,
        "duties/form_page.html",
        {
            "form": form,
            "caption": school.name,
            "title": "Record SEND training",
            "submit": "Record the training",
            "back": reverse("duties_training"),
            "multipart": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_TRAINING)
    course = access.get_for_user(
        request, TrainingCourse.objects.filter(school=school), pk, Action.MANAGE_TRAINING
    )
    used = Intervention.objects.filter(
        pk__in=Provision.objects.filter(school=school).values("intervention_id")
    ).order_by("name")
    choices = [(i.pk, i.name) for i in used]
    form = RequirementForm(
        request.POST or None,
        choices=choices,
        initial={"interventions": [i.pk for i in course.required_for.all()]},
    )
    if request.method == "POST" and form.is_valid():
        services.course_requirements(
            course=course,
            intervention_ids=[int(i) for i in form.cleaned_data["interventions"]],
            by=_user(request),
            request=request,
        )
        messages.success(request, f"Saved the interventions that need {course.name}.")
        return redirect("duties_training")
    return render(
        request,
        "duties/form_page.html",
        {
            "form": form,
            "caption": school.name,
            "title": f"Who needs “{course.name}”",
            "submit": "Save",
            "back": reverse("duties_training"),
        },
    )


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> FileResponse:
    school = access.current_school_for(request, Action.READ_TRAINING)
    reached = TrainingRecord.objects.filter(course__school=school)
    record = access.get_for_user(request, reached, pk, Action.READ_TRAINING)
    if not record.certificate:
        raise Http404("No certificate was uploaded for this training.")
    audit.log(AuditAction.EXPORT, _user(request), record, {"name": "certificate"}, request=request)
    response = FileResponse(
        record.certificate.open("rb"),
        as_attachment=True,
        filename=record.certificate_name or "certificate",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
