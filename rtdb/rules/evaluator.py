"""Compile a type-checked AST into nested closures (evaluated per request, built once).

Values at run time: None, bool, int/float (JavaScript numbers), str, dict/list (objects
reached through ``auth`` or ``val()``), Snapshot, QueryVars. Anything Firebase treats as a
runtime error raises EvalError; the caller turns that into "rule is false".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .errors import EvalError
from .parser import Array, Binary, Call, Cond, Ident, Literal, Logical, Member, Node, Regex, Unary
from .snapshot import Snapshot


class Ctx:
    """The variables of one evaluation, kept as raw tree nodes (one Ctx per request).

    Why nodes and not snapshots: generated rules read ``data``/``newData``/``root`` as the
    nodes ``dn``/``nn``/``before`` and reach ancestors by walking down from ``before`` or
    ``after`` along the rule's own (static) location with the wildcards bound in ``wild``,
    so a write builds no Snapshot objects and the walks keep no per-level state. The
    ``root``/``data``/``new_data`` properties build real snapshots for the closure
    fallback and for the rare rule that needs one (``(c ? data : newData).val()``); such a
    rule sets ``path`` first. ``rmemo`` caches ``root.child(<computed string>)`` lookups
    for one request: the trees are immutable, so an answer cannot change while it runs.
    """

    __slots__ = (
        "after",
        "auth",
        "before",
        "dn",
        "nn",
        "now",
        "path",
        "query",
        "rmemo",
        "uid",
        "uidk",
        "wild",
    )  # fmt: skip

    def __init__(
        self, auth: Any, now: int, before: Any, after: Any = None, query: Any = None
    ) -> None:
        self.auth = auth
        self.now = now
        self.before = before  # the root before the write (``root``)
        self.after = after  # the root after it (``newData``'s tree)
        self.query = query
        self.wild: dict[str, str] = {}
        self.dn = before  # data's node
        self.nn = after  # newData's node
        self.path: tuple[str, ...] = ()  # set by rules that build Snapshot objects
        self.rmemo: dict[Any, Any] | None = None  # created on first use
        uid = auth.get("uid") if type(auth) is dict else get_member(auth, "uid")
        self.uid = uid  # ``auth.uid``, read by most rules
        # auth.uid as one path key (``'a/' + auth.uid``), or None if it is not a plain key
        plain = type(uid) is str and uid and "/" not in uid and uid not in (".priority", ".value")
        self.uidk = uid if plain else None

    @property
    def root(self) -> Snapshot:
        return Snapshot(self.before, (), self.before)

    @property
    def data(self) -> Snapshot:
        return Snapshot(self.before, self.path, self.dn)

    @property
    def new_data(self) -> Snapshot:
        return Snapshot(self.after, self.path, self.nn)


Fn = Callable[[Ctx], Any]


# --- JavaScript value semantics -------------------------------------------------------------


def is_num(v: Any) -> bool:
    t = type(v)
    return t is int or t is float


def js_str(v: Any) -> str:
    """JavaScript's String(v) for the values ``+`` may concatenate."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        if abs(v) < 10**21:
            return str(v)
        v = float(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    return _js_float(v)


def _js_float(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exp_s = repr(abs(x)).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # n: position of the decimal point relative to the digit string (ECMA-262 Number::toString)
    n = (
        len(int_part.lstrip("0"))
        if int_part.strip("0")
        else -(len(frac_part) - len(frac_part.lstrip("0")))
    )
    if exp_s:
        n = len(int_part) + int(exp_s)
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    es = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + es


def js_len(s: str) -> int:
    """String length in UTF-16 code units, as JavaScript counts it."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def strict_eq(a: Any, b: Any) -> bool:
    """``==``/``===`` in rules: no coercion; different types are simply unequal."""
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta in (int, float):
        return tb in (int, float) and a == b
    if ta is str:
        return tb is str and a == b
    return a is b


def _utf16(s: str) -> bytes | str:
    return s if s.isascii() else s.encode("utf-16-be")


def _relational(op: str) -> Callable[[Any, Any], bool]:
    import operator

    cmp = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}[op]

    def compare(a: Any, b: Any) -> bool:
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return cmp(a, b)
        if ta is str and tb is str:
            if a.isascii() and b.isascii():
                return cmp(a, b)
            return cmp(_utf16(a), _utf16(b))
        raise EvalError(f"{op} needs two numbers or two strings")

    return compare


def _arith(op: str) -> Callable[[Any, Any], Any]:
    def check(a: Any, b: Any) -> None:
        if not (is_num(a) and is_num(b)):
            raise EvalError(f"{op} needs numbers")

    if op == "+":

        def add(a: Any, b: Any) -> Any:
            ta, tb = type(a), type(b)
            if ta is str and tb is str:
                return a + b  # the common case: building a path for child()
            if ta is str or tb is str:
                if not (ta is str or ta is int or ta is float) or not (
                    tb is str or tb is int or tb is float
                ):
                    raise EvalError("+ needs strings or numbers")
                return js_str(a) + js_str(b)
            check(a, b)
            return a + b

        return add
    if op == "-":

        def sub(a: Any, b: Any) -> Any:
            check(a, b)
            return a - b

        return sub
    if op == "*":

        def mul(a: Any, b: Any) -> Any:
            check(a, b)
            return a * b

        return mul
    if op == "/":

        def div(a: Any, b: Any) -> Any:
            check(a, b)
            if b == 0:
                return math.nan
            r = a / b
            return int(r) if r.is_integer() and abs(r) < 2**53 else r

        return div

    def mod(a: Any, b: Any) -> Any:
        check(a, b)
        if b == 0 or (type(a) is float and math.isinf(a)):
            return math.nan
        if type(b) is float and math.isinf(b):
            return a
        if type(a) is int and type(b) is int:
            r = abs(a) % abs(b)
            return -r if a < 0 else r
        return math.fmod(a, b)

    return mod


def get_member(v: Any, name: Any) -> Any:
    """Property access on a value reached through ``auth`` (missing -> null, like JS)."""
    if v is None:
        return None
    if type(name) is not str:
        if is_num(name):
            name = js_str(name)
        else:
            return None
    t = type(v)
    if t is dict:
        return v.get(name)
    if t is str:
        return js_len(v) if name == "length" else None
    if t is list:
        if name == "length":
            return len(v)
        if name.isdigit() and int(name) < len(v):
            return v[int(name)]
    return None


def _need_str(v: Any, what: str) -> str:
    if type(v) is not str:
        raise EvalError(f"{what} needs a string")
    return v


_STRING_IMPL: dict[str, Callable[..., Any]] = {
    "contains": lambda s, x: _need_str(x, "contains") in s,
    "beginsWith": lambda s, x: s.startswith(_need_str(x, "beginsWith")),
    "endsWith": lambda s, x: s.endswith(_need_str(x, "endsWith")),
    "replace": lambda s, a, b: s.replace(_need_str(a, "replace"), _need_str(b, "replace")),
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "matches": lambda s, rx: rx.search(s) is not None,
}
# Dispatched on the object (not ``Snapshot.val`` &c.): read rules also run on the traced
# snapshots of ``rtdb.rules.tracing``, which must see every call.
_SNAPSHOT_IMPL: dict[str, Callable[..., Any]] = {
    "val": lambda s: s.val(),
    "child": lambda s, path: s.child(path),
    "parent": lambda s: s.parent(),
    "hasChild": lambda s, path: s.has_child(path),
    "hasChildren": lambda s: s.has_children(),
    "exists": lambda s: s.exists(),
    "getPriority": lambda s: s.get_priority(),
    "isNumber": lambda s: s.is_number(),
    "isString": lambda s: s.is_string(),
    "isBoolean": lambda s: s.is_boolean(),
}

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
        impl = _SNAPSHOT_IMPL[name]
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
    impl = _STRING_IMPL[name]

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
        rel = _relational(op)
        return lambda c: rel(left(c), right(c))
    fn = _arith(op)
    return lambda c: fn(left(c), right(c))


def compile_rule(node: Node, where: tuple[str, ...] = ()) -> Callable[[Ctx], bool]:
    """The rule as a predicate: true only if it evaluates to true without a runtime error.

    ``where`` is the rule's location in the rules tree (keys and ``$wildcards``): data's
    path, and so every ancestor's, follows from it and the wildcards bound at run time.
    Generated code when Python can compile it; the closures otherwise (nesting too deep).
    ``constant`` is the rule's value when it is a bare ``true``/``false``, else None.
    """
    from . import codegen

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
