"""The LA's and the trust's compliance page (/overview/compliance/): figures by duty and school,
and the EHC clocks named only for the cases of the officer's EHC casework."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pupils.models import RegisterEntry
from sendpath.testing import PASSWORD
from statutory import services

pytestmark = pytest.mark.django_db
URL = "/overview/compliance/"


def _client(world, persona: str) -> Client:
    client = Client()
    assert client.login(username=world.users[persona].username, password=PASSWORD)
    return client


@pytest.fixture
def overdue(world):
    """Amy's parents not told for 40 days; Dan's EHC plan issued 13 months ago, never reviewed."""
    today = timezone.localdate()
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=today - timedelta(days=40))
    services.ehc_plan_issue(
        pupil=world.dan, issue_date=today - timedelta(days=400), by=world.users["senco"]
    )
    return world


def test_the_la_officer_sees_figures_and_names_only_ehc_cases(overdue, settings) -> None:
    settings.SENDPATH_SMALL_NUMBER_THRESHOLD = 0
    html = _client(overdue, "la_officer").get(URL).content.decode()
    assert (
        'data-code="PARENTS_NOT_NOTIFIED"' in html and 'data-code="ANNUAL_REVIEW_OVERDUE"' in html
    )
    assert f'data-urn="{overdue.oak.urn}"' in html and f'data-urn="{overdue.elm.urn}"' in html
    assert overdue.dan.full_name in html  # an EHC case of the LA: named, linked to the plan
    assert f"/ehc/plans/{overdue.dan.ehc_plans.get().pk}/" in html
    assert overdue.amy.full_name not in html and overdue.amy.upn not in html


def test_the_trust_officer_gets_the_same_as_figures(overdue, settings) -> None:
    settings.SENDPATH_SMALL_NUMBER_THRESHOLD = 0
    html = _client(overdue, "trust_officer").get(URL).content.decode()
    assert 'data-code="ANNUAL_REVIEW_OVERDUE"' in html and 'id="ehc-figures"' in html
    assert overdue.dan.full_name not in html and overdue.dan.upn not in html
    assert 'id="ehc-cases"' not in html


def test_small_numbers_are_suppressed(overdue, settings) -> None:
    settings.SENDPATH_SMALL_NUMBER_THRESHOLD = 3
    html = _client(overdue, "trust_officer").get(URL).content.decode()
    assert "fewer than 3" in html


def test_school_staff_are_refused(world) -> None:
    for persona in ("senco", "slt", "teacher"):
        assert _client(world, persona).get(URL).status_code == 403
