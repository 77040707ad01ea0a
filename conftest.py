import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page
    from pytest_django.live_server_helper import LiveServer

    from sendpath.testing import World

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# pytest-django's live_server listens here unless --liveserver says otherwise. 127.0.0.1 rather
# than "localhost" (which may resolve to ::1 first); it is in ALLOWED_HOSTS.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture
def world(db: None) -> "World":
    from sendpath.testing import World

    return World.build()


@pytest.fixture
def builtin_catalogue(request: pytest.FixtureRequest) -> None:
    """For a database test (with `pytestmark = pytest.mark.usefixtures("builtin_catalogue")`):
    the built-in intervention catalogue is there. It is migration data, and an earlier
    transactional (browser) test may have flushed it; the seed generator's provision needs it."""
    if request.node.get_closest_marker("django_db"):
        from sendpath.testing import ensure_builtin_catalogue

        request.getfixturevalue("db")
        ensure_builtin_catalogue()


# --- Browser tests: Playwright driving Debian's chromium ----------------------------------------
#
# A browser test looks like:
#
#     @pytest.mark.browser
#     @pytest.mark.django_db(transaction=True)
#     def test_something(page, live_server, world, login, axe_check):
#         login(page, world.users["senco"])
#         page.goto(live_server.url + "/staff/")
#         axe_check(page)
#
# Every browser test that uses `page` fails on a console error or an uncaught page error (see
# `console_errors`). `playwright install` cannot download a browser here, so Playwright is pointed
# at /usr/bin/chromium (Debian's package); CHROMIUM_EXECUTABLE overrides the path.

BASE_DIR = Path(__file__).resolve().parent
AXE_JS = BASE_DIR / "vendor" / "axe-core-4.14.1" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_configure(config: pytest.Config) -> None:
    """The live server answers one request at a time.

    On SQLite the tests' database is in memory, so every live-server thread shares the test's
    one connection. Two requests at once (a page's htmx `load` request still running when the
    test moves to the next page) then meet on that connection, and SQLite answers "bad
    parameter or other API misuse": a 500 that is the harness's, not the product's. Holding a
    lock round each request, body and close included, keeps the threaded server (so keep-alive
    still works) while the connection is used by one request at a time."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application: Any) -> None:
            lock = threading.Lock()

            def serial(environ: dict[str, Any], start_response: Any) -> list[bytes]:
                with lock:
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()

            super().set_app(serial)

    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium"),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


class ConsoleErrors(list[str]):
    """Console errors and uncaught exceptions seen by one page, as readable strings."""

    def watch(self, page: "Page") -> None:
        def on_console(msg: "ConsoleMessage") -> None:
            if msg.type == "error":
                loc = msg.location or {}
                where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc else ""
                self.append(f"console.error: {msg.text}{where}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.append(f"uncaught: {exc}"))


@pytest.fixture
def console_errors(page: "Page") -> Iterator[ConsoleErrors]:
    """Fail the test if the page logs a console error or throws an uncaught error.

    Automatic for every test marked `browser` that uses `page`. A test that expects an error can
    inspect the list and then call `console_errors.clear()`.
    """
    errors = ConsoleErrors()
    errors.watch(page)
    yield errors
    if errors:
        pytest.fail(
            "The browser reported errors:\n" + "\n".join(f"  - {e}" for e in errors),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _browser_fails_on_console_errors(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("browser") and "page" in request.fixturenames:
        request.getfixturevalue("console_errors")


@functools.cache
def _axe_source() -> str:
    # Wrapped so that evaluate() runs it as a script body and returns nothing.
    return "(() => {\n" + AXE_JS.read_text(encoding="utf-8") + "\n})()"


def format_axe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}] {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            target = node.get("target") or []
            lines.append("    at " + " >> ".join(str(t) for t in target))
    return "\n".join(lines)


@pytest.fixture
def axe_check() -> Callable[..., list[dict[str, Any]]]:
    """`axe_check(page)` runs axe-core (vendored, no network) on the page as it is now and fails
    the test listing each violation (rule id, impact, help, the elements' CSS targets).

    `context`/`options` go to `axe.run(context, options)`; `allow` is a list of rule ids to accept
    (say why next to it). Returns the full list of violations before `allow` is applied.
    """

    def check(
        page: "Page",
        *,
        context: Any = None,
        options: dict[str, Any] | None = None,
        allow: list[str] | tuple[str, ...] = (),
    ) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Not page.add_script_tag(path=...): that inserts an inline <script>, which the app's
            # strict CSP (script-src 'self' + nonce) blocks, logging a console error. Evaluating the
            # source through the DevTools protocol is exempt from CSP; @axe-core/playwright does
            # the same.
            page.evaluate(_axe_source())
        violations: list[dict[str, Any]] = page.evaluate(
            "([context, options]) => axe.run(context || document, options || {})"
            ".then(r => r.violations)",
            [context, options],
        )
        failing = [v for v in violations if v["id"] not in set(allow)]
        if failing:
            pytest.fail(
                f"axe-core found {len(failing)} accessibility violation(s) on {page.url}:\n"
                + format_axe_violations(failing),
                pytrace=False,
            )
        return violations

    return check


@pytest.fixture
def login(live_server: "LiveServer") -> Callable[..., None]:
    """`login(page, user_or_username, password=sendpath.testing.PASSWORD)` signs in through the
    real login form at /accounts/login/ and fails the test if the form comes back."""
    from sendpath.testing import PASSWORD

    def do_login(page: "Page", user: Any, password: str = PASSWORD) -> None:
        username = user if isinstance(user, str) else user.get_username()
        login_url = live_server.url + "/accounts/login/"
        page.goto(login_url)
        page.fill('input[name="username"]', username)
        page.fill('input[name="password"]', password)
        with page.expect_navigation():
            page.press('input[name="password"]', "Enter")
        if page.url.split("?")[0] == login_url:
            summary = page.locator(".govuk-error-summary")
            why = summary.inner_text() if summary.count() else "the login form came back"
            pytest.fail(f"Could not log in as {username!r}: {why}", pytrace=False)

    return do_login


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: rolled-back tests reuse ids, so a fingerprint of
    counts and ids (statutory/findings_cache.py) could otherwise match another test's rows."""
    from django.core.cache import cache

    cache.clear()
