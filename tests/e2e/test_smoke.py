"""The built site, end to end: browser Python signs in, shows live database values and says
whether it is connected."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tools.seed import DEMO_USERS
from tools.testing.browser import expect_start_failed, fill_sign_in, guard, wait_python_ready

pytestmark = pytest.mark.e2e
LEARNER = ("learner@nimbus.test", DEMO_USERS["learner@nimbus.test"][0])


@pytest.fixture
def guarded(context: BrowserContext) -> list[str]:
    """Record every request (HTTP and WebSocket); abort any that would leave loopback."""
    return guard(context, requests=True).foreign


def sign_in(page: Page) -> None:
    wait_python_ready(page)
    fill_sign_in(page, LEARNER[0])
    expect(page.locator("#account")).to_have_attribute("data-profile", "ready", timeout=15_000)
    expect(page.locator("#user-name")).to_have_text(LEARNER[1])


def test_catalog_is_prerendered(local_stack) -> None:
    """Learners see the catalog before any Python runs: it is in the served HTML itself."""
    with urllib.request.urlopen(f"{local_stack.hosting_url}/index.html", timeout=10) as resp:
        html = resp.read().decode()
    assert "Serverless Foundations" in html
    assert 'href="/course/serverless-101.html"' in html
    assert "gstatic.com" not in html and "jsdelivr" not in html


def test_the_footer_shows_only_the_connection(page: Page, guarded: list[str], local_stack) -> None:
    """No developer fields: the footer says "Online" (and why, on hover); the start state is
    a data attribute nobody sees unless the start failed."""
    page.goto(f"{local_stack.hosting_url}/index.html")
    sign_in(page)
    footer = page.locator("#status")
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=15_000)
    assert footer.inner_text().strip() == "Online"  # what is rendered, hidden parts left out
    expect(page.locator("#connection")).to_have_attribute("role", "status")
    expect(page.locator("#py-status")).to_be_hidden()
    assert "Python" not in page.locator("body").inner_text()
    assert guarded == [], f"requests left loopback: {guarded}"


def test_catalog_binding_follows_database(
    page: Page, guarded: list[str], local_stack, admin_db
) -> None:
    """child_changed/added/removed on /courses update the keyed cards in place."""
    page.goto(f"{local_stack.hosting_url}/index.html")
    sign_in(page)
    card = page.locator('#catalog [data-key="serverless-101"]')
    expect(card).to_have_attribute("data-live", "1", timeout=15_000)
    courses = admin_db.child("courses")
    before = courses.get()
    try:
        courses.child("serverless-101/title").set("Serverless Foundations, 2nd ed.")
        expect(card.locator("h3")).to_have_text("Serverless Foundations, 2nd ed.")
        courses.child("zz-new").set({"title": "Brand New", "order": 99, "price": 5})
        new_card = page.locator('#catalog [data-key="zz-new"]')
        expect(new_card.locator("h3")).to_have_text("Brand New")
        expect(page.locator("#catalog > li").last).to_have_attribute("data-key", "zz-new")
        courses.child("zz-new").delete()
        expect(new_card).to_have_count(0)
    finally:
        courses.set(before)
    assert guarded == [], f"requests left loopback: {guarded}"


def test_rules_keep_signed_out_readers_out(local_stack) -> None:
    """A course's forum needs a signed-in member (owner/admin bypass is not a user)."""
    url = (
        f"http://{local_stack.database_host}/forum/serverless-101/questions.json"
        "?ns=demo-nimbus-default-rtdb"
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    assert err.value.code in (401, 403)


def test_a_broken_app_bundle_says_so(page: Page, local_stack) -> None:
    """If the app cannot start, the footer says why instead of staying on "loading"."""
    page.route("**/app/bundle.*.bin", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(f"{local_stack.hosting_url}/index.html")
    expect_start_failed(page, "HTTP 404")
    expect(page.locator("#py-status")).to_be_visible()


def test_a_python_error_at_start_reaches_the_status_bar(page: Page, local_stack) -> None:
    """A bundle whose Python fails at import: the traceback's last line is shown."""

    def broken(route) -> None:
        from tools.site import read_app_bundle

        files = read_app_bundle(route.fetch().body())
        files.pop("app/main.mpy")  # `from app.main import start` now fails
        index, blobs, offset = {}, [], 0
        for path, data in files.items():
            index[path] = [offset, len(data)]
            blobs.append(data)
            offset += len(data)
        head = json.dumps(index).encode()
        route.fulfill(status=200, body=len(head).to_bytes(4, "little") + head + b"".join(blobs))

    page.route("**/app/bundle.*.bin", broken)
    page.goto(f"{local_stack.hosting_url}/index.html")
    expect_start_failed(page, "ImportError")
