"""Every integer in a web path is bounded (issue 12, item 10): absurd numbers are a 404."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sendpath.converters import RowId, SchoolYearStart

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999", "9223372036854775808", "9223372036854775807", "0"]


def _web_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    out: list[tuple[str, URLPattern]] = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if not route.startswith("api/"):
                out += _web_patterns(p, route)
        else:
            out.append((route, p))
    return out


def _client(world) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["senco"])
    return client


def test_no_web_path_takes_an_unbounded_int():
    routes = [route for route, _ in _web_patterns(get_resolver())]
    assert any("<id:pk>" in r for r in routes)
    assert [r for r in routes if "<int:" in r or "<path:" in r] == []


@pytest.mark.parametrize("year", ["9999", "1999", "2101", "0000"])
def test_a_school_year_out_of_range_is_not_found(world, year):
    response = _client(world).get(f"/staff/school/terms/{year}/")
    assert response.status_code == 404


def test_a_school_year_in_range_is_shown(world):
    assert _client(world).get("/staff/school/terms/2030/").status_code == 200
    assert _client(world).get("/staff/school/terms/99999999999999999999/").status_code == 404


def test_every_id_in_every_web_path_answers_4xx_for_absurd_numbers(world):
    client = _client(world)
    checked = 0
    for route, pattern in _web_patterns(get_resolver()):
        if "<id:" not in route:
            continue
        for value in HUGE:
            url = "/" + route
            for name in pattern.pattern.converters:
                url = url.replace(f"<id:{name}>", value)
            for method in (client.get, client.post):
                response = method(url)
                assert 300 <= response.status_code < 500, (method.__name__, url)
                checked += 1
    assert checked > 100


def test_the_converters_refuse_what_they_cannot_hold():
    assert RowId().to_python("123") == 123
    with pytest.raises(ValueError):
        SchoolYearStart().to_python("9999")
    assert SchoolYearStart().to_python("2025") == 2025


@pytest.mark.parametrize("value", HUGE + ["-1"])
def test_a_provision_filter_out_of_range_is_ignored(world, value):
    response = _client(world).get("/staff/provision/map/", {"provision": value})
    assert response.status_code == 200
