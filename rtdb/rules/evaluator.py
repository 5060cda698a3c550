"""Compile a type-checked AST into nested closures (evaluated per request, built once).

Values at run time: None, bool, int/float (JavaScript numbers), str, dict/list (objects
reached through ``auth`` or ``val()``), Snapshot, QueryVars. Anything Firebase treats as a
runtime error raises EvalError; the caller turns that into "rule is false".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import codegen
from ._jsvalues import (
    SNAPSHOT_IMPL,
    STRING_IMPL,
    arith,
    get_member,
    is_num,
    js_len,
    relational,
    strict_eq,
)
from .context import Ctx
from .errors import EvalError
from .parser import Array, Binary, Call, Cond, Ident, Literal, Logical, Member, Node, Regex, Unary

Fn = Callable[[Ctx], Any]


# --- compilation --------------------------------------------------------------------------


def compile_node(node: Node) -> Fn:
    """A closure computing ``node``'s value from a Ctx (raises EvalError on runtime errors)."""
    if isinstance(node, Literal):
        v = node.value
        return lambda c: v
    if isinstance(node, Regex):
        rx = node.compiled
        return lambda c: rx
    if isinstance(node, Ident):
        return _ident(node.name)
    if isinstance(node, Member):
        return _member(node)
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, Unary):
        arg = compile_node(node.arg)
        if node.op == "!":
            return lambda c: not arg(c)

        def neg(c: Ctx) -> Any:
            v = arg(c)
            if not is_num(v):
                raise EvalError("unary - needs a number")
            return -v

        return neg
    if isinstance(node, Logical):
        left, right = compile_node(node.left), compile_node(node.right)
        if node.op == "&&":
            return lambda c: left(c) and right(c)
        return lambda c: left(c) or right(c)
    if isinstance(node, Binary):
        return _binary(node)
    if isinstance(node, Cond):
        test, then, other = (
            compile_node(node.test),
            compile_node(node.then),
            compile_node(node.other),
        )
        return lambda c: then(c) if test(c) is True else other(c)
    if isinstance(node, Array):
        items = [compile_node(i) for i in node.items]
        return lambda c: [f(c) for f in items]
    raise TypeError(f"cannot compile {node!r}")  # pragma: no cover


def _ident(name: str) -> Fn:
    if name == "auth":
        return lambda c: c.auth
    if name == "now":
        return lambda c: c.now
    if name == "root":
        return lambda c: c.root
    if name == "data":
        return lambda c: c.data
    if name == "newData":
        return lambda c: c.new_data
    if name == "query":
        return lambda c: c.query
    return lambda c: c.wild[name]


def _member(node: Member) -> Fn:
    obj = compile_node(node.obj)
    if node.index is not None:
        index = compile_node(node.index)
        return lambda c: get_member(obj(c), index(c))
    name = node.name
    if node.obj.type == "query":
        return lambda c: getattr(obj(c), name)  # type: ignore[arg-type]
    if isinstance(node.obj, Ident) and node.obj.name == "auth":

        def auth_member(c: Ctx) -> Any:  # the hot ``auth.uid``: auth is a dict or null
            a = c.auth
            return a.get(name) if type(a) is dict else get_member(a, name)

        return auth_member
    if name == "length":

        def length(c: Ctx) -> Any:  # ``newData.val().length``
            v = obj(c)
            return (len(v) if v.isascii() else js_len(v)) if type(v) is str else get_member(v, name)

        return length
    return lambda c: get_member(obj(c), name)


