"""The lesson forum on pages booted by @pyscript/core itself (`build.py build --runtime pyscript`).

The default pages are booted by app/boot.js, which gives the app PyScript's API without
PyScript. This build proves the claim that the app is PyScript code: the same app/ modules
(as .mpy, through PyScript's `files`) and the same JS modules (through its `js_modules`),
PyScript's own core from this origin, and the forum's smoke flow in two browsers.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import User, open_signed_in
from tests.e2e.test_lesson_forum import LIVE, ask, lesson_url, question
from tools.site import vendor_paths
from tools.stack import Stack
from tools.testing.browser import expect_start_failed
from tools.testing.stacks import local_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pyscript_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """local_stack's twin: the site built with runtime pyscript, its own stack on free ports."""
    with local_stack(tmp_path_factory.mktemp("pyscript-stack"), runtime="pyscript") as stack:
        yield stack


def test_lesson_forum_runs_under_pyscript(users: dict[str, User], pyscript_stack) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    loaded: list[str] = []
    learner.on("request", lambda r: loaded.append(urllib.parse.urlsplit(r.url).path))
    url = lesson_url(pyscript_stack, "serverless-101", "l01")
    open_signed_in(learner, url, "learner@nimbus.test")
    open_signed_in(instructor, url, "instructor@nimbus.test")

    # PyScript booted the page, from this origin: its core, its <mpy-script> element, and
    # the app's modules (.mpy, in one archive) through its `files`; Nimbus's own loader
    # never loaded.
    vendor = vendor_paths()
    assert f"{vendor['pyscript']}/core.js" in loaded, loaded
    assert f"{vendor['micropython']}/micropython.wasm" in loaded
    assert [p for p in loaded if p.startswith("/app/app.") and p.endswith(".tar.gz")], loaded
    assert not [path for path in loaded if path.startswith("/app/boot.")]
    assert learner.evaluate("() => !!customElements.get('mpy-script')")
    assert learner.locator("script-py").count() == 1  # where PyScript ran the page's script

    # The smoke flow: the learner asks; both browsers see it live; the instructor answers and
    # the learner sees the answer (Python callbacks from the SDK in both directions).
    title = f"Under PyScript? {uuid.uuid4().hex[:6]}"
    ask(learner, title, "Does **this** page run on PyScript?", pin=False)
    expect(learner.locator("#ask-title")).to_have_value("", timeout=LIVE)  # posted
    expect(question(learner, title)).to_have_count(1, timeout=LIVE)
    card = question(instructor, title)
    expect(card).to_have_count(1, timeout=LIVE)
    expect(card.locator(".post-body strong")).to_have_text("this")
    card.locator("summary").click()
    card.locator(".answer-body").fill("It does: `@pyscript/core` booted it.")
    card.locator(".answer-form button[type=submit]").click()
    answer = question(learner, title).locator(".answer .post-body")
    expect(answer).to_contain_text("@pyscript/core", timeout=LIVE)

    for user in users.values():
        assert user.watch.foreign == [], user.watch.foreign  # no CDN: PyScript stays offline
        assert user.watch.page_errors == [], user.watch.page_errors


def test_a_missing_app_archive_says_so(page: Page, pyscript_stack) -> None:
    """If PyScript cannot start the app, the status bar says why instead of "loading"."""
    page.route("**/app/app.*.tar.gz", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(f"{pyscript_stack.hosting_url}/index.html")
    expect_start_failed(page, "404")
