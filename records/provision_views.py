"""The provision list and a provision's page, with provision run by someone untrained for it
flagged beside its fidelity. The pages are provision's; the training an intervention needs and
who has done it are duties' (above provision), so the pages that show both are served from here
(provision's views inside, as records.review_views does for support's review)."""

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import School
from duties import selectors as duties_selectors
from provision import views as provision_views


def _untrained(school: School) -> Mapping[int, duties_selectors.UntrainedProvision]:
    today = timezone.localdate()
    return {u.provision.pk: u for u in duties_selectors.untrained_provisions(school, today)}


def provision_list(request: HttpRequest) -> HttpResponse:
    return provision_views.provision_list(request, flags=_untrained)


def provision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return provision_views.provision_detail(request, pk, flags=_untrained)
