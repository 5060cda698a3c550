"""Browser fixtures for the e2e tests: loopback-only contexts and signed-in lesson pages."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tools.project import DEMO_PASSWORD

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PY_READY_TIMEOUT = 30_000


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or ""


@dataclass
class Watch:
    """What a context did that a test may forbid: off-loopback requests, dialogs, errors."""

    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def guard(context: BrowserContext) -> Watch:
    """Abort and record any request that would leave loopback; record dialogs and errors."""
    watch = Watch()

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or _host(url) in LOOPBACK:
            route.continue_()
        else:
            watch.foreign.append(url)
            route.abort()

    context.route("**/*", route)

    def on_page(page: Page) -> None:
        page.on(
            "websocket",
            lambda ws: None if _host(ws.url) in LOOPBACK else watch.foreign.append(ws.url),
        )
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: watch.page_errors.append(str(e)))

    for existing in context.pages:
        on_page(existing)
    context.on("page", on_page)
    return watch


@dataclass
class User:
    page: Page
    watch: Watch


def open_signed_in(page: Page, url: str, email: str) -> None:
    """Open url, wait for Python, sign in as email, wait until the profile is known."""
    page.goto(url)
    expect(page.locator("#py-status")).to_have_attribute(
        "data-state", "ready", timeout=PY_READY_TIMEOUT
    )
    if page.locator("#account").get_attribute("data-state") != "signed-in":
        page.fill("#signin-email", email)
        page.fill("#signin-password", DEMO_PASSWORD)
        page.click("#signin-submit")
    expect(page.locator("#account")).to_have_attribute("data-profile", "ready", timeout=15_000)


@pytest.fixture
def users(browser: Browser) -> Iterator[dict[str, User]]:
    """Two separate browser contexts (separate sign-ins): "learner" and "instructor"."""
    made = {}
    for name in ("learner", "instructor"):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        watch = guard(context)
        made[name] = User(context.new_page(), watch)
    yield made
    for user in made.values():
        user.page.context.close()
