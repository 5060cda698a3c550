"""A local stack running the test-only functions codebase (tests/cloudfunctions/codebase).

Everything is the real thing: firebase-tools' Functions and Auth emulators in one
`emulators:start`, Nimbus's database delivering triggers, functions/venv's runtime.
The stack and the callable client are tools/testing/stacks.py's (bench/functions_bench.py
uses them too); they are imported here under the names the tests use.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.stack import Stack
from tools.testing import stacks
from tools.testing.stacks import FUNCTIONS_VENV, OPEN_RULES, TEST_CODEBASE, call_function
from tools.testing.waiting import wait_until

__all__ = [
    "CODEBASE",
    "FUNCTIONS_VENV",
    "OPEN_RULES",
    "call_function",
    "fn_admin",
    "fn_stack",
    "make_codebase",
    "post_event",
    "records",
    "start_stack",
    "wait_until",
]

CODEBASE = TEST_CODEBASE


def make_codebase(base: Path) -> Path:
    """The test codebase as the emulator wants a source folder: main.py, requirements, venv."""
    try:
        return stacks.make_codebase(base, CODEBASE)
    except stacks.MissingFunctionsVenv as err:
        pytest.fail(str(err))


def start_stack(base: Path) -> Stack:
    """A stack whose Functions emulator runs the test codebase (rules: any signed-in user)."""
    try:
        return stacks.start_functions_stack(base, CODEBASE)
    except stacks.MissingFunctionsVenv as err:
        pytest.fail(str(err))


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


def records(admin, kind: str, ref: str) -> list[dict[str, Any]]:
    """What the test codebase's `kind` function recorded for events at `ref`."""
    return [r for r in (admin.child(f"_seen/{kind}").get() or {}).values() if r["ref"] == ref]


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
