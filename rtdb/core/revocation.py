"""Read revocation: which live listens a write may have cut off, found without a scan.

Each listen granted by a read rule that reads data watches the locations that rule
observed (``Ruleset.read_watch``). A write at W concerns the watches at W, above it (W
changes what they hold) and below it (W replaced them); this trie finds exactly those, so
a write that touches no watched data costs nothing per listen, however many there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .tree import Path


@dataclass
class _Node:
    here: set[Any] = field(default_factory=set)
    kids: dict[str, _Node] = field(default_factory=dict)


class WatchIndex:
    """Listeners keyed by every location they watch (a listener may watch several)."""

    def __init__(self) -> None:
        self._root = _Node()
        self._watching: dict[Any, tuple[Path, ...]] = {}

    def __len__(self) -> int:
        return len(self._watching)

    def set(self, listener: Any, paths: Iterable[Path]) -> None:
        """Replace what ``listener`` watches (nothing, if ``paths`` is empty)."""
        paths = tuple(paths)
        if self._watching.get(listener) == paths:
            return  # the usual recheck outcome: same rule, same observations
        self.discard(listener)
        if not paths:
            return
        self._watching[listener] = paths
        for path in paths:
            node = self._root
            for key in path:
                node = node.kids.setdefault(key, _Node())
            node.here.add(listener)

    def discard(self, listener: Any) -> None:
        for path in self._watching.pop(listener, ()):
            trail = [self._root]
            for key in path:
                nxt = trail[-1].kids.get(key)
                if nxt is None:
                    break
                trail.append(nxt)
            else:
                trail[-1].here.discard(listener)
                for depth in range(len(path), 0, -1):
                    if trail[depth].here or trail[depth].kids:
                        break
                    del trail[depth - 1].kids[path[depth - 1]]

    def touched(self, written: Iterable[Path]) -> list[Any]:
        """Listeners watching at, above or below any written location (each once)."""
        found: dict[int, Any] = {}
        for path in written:
            node: _Node | None = self._root
            for listener in node.here:
                found[id(listener)] = listener
            for key in path:
                node = node.kids.get(key)
                if node is None:
                    break
                for listener in node.here:
                    found[id(listener)] = listener
            if node is None:
                continue
            stack = list(node.kids.values())
            while stack:
                n = stack.pop()
                for listener in n.here:
                    found[id(listener)] = listener
                stack.extend(n.kids.values())
        return list(found.values())
