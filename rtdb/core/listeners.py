"""Who listens where: a trie of listeners keyed by path.

A write at W concerns the listeners at W's ancestors (and W) and those below W; the trie
finds both without scanning every listener.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .auth import Auth
from .query import QuerySpec
from .tree import Node, Path


@dataclass(eq=False)
class Listener:
    """One listen: ``query`` is None for a plain (untagged) listen."""

    path: Path
    query: QuerySpec | None
    tag: int | None
    sink: Any
    auth: Auth
    last: Node = None
    wire_query: dict[str, Any] | None = None
    revoked: bool = False  # the rules took it away (Database.revoke)


@dataclass
class _TrieNode:
    here: set[Listener] = field(default_factory=set)
    kids: dict[str, _TrieNode] = field(default_factory=dict)


class ListenerIndex:
    def __init__(self) -> None:
        self._root = _TrieNode()
        self.count = 0

    def add(self, listener: Listener) -> None:
        node = self._root
        for key in listener.path:
            node = node.kids.setdefault(key, _TrieNode())
        node.here.add(listener)
        self.count += 1

    def remove(self, listener: Listener) -> None:
        trail = [self._root]
        for key in listener.path:
            nxt = trail[-1].kids.get(key)
            if nxt is None:
                return
            trail.append(nxt)
        if listener not in trail[-1].here:
            return
        trail[-1].here.discard(listener)
        self.count -= 1
        for depth in range(len(listener.path), 0, -1):
            node = trail[depth]
            if node.here or node.kids:
                break
            del trail[depth - 1].kids[listener.path[depth - 1]]

    def at_or_above(self, path: Path) -> Iterator[Listener]:
        node = self._root
        yield from node.here
        for key in path:
            node = node.kids.get(key)
            if node is None:
                return
            yield from node.here

    def below(self, path: Path) -> Iterator[Listener]:
        node = self._root
        for key in path:
            node = node.kids.get(key)
            if node is None:
                return
        stack = list(node.kids.values())
        while stack:
            n = stack.pop()
            yield from n.here
            stack.extend(n.kids.values())

    def touching(self, written: list[Path]) -> Iterator[Listener]:
        """The listeners at, above or below any written path, found by one walk of the
        listeners (a write of 40,000 paths would otherwise cost 80,000 trie lookups)."""
        if not self.count:
            return
        depth = self._depth()  # no listener lies deeper: longer prefixes cannot matter
        through = {w[:i] for w in written for i in range(min(len(w), depth) + 1)}
        ends = {w for w in written if len(w) <= depth}
        stack: list[tuple[Path, _TrieNode, bool]] = [((), self._root, False)]
        while stack:
            path, node, under = stack.pop()
            under = under or path in ends
            if not under and path not in through:
                continue  # no written path passes here, none lies above
            yield from node.here
            for key, kid in node.kids.items():
                stack.append(((*path, key), kid, under))

    def _depth(self) -> int:
        deepest = 0
        stack = [(0, self._root)]
        while stack:
            depth, node = stack.pop()
            deepest = max(deepest, depth)
            stack.extend((depth + 1, kid) for kid in node.kids.values())
        return deepest
