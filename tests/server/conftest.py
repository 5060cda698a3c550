"""Fixtures for server tests: the real local server, driven by the official clients.

One server process per test session (started exactly as ``build.py db`` starts it); each
test gets a namespace of its own, so tests cannot see each other's data or rules.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RtdbServer:
    host: str
    port: int
    data_dir: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def emulator_host(self) -> str:
        return f"{self.host}:{self.port}"


def start_server(data_dir: Path, port: int | None = None) -> RtdbServer:
    """Start ``python -m rtdb`` and wait until it answers REST."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtdb", "--host", "127.0.0.1", "--port", str(port),
         "--data", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rtdb exited early:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.json?ns=probe", timeout=1):
                return RtdbServer("127.0.0.1", port, data_dir, proc)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("rtdb did not start within 15 s")


def stop_server(server: RtdbServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def rtdb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RtdbServer]:
    server = start_server(tmp_path_factory.mktemp("rtdb-data"))
    yield server
    stop_server(server)


@pytest.fixture
def ns() -> str:
    """A fresh namespace name for one test."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True, scope="session")
def _no_proxy() -> None:
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"


from jsclient import js  # noqa: E402, F401  (real JS SDK clients: tests/server/jsclient.py)
