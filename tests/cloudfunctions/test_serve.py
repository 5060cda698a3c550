"""`build.py serve` runs the Functions emulator beside Auth, Hosting and the database, and
SIGTERM leaves no process behind: functions-framework workers included."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tools.stack import ROOT, quiet_env

MARK = "NIMBUS_PROCESS_MARK"


def marked(mark: str) -> dict[int, str]:
    """pid -> command line of every live process whose environment carries mark."""
    found = {}
    needle = f"{MARK}={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found[int(entry.name)] = cmd
        except OSError:
            continue  # gone, or not ours to read
    return found


def test_serve_runs_functions_and_sigterm_leaves_nothing_behind(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    env = {**quiet_env(), MARK: mark, "NO_PROXY": "127.0.0.1,localhost"}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--free-ports", "--data", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        functions_url = None
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while functions_url is None:
            line = proc.stdout.readline()
            assert line, "serve exited before it was ready:\n" + "".join(lines)
            lines.append(line)
            found = re.match(r"\s+Functions\s+(http://\S+)", line)
            if found:
                functions_url = found.group(1)
            assert time.monotonic() < deadline, "".join(lines)
        url = f"{functions_url}/demo-nimbus/us-central1/health"
        with urllib.request.urlopen(url, timeout=60) as resp:
            assert resp.read() == b"nimbus functions: ok"
        running = marked(mark)
        assert any("functions-framework" in cmd for cmd in running.values()), running
        assert any("rtdb" in cmd for cmd in running.values()), running

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while marked(mark) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marked(mark) == {}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid in marked(mark):
            os.kill(pid, signal.SIGKILL)
