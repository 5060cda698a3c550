"""The rules matrices' shared fixture: one namespace of the local server per test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from forum_world import forum_namespace


@pytest.fixture(scope="module")
def world(rtdb_server) -> Iterator[dict[str, Any]]:
    """The fixture users acting on a fresh namespace loaded with the rules."""
    with forum_namespace(rtdb_server.url) as w:
        yield w
