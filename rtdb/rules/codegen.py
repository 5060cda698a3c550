"""Compile type-checked rules to Python functions (generated source, built once per upload).

Why: a closure per AST node costs a Python call per node on every evaluation; a rule
compiled to a single expression evaluates with inline ``and``/``or``/attribute reads and
calls out only where Firebase's semantics need a helper (equality without coercion,
relational and arithmetic type errors, string methods). The helpers are ``_jsvalues``'s,
shared with the evaluator, so both compilers mean the same thing; ``evaluator.compile_node``
stays the fallback for anything this one declines (e.g. expressions nested too deeply for
Python's compiler).

What keeps a write under real rules cheap (issue 4: at most twice a rules-off write):

* Snapshot chains the compiler can follow (``newData.parent().parent().child('a/' +
  $x + '/' + auth.uid).val()``) run on raw tree nodes: no Snapshot objects. An ancestor is
  reached by walking down from the root along the rule's own location (``where``: rules
  keys and ``$wildcards``, bound at run time), so the walks keep no per-level state.
* ``child()`` of a ``+`` chain is split at compile time into keys and looked up inline,
  without building and splitting the string; a ``?:`` inside it is distributed.
* Same-type primitives compare inline; ``R.exists() ? R.val() : x`` looks ``R`` up once;
  ``auth.uid`` is read once per request.
* ``compile_below`` turns the ``.validate`` walk below a rules node into one function that
  inlines its children's rules (``$other: false`` becomes one subset test).

Rarely taken paths (a computed path that is not a plain key) are moved out of line, so
the hot bytecode stays compact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from rtdb.core.tree import PRIORITY, VALUE, has_children, priority, strip_priorities

from . import _jsvalues as js
from .context import Ctx
from .errors import EvalError
from .parser import Array, Binary, Call, Cond, Ident, Literal, Logical, Member, Node, Regex, Unary

_IDENT_ATTR = {
    "auth": "c.auth",
    "now": "c.now",
    "root": "c.root",
    "data": "c.data",
    "newData": "c.new_data",
    "query": "c.query",
}
_KINDS = {"isString": (str,), "isNumber": (int, float), "isBoolean": (bool,)}
_MISS = object()
_NAME = re.compile(r"[A-Za-z_]\w*")
_DENY = (EvalError, TypeError, AttributeError, KeyError, ValueError, IndexError, RecursionError)


def _val(n: Any) -> Any:
    return strip_priorities(n) if type(n) is dict else n


def _leaf(n: Any) -> Any:
    return n.get(VALUE) if type(n) is dict else n


def _length(v: Any) -> Any:
    if type(v) is str:
        return len(v) if v.isascii() else js.js_len(v)
    return js.get_member(v, "length")


def _neg(v: Any) -> Any:
    if not js.is_num(v):
        raise EvalError("unary - needs a number")
    return -v


def _has_children(snap: Any, names: list[Any]) -> bool:
    for n in names:
        if type(n) is not str:
            raise EvalError("hasChildren needs strings")
    return snap.has_children(names)


def _string_method(name: str) -> Callable[..., Any]:
    impl = js.STRING_IMPL[name]

    def call(s: Any, *args: Any) -> Any:
        if type(s) is not str:
            raise EvalError(f"{name}() called on a non-string")
        return impl(s, *args)

    return call


# --- node-level snapshot operations -----------------------------------------------------
# A snapshot chain the compiler can follow statically (``newData.parent().child('a/' + $x)``)
# is evaluated on raw nodes with these; they mean exactly what Snapshot's methods mean.


def _down(n: Any, path: Any) -> Any:
    """``child(path)`` for a computed path: a non-string is a runtime error."""
    if type(path) is not str:
        raise EvalError("child path must be a string")
    if "/" not in path:
        if not path:
            return n
        return n.get(path) if type(n) is dict and VALUE not in n and path != PRIORITY else None
    for seg in path.split("/"):
        if seg:
            if type(n) is not dict or VALUE in n or seg == PRIORITY:
                return None
            n = n.get(seg)
    return n


def _rootd(c: Ctx, path: Any) -> Any:
    """``root.child(path)``, memoized per request (several rules look up the same path)."""
    memo = c.rmemo
    if memo is None:
        memo = c.rmemo = {}
    n = memo.get(path, _MISS)  # a non-string path is a miss (or unhashable): _down raises
    if n is _MISS:
        n = memo[path] = _down(c.before, path)
    return n


def _perr() -> Any:
    raise EvalError("parent() of the root")


def _hcn(n: Any, names: list[Any]) -> bool:
    """``hasChildren([...])`` on a node."""
    for name in names:
        if type(name) is not str:
            raise EvalError("hasChildren needs strings")
    if type(n) is dict and VALUE not in n:
        for name in names:
            if name and "/" not in name and name != PRIORITY:
                if n.get(name) is None:
                    return False
            elif _down(n, name) is None:
                return False
        return True
    return all(_down(n, name) is not None for name in names)


def _simple_key(node: Node) -> bool:
    v = getattr(node, "value", None)
    return (
        isinstance(node, Literal) and type(v) is str and v != PRIORITY and "/" not in v and v != ""
    )


def _is_auth_uid(node: Node) -> bool:
    return (
        isinstance(node, Member)
        and node.name == "uid"
        and node.index is None
        and isinstance(node.obj, Ident)
        and node.obj.name == "auth"
    )


def _is_num_literal(node: Node) -> bool:
    return isinstance(node, Literal) and type(node.value) in (int, float)


def _is_call(node: Node, name: str) -> bool:
    return (
        isinstance(node, Call)
        and isinstance(node.callee, Member)
        and node.callee.type == ("method", "snapshot", name)
        and not node.args
    )


def _same(a: Any, b: Any) -> bool:
    """Structural equality of two expressions (positions and annotations ignored)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Node):
        return all(
            _same(getattr(a, f.name), getattr(b, f.name))
            for f in fields(a)
            if f.name not in ("pos", "type", "compiled")
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


# (base, ups, segments): ``base.parent()**ups.child(s1).child(s2)...``; a segment is
# ("lit", keys) for a literal path split at compile time or ("dyn", node) for a computed one.
Ref = tuple[str, int, list[tuple[str, Any]]]
_BASES = {"root": "root", "data": "data", "newData": "new"}
_ROOT = {"root": "c.before", "data": "c.before", "new": "c.after"}


class _Gen:
    def __init__(self, where: tuple[str, ...], dn: str = "c.dn", nn: str = "c.nn") -> None:
        self.where = where  # the rule's location: rules keys and $wildcards
        self.here = {"data": dn, "new": nn}  # where data's and newData's nodes are
        self.env: dict[str, Any] = {
            "_eq": js.strict_eq,
            "_gm": js.get_member,
            "_val": _val,
            "_leaf": _leaf,
            "_length": _length,
            "_neg": _neg,
            "_has_children": _has_children,
            "_getattr": getattr,
            "_down": _down,
            "_rootd": _rootd,
            "_perr": _perr,
            "_hcn": _hcn,
            "_hc0": has_children,
            "_prio": priority,
            "_NUMT": (int, float),
            "_PRIM": (str, int, float, bool, type(None)),
            "_DENY": _DENY,
        }
        self.n = 0
        self.needs_path = False  # the rule builds Snapshot objects (c.path must be set)

    def const(self, value: Any) -> str:
        self.n += 1
        name = f"_k{self.n}"
        self.env[name] = value
        return name

    def temp(self) -> str:
        self.n += 1
        return f"_t{self.n}"

    def hold(self, code: str) -> tuple[str, str]:
        """(first use, later uses) of a value used more than once: a temp, unless it is
        already a plain name (a local such as ``nn``, a temp, a constant)."""
        if _NAME.fullmatch(code):
            return code, code
        t = self.temp()
        return f"({t} := {code})", t

    def expr(self, node: Node) -> str:
        if isinstance(node, Literal):
            return self.const(node.value)
        if isinstance(node, Regex):
            return self.const(node.compiled)
        if isinstance(node, Ident):
            if node.name in ("data", "newData"):
                self.needs_path = True  # a Snapshot object built from the path
            attr = _IDENT_ATTR.get(node.name)
            return attr if attr is not None else f"c.wild[{self.const(node.name)}]"
        if isinstance(node, Member):
            return self.member(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Unary):
            arg = self.expr(node.arg)
            return f"(not {arg})" if node.op == "!" else f"_neg({arg})"
        if isinstance(node, Logical):
            op = "and" if node.op == "&&" else "or"
            return f"({self.expr(node.left)} {op} {self.expr(node.right)})"
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Cond):
            shared = self.exists_then_val(node)
            if shared is not None:
                return shared
            test, then, other = self.expr(node.test), self.expr(node.then), self.expr(node.other)
            return f"({then} if {test} is True else {other})"
        if isinstance(node, Array):
            return "[" + ", ".join(self.expr(i) for i in node.items) + "]"
        raise TypeError(f"cannot compile {node!r}")

    def member(self, node: Member) -> str:
        if node.index is not None:
            return f"_gm({self.expr(node.obj)}, {self.expr(node.index)})"
        name = self.const(node.name)
        if isinstance(node.obj, Ident) and node.obj.name == "auth":
            if node.name == "uid":
                return "c.uid"  # looked up once per request
            t = self.temp()
            return f"({t}.get({name}) if type({t} := c.auth) is dict else _gm({t}, {name}))"
        if node.name == "length" and _is_call(node.obj, "val"):
            ref = self.ref(node.obj.callee.obj)  # type: ignore[attr-defined]
            if ref is not None:  # ``newData.val().length``: a str node is its own value
                first, t = self.hold(self.node_code(ref))
                return (
                    f"(len({t}) if type({first}) is str and {t}.isascii() else _length(_val({t})))"
                )
        obj = self.expr(node.obj)
        if node.obj.type == "query":
            return f"_getattr({obj}, {name})"
        if node.name == "length":
            return f"_length({obj})"
        return f"_gm({obj}, {name})"

    # --- snapshots as nodes ---------------------------------------------------------------

    def ref(self, node: Node) -> Ref | None:
        """The static shape of a snapshot expression, or None if it needs Snapshot objects."""
        if isinstance(node, Ident):
            base = _BASES.get(node.name)
            return None if base is None else (base, 0, [])
        if not (isinstance(node, Call) and isinstance(node.callee, Member)):
            return None
        name = node.callee.name
        if name not in ("child", "parent") or node.callee.type != ("method", "snapshot", name):
            return None
        inner = self.ref(node.callee.obj)
        if inner is None:
            return None
        base, ups, segs = inner
        if name == "parent":
            if not segs:
                return base, ups + 1, segs
            kind, keys = segs[-1]
            if kind != "lit":
                return None  # child('') is the node itself: a computed child's parent varies
            return base, ups, segs[:-1] + ([("lit", keys[:-1])] if len(keys) > 1 else [])
        (arg,) = node.args
        if isinstance(arg, Literal) and type(arg.value) is str:
            keys = tuple(k for k in arg.value.split("/") if k)
            if PRIORITY in keys:
                return base, ups, [*segs, ("dyn", arg)]
            if not keys:
                return inner
            if segs and segs[-1][0] == "lit":
                return base, ups, [*segs[:-1], ("lit", segs[-1][1] + keys)]
            return base, ups, [*segs, ("lit", keys)]
        return base, ups, [*segs, ("dyn", arg)]

    def path_keys(self, where: tuple[str, ...]) -> list[tuple[str, bool]]:
        """Code for each key of the data path at ``where`` (wildcards as bound)."""
        return [
            (f"c.wild[{self.const(k)}]" if k[0] == "$" else self.const(k), False) for k in where
        ]

    def path_code(self) -> str:
        """The rule's data path as a tuple (for Snapshot objects)."""
        return "(" + "".join(f"{k}, " for k, _ in self.path_keys(self.where)) + ")"

    def walk(self, code: str, keys: list[tuple[str, bool]]) -> str:
        """Inline ``child()`` steps from the node ``code`` (no call per lookup).

        ``keys`` are (code, check). A leaf, even one stored as ``{".value", ".priority"}``,
        has no children: for a key that cannot be ``.value`` or ``.priority`` (check
        false: rules keys, wildcards, keys checked at run time) ``dict.get`` already says
        so; any other key is tested in full.
        """
        for key, check in keys:
            first, t = self.hold(code)
            cond = f"type({first}) is dict"
            if check:
                cond += f" and {VALUE!r} not in {t} and {key} != {PRIORITY!r}"
            code = f"({t}.get({key}) if {cond} else None)"
        return code

    def node_code(self, ref: Ref) -> str:
        """Code for the node a Ref points at (a computed path string is memoized)."""
        base, ups, segs = ref
        if base == "root":
            code = "c.before" if ups == 0 else "_perr()"
        elif ups == 0:
            code = self.here[base]
        elif ups > len(self.where):
            code = "_perr()"  # parent() of the root
        else:  # an ancestor: walk down to it from the root along the rule's own location
            code = self.walk(_ROOT[base], self.path_keys(self.where[: len(self.where) - ups]))
        for kind, arg in segs:
            if kind == "lit":
                code = self.walk(code, [(self.const(k), k in (VALUE, PRIORITY)) for k in arg])
                continue
            memo = code == "c.before"
            pieces = self.pieces(arg)
            if pieces is None:
                path = self.expr(arg)
                code = f"_rootd(c, {path})" if memo else f"_down({code}, {path})"
                continue

            def fast(keys: list[tuple[str, bool]], n: str = code) -> str:
                return self.walk(n, keys)

            def slow(n: str = code, memo: bool = memo, arg: Node = arg) -> str:
                path = self.expr(arg)
                return self.out_of_line(f"_rootd(c, {path})" if memo else f"_down({n}, {path})")

            code = self.cat_code(pieces, fast, slow)
        return code

    def out_of_line(self, code: str) -> str:
        """``code`` as a call to its own function: the rare path stays out of the hot one.

        (Keeping a rule's hot bytecode compact matters once other work runs between
        writes.) The function sees the same names: ``c`` and the local ``dn``/``nn``.
        """
        name = self.const(None)
        source = f"def {name}(c, dn, nn):\n    return {code}\n"
        exec(compile(source, "<rules>", "exec"), self.env)
        local = self.here["data"] == "dn"
        return f"{name}(c, {'dn, nn' if local else 'None, None'})"

    def pieces(self, node: Node) -> list[Node] | None:
        """The operands of a left-nested ``+`` chain that starts with a string, else None.

        Once the left operand is a string every ``+`` concatenates, so the chain is the
        concatenation of its operands (a right operand that is itself a ``+`` is one piece).
        """
        out: list[Node] = []
        while isinstance(node, Binary) and node.op == "+":
            out.append(node.right)
            node = node.left
        out.append(node)
        out.reverse()
        return out if len(out) > 1 and self.is_str(out[0]) else None

    def cat_code(
        self,
        pieces: list[Node],
        fast: Callable[[list[tuple[str, bool]]], str],
        slow: Callable[[], str],
    ) -> str:
        """``child(a + '/' + $b + ...)`` as inline lookups, without building the string.

        Wildcards are keys (never empty, never containing ``/``) and literals split at
        compile time; any other piece is used as a key only if it is a non-empty string
        without ``/`` (and not ``.priority``), else the path is built and split as written.
        A ``?:`` piece is distributed: ``'a/' + (t ? 'b' : 'c/d')`` is ``t ? 'a/b' : 'a/c/d'``.
        """
        for i, p in enumerate(pieces):
            if isinstance(p, Cond):
                test = self.expr(p.test)
                then = self.cat_code(
                    [*pieces[:i], *self.branch(p.then), *pieces[i + 1 :]], fast, slow
                )
                other = self.cat_code(
                    [*pieces[:i], *self.branch(p.other), *pieces[i + 1 :]], fast, slow
                )
                return f"({then} if {test} is True else {other})"
        segs: list[list[str]] = [[]]
        checks: list[str] = []
        for p in pieces:
            if isinstance(p, Literal) and type(p.value) is str:
                for j, text in enumerate(p.value.split("/")):
                    if j:
                        segs.append([])
                    if text:
                        segs[-1].append(repr(text))
            elif isinstance(p, Ident) and p.name.startswith("$"):
                segs[-1].append(f"c.wild[{self.const(p.name)}]")
            elif _is_auth_uid(p):
                t = self.temp()
                checks.append(f"({t} := c.uidk) is not None")  # checked once per request
                segs[-1].append(t)
            else:
                t = self.temp()
                checks.append(
                    f"type({t} := {self.expr(p)}) is str and {t} and '/' not in {t}"
                    f" and {t} != {PRIORITY!r} and {t} != {VALUE!r}"
                )
                segs[-1].append(t)
        keys = [(" + ".join(seg), len(seg) > 1) for seg in segs if seg]
        if any(k == repr(PRIORITY) for k, _ in keys) or not keys:
            return slow()
        code = fast(keys)
        if not checks:
            return code
        return f"({code} if {' and '.join(checks)} else {slow()})"

    def branch(self, node: Node) -> list[Node]:
        """A ``?:`` branch as concatenation pieces (a string-led ``+`` chain is flattened)."""
        pieces = self.pieces(node)
        return pieces if pieces is not None else [node]

    def snapshot_call(self, name: str, ref: Ref, args: list[Node]) -> str | None:
        """A snapshot method on a statically known node, or None to use Snapshot objects."""
        if name in ("child", "parent"):
            return None
        n = self.node_code(ref)
        if name == "val":
            first, t = self.hold(n)  # a leaf is its own value: call out only for objects
            return f"({t} if type({first}) is not dict else _val({t}))"
        if name == "exists":
            return f"({n} is not None)"
        if name in _KINDS:
            first, t = self.hold(n)
            kind = (
                "is str" if name == "isString" else "is bool" if name == "isBoolean" else "in _NUMT"
            )
            return f"(type({first}) {kind} or type(_leaf({t})) {kind})"
        if name == "getPriority":
            return f"_prio({n})"
        if name == "hasChildren":
            if not args:
                return f"_hc0({n})"
            items = args[0].items  # type: ignore[attr-defined]
            if all(_simple_key(i) for i in items):
                # Children are never null in the canonical tree: ``in`` is ``child().exists()``.
                first, t = self.hold(n)
                tests = " and ".join(f"{self.const(i.value)} in {t}" for i in items)
                return f"(type({first}) is dict and {VALUE!r} not in {t} and {tests})"
            return f"_hcn({n}, [{', '.join(self.expr(i) for i in items)}])"
        if name == "hasChild":
            return f"(_down({n}, {self.expr(args[0])}) is not None)"
        return None

    def exists_then_val(self, node: Cond) -> str | None:
        """``R.exists() ? R.val() : x`` looks ``R`` up once."""
        test, then = node.test, node.then
        if not (_is_call(test, "exists") and _is_call(then, "val")):
            return None
        target = test.callee.obj  # type: ignore[attr-defined]
        if not _same(target, then.callee.obj):  # type: ignore[attr-defined]
            return None
        ref = self.ref(target)
        if ref is None:
            return None
        first, t = self.hold(self.node_code(ref))
        other = self.expr(node.other)
        v = f"({t} if type({t}) is not dict else _val({t}))"
        return f"({v} if {first} is not None else {other})"

    def call(self, node: Call) -> str:
        _, owner, name = node.callee.type
        assert isinstance(node.callee, Member)
        args = node.args
        if owner == "snapshot":
            ref = self.ref(node.callee.obj)
            if ref is not None:
                fast = self.snapshot_call(name, ref, args)
                if fast is not None:
                    return fast
            obj = self.expr(node.callee.obj)
            if name == "hasChildren" and args:
                items = args[0].items  # type: ignore[attr-defined]
                return f"_has_children({obj}, [{', '.join(self.expr(i) for i in items)}])"
            if not args:
                if name == "val":
                    return f"_val({obj}.node)"
                if name == "exists":
                    return f"({obj}.node is not None)"
                if name in _KINDS:
                    return f"(type(_leaf({obj}.node)) in {self.const(_KINDS[name])})"
                return f"{self.const(js.SNAPSHOT_IMPL[name])}({obj})"
            (arg,) = args
            if name == "child" and isinstance(arg, Literal):
                key = arg.value
                if type(key) is str and key and "/" not in key:
                    return f"{obj}.child_key({self.const(key)})"
            return f"{self.const(js.SNAPSHOT_IMPL[name])}({obj}, {self.expr(arg)})"
        obj = self.expr(node.callee.obj)
        fn = self.const(_string_method(name))
        return f"{fn}({', '.join([obj, *(self.expr(a) for a in args)])})"

    # --- operators ------------------------------------------------------------------------

    def is_str(self, node: Node) -> bool:
        """True if ``node`` is a string whenever it evaluates without error."""
        if isinstance(node, Literal):
            return type(node.value) is str
        if isinstance(node, Ident):
            return node.name.startswith("$")
        if isinstance(node, Binary) and node.op == "+":
            return self.is_str(node.left) and self.is_str(node.right)
        return False

    def binary(self, node: Binary) -> str:
        op = node.op
        if op in ("==", "===", "!=", "!=="):
            eq = self.equality(node.left, node.right)
            return eq if op in ("==", "===") else f"(not {eq})"
        if op == "+":
            ls, rs = self.is_str(node.left), self.is_str(node.right)
            if ls and rs:
                return f"({self.expr(node.left)} + {self.expr(node.right)})"
            add = self.const(js.arith(op))
            if ls or rs:  # string + unknown: concatenate directly when the other is a string
                t = self.temp()
                left, right = self.expr(node.left), self.expr(node.right)
                if ls:
                    return f"({left} + {t} if type({t} := {right}) is str else {add}({left}, {t}))"
                return f"({t} + {right} if type({t} := {left}) is str else {add}({t}, {right}))"
        left, right = self.expr(node.left), self.expr(node.right)
        if op in ("<", "<=", ">", ">="):
            rel = self.const(js.relational(op))
            if _is_num_literal(node.right):  # ``x.length <= 200``: compare numbers inline
                first, t = self.hold(left)
                return f"({t} {op} {right} if type({first}) in _NUMT else {rel}({t}, {right}))"
            if _is_num_literal(node.left):
                first, t = self.hold(right)
                return f"({left} {op} {t} if type({first}) in _NUMT else {rel}({left}, {t}))"
            return f"{rel}({left}, {right})"
        fn = self.const(js.arith(op))
        if op in ("+", "-", "*"):  # two numbers: inline; anything else: the helper decides
            (fa, a), (fb, b) = self.hold(left), self.hold(right)
            return (
                f"({a} {op} {b} if (type({fa}) in _NUMT) & (type({fb}) in _NUMT) "
                f"else {fn}({a}, {b}))"
            )
        return f"{fn}({left}, {right})"

    def equality(self, a: Node, b: Node) -> str:
        """``a === b`` without coercion, inline when one side is a literal."""
        if isinstance(a, Literal) and not isinstance(b, Literal):
            a, b = b, a
        if isinstance(b, Literal):
            v, x = b.value, self.expr(a)
            if v is None or type(v) is bool:
                return f"({x} is {v!r})"
            if type(v) is str:
                return f"({x} == {self.const(v)})"  # == with a str is False for non-strings
            first, t = self.hold(x)
            return f"({first} == {self.const(v)} and type({t}) in _NUMT)"
        if self.is_str(a) or self.is_str(b):  # == with a str is False for non-strings
            return f"({self.expr(a)} == {self.expr(b)})"
        if isinstance(b, Ident) and b.name == "now":
            a, b = b, a
        if isinstance(a, Ident) and a.name == "now":  # now is a number (an int)
            first, t = self.hold(self.expr(b))
            return f"({first} == c.now and type({t}) in _NUMT)"
        (fx, x), (fy, y) = self.hold(self.expr(a)), self.hold(self.expr(b))
        return (  # equal primitives of one type: no call
            f"(({fx} == {fy} and type({x}) is type({y}) and type({x}) in _PRIM) or _eq({x}, {y}))"
        )


