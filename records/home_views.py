"""The school's home with what the apps above pupils add to it: the concerns waiting for the
SENCo's decision (support's), which the home of pupils/ cannot read."""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

import access
from access import Action
from accounts.models import School, User
from audit import reads
from pupils import views as pupil_views


def _panels(request: HttpRequest, school: School) -> list[str]:
    user: User = request.user  # type: ignore[assignment]
    if not access.may(user, Action.CHANGE_REGISTER, school):
        return []
    waiting = list(
        access.visible_concerns(user)
        .filter(pupil__school=school, outcome="")
        .select_related("pupil")
        .order_by("raised_on", "pk")
    )
    reads.log_read(request, user, waiting)
    return [render_to_string("records/_concerns_waiting.html", {"concerns": waiting})]


def school_home(request: HttpRequest) -> HttpResponse:
    return pupil_views.school_home(request, panels=_panels)
