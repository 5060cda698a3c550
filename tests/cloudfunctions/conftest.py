"""A local stack running the test-only functions codebase (tests/cloudfunctions/codebase).

Everything is the real thing: firebase-tools' Functions and Auth emulators in one
`emulators:start`, Nimbus's database delivering triggers, functions/venv's runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.stack import ROOT, Stack, free_ports

CODEBASE = Path(__file__).with_name("codebase")
CALL = Path(__file__).with_name("js") / "call.mjs"
FUNCTIONS_VENV = ROOT / "functions" / "venv"
OPEN_RULES = {"rules": {".read": "auth != null", ".write": "auth != null"}}


def make_codebase(base: Path) -> Path:
    """The test codebase as the emulator wants a source folder: main.py, requirements, venv."""
    if not (FUNCTIONS_VENV / "bin" / "python3.11").exists():
        pytest.fail("functions/venv is missing: run `python3 build.py setup`")
    src = base / "functions"
    src.mkdir()
    shutil.copy2(CODEBASE / "main.py", src / "main.py")
    shutil.copy2(ROOT / "functions" / "requirements.txt", src / "requirements.txt")
    (src / "venv").symlink_to(FUNCTIONS_VENV)
    return src


def start_stack(base: Path) -> Stack:
    dist = base / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>functions tests</title>")
    stack = Stack(
        ports=free_ports(),
        dist=dist,
        data_dir=base / "data",
        state_dir=base,
        functions_source=make_codebase(base),
    )
    stack.start(timeout=90, seed_data=False)
    rules = base / "open.rules.json"
    rules.write_text(json.dumps(OPEN_RULES))
    stack.upload_rules(rules)
    return stack


@pytest.fixture(scope="module")
def fn_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("fn-stack"))
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def fn_admin(fn_stack: Stack):
    """firebase-admin's root reference on the stack's database, and its Auth."""
    from firebase_admin import db

    from tools.seed import admin_app

    return db.reference("/", app=admin_app(fn_stack))


def wait_until(probe: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    """Poll until probe() is truthy; fail with what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def records(admin, kind: str, ref: str) -> list[dict[str, Any]]:
    """What the test codebase's `kind` function recorded for events at `ref`."""
    return [r for r in (admin.child(f"_seen/{kind}").get() or {}).values() if r["ref"] == ref]


def call_function(
    stack: Stack, name: str, data: Any = None, email: str | None = None, password: str = ""
) -> dict[str, Any]:
    """One httpsCallable through the Firebase JS SDK in Node (tests/cloudfunctions/js/call.mjs)."""
    config = {
        "project": stack.project,
        "authEmulator": f"http://{stack.auth_host}",
        "functions": {"host": stack.ports.host, "port": stack.ports.functions},
        "name": name,
        "data": data,
        "email": email,
        "password": password,
    }
    done = subprocess.run(
        ["node", str(CALL), json.dumps(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_PROXY": "127.0.0.1,localhost"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def post_event(stack: Stack, key: str, event: dict[str, Any]) -> int:
    """Deliver a CloudEvent to the Functions emulator's background route (a redelivery)."""
    req = urllib.request.Request(
        f"{stack.functions_url}/functions/projects/{stack.project}/triggers/{key}",
        data=json.dumps(event).encode(),
        method="POST",
        headers={"Content-Type": "application/cloudevents+json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        resp.read()
        return resp.status
