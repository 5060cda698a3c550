"""The rules matrix runs against the same real server process as the server tests."""

from tests.server.conftest import ns, rtdb_server  # noqa: F401 - fixtures
