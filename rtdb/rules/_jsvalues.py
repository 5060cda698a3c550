"""What rules values mean, as JavaScript means it: String(), length, ===, <, +, %...

Shared by both rule compilers (``evaluator``'s closures and ``codegen``'s generated
source), so they cannot disagree; it imports neither. Anything Firebase treats as a
runtime error raises EvalError.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .errors import EvalError


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


def relational(op: str) -> Callable[[Any, Any], bool]:
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


def arith(op: str) -> Callable[[Any, Any], Any]:
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


STRING_IMPL: dict[str, Callable[..., Any]] = {
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
SNAPSHOT_IMPL: dict[str, Callable[..., Any]] = {
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
