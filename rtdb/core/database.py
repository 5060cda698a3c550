"""One namespace's database, with no I/O: state, reads, writes, listeners, rules.

Every operation returns the pushes it causes as ``(sink, action, body)`` tuples in wire
shape; the transports deliver them. Keeping delivery out of here is what lets one core
serve the WebSocket, long-poll, REST and SSE transports identically.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from . import query as q
from . import tree
from .auth import ADMIN, Auth
from .errors import DataStale, InvalidData, PermissionDenied
from .hashing import node_hash
from .listeners import Listener, ListenerIndex
from .normalize import normalize, normalize_priority
from .paths import is_prefix, parse, path_bytes, wire_path
from .revocation import WatchIndex
from .tree import PRIORITY, Node, Path

Push = tuple[Any, str, dict[str, Any]]


class Rules(Protocol):
    """What the core needs from a compiled ruleset (``rtdb.rules.Ruleset``)."""

    def can_read(
        self, path: Path, auth: dict | None, root: Node, now: int, query: Any = None
    ) -> bool: ...

    def can_write(
        self, writes: dict[Path, Node], auth: dict | None, before: Node, after: Node, now: int
    ) -> bool: ...

    def index_on(self, path: Path) -> tuple[str, ...]: ...

    def read_watch(
        self, path: Path, auth: dict | None, root: Node, now: int, query: Any = None
    ) -> tuple[Path, ...] | None: ...

    def may_write(self, path: Path) -> bool: ...


class Conflict(Exception):
    """The tree (or the rules) changed between a write's preparation and its commit."""


@dataclass(slots=True)
class PreparedWrite:
    """A checked write, ready to commit if nothing changed since ``before``."""

    before: Node
    rules: Rules | None
    after: Node
    written: list[Path]
    record: dict[str, Any]
    merge_at: Path | None = None
    merge: dict[str, Node] | None = None
    auth: Auth = ADMIN
    now: int = 0


class Commit(NamedTuple):
    """What a commit changed, for observers that must see every write (function triggers)."""

    ns: str
    before: Node
    after: Node
    written: tuple[Path, ...]
    auth: Auth
    time: int


def deliver(pushes: Iterable[Push]) -> None:
    """Hand each push to its sink (a realtime session or an SSE stream)."""
    for sink, action, body in pushes:
        sink.push(action, body)


def now_ms() -> int:
    return int(time.time() * 1000)


