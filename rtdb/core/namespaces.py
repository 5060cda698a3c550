"""Every namespace (``ns``) is its own database, created on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .database import Database

DEFAULT_NAMESPACE = "fake-server"  # firebase-tools' DEFAULT_DATABASE_EMULATOR_NAMESPACE


class Namespaces:
    def __init__(self, default: str = DEFAULT_NAMESPACE) -> None:
        self.default = default
        self._dbs: dict[str, Database] = {}
        self.on_create: list[Callable[[Database], None]] = []

    def get(self, name: str | None) -> Database:
        """The database called ``name`` (the default one for an empty or missing name)."""
        name = name or self.default
        db = self._dbs.get(name)
        if db is None:
            db = self._dbs[name] = Database(name)
            for hook in self.on_create:
                hook(db)
        return db

    def __iter__(self) -> Iterator[Database]:
        return iter(list(self._dbs.values()))

    def names(self) -> list[str]:
        return sorted(self._dbs)
