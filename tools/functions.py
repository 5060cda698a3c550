"""Discovery of the functions codebase, exactly as `firebase deploy` and the emulator do it.

firebase-tools runs the SDK's own `firebase_functions/private/serving.py` inside
functions/venv with ADMIN_PORT set, reads `GET /__/functions.yaml`, then calls
`/__/quitquitquit` (runtimes/python/index.js, `serveAdmin`). This module does the same, so
a test can hold the deploy manifest to what Nimbus expects without any network.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from tools.project import ROOT
from tools.testing.ports import free_port

SOURCE = ROOT / "functions"


def manifest(source: Path = SOURCE, timeout: float = 30.0) -> dict[str, Any]:
    """The codebase's functions.yaml as the SDK serves it to firebase-tools."""
    python = source / "venv" / "bin" / "python3.11"
    if not python.exists():
        raise RuntimeError(f"{python} is missing: run `python3 build.py setup`")
    serving = next((source / "venv" / "lib").glob("python3.11/site-packages/firebase_functions"))
    port = free_port()
    env = {**os.environ, "ADMIN_PORT": str(port), "VIRTUAL_ENV": str(source / "venv")}
    proc = subprocess.Popen(
        [str(python), str(serving / "private" / "serving.py")],
        cwd=source,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                url = f"http://127.0.0.1:{port}/__/functions.yaml"
                with urllib.request.urlopen(url, timeout=2) as resp:
                    return yaml.safe_load(resp.read())
            except (urllib.error.URLError, ConnectionError) as exc:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    raise RuntimeError(
                        f"discovery failed (exit {proc.returncode}):\n{err}"
                    ) from exc
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__/quitquitquit", timeout=2)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def trigger_of(endpoint: dict[str, Any]) -> str:
    """One word for an endpoint's trigger: https, callable, schedule, or the event type."""
    if "callableTrigger" in endpoint:
        return "callable"
    if "httpsTrigger" in endpoint:
        return "https"
    if "scheduleTrigger" in endpoint:
        return "schedule"
    if "eventTrigger" in endpoint:
        return endpoint["eventTrigger"]["eventType"]
    return "unknown"


def summary(source: Path = SOURCE) -> list[dict[str, Any]]:
    """name, trigger, region(s) and secrets of every function, sorted by name."""
    rows = []
    for name, endpoint in (manifest(source).get("endpoints") or {}).items():
        rows.append(
            {
                "name": name,
                "trigger": trigger_of(endpoint),
                "region": endpoint.get("region") or ["us-central1"],
                "secrets": sorted(
                    s["key"] for s in endpoint.get("secretEnvironmentVariables") or []
                ),
            }
        )
    return sorted(rows, key=lambda row: row["name"])
