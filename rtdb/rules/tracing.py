"""Which data a granted read depends on, so a write can revoke exactly the listens it must.

Firebase re-evaluates a live listen's read rules when the data they read changes and, if
access is gone, revokes the listen (the server's ``c`` push; the JS SDK's
``PersistentConnection.onListenRevoked_`` fails it with ``permission_denied`` and fires
the cancel callbacks). Re-running every listen's rules on every write would make each
write cost O(listens), so a read rule that mentions ``root`` or ``data`` is also compiled
as a tracing closure: evaluated once when the listen is granted (and again whenever a write
touches what it read), it records the locations whose contents it observed — ``val()``,
``exists()``, ``hasChild()``, ``getPriority()``, ``isString()``... — but not the ones it
merely walked through with ``child()``/``parent()``. Evaluation is deterministic given
those observations, so the grant can only change if a write lands at, above or below one
of them; every other write skips the listen entirely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rtdb.core.tree import (
    PRIORITY,
    VALUE,
    Node,
    Path,
    child,
    get,
    has_children,
    leaf_value,
    priority,
    strip_priorities,
)

from .context import Ctx
from .errors import EvalError
from .evaluator import _closure_predicate, compile_node
from .parser import Array, Binary, Call, Cond, Ident, Logical, Member, Unary
from .parser import Node as Ast
from .snapshot import split_path


class TracedSnapshot:
    """A RuleDataSnapshot that adds its path to ``seen`` whenever its data is observed."""

    __slots__ = ("_node", "path", "root", "seen")

    def __init__(self, root: Node, path: Path, node: Node, seen: set[Path]) -> None:
        self.root = root
        self.path = path
        self._node = node
        self.seen = seen

    @property
    def node(self) -> Node:
        self.seen.add(self.path)
        return self._node

    def _at(self, path: Path, node: Node) -> TracedSnapshot:
        return TracedSnapshot(self.root, path, node, self.seen)

    def val(self) -> Any:
        return strip_priorities(self.node)

    def child_key(self, key: str) -> TracedSnapshot:
        n = self._node
        n = n.get(key) if type(n) is dict and VALUE not in n and key != PRIORITY else None
        return self._at((*self.path, key), n)

    def child(self, path: Any) -> TracedSnapshot:
        segs = split_path(path)
        node = self._node
        for seg in segs:
            node = child(node, seg) if node is not None else None
        return self._at(self.path + tuple(segs), node)

    def parent(self) -> TracedSnapshot:
        if not self.path:
            raise EvalError("parent() of the root")
        up = self.path[:-1]
        return self._at(up, get(self.root, up))

    def has_child(self, path: Any) -> bool:
        return self.child(path).node is not None

    def has_children(self, names: list[Any] | None = None) -> bool:
        if names is None:
            return has_children(self.node)
        return all(self.child(name).node is not None for name in names)

    def exists(self) -> bool:
        return self.node is not None

    def get_priority(self) -> Any:
        return priority(self.node)

    def is_number(self) -> bool:
        return type(leaf_value(self.node)) in (int, float)

    def is_string(self) -> bool:
        return type(leaf_value(self.node)) is str

    def is_boolean(self) -> bool:
        return type(leaf_value(self.node)) is bool


class TraceCtx(Ctx):
    """A read's variables, with ``root`` and ``data`` handing out traced snapshots."""

    __slots__ = ("seen",)

    def __init__(self, auth: Any, now: int, root: Node, query: Any) -> None:
        super().__init__(auth, now, root, root, query)
        self.seen: set[Path] = set()

    @property
    def root(self) -> TracedSnapshot:  # type: ignore[override]
        return TracedSnapshot(self.before, (), self.before, self.seen)

    @property
    def data(self) -> TracedSnapshot:  # type: ignore[override]
        return TracedSnapshot(self.before, self.path, self.dn, self.seen)


def reads_data(ast: Ast) -> bool:
    """Whether an expression mentions ``root`` or ``data`` (else no write can change it)."""
    stack = [ast]
    while stack:
        n = stack.pop()
        if isinstance(n, Ident):
            if n.name in ("root", "data"):
                return True
        elif isinstance(n, Member):
            stack.append(n.obj)
            if n.index is not None:
                stack.append(n.index)
        elif isinstance(n, Call):
            stack.append(n.callee)
            stack.extend(n.args)
        elif isinstance(n, Array):
            stack.extend(n.items)
        elif isinstance(n, Unary):
            stack.append(n.arg)
        elif isinstance(n, (Binary, Logical)):
            stack.extend((n.left, n.right))
        elif isinstance(n, Cond):
            stack.extend((n.test, n.then, n.other))
    return False


def tracer(ast: Ast, where: tuple[str, ...]) -> Callable[[TraceCtx], bool]:
    """The read rule as a tracing predicate (``where``: its location, keys and ``$vars``):
    the evaluator's closure form, run on a :class:`TraceCtx`, which records what it reads."""
    return _closure_predicate(compile_node(ast), where)
