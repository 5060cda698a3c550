"""Deploy-time type check: Firebase refuses a rule that cannot be a boolean.

The types follow what live Firebase accepts and refuses (targaryen's recorded fixtures):
``auth`` and everything reached through it is ``any`` (any property; only string methods may
be called); ``val()``/``getPriority()`` give ``primitive`` (string properties and methods
only). Fuzzy types (``any``/``primitive``) pass the check and are verified at run time;
concrete types must fit. Logical operators, ``!`` and the ternary's test need a real
``boolean``, and so does the whole rule.
"""

from __future__ import annotations

from .errors import ExprError
from .parser import Array, Binary, Call, Cond, Ident, Literal, Logical, Member, Node, Regex, Unary
from .regex import compile_regex

FUZZY = ("any", "primitive")
PRIMITIVES = ("string", "number", "boolean", "null", "primitive")

STRING_METHODS: dict[str, tuple[tuple[str, ...], str]] = {
    "contains": (("string",), "boolean"),
    "beginsWith": (("string",), "boolean"),
    "endsWith": (("string",), "boolean"),
    "replace": (("string", "string"), "string"),
    "toLowerCase": ((), "string"),
    "toUpperCase": ((), "string"),
    "matches": (("regex",), "boolean"),
}
SNAPSHOT_METHODS: dict[str, tuple[tuple[str, ...], str]] = {
    "val": ((), "primitive"),
    "child": (("string",), "snapshot"),
    "parent": ((), "snapshot"),
    "hasChild": (("string",), "boolean"),
    "hasChildren": ((), "boolean"),  # arguments checked specially
    "exists": ((), "boolean"),
    "getPriority": ((), "primitive"),
    "isNumber": ((), "boolean"),
    "isString": ((), "boolean"),
    "isBoolean": ((), "boolean"),
}
QUERY_PROPS = {
    "orderByKey": "boolean",
    "orderByPriority": "boolean",
    "orderByValue": "boolean",
    "orderByChild": "string",
    "startAt": "primitive",
    "endAt": "primitive",
    "equalTo": "primitive",
    "limitToFirst": "number",
    "limitToLast": "number",
}
BASE_VARS = {"auth": "any", "root": "snapshot", "data": "snapshot", "now": "number"}


def scope_for(kind: str, wildcards: tuple[str, ...]) -> dict[str, str]:
    """Variables visible in a ``.read``/``.write``/``.validate`` rule."""
    scope = dict(BASE_VARS)
    if kind == "read":
        scope["query"] = "query"
    else:
        scope["newData"] = "snapshot"
    for name in wildcards:
        scope[name] = "string"
    return scope


def _describe(t: object) -> str:
    if isinstance(t, tuple):
        return f"method {t[2]}()"
    return {"snapshot": "RuleDataSnapshot", "regex": "RegExp"}.get(str(t), str(t))


