"""Issue 13, rough edge: the passport's "Print (PDF)" link answered 404 before a passport was
written. It shows only when there is one, and then the PDF it points to exists."""

import pytest
from django.test import Client
from django.urls import reverse

from support import services

pytestmark = pytest.mark.django_db


def page(world) -> str:
    client = Client()
    client.force_login(world.users["senco"])
    return client.get(reverse("passport", args=[world.amy.pk])).content.decode()


def test_no_print_link_before_a_passport_is_written(world):
    html = page(world)
    assert "Write the passport" in html
    assert reverse("pupil_passport_pdf", args=[world.amy.pk]) not in html


def test_the_print_link_shows_once_written_and_the_pdf_answers(world):
    services.passport_save(
        pupil=world.amy, by=world.users["senco"], data={"about_me": "Likes drawing"}, version=0
    )
    pdf = reverse("pupil_passport_pdf", args=[world.amy.pk])
    assert pdf in page(world)
    client = Client()
    client.force_login(world.users["senco"])
    assert client.get(pdf).status_code == 200
