"""Whole local stacks on free ports, for the e2e and functions tests and the benches:
exactly what ``build.py serve`` runs (``tools.stack.Stack``), in a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.project import ROOT, load_courses
from tools.site import DEFAULT_RUNTIME, build
from tools.stack import Stack, free_ports

TEST_CODEBASE = ROOT / "tests" / "cloudfunctions" / "codebase"
FUNCTIONS_VENV = ROOT / "functions" / "venv"
CALL = Path(__file__).with_name("js") / "call.mjs"
OPEN_RULES = {"rules": {".read": "auth != null", ".write": "auth != null"}}


@contextmanager
def local_stack(base: Path, runtime: str = DEFAULT_RUNTIME) -> Iterator[Stack]:
    """Build the site for target local into ``base``, start the stack and seed it; stop it
    at the end."""
    ports = free_ports()
    build(target="local", out=base / "dist", ports=ports, runtime=runtime)
    stack = Stack(ports=ports, dist=base / "dist", data_dir=base / "data", state_dir=base)
    stack.start(timeout=90)
    try:
        yield stack
    finally:
        stack.stop()


class MissingFunctionsVenv(RuntimeError):
    """functions/venv is absent: ``python3 build.py setup`` makes it."""


def _require_functions_venv() -> None:
    if not (FUNCTIONS_VENV / "bin" / "python3.11").exists():
        raise MissingFunctionsVenv("functions/venv is missing: run `python3 build.py setup`")


def make_codebase(base: Path, codebase: Path = TEST_CODEBASE) -> Path:
    """``codebase`` as the emulator wants a source folder: main.py, requirements, venv."""
    _require_functions_venv()
    src = base / "functions"
    src.mkdir()
    shutil.copy2(codebase / "main.py", src / "main.py")
    shutil.copy2(ROOT / "functions" / "requirements.txt", src / "requirements.txt")
    (src / "venv").symlink_to(FUNCTIONS_VENV)
    return src


def start_functions_stack(base: Path, codebase: Path = TEST_CODEBASE) -> Stack:
    """A stack (no site, no seed data, rules: any signed-in user) whose Functions emulator
    runs ``codebase``; the caller stops it."""
    dist = base / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>functions tests</title>")
    stack = Stack(
        ports=free_ports(),
        dist=dist,
        data_dir=base / "data",
        state_dir=base,
        functions_source=make_codebase(base, codebase),
    )
    stack.start(timeout=90, seed_data=False)
    rules = base / "open.rules.json"
    rules.write_text(json.dumps(OPEN_RULES))
    stack.upload_rules(rules)
    return stack


@contextmanager
def nimbus_functions_stack(
    base: Path, what: str, *, seed_catalog: bool = True, **options: Any
) -> Iterator[Stack]:
    """Nimbus's own functions/ as ``serve`` runs them (the real rules, localstripe, the media
    store) with no site and no accounts; ``seed_catalog`` writes ``courses/`` from the
    course data (lessons apart). ``what`` names the tests on the placeholder page;
    ``options`` go to :class:`Stack`."""
    _require_functions_venv()
    dist = base / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(f"<!doctype html><title>{what} tests</title>")
    stack = Stack(ports=free_ports(), dist=dist, data_dir=base / "data", state_dir=base, **options)
    try:
        stack.start(timeout=120, seed_data=False)
        if seed_catalog:
            catalog = {
                f"courses/{cid}": {k: v for k, v in course.items() if k != "lessons"}
                for cid, course in load_courses().items()
            }
            admin_root(stack).update(catalog)
        yield stack
    finally:
        stack.stop()


def admin_root(stack: Stack) -> Any:
    """firebase-admin's root reference on the stack's database (a back end: no rules)."""
    from firebase_admin import db

    from tools.seed import admin_app

    return db.reference("/", app=admin_app(stack))


def new_account(stack: Stack, label: str) -> tuple[str, str]:
    """A fresh Auth-emulator account (email, uid) with no enrolments: ``<label>-<tag>@nimbus.test``,
    display name ``"<Label> <tag>"`` (dashes as spaces), the demo password."""
    from firebase_admin import auth

    from tools.project import DEMO_PASSWORD
    from tools.seed import admin_app

    tag = uuid.uuid4().hex[:8]
    user = auth.create_user(
        email=f"{label}-{tag}@nimbus.test",
        password=DEMO_PASSWORD,
        display_name=f"{label.replace('-', ' ').capitalize()} {tag}",
        app=admin_app(stack),
    )
    return user.email, user.uid


def call_function(
    stack: Stack, name: str, data: Any = None, email: str | None = None, password: str = ""
) -> dict[str, Any]:
    """One httpsCallable through the Firebase JS SDK in Node (``js/call.mjs``)."""
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
