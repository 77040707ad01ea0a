"""Permissions-Policy on every response; no-store on every signed-in or API response (issue 12)."""

import pytest
from django.test import Client
from django.urls import reverse

from api.tests.test_api import Caller

pytestmark = pytest.mark.django_db


def _signed_in(world, who: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[who])
    return client


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _policy(response) -> None:
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("senco", "/staff/"),
        ("senco", "/staff/register/"),
        ("senco", "/staff/register.csv"),
        ("senco", "/staff/register.xlsx"),
        ("senco", "/staff/audit/export.csv"),
        ("senco", "/staff/provision/map.xlsx"),
        ("teacher", "/staff/pupils/{amy}/"),
        ("parent", "/family/"),
        ("parent", "/family/children/{amy}/"),
        ("la_officer", "/overview/"),
        ("senco", "/staff/pupils/99999/"),  # a 404 page, signed in
    ],
)
def test_signed_in_pages_and_exports_are_not_stored(world, who, url):
    response = _signed_in(world, who).get(url.format(amy=world.amy.pk))
    assert response.status_code in (200, 302, 404), response.status_code
    assert _no_store(response) and "private" in response["Cache-Control"]
    _policy(response)


def test_an_htmx_fragment_is_not_stored(world):
    response = _signed_in(world, "senco").get("/staff/register/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and _no_store(response)


def test_api_responses_are_not_stored(world):
    caller = Caller(world.users["senco"])
    response = caller.get("/pupils")
    assert response.status_code == 200 and _no_store(response)
    _policy(response)
    refused = Client().get("/api/v1/pupils")
    assert refused.status_code == 401 and _no_store(refused)
    _policy(refused)


def test_public_pages_send_the_policy_and_may_be_cached(world):
    _policy(Client().get(reverse("login")))  # Django's sign-in view is never-cache on its own
    for url in ("/healthz", "/no-such-page/"):
        response = Client().get(url)
        _policy(response)
        assert not _no_store(response), url
