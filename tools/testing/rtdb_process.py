"""The real local server as a subprocess, started exactly as ``build.py db`` starts it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.project import ROOT
from tools.testing.ports import free_port

__all__ = ["ROOT", "RtdbServer", "free_port", "rss_mb", "start_server", "stop_server"]


def rss_mb(pid: int) -> float:
    """The resident memory of process ``pid`` in MB (Linux ``/proc``)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@dataclass
class RtdbServer:
    host: str
    port: int
    data_dir: Path | None
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def emulator_host(self) -> str:
        return f"{self.host}:{self.port}"

    def rss_mb(self) -> float:
        """The server's resident memory in MB; NaN once it has exited."""
        try:
            return rss_mb(self.process.pid)
        except (OSError, RuntimeError):
            return float("nan")

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(
    data_dir: Path | None,
    port: int | None = None,
    *extra: str,
    quiet: bool = False,
    prefix: Sequence[str] = (),
) -> RtdbServer:
    """Start ``python -m rtdb`` and wait until it answers REST.

    ``data_dir`` None keeps data in memory only. The output is piped (read it when the
    server exits early) unless ``quiet``: benches that log for minutes must not fill a
    pipe nobody reads. ``prefix`` runs the server under a profiler (``py-spy record --``).
    """
    port = port or free_port()
    data = ["--data", str(data_dir)] if data_dir is not None else []
    proc = subprocess.Popen(
        [
            *prefix,
            sys.executable,
            "-m",
            "rtdb",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *data,
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read() if proc.stdout else "(output discarded)"
            raise RuntimeError(f"rtdb exited early:\n{output}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.json?ns=probe", timeout=1):
                return RtdbServer("127.0.0.1", port, data_dir, proc)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("rtdb did not start within 15 s")


def stop_server(server: RtdbServer, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``grace`` seconds."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(grace)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
