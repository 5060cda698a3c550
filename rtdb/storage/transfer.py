"""Offline ``import`` / ``export`` of a data directory, in ``firebase database:set/get`` JSON.

Export prints what ``firebase database:get`` prints (plain JSON, or with ``--export`` the
export format that keeps priorities); import takes what ``firebase database:set`` takes
(plain or export-format JSON, server values resolved now). Both lock the directory, so
they refuse to touch one a running server owns; use REST for a running server.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ..core import paths, tree
from ..core.auth import ADMIN
from ..core.render import render
from . import codec, load_offline


def export_json(
    data_dir: str, ns: str, path: str = "/", export: bool = False, pretty: bool = False
) -> str:
    """The JSON text of the data at ``path`` of namespace ``ns``."""
    datadir, namespaces = load_offline(data_dir)
    try:
        db = namespaces.get(ns)
        node = tree.get(db.root, paths.parse(path))
        value = render(node, export=export)
    finally:
        datadir.close()
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def import_json(data_dir: str, ns: str, value: Any, path: str = "/", merge: bool = False) -> int:
    """Write ``value`` at ``path`` (replace, or update with ``merge``); returns bytes journaled."""
    datadir, namespaces = load_offline(data_dir)
    try:
        db = namespaces.get(ns)
        records: list[dict[str, Any]] = []
        db.journal = records.append
        where = paths.parse(path, allow_priority=True)
        if merge:
            db.update(where, value, ADMIN)
        else:
            db.set(where, value, ADMIN)
        assert datadir.journal is not None
        lines = [codec.encode({"ns": ns, **record}) for record in records]
        old = datadir.journal
        old.write(lines)
        # Compact right away: an import is usually large and a snapshot loads faster.
        gen = datadir.rotate()
        old.close()
        datadir.write_snapshot(gen, {d.name: d.root for d in namespaces})
        return sum(len(line) for line in lines)
    finally:
        datadir.close()


def read_input(source: str | None) -> Any:
    """The JSON document in file ``source`` (stdin for None or ``-``)."""
    if source in (None, "-"):
        text = sys.stdin.read()
    else:
        with open(source, encoding="utf-8") as f:
            text = f.read()
    return json.loads(text)