def compile_predicate(node: Node) -> Callable[[Ctx], bool]:
    """The rule as a predicate: true only if it is true without a runtime error."""
    return _build(
        node,
        "    try:\n        {prologue}return ({body}) is True\n"
        "    except _DENY:\n        return False  # a runtime error makes the rule false\n",
    )


def _build(node: Node, template: str) -> Callable[[Ctx], Any]:
    gen = _Gen(getattr(node, "where", ()))  # set by evaluator.compile_rule
    body = gen.expr(node)
    prologue = f"c.path = {gen.path_code()}\n        " if gen.needs_path else ""
    source = "def _rule(c):\n" + template.format(body=body, prologue=prologue)
    code = compile(source, "<rules>", "exec")
    exec(code, gen.env)  # the source is built from a checked AST; values are bound by name
    rule = gen.env["_rule"]
    rule.source = source  # for debugging and the tests: what a rule compiled to
    return rule


def compile_below(rnode: Any, where: tuple[str, ...]) -> Callable[[Ctx, Any, Any], bool]:
    """The ``.validate`` walk below one rules node as one generated function.

    ``rnode`` is a ``ruleset.RuleNode`` at ``where`` whose children validate. The function
    ``below(c, before, after)`` inlines each child's ``.validate`` (the child nodes are
    locals; the Ctx is touched only to bind a wildcard or for a rule that builds Snapshot
    objects), checks ``$other: false`` as one subset test, and calls the children's own
    ``below`` for deeper levels. Any runtime error denies: it would make that ``.validate``
    false, which denies the write. Raises (SyntaxError, RecursionError, ...) if Python
    cannot compile it; the caller then falls back to the generic walk.
    """
    gen = _Gen(where, dn="dn", nn="nn")
    lines = [
        "def _below(c, before, new):",
        f"    if type(new) is not dict or {VALUE!r} in new:",
        "        return True  # a leaf has no children to validate",
        f"    old = before if type(before) is dict and {VALUE!r} not in before else None",
        "    try:",
    ]

    def child_block(sub: Any, key: str, key_code: str, indent: str) -> None:
        rule, body = sub.validate, []
        gen.where, gen.needs_path = (*where, key), False
        if rule is not None:
            if rule.constant is False:
                lines.append(f"{indent}return False")
                return
            test = gen.expr(rule.ast)
            if gen.needs_path:
                body += ["c.dn = dn", "c.nn = nn", f"c.path = {gen.path_code()}"]
            body += [f"if ({test}) is not True:", "    return False"]
        if sub.validates_kids:
            body += [f"if not {gen.const(sub.below)}(c, dn, nn):", "    return False"]
        if any(re.search(r"\bdn\b", line) for line in body):
            lines.append(f"{indent}dn = old.get({key_code}) if old is not None else None")
        lines.extend(indent + line for line in body)

    for key, sub in rnode.validating:
        k = gen.const(key)
        lines.append(f"        nn = new.get({k})")
        lines.append("        if nn is not None:")
        child_block(sub, key, k, "            ")
    wild = rnode.wild
    if wild is not None and wild.validates_below:
        allowed = gen.const(frozenset([*rnode.named, PRIORITY]))
        rule = wild.validate
        if rule is not None and rule.constant is False and not wild.validates_kids:
            lines.append(f"        if not new.keys() <= {allowed}:")
            lines.append("            return False  # a key only the wildcard matches")
        else:
            lines.append("        for key, nn in new.items():")
            lines.append(f"            if key in {allowed}:")
            lines.append("                continue")
            lines.append(f"            c.wild[{gen.const(rnode.wild_name)}] = key")
            child_block(wild, rnode.wild_name, "key", "            ")
    lines += ["        return True", "    except _DENY:", "        return False"]
    source = "\n".join(lines) + "\n"
    exec(compile(source, "<rules>", "exec"), gen.env)  # built from checked ASTs
    below = gen.env["_below"]
    below.source = source
    return below
