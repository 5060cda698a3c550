"""A local stack running Nimbus's own functions/ (the search triggers among them) with the
real rules and the catalog seeded, and firebase-admin's root reference on its database.

Everything is the real thing: firebase-tools' Functions emulator running functions/venv,
Nimbus's database delivering the triggers' events. Posts are written with firebase-admin
(a back end: the rules' own tests attack the index from the browser's side).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.stack import Stack
from tools.testing.stacks import admin_root, nimbus_functions_stack


@pytest.fixture(scope="session")
def search_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with nimbus_functions_stack(tmp_path_factory.mktemp("search-stack"), "search") as stack:
        yield stack


@pytest.fixture(scope="session")
def root(search_stack: Stack):
    return admin_root(search_stack)
