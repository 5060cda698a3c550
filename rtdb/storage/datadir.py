"""The files of a data directory: journal generations, snapshots, rules, and the lock.

Layout (``gen`` is a zero-padded generation number)::

    LOCK                    held (flock) by whichever process owns the directory
    journal-<gen>.log       every write made after snapshot <gen> was taken, in order
    snapshot-<gen>/         the whole tree of each namespace at the start of journal <gen>
        ns-<name>.snap      one checksummed record {"ns": name, "root": tree}
    rules/ns-<name>.json    the rules source last uploaded for that namespace

State = the newest complete snapshot (none means empty), then every journal of that
generation or later, replayed in order. A snapshot is written to ``*.tmp``, fsync'd and
renamed, and only then are older journals deleted, so a crash at any moment leaves a
directory that loads to exactly the durable state. Blocking I/O only: the group-commit
journal calls the writing half from a worker thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from ..core.namespaces import Namespaces
from . import codec

log = logging.getLogger("rtdb.storage")

JOURNAL_PREFIX, JOURNAL_SUFFIX = "journal-", ".log"
SNAPSHOT_PREFIX = "snapshot-"


class DataDirLocked(RuntimeError):
    """Another process (a running server, an import) owns the data directory."""


def _ns_file(name: str, suffix: str) -> str:
    return "ns-" + quote(name, safe="") + suffix


def _ns_name(filename: str, suffix: str) -> str | None:
    if filename.startswith("ns-") and filename.endswith(suffix):
        return unquote(filename[3 : -len(suffix)])
    return None


def _gen_of(name: str, prefix: str, suffix: str = "") -> int | None:
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    digits = name[len(prefix) : len(name) - len(suffix)]
    return int(digits) if digits.isdigit() else None


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (created, renamed, deleted files) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so a crash leaves either the old or the new file."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


@dataclass
class LoadReport:
    """What loading found, for the startup log line."""

    snapshot_gen: int = 0
    namespaces: int = 0
    records: int = 0
    dropped_bytes: int = 0
    reason: str = ""
    journal: str = ""


class JournalFile:
    """One open journal generation, appended to by a single writer thread."""

    def __init__(self, path: Path, gen: int) -> None:
        self.path = path
        self.gen = gen
        self._f = open(path, "ab")  # noqa: SIM115 - lives as long as the generation
        self.size = self._f.tell()
        self._dir_synced = False

    def write(self, lines: Iterable[bytes]) -> None:
        """Append and fsync: when this returns, the lines survive a crash or power loss."""
        data = b"".join(lines)
        if data:
            self._f.write(data)
            self._f.flush()
            os.fdatasync(self._f.fileno())
            self.size += len(data)
        if not self._dir_synced:
            fsync_dir(self.path.parent)
            self._dir_synced = True

    def close(self) -> None:
        self._f.close()


class DataDir:
    """A data directory opened for exclusive use by this process."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "rules").mkdir(exist_ok=True)
        self._lock = open(self.path / "LOCK", "a+")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise DataDirLocked(
                f"{self.path} is in use by another process (a running rtdb server?)"
            ) from None
        self.journal: JournalFile | None = None

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        with contextlib.suppress(OSError):
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
        self._lock.close()

    # -- listing ---------------------------------------------------------------------

    def _gens(self, prefix: str, suffix: str = "", dirs: bool = False) -> list[int]:
        out = []
        for entry in self.path.iterdir():
            gen = _gen_of(entry.name, prefix, suffix)
            if gen is not None and entry.is_dir() == dirs:
                out.append(gen)
        return sorted(out)

    def journal_path(self, gen: int) -> Path:
        return self.path / f"{JOURNAL_PREFIX}{gen:08d}{JOURNAL_SUFFIX}"

    def snapshot_path(self, gen: int) -> Path:
        return self.path / f"{SNAPSHOT_PREFIX}{gen:08d}"

    # -- loading ---------------------------------------------------------------------

    def load(self, namespaces: Namespaces) -> LoadReport:
        """Fill ``namespaces`` from disk, drop any torn journal tail, open the journal."""
        report = LoadReport()
        snaps = self._gens(SNAPSHOT_PREFIX, dirs=True)
        base = snaps[-1] if snaps else 0
        report.snapshot_gen = base
        if base:
            for name, root in self._read_snapshot(base):
                namespaces.get(name).root = root
        journals = [g for g in self._gens(JOURNAL_PREFIX, JOURNAL_SUFFIX) if g >= base]
        stopped_at: int | None = None
        for gen in journals:
            path = self.journal_path(gen)
            decoded = codec.decode(path.read_bytes())
            for record in decoded.records:
                namespaces.get(record["ns"]).apply_record(record)
            report.records += len(decoded.records)
            if decoded.bad_bytes:
                report.dropped_bytes += decoded.bad_bytes
                report.reason, report.journal = decoded.reason, path.name
                with open(path, "r+b") as f:  # cut the tail so new records follow good ones
                    f.truncate(decoded.good_bytes)
                    os.fsync(f.fileno())
                stopped_at = gen
                break
        if stopped_at is not None:
            for gen in journals:  # anything after a corrupt record cannot be trusted
                if gen > stopped_at:
                    report.dropped_bytes += self.journal_path(gen).stat().st_size
                    self.journal_path(gen).unlink()
            journals = [g for g in journals if g <= stopped_at]
        self._load_rules(namespaces)
        report.namespaces = len(namespaces.names())
        current = journals[-1] if journals else max(base, 1)
        self.journal = JournalFile(self.journal_path(current), current)
        self.remove_older_than(base)
        return report

    def _read_snapshot(self, gen: int) -> Iterator[tuple[str, Any]]:
        folder = self.snapshot_path(gen)
        for entry in sorted(folder.iterdir()):
            if _ns_name(entry.name, ".snap") is None:
                continue
            decoded = codec.decode(entry.read_bytes())
            if decoded.bad_bytes or len(decoded.records) != 1:
                raise RuntimeError(f"corrupt snapshot file {entry}: {decoded.reason}")
            record = decoded.records[0]
            yield record["ns"], record["root"]

    def _load_rules(self, namespaces: Namespaces) -> None:
        for entry in sorted((self.path / "rules").iterdir()):
            name = _ns_name(entry.name, ".json")
            if name is None:
                continue
            try:
                from ..rules import compile_rules

                namespaces.get(name).rules = compile_rules(entry.read_text("utf-8"))
            except Exception as exc:  # a rules file that no longer compiles must be seen
                log.error("rtdb: rules for namespace %r in %s do not compile: %s", name, entry, exc)

    # -- writing ---------------------------------------------------------------------

    def rotate(self) -> int:
        """Open the next journal generation for later writes; returns its number.

        The caller still finishes (and closes) the previous file, then owes snapshot ``gen``.
        """
        assert self.journal is not None
        gen = self.journal.gen + 1
        self.journal = JournalFile(self.journal_path(gen), gen)
        return gen

    def write_snapshot(self, gen: int, roots: dict[str, Any]) -> None:
        """Publish snapshot ``gen`` (the state when journal ``gen`` began); drop older files."""
        final = self.snapshot_path(gen)
        tmp = final.with_name(final.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, root in roots.items():
            if root is None:
                continue
            with open(tmp / _ns_file(name, ".snap"), "wb") as f:
                f.write(codec.encode({"ns": name, "root": root}))
                f.flush()
                os.fsync(f.fileno())
        fsync_dir(tmp)
        os.replace(tmp, final)
        fsync_dir(self.path)
        self.remove_older_than(gen)

    def remove_older_than(self, gen: int) -> None:
        """Delete journals and snapshots that snapshot ``gen`` made redundant."""
        for g in self._gens(JOURNAL_PREFIX, JOURNAL_SUFFIX):
            if g < gen:
                self.journal_path(g).unlink(missing_ok=True)
        for g in self._gens(SNAPSHOT_PREFIX, dirs=True):
            if g < gen:
                shutil.rmtree(self.snapshot_path(g), ignore_errors=True)
        for entry in self.path.iterdir():
            if entry.name.startswith(SNAPSHOT_PREFIX) and entry.name.endswith(".tmp"):
                gen_tmp = _gen_of(entry.name, SNAPSHOT_PREFIX, ".tmp")
                if gen_tmp is not None and gen_tmp <= gen:
                    shutil.rmtree(entry, ignore_errors=True)

    def save_rules(self, name: str, source: str) -> None:
        write_atomically(self.path / "rules" / _ns_file(name, ".json"), source.encode("utf-8"))