class _Checker:
    def __init__(self, scope: dict[str, str], kind: str) -> None:
        self.scope = scope
        self.kind = kind

    def value(self, node: Node) -> object:
        """Type of a node used as a value (an uncalled method is not one)."""
        t = self.check(node)
        if isinstance(t, tuple):
            raise ExprError(f"Type error: {t[2]} is a method; it must be called.", node.pos)
        if t == "array":
            raise ExprError(
                "Type error: arrays are only allowed as hasChildren()'s argument.", node.pos
            )
        return t

    def need(self, node: Node, allowed: tuple[str, ...], what: str, fuzzy_ok: bool = True) -> str:
        t = self.value(node)
        if t in allowed or (fuzzy_ok and t in FUZZY):
            return t  # type: ignore[return-value]
        raise ExprError(f"Type error: {what}, got {_describe(t)}.", node.pos)

    def check(self, node: Node) -> object:
        t = self._check(node)
        node.type = t
        return t

    def _check(self, node: Node) -> object:
        if isinstance(node, Literal):
            v = node.value
            if v is None:
                return "null"
            if isinstance(v, bool):
                return "boolean"
            if isinstance(v, str):
                return "string"
            return "number"
        if isinstance(node, Regex):
            node.compiled = compile_regex(node.pattern, node.flags, node.pos)
            return "regex"
        if isinstance(node, Ident):
            if node.name in self.scope:
                return self.scope[node.name]
            if node.name == "newData":
                raise ExprError(
                    "newData is only available in .write and .validate rules.", node.pos
                )
            if node.name == "query":
                raise ExprError("query is only available in .read rules.", node.pos)
            if node.name.startswith("$"):
                raise ExprError(
                    f"Unknown variable '{node.name}' (no such wildcard above this rule).", node.pos
                )
            raise ExprError(f"Unknown variable '{node.name}'.", node.pos)
        if isinstance(node, Array):
            for item in node.items:
                self.value(item)
            return "array"
        if isinstance(node, Member):
            return self.member(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Unary):
            if node.op == "!":
                self.need(node.arg, ("boolean",), "! needs a boolean", fuzzy_ok=False)
                return "boolean"
            self.need(node.arg, ("number",), "unary - needs a number")
            return "number"
        if isinstance(node, Logical):
            self.need(node.left, ("boolean",), f"{node.op} needs booleans", fuzzy_ok=False)
            self.need(node.right, ("boolean",), f"{node.op} needs booleans", fuzzy_ok=False)
            return "boolean"
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Cond):
            self.need(node.test, ("boolean",), "the condition of ?: must be a boolean", False)
            a, b = self.value(node.then), self.value(node.other)
            if a == b:
                return a
            return "primitive" if a in PRIMITIVES and b in PRIMITIVES else "any"
        raise ExprError("Unsupported expression.", node.pos)  # pragma: no cover

    def binary(self, node: Binary) -> str:
        op = node.op
        if op == "+":
            lt = self.need(node.left, ("string", "number"), "+ needs strings or numbers")
            rt = self.need(node.right, ("string", "number"), "+ needs strings or numbers")
            if "string" in (lt, rt):
                return "string"
            return "number" if lt == rt == "number" else "primitive"
        if op in ("-", "*", "/", "%"):
            self.need(node.left, ("number",), f"{op} needs numbers")
            self.need(node.right, ("number",), f"{op} needs numbers")
            return "number"
        if op in ("==", "!=", "===", "!=="):
            allowed = ("string", "number", "boolean", "null")
            self.need(node.left, allowed, f"{op} cannot compare this")
            self.need(node.right, allowed, f"{op} cannot compare this")
            return "boolean"
        allowed = ("string", "number", "null")
        lt = self.need(node.left, allowed, f"{op} needs numbers or strings")
        rt = self.need(node.right, allowed, f"{op} needs numbers or strings")
        if lt not in FUZZY and rt not in FUZZY and lt != rt and "null" not in (lt, rt):
            raise ExprError(f"Type error: {op} compares {lt} with {rt}.", node.pos)
        return "boolean"

    def member(self, node: Member) -> object:
        ot = self.value(node.obj)
        name = node.name
        if node.index is not None:  # computed key known only at run time
            self.value(node.index)
            if ot == "any":
                return "any"
            raise ExprError(
                "Invalid property access: computed names are not allowed here.", node.pos
            )
        assert name is not None
        if ot == "any":
            return ("method", "string", name) if name in STRING_METHODS else "any"
        if ot in ("string", "primitive"):
            if name == "length":
                return "number"
            if name in STRING_METHODS:
                return ("method", "string", name)
        elif ot == "snapshot":
            if name in SNAPSHOT_METHODS:
                return ("method", "snapshot", name)
        elif ot == "query" and name in QUERY_PROPS:
            return QUERY_PROPS[name]
        raise ExprError(f"No such method/property '{name}' on {_describe(ot)}.", node.pos)

    def call(self, node: Call) -> object:
        callee = node.callee
        ct = self.check(callee)
        if not isinstance(ct, tuple):
            name = getattr(callee, "name", None)
            what = f" ('{name}')" if isinstance(name, str) else ""
            raise ExprError(
                f"Type error: Function call on target that is not a function{what}.", node.pos
            )
        _, owner, name = ct
        if owner == "snapshot" and name == "hasChildren":
            if len(node.args) > 1:
                raise ExprError("hasChildren takes at most one argument.", node.pos)
            if node.args:
                arr = node.args[0]
                if not isinstance(arr, Array):
                    raise ExprError("hasChildren takes an array of strings.", arr.pos)
                if not arr.items:
                    raise ExprError("hasChildren got an empty array.", arr.pos)
                arr.type = "array"
                for item in arr.items:
                    self.need(item, ("string",), "hasChildren needs strings")
            return "boolean"
        table = SNAPSHOT_METHODS if owner == "snapshot" else STRING_METHODS
        params, ret = table[name]
        if len(node.args) != len(params):
            raise ExprError(
                f"{name}() expects {len(params)} argument(s), got {len(node.args)}.", node.pos
            )
        for arg, want in zip(node.args, params, strict=False):
            if want == "regex":
                t = self.value(arg)
                if t != "regex":
                    raise ExprError(f"{name}() needs a regular expression literal.", arg.pos)
            else:
                self.need(arg, (want,), f"{name}() needs a {want} argument")
        return ret


def check_rule(node: Node, kind: str, wildcards: tuple[str, ...]) -> None:
    """Annotate ``node`` with types; raise ExprError unless it is a boolean expression."""
    checker = _Checker(scope_for(kind, wildcards), kind)
    t = checker.check(node)
    if t != "boolean":
        raise ExprError(
            f"Expression does not evaluate to a boolean (got {_describe(t)}).", node.pos
        )
