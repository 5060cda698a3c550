"""Compile a type-checked rule to one Python function (generated source, built once per upload).

Why: a closure per AST node costs a Python call per node on every evaluation; a rule
compiled to a single expression evaluates with inline ``and``/``or``/attribute reads and
calls out only where Firebase's semantics need a helper (equality without coercion,
relational and arithmetic type errors, string methods). The helpers are the evaluator's
own, so both compilers mean the same thing; ``evaluator.compile_node`` stays the fallback
for anything this one declines (e.g. expressions nested too deeply for Python's compiler).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rtdb.core.tree import VALUE, strip_priorities

from . import evaluator as ev
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


def _val(n: Any) -> Any:
    return strip_priorities(n) if type(n) is dict else n


def _leaf(n: Any) -> Any:
    return n.get(VALUE) if type(n) is dict else n


def _length(v: Any) -> Any:
    if type(v) is str:
        return len(v) if v.isascii() else ev.js_len(v)
    return ev.get_member(v, "length")


def _neg(v: Any) -> Any:
    if not ev.is_num(v):
        raise EvalError("unary - needs a number")
    return -v


def _has_children(snap: Any, names: list[Any]) -> bool:
    for n in names:
        if type(n) is not str:
            raise EvalError("hasChildren needs strings")
    return snap.has_children(names)


def _string_method(name: str) -> Callable[..., Any]:
    impl = ev._STRING_IMPL[name]

    def call(s: Any, *args: Any) -> Any:
        if type(s) is not str:
            raise EvalError(f"{name}() called on a non-string")
        return impl(s, *args)

    return call


class _Gen:
    def __init__(self) -> None:
        self.env: dict[str, Any] = {
            "_eq": ev.strict_eq,
            "_gm": ev.get_member,
            "_val": _val,
            "_leaf": _leaf,
            "_length": _length,
            "_neg": _neg,
            "_has_children": _has_children,
            "_getattr": getattr,
        }
        self.n = 0

    def const(self, value: Any) -> str:
        self.n += 1
        name = f"_k{self.n}"
        self.env[name] = value
        return name

    def temp(self) -> str:
        self.n += 1
        return f"_t{self.n}"

    def expr(self, node: Node) -> str:
        if isinstance(node, Literal):
            return self.const(node.value)
        if isinstance(node, Regex):
            return self.const(node.compiled)
        if isinstance(node, Ident):
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
            test, then, other = self.expr(node.test), self.expr(node.then), self.expr(node.other)
            return f"({then} if {test} is True else {other})"
        if isinstance(node, Array):
            return "[" + ", ".join(self.expr(i) for i in node.items) + "]"
        raise TypeError(f"cannot compile {node!r}")

    def member(self, node: Member) -> str:
        obj = self.expr(node.obj)
        if node.index is not None:
            return f"_gm({obj}, {self.expr(node.index)})"
        name = self.const(node.name)
        if node.obj.type == "query":
            return f"_getattr({obj}, {name})"
        if isinstance(node.obj, Ident) and node.obj.name == "auth":
            t = self.temp()
            return f"({t}.get({name}) if type({t} := c.auth) is dict else _gm({t}, {name}))"
        if node.name == "length":
            return f"_length({obj})"
        return f"_gm({obj}, {name})"

    def call(self, node: Call) -> str:
        _, owner, name = node.callee.type
        assert isinstance(node.callee, Member)
        obj = self.expr(node.callee.obj)
        args = node.args
        if owner == "snapshot":
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
                return f"{self.const(ev._SNAPSHOT_IMPL[name])}({obj})"
            (arg,) = args
            if name == "child" and isinstance(arg, Literal):
                key = arg.value
                if type(key) is str and key and "/" not in key:
                    return f"{obj}.child_key({self.const(key)})"
            return f"{self.const(ev._SNAPSHOT_IMPL[name])}({obj}, {self.expr(arg)})"
        fn = self.const(_string_method(name))
        return f"{fn}({', '.join([obj, *(self.expr(a) for a in args)])})"

    def binary(self, node: Binary) -> str:
        left, right = self.expr(node.left), self.expr(node.right)
        op = node.op
        if op in ("==", "==="):
            return f"_eq({left}, {right})"
        if op in ("!=", "!=="):
            return f"(not _eq({left}, {right}))"
        if op in ("<", "<=", ">", ">="):
            return f"{self.const(ev._relational(op))}({left}, {right})"
        return f"{self.const(ev._arith(op))}({left}, {right})"


_DENY = (EvalError, TypeError, AttributeError, KeyError, ValueError, RecursionError)


def compile_expression(node: Node) -> Callable[[ev.Ctx], Any]:
    """``node`` as one generated function of the Ctx (raises like the closure evaluator)."""
    return _build(node, "    return {body}\n")


def compile_predicate(node: Node) -> Callable[[ev.Ctx], bool]:
    """The rule as a predicate: true only if it is true without a runtime error."""
    return _build(
        node,
        "    try:\n        return ({body}) is True\n"
        "    except _DENY:\n        return False  # a runtime error makes the rule false\n",
    )


def _build(node: Node, template: str) -> Callable[[ev.Ctx], Any]:
    gen = _Gen()
    gen.env["_DENY"] = _DENY
    body = gen.expr(node)
    source = "def _rule(c):\n" + template.format(body=body)
    code = compile(source, "<rules>", "exec")
    exec(code, gen.env)  # the source is built from a checked AST; values are bound by name
    return gen.env["_rule"]
