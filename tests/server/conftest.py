"""Server tests drive the real local server (``rtdb_server``, ``ns``: tests/conftest.py)
with the official clients; ``js`` gives them real JS SDK clients (tools/testing/jsclient.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.testing.jsclient import JsFactory, js_fixture
from tools.testing.rtdb_process import RtdbServer


@pytest.fixture
def js(rtdb_server: RtdbServer, ns: str) -> Iterator[JsFactory]:
    """Real JS SDK clients on the test's own namespace."""
    yield from js_fixture(rtdb_server, ns)


@pytest.fixture
def servers() -> Iterator[list[RtdbServer]]:
    """Servers a test started itself: killed at the end, whatever happened."""
    started: list[RtdbServer] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
