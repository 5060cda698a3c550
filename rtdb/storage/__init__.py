"""Durable storage for a data directory: group-commit journal, snapshots, rules files.

``Storage`` is what ``python -m rtdb --data DIR`` wires in: it loads the directory into
the namespaces, then journals every write they make and serves as the transports'
``Durability`` (nothing is acknowledged before it is fsync'd).
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from ..core.database import Database
from ..core.namespaces import Namespaces
from .datadir import DataDir, DataDirLocked, LoadReport
from .journal import DEFAULT_COMPACT_BYTES, GroupCommitJournal

__all__ = ["DataDir", "DataDirLocked", "LoadReport", "Storage", "describe", "load_offline"]

log = logging.getLogger("rtdb.storage")


def describe(report: LoadReport, path: str | os.PathLike[str]) -> str:
    """The startup log line: what was recovered, and what (if anything) was dropped."""
    text = (
        f"rtdb: loaded {path}: snapshot {report.snapshot_gen or 'none'}, "
        f"{report.records} journal records replayed, {report.namespaces} namespaces"
    )
    if report.dropped_bytes:
        text += (
            f"; DROPPED a torn/corrupt journal tail of {report.dropped_bytes} bytes in "
            f"{report.journal} ({report.reason}) - writes in it were never acknowledged"
        )
    return text


def load_offline(path: str | os.PathLike[str]) -> tuple[DataDir, Namespaces]:
    """Open and load a data dir without a server (import/export); caller closes it."""
    datadir = DataDir(path)
    namespaces = Namespaces()
    report = datadir.load(namespaces)
    log.info(describe(report, path))
    return datadir, namespaces


class Storage:
    """A loaded data directory journaling every write of ``namespaces``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        namespaces: Namespaces,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
    ) -> None:
        self.datadir = DataDir(path)
        self.report = self.datadir.load(namespaces)
        (log.warning if self.report.dropped_bytes else log.info)(describe(self.report, path))
        self.namespaces = namespaces
        self.journal = GroupCommitJournal(self.datadir, self._roots, compact_bytes)
        for db in namespaces:
            self._attach(db)
        namespaces.on_create.append(self._attach)

    def _roots(self) -> dict[str, Any]:
        return {db.name: db.root for db in self.namespaces}

    def _attach(self, db: Database) -> None:
        db.journal = functools.partial(self.journal.append, db.name)

    def save_rules(self, ns: str, source: str) -> None:
        """Keep an uploaded ruleset so a restart enforces it again."""
        self.datadir.save_rules(ns, source)

    def start(self) -> None:
        self.journal.start()

    async def close(self) -> None:
        """Flush, snapshot, release the directory (clean shutdown)."""
        await self.journal.close(snapshot=True)
        self.datadir.close()