def _call(node: Call) -> Fn:
    _, owner, name = node.callee.type
    assert isinstance(node.callee, Member)
    obj = compile_node(node.callee.obj)
    args = [compile_node(a) for a in node.args]
    if owner == "snapshot":
        impl = SNAPSHOT_IMPL[name]
        if name == "hasChildren" and args:
            items = [compile_node(i) for i in node.args[0].items]  # type: ignore[attr-defined]

            def has_children(c: Ctx) -> bool:
                names = [f(c) for f in items]
                for n in names:
                    if type(n) is not str:
                        raise EvalError("hasChildren needs strings")
                return obj(c).has_children(names)

            return has_children
        target = node.callee.obj
        if isinstance(target, Ident) and target.name in ("data", "newData", "root"):
            attr = {"data": "data", "newData": "new_data", "root": "root"}[target.name]
            fast = _snapshot_fast(name, attr, node.args)
            if fast is not None:
                return fast
        if not args:
            return lambda c: impl(obj(c))
        (arg,) = args
        if name == "child" and isinstance(node.args[0], Literal):
            key = node.args[0].value
            if type(key) is str and key and "/" not in key:
                return lambda c: obj(c).child_key(key)
        return lambda c: impl(obj(c), arg(c))
    impl = STRING_IMPL[name]

    def string_method(c: Ctx) -> Any:
        s = obj(c)
        if type(s) is not str:
            raise EvalError(f"{name}() called on a non-string")
        return impl(s, *[a(c) for a in args])

    return string_method


def _snapshot_fast(name: str, attr: str, args: list[Node]) -> Fn | None:
    """``newData.val()``, ``data.exists()``, ...: read the node without a method dispatch."""
    from operator import attrgetter

    from rtdb.core.tree import VALUE, strip_priorities

    get = attrgetter(attr)
    if args:
        if name == "child" and isinstance(args[0], Literal):
            key = args[0].value
            if type(key) is str and key and "/" not in key:
                return lambda c: get(c).child_key(key)
        return None
    if name == "val":

        def val(c: Ctx) -> Any:
            n = get(c).node
            return strip_priorities(n) if type(n) is dict else n

        return val
    if name == "exists":
        return lambda c: get(c).node is not None
    if name in ("isString", "isNumber", "isBoolean"):
        kinds = {"isString": (str,), "isNumber": (int, float), "isBoolean": (bool,)}[name]

        def is_kind(c: Ctx) -> bool:
            n = get(c).node
            if type(n) is dict:
                n = n.get(VALUE)
            return type(n) in kinds

        return is_kind
    return None


def _binary(node: Binary) -> Fn:
    left, right = compile_node(node.left), compile_node(node.right)
    op = node.op
    if op in ("==", "==="):
        return lambda c: strict_eq(left(c), right(c))
    if op in ("!=", "!=="):
        return lambda c: not strict_eq(left(c), right(c))
    if op in ("<", "<=", ">", ">="):
        rel = relational(op)
        return lambda c: rel(left(c), right(c))
    fn = arith(op)
    return lambda c: fn(left(c), right(c))


def compile_rule(node: Node, where: tuple[str, ...] = ()) -> Callable[[Ctx], bool]:
    """The rule as a predicate: true only if it evaluates to true without a runtime error.

    ``where`` is the rule's location in the rules tree (keys and ``$wildcards``): data's
    path, and so every ancestor's, follows from it and the wildcards bound at run time.
    Generated code when Python can compile it; the closures otherwise (nesting too deep).
    ``constant`` is the rule's value when it is a bare ``true``/``false``, else None.
    """
    node.where = where  # type: ignore[attr-defined]  # read by the code generator
    try:
        rule = codegen.compile_predicate(node)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        rule = _closure_predicate(compile_node(node), where)  # too deep for Python
    rule.ast = node  # type: ignore[attr-defined]  # for inlining into a node's validate walk
    constant = isinstance(node, Literal) and type(node.value) is bool
    rule.constant = node.value if constant else None  # type: ignore[attr-defined, union-attr]
    return rule


def _closure_predicate(fn: Fn, where: tuple[str, ...]) -> Callable[[Ctx], bool]:
    def rule(c: Ctx) -> bool:
        c.path = tuple(c.wild[k] if k[0] == "$" else k for k in where)
        try:
            return fn(c) is True
        except EvalError:
            return False
        except (TypeError, AttributeError, KeyError, ValueError, IndexError, RecursionError):
            return False  # anything unexpected denies rather than grants

    return rule