class Database:
    """A namespace. ``rules`` None means open, as in Google's emulator before an upload."""

    def __init__(self, name: str, clock: Callable[[], int] = now_ms) -> None:
        self.name = name
        self.root: Node = None
        self.rules: Rules | None = None
        self.clock = clock
        self.listeners = ListenerIndex()
        self.watches = WatchIndex()  # listens whose grant depends on data (read revocation)
        self.journal: Callable[[dict[str, Any]], None] | None = None
        # Run after every commit (read revocation itself is built in: _revocations).
        self.after_commit: list[Callable[[], None]] = []
        # Told every commit (function triggers); empty unless a trigger serves this namespace.
        self.observers: list[Callable[[Commit], None]] = []

    # -- reads -----------------------------------------------------------------------

    def can_read(self, auth: Auth, path: Path, spec: q.QuerySpec | None = None) -> bool:
        if auth.admin or self.rules is None:
            return True
        return self.rules.can_read(path, auth.variable, self.root, self.clock(), spec)

    def read(self, path: Path, spec: q.QuerySpec | None = None, auth: Auth = ADMIN) -> Node:
        """The data at ``path`` seen through ``spec``; raises if the rules deny it."""
        if not self.can_read(auth, path, spec):
            raise PermissionDenied()
        return q.apply(tree.get(self.root, path), spec)

    def unindexed(self, path: Path, spec: q.QuerySpec | None) -> bool:
        """True when a query orders by a child or value that no ``.indexOn`` declares."""
        if spec is None or self.rules is None or spec.index in (q.KEY_INDEX, q.PRIORITY_INDEX):
            return False
        return spec.index not in self.rules.index_on(path)

    # -- listens ---------------------------------------------------------------------

    def listen(
        self, sink: Any, path: Path, spec: q.QuerySpec | None, tag: int | None, auth: Auth
    ) -> tuple[Listener, Push]:
        """Register a listen and return it with the push carrying its initial data."""
        watched = self._read_watch(auth, path, spec)
        if watched is None:
            raise PermissionDenied()
        if spec is not None and spec.loads_all_data:
            spec, tag = None, None
        listener = Listener(path, spec, tag, sink, auth)
        data = q.apply(tree.get(self.root, path), spec)
        listener.last = data
        self.listeners.add(listener)
        self.watches.set(listener, watched)
        return listener, (sink, "d", self._body(listener, data))

    def unlisten(self, listener: Listener) -> None:
        self.listeners.remove(listener)
        self.watches.discard(listener)

    # -- read revocation (rtdb.core.revocation, rtdb.rules.tracing) ------------------

    def _read_watch(
        self, auth: Auth, path: Path, spec: q.QuerySpec | None
    ) -> tuple[Path, ...] | None:
        """None if the read is denied, else the data whose change could revoke it."""
        if auth.admin or self.rules is None:
            return ()
        return self.rules.read_watch(path, auth.variable, self.root, self.clock(), spec)

    def recheck(self, listener: Listener) -> bool:
        """Judge a live listen again (its auth, the rules or its data changed)."""
        watched = self._read_watch(listener.auth, listener.path, listener.query)
        if watched is None:
            self.watches.discard(listener)
            return False
        self.watches.set(listener, watched)
        return True

    def revoke(self, listener: Listener) -> Push:
        """End a listen the rules no longer allow, as Firebase does: a ``c`` push, after
        which the JS SDK fails the listen with ``permission_denied`` (its cancel callback)."""
        self.unlisten(listener)
        listener.revoked = True
        body: dict[str, Any] = {"p": "/" + wire_path(listener.path)}
        if listener.wire_query:
            body["q"] = [listener.wire_query]  # the SDK rebuilds the query id from a list
        return (listener.sink, "c", body)

    def _revocations(self, written: Iterable[Path]) -> list[Push]:
        """Revoke the listens a commit cut off; only those watching what it wrote are judged."""
        if not len(self.watches):
            return []
        return [self.revoke(li) for li in self.watches.touched(written) if not self.recheck(li)]

    # -- writes ----------------------------------------------------------------------

    def set(
        self,
        path: Path,
        data: Any,
        auth: Auth,
        expected_hash: str | None = None,
        dry_run: bool = False,
    ) -> list[Push]:
        """Replace the data at ``path`` (a transaction when ``expected_hash`` is given).

        ``dry_run`` checks everything (data, rules) and changes nothing: onDisconnect
        writes are judged when they are queued.
        """
        prepared = self.prepare_set(path, data, auth, expected_hash)
        return [] if dry_run else self.commit(prepared)

    def prepare_set(
        self, path: Path, data: Any, auth: Auth, expected_hash: str | None = None
    ) -> PreparedWrite:
        """Everything :meth:`set` does but the commit; changes nothing, so it may run in a
        worker thread (the tree is immutable) while the loop serves everyone else."""
        before, rules = self.root, self.rules
        self._refuse_early(rules, auth, (path,))
        now = self.clock()
        if path and path[-1] == PRIORITY:
            path = path[:-1]
            target = tree.get(before, path)
            value = tree.with_priority(target, normalize_priority(data, target, now))
        else:
            value = normalize(data, tree.get(before, path), now, len(path), path_bytes(path))
        after = tree.set_at(before, path, value)
        # Rules first: a denied transaction must not learn whether its hash matched.
        self._check_write(rules, auth, {path: value}, before, after, now)
        if expected_hash is not None and node_hash(tree.get(before, path)) != expected_hash:
            raise DataStale()
        record = {"op": "set", "p": wire_path(path), "d": value}
        return PreparedWrite(before, rules, after, [path], record, auth=auth, now=now)

    def update(self, path: Path, data: Any, auth: Auth, dry_run: bool = False) -> list[Push]:
        """Apply a multi-path update atomically: every key is a path relative to ``path``."""
        prepared = self.prepare_update(path, data, auth)
        return [] if prepared is None or dry_run else self.commit(prepared)

    def prepare_update(self, path: Path, data: Any, auth: Auth) -> PreparedWrite | None:
        """Everything :meth:`update` does but the commit (None: nothing to write).

        Linear in the update's size: keys are parsed and checked against what the rules
        could ever grant before any value is normalized, and the new tree is built in one
        pass (:func:`tree.merge`) instead of one path copy per key.
        """
        if not isinstance(data, dict):
            raise InvalidData("Invalid data; an update must be a JSON object.")
        before, rules = self.root, self.rules
        subs: list[tuple[Path, Any]] = []
        for key, value in data.items():
            sub = parse(key)
            self._refuse_early(rules, auth, (path + sub,))
            subs.append((sub, value))
        now = self.clock()
        writes: dict[Path, Node] = {}
        rel: dict[str, Node] = {}
        for sub, value in subs:
            full = path + sub
            node = normalize(value, tree.get(before, full), now, len(full), path_bytes(full))
            writes[full] = node
            rel["/".join(sub)] = node
        if not writes:
            return None
        try:
            after = tree.merge(before, writes.items())
        except tree.Overlap as exc:
            a, b = sorted(exc.paths)
            raise InvalidData(f"Invalid data; update paths overlap: {a} and {b}.") from None
        self._check_write(rules, auth, writes, before, after, now)
        record = {"op": "update", "p": wire_path(path), "d": rel}
        return PreparedWrite(before, rules, after, list(writes), record, path, rel, auth, now)

    def commit(self, prepared: PreparedWrite) -> list[Push]:
        """Apply a prepared write; :class:`Conflict` if the tree or rules changed since."""
        if prepared.before is not self.root or prepared.rules is not self.rules:
            raise Conflict()
        p = prepared
        return self._commit(
            p.before, p.after, p.written, p.record, p.merge_at, p.merge, p.auth, p.now
        )

    @staticmethod
    def _refuse_early(rules: Rules | None, auth: Auth, paths: Iterable[Path]) -> None:
        """Deny, before any work, a write at a path where no ``.write`` rule exists on the
        way down: no value could make it pass, so a hostile 100 MB write costs a walk."""
        if rules is None or auth.admin:
            return
        for path in paths:
            if not rules.may_write(path):
                raise PermissionDenied()

    @staticmethod
    def _check_write(
        rules: Rules | None,
        auth: Auth,
        writes: dict[Path, Node],
        before: Node,
        after: Node,
        now: int,
    ) -> None:
        if auth.admin or rules is None:
            return
        if not rules.can_write(writes, auth.variable, before, after, now):
            raise PermissionDenied()

    def apply_record(self, record: dict[str, Any]) -> None:
        """Replay a journal record (already resolved and checked) without notifying anyone."""
        base = tuple(k for k in record["p"].split("/") if k)
        if record["op"] == "set":
            self.root = tree.set_at(self.root, base, record["d"])
        else:
            writes = {
                base + tuple(k for k in key.split("/") if k): node
                for key, node in record["d"].items()
            }
            self.root = tree.merge(self.root, writes.items())

    # -- notification ----------------------------------------------------------------

    def _commit(
        self,
        before: Node,
        after: Node,
        written: list[Path],
        record: dict[str, Any],
        merge_at: Path | None = None,
        merge: dict[str, Node] | None = None,
        auth: Auth = ADMIN,
        now: int | None = None,
    ) -> list[Push]:
        self.root = after
        if self.journal is not None:
            self.journal(record)
        for hook in list(self.after_commit):
            hook()
        if self.observers:
            when = self.clock() if now is None else now
            commit = Commit(self.name, before, after, tuple(written), auth, when)
            for observe in list(self.observers):
                observe(commit)
        # Revoked first: a listen this write cut off must not receive the write.
        revoked = self._revocations(written)
        return revoked + self.pushes_for(before, after, written, merge_at, merge)

    def pushes_for(
        self,
        before: Node,
        after: Node,
        written: Iterable[Path],
        merge_at: Path | None = None,
        merge: dict[str, Node] | None = None,
    ) -> list[Push]:
        """What each listener must be sent after the tree went from ``before`` to ``after``."""
        affected: dict[int, Listener] = {}
        written = list(written)
        if len(written) > 64:
            for listener in self.listeners.touching(written):
                affected[id(listener)] = listener
            written_one_by_one: Iterable[Path] = ()
        else:
            written_one_by_one = written
        for w in written_one_by_one:
            for listener in self.listeners.at_or_above(w):
                affected[id(listener)] = listener
            for listener in self.listeners.below(w):
                affected[id(listener)] = listener
        pushes: list[Push] = []
        written = list(written)
        for listener in affected.values():
            L = listener.path
            if listener.query is not None:
                result = self._query_result(listener, before, after, written)
                if result != listener.last:
                    listener.last = result
                    pushes.append((listener.sink, "d", self._body(listener, result)))
                continue
            if merge_at is not None and is_prefix(L, merge_at):
                body = {"p": wire_path(merge_at), "d": merge}
                pushes.append((listener.sink, "m", body))
                continue
            if len(written) == 1 and is_prefix(L, written[0]):
                w = written[0]
                pushes.append((listener.sink, "d", {"p": wire_path(w), "d": tree.get(after, w)}))
                continue
            old, new = tree.get(before, L), tree.get(after, L)
            if old is not new and old != new:
                pushes.append((listener.sink, "d", {"p": wire_path(L), "d": new}))
        return pushes

    @staticmethod
    def _query_result(listener: Listener, before: Node, after: Node, written: list[Path]) -> Node:
        """A tagged listen's new window: incremental when only its children were written."""
        L = listener.path
        depth = len(L)
        new = tree.get(after, L)
        if any(len(w) <= depth for w in written):
            return q.apply(new, listener.query)
        changed = {w[depth] for w in written if w[:depth] == L}
        old = tree.get(before, L)
        result = q.apply_incremental(listener.query, listener.last, old, new, changed)
        if result is q.RECOMPUTE:
            result = q.apply(new, listener.query)
        return result

    @staticmethod
    def _body(listener: Listener, data: Node) -> dict[str, Any]:
        body: dict[str, Any] = {"p": wire_path(listener.path), "d": data}
        if listener.tag is not None:
            body["t"] = listener.tag
        return body
