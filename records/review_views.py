"""The review form with the provision evidence beside each target. The form and the review are
support's; the evidence (attendance, fidelity, entry and exit data) is provision's, which sits
above support, so the page that shows both is served from here."""

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from provision import selectors as provision_selectors
from support import views as support_views
from support.models import Cycle, Target


def _evidence(cycle: Cycle, targets: list[Target]) -> Mapping[int, str]:
    found = provision_selectors.target_evidence([t.pk for t in targets], cycle.pupil_id)
    return {
        t.pk: render_to_string(
            "records/_target_evidence.html", {"items": found.get(t.pk, []), "position": t.position}
        )
        for t in targets
    }


def review(request: HttpRequest, pk: int) -> HttpResponse:
    return support_views.review(request, pk, evidence=_evidence)
