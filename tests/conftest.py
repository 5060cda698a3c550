"""Shared fixtures: the local stack (exactly what `build.py serve` runs) and Chromium.

The browser is Debian's /usr/bin/chromium (no browser downloads on this network), launched
with flags that keep it off Google's hosts. The helpers behind these fixtures live in
tools/testing (shared with bench/ and tools/); pyproject's pytest ``pythonpath`` puts the
repository root on sys.path.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.testing.rtdb_process import RtdbServer, start_server, stop_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright hook: use Debian's Chromium instead of a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Build for target local on free ports, start the stack, seed it; stop it at the end."""
    from tools.testing.stacks import local_stack

    with local_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="session")
def admin_db(local_stack):
    """firebase-admin's root reference on the stack's database (bypasses rules, like a back end)."""
    from firebase_admin import db

    from tools.seed import admin_app

    return db.reference("/", app=admin_app(local_stack))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright's sync API keeps an asyncio loop running on the main
    thread for the rest of the session, which breaks later tests that call asyncio.run()."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def rtdb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RtdbServer]:
    """One real local database server (durable, like `build.py db`) for the whole session."""
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    server = start_server(tmp_path_factory.mktemp("rtdb-data"))
    yield server
    stop_server(server)


@pytest.fixture
def ns() -> str:
    """A fresh namespace for one test: its own data and rules, invisible to other tests."""
    return f"test-{uuid.uuid4().hex[:12]}"
