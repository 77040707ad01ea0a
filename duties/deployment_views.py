"""Teaching assistant deployment: who supports which pupils, in class and in interventions, for
how many hours a week, with the cost and the impact of the interventions they deliver
(Action.READ_TA_DEPLOYMENT: the SENCo and senior leaders). It names pupils: the read is audited."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

import access
from access import Action
from audit import reads
from duties import selectors


@login_required
@require_GET
def ta_deployment(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_TA_DEPLOYMENT)
    deployments = selectors.ta_deployment(school, timezone.localdate())
    ids = [a.pupil_id for d in deployments for a in d.in_class]
    reads.log_pupils(request, request.user, ids, what="TA deployment")
    return render(
        request, "duties/ta_deployment.html", {"school": school, "deployments": deployments}
    )
