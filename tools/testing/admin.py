"""firebase-admin apps on a bare rtdb server (no Auth emulator): the official back-end
client, as the server tests and benches use it. For a whole stack use
``tools.seed.admin_app``, which also points firebase-admin at the stack's Auth emulator."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import firebase_admin
from firebase_admin import db

# "No override" (an admin) differs from an override of None (signed out) in firebase-admin.
AS_ADMIN: Any = object()


def admin_app(
    database_url: str,
    auth: Any = AS_ADMIN,
    *,
    project_id: str = "demo-nimbus",
    name: str = "admin",
) -> firebase_admin.App:
    """A new app on ``database_url`` (``http://host:port?ns=...`` or, with
    ``FIREBASE_DATABASE_EMULATOR_HOST`` set, a production-style URL), acting as ``auth``
    (``databaseAuthVariableOverride``; ``AS_ADMIN`` for none). ``name`` gets a random suffix,
    so each call is its own app; delete it with ``firebase_admin.delete_app``."""
    options: dict[str, Any] = {"databaseURL": database_url, "projectId": project_id}
    if auth is not AS_ADMIN:
        options["databaseAuthVariableOverride"] = auth
    return firebase_admin.initialize_app(options=options, name=f"{name}-{uuid.uuid4().hex[:8]}")


@contextmanager
def admin_apps(
    database_url: str, *auths: Any, project_id: str = "demo-nimbus", name: str = "admin"
) -> Iterator[list[firebase_admin.App]]:
    """One app per ``auths`` entry (see :func:`admin_app`), all deleted afterwards."""
    apps: list[firebase_admin.App] = []
    try:
        for auth in auths:
            apps.append(admin_app(database_url, auth, project_id=project_id, name=name))
        yield apps
    finally:
        for app in apps:
            firebase_admin.delete_app(app)


def refs(app: firebase_admin.App, server_url: str, ns: str) -> Callable[..., db.Reference]:
    """``at(path="/")``: ``app``'s references in namespace ``ns`` of the server at
    ``server_url``, so one app serves each test's own namespace."""
    url = f"{server_url}?ns={ns}"

    def at(path: str = "/") -> db.Reference:
        return db.reference(path, app=app, url=url)

    return at
