"""A local stack running Nimbus's own functions/ (the search triggers among them) with the
real rules and the catalog seeded, and firebase-admin's root reference on its database.

Everything is the real thing: firebase-tools' Functions emulator running functions/venv,
Nimbus's database delivering the triggers' events. Posts are written with firebase-admin
(a back end: the rules' own tests attack the index from the browser's side).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.project import load_courses
from tools.stack import Stack, free_ports
from tools.testing.stacks import FUNCTIONS_VENV


@pytest.fixture(scope="session")
def search_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not (FUNCTIONS_VENV / "bin" / "python3.11").exists():
        pytest.fail("functions/venv is missing: run `python3 build.py setup`")
    base: Path = tmp_path_factory.mktemp("search-stack")
    dist = base / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>search tests</title>")
    stack = Stack(ports=free_ports(), dist=dist, data_dir=base / "data", state_dir=base)
    stack.start(timeout=120, seed_data=False)
    try:
        catalog = {
            f"courses/{cid}": {k: v for k, v in course.items() if k != "lessons"}
            for cid, course in load_courses().items()
        }
        admin_root(stack).update(catalog)
        yield stack
    finally:
        stack.stop()


def admin_root(stack: Stack):
    """firebase-admin's root reference on the stack's database."""
    from firebase_admin import db

    from tools.seed import admin_app

    return db.reference("/", app=admin_app(stack))


@pytest.fixture(scope="session")
def root(search_stack: Stack):
    return admin_root(search_stack)
