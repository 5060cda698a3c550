"""Playwright helpers for the built site: contexts that never leave loopback, and the
header's sign-in form. Used by the e2e tests and the browser benches."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, expect

from tools.project import DEMO_PASSWORD

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PY_READY_TIMEOUT = 30_000


def is_loopback(url: str) -> bool:
    return (urllib.parse.urlsplit(url).hostname or "") in LOOPBACK


@dataclass
class Watch:
    """What a context did that a test may forbid: off-loopback requests, dialogs, errors."""

    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def guard(context: BrowserContext, *, requests: bool = False) -> Watch:
    """Abort and record any request that would leave loopback; record dialogs and errors.

    ``requests`` also records every off-loopback request event, including any the route
    did not see (so one foreign request may be listed twice; a test asks for none).
    """
    watch = Watch()

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or is_loopback(url):
            route.continue_()
        else:
            watch.foreign.append(url)
            route.abort()

    context.route("**/*", route)
    if requests:
        context.on("request", lambda r: None if is_loopback(r.url) else watch.foreign.append(r.url))

    def on_page(page: Page) -> None:
        page.on(
            "websocket",
            lambda ws: None if is_loopback(ws.url) else watch.foreign.append(ws.url),
        )
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: watch.page_errors.append(str(e)))

    for existing in context.pages:  # the `page` fixture may already exist
        on_page(existing)
    context.on("page", on_page)
    return watch


def fill_sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Submit the header's sign-in form (the page's Python must be up)."""
    page.fill("#signin-email", email)
    page.fill("#signin-password", password)
    page.click("#signin-submit")


def wait_python_ready(page: Page, timeout: float = PY_READY_TIMEOUT) -> None:
    expect(page.locator("#py-status")).to_have_attribute("data-state", "ready", timeout=timeout)


def expect_start_failed(page: Page, says: str) -> None:
    """The status bar reports a failed start, with ``says`` in its words (not "loading")."""
    status = page.locator("#py-status")
    expect(status).to_have_attribute("data-state", "error", timeout=PY_READY_TIMEOUT)
    expect(status).to_contain_text(says)


def open_signed_in(page: Page, url: str, email: str) -> None:
    """Open url, wait for Python, sign in as email, wait until the profile is known."""
    page.goto(url)
    wait_python_ready(page)
    if page.locator("#account").get_attribute("data-state") != "signed-in":
        fill_sign_in(page, email)
    expect(page.locator("#account")).to_have_attribute("data-profile", "ready", timeout=15_000)
