"""The real local server as a subprocess, started exactly as ``build.py db`` starts it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

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


def start_server(data_dir: Path, port: int | None = None, *extra: str) -> RtdbServer:
    """Start ``python -m rtdb`` and wait until it answers REST."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rtdb",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data",
            str(data_dir),
            *extra,
        ],
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
