"""The footer's connection indicator: online, reconnecting when the database goes away,
offline when the browser is offline or the connection stays down, and online again.

The database server is the stack's own rtdb process, really stopped and started again on
the same port and data folder (its rules and triggers are put back as `serve` puts them).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.services.connection import OFFLINE_AFTER_MS
from tools.testing.browser import wait_python_ready

pytestmark = pytest.mark.e2e
WAIT = 15_000


def indicator(page: Page, state: str, words: str, timeout: float = WAIT) -> None:
    box = page.locator("#connection")
    expect(box).to_have_attribute("data-state", state, timeout=timeout)
    expect(box).to_have_text(words)


def test_offline_and_back(page: Page, local_stack) -> None:
    page.goto(f"{local_stack.hosting_url}/index.html")
    wait_python_ready(page)
    indicator(page, "online", "Online")
    page.context.set_offline(True)
    indicator(page, "offline", "Offline")
    assert "your changes are sent" in page.get_attribute("#connection", "title")
    page.context.set_offline(False)
    indicator(page, "online", "Online", timeout=30_000)


def test_database_stopped_reconnecting_then_offline_then_online(page: Page, local_stack) -> None:
    page.goto(f"{local_stack.hosting_url}/course/serverless-101.html")
    wait_python_ready(page)
    indicator(page, "online", "Online")
    local_stack.stop_process("rtdb")
    try:
        indicator(page, "reconnecting", "Reconnecting…")
        indicator(page, "offline", "Offline", timeout=OFFLINE_AFTER_MS + WAIT)
    finally:
        local_stack.spawn_rtdb()
        local_stack.wait_ready(("rtdb",), 30)
        local_stack.upload_rules()
        local_stack.register_triggers()
    # The SDK's retries back off (up to 30 s between tries).
    indicator(page, "online", "Online", timeout=45_000)
