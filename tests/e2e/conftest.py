"""Browser fixtures for the e2e tests: loopback-only contexts and signed-in lesson pages.

The helpers are tools/testing/browser.py's (shared with the benches); they are imported
here under the names the e2e modules use (``from tests.e2e.conftest import User, ...``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page

from tools.testing.browser import LOOPBACK, PY_READY_TIMEOUT, Watch, guard, open_signed_in

__all__ = ["LOOPBACK", "PY_READY_TIMEOUT", "User", "Watch", "guard", "open_signed_in", "users"]


@dataclass
class User:
    page: Page
    watch: Watch


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


@pytest.fixture
def people(browser: Browser, local_stack) -> Iterator[Callable[[str], User]]:
    """Browser contexts by name, each guarded (loopback only); closed at the end."""
    made: dict[str, User] = {}

    def open_as(name: str) -> User:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        made[name] = User(context.new_page(), guard(context))
        return made[name]

    yield open_as
    for user in made.values():
        user.page.context.close()
        assert user.watch.foreign == [], f"requests left loopback: {user.watch.foreign}"
        assert user.watch.dialogs == [] and user.watch.page_errors == [], user.watch
