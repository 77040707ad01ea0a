"""Smoke tests for the test infrastructure itself: Debian's chromium + Playwright + live_server, and
that a `make test` PostgreSQL run really runs on PostgreSQL."""

import json
import os
from typing import TYPE_CHECKING

import pytest
from django.db import connection

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route
    from pytest_django.live_server_helper import LiveServer


# The login page and the staff pages are checked with axe in tests/test_browser_register.py; this
# test proves the plumbing alone (Debian chromium + Playwright + live_server).
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chromium_opens_healthz(page: "Page", live_server: "LiveServer") -> None:
    # A JSON response has no <link rel="icon">, so chromium asks for /favicon.ico and logs its 404
    # as a console error (HTML pages declare `data:` in base.html). Answer it here.
    def no_favicon(route: "Route") -> None:
        route.fulfill(status=204)

    page.route("**/favicon.ico", no_favicon)
    response = page.goto(live_server.url + "/healthz")
    assert response is not None
    assert response.status == 200
    assert json.loads(page.locator("body").inner_text()) == {"status": "ok"}


@pytest.mark.django_db
def test_database_is_the_one_asked_for() -> None:
    """`make test` runs the suite a second time with SENDPATH_DATABASE_URL pointing at a throwaway
    PostgreSQL (scripts/with-postgres.sh); make sure that run is not quietly on SQLite."""
    url = os.environ.get("SENDPATH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if url and expected == "sqlite" and not url.startswith("sqlite"):
        pytest.skip(f"unrecognised database URL scheme: {url.split(':', 1)[0]}")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_requests_at_once_all_answer(page: "Page", live_server: "LiveServer", world, login) -> None:
    """A page's htmx `load` requests can still be running when the test moves on. On SQLite the
    live server's threads share the test's one in-memory connection, so the harness answers one
    request at a time (conftest.py `pytest_configure`); without that, some of these answer 500."""
    login(page, world.users["senco"])
    statuses = page.evaluate(
        """async () => {
            const pages = ['/staff/register/', '/staff/compliance/', '/staff/compliance/summary/'];
            const urls = Array.from({length: 60}, (_, i) => pages[i % pages.length]);
            const answers = await Promise.all(urls.map(u => fetch(u)));
            return answers.map(a => a.status);
        }"""
    )
    assert statuses == [200] * 60
