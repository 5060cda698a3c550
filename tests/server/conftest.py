"""Server tests drive the real local server (``rtdb_server``, ``ns``: tests/conftest.py)
with the official clients; ``js`` gives them real JS SDK clients."""

from __future__ import annotations

from jsclient import js  # noqa: F401 - fixture (tests/server/jsclient.py)
