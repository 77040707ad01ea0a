"""Removing a wrongly entered assessment point: the SENCo only, after confirming, and audited."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attainment.models import AssessmentPoint, Subject
from audit.models import AuditAction, AuditEvent


@pytest.fixture
def point(world):
    maths = Subject.objects.create(school=world.oak, name="Maths", min_score=80, max_score=120)
    return AssessmentPoint.objects.create(
        pupil=world.amy, subject=maths, assessed_on=date(2026, 3, 20), score=101
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_senco_confirms_then_removes_a_point_and_the_audit_keeps_it(world, point) -> None:
    senco = _client(world.users["senco"])
    progress = senco.get(reverse("pupil_progress", args=[world.amy.pk])).content.decode()
    path = reverse("assessment_point_remove", args=[point.pk])
    assert path in progress
    page = senco.get(path)
    assert page.status_code == 200 and "Remove this assessment point?" in page.content.decode()
    assert AssessmentPoint.objects.filter(pk=point.pk).exists()  # a GET removes nothing
    response = senco.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("pupil_progress", args=[world.amy.pk])
    assert not AssessmentPoint.objects.filter(pk=point.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(point.pk))
    assert event.pupil_id == world.amy.pk and event.data["score"] == 101
    assert event.data["assessed_on"] == "2026-03-20"


@pytest.mark.django_db
def test_only_the_senco_may_remove_a_point(world, point) -> None:
    path = reverse("assessment_point_remove", args=[point.pk])
    teacher = _client(world.users["teacher"])
    assert (
        reverse("assessment_point_remove", args=[point.pk])
        not in teacher.get(reverse("pupil_progress", args=[world.amy.pk])).content.decode()
    )
    assert teacher.post(path).status_code == 403
    assert _client(world.users["outsider"]).post(path).status_code == 404
    assert AssessmentPoint.objects.filter(pk=point.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DELETE).exists()
