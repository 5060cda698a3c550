"""A local stack running Nimbus's own functions/ (the notification triggers among them) with
the real rules, and firebase-admin's root reference on its database.

Posts are written with firebase-admin, as a back end would (the rules' own matrix attacks
follows, watch levels and inboxes from the browser's side); the triggers then run in
firebase-tools' Functions emulator exactly as they do under ``serve``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.stack import Stack
from tools.testing.stacks import admin_root, nimbus_functions_stack


@pytest.fixture(scope="session")
def notifications_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with nimbus_functions_stack(tmp_path_factory.mktemp("notify-stack"), "notifications") as s:
        yield s


@pytest.fixture(scope="session")
def root(notifications_stack: Stack):
    return admin_root(notifications_stack)
