"""Tokens of the rules expression language (a JavaScript subset)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ExprError

# Longest first, so "===" wins over "==" and "=".
_OPERATORS = (
    "===", "!==", "==", "!=", "<=", ">=", "&&", "||",
    "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", "(", ")", "[", "]", ",", ".",
)  # fmt: skip
_STR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num" "str" "regex" "name" "op" "end"
    value: Any
    pos: int


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch in "_$"


def _is_ident_part(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


def tokenize(src: str) -> list[Token]:
    """Split an expression into tokens; a ``/`` where an operand is expected starts a regex."""
    toks: list[Token] = []
    i, n = 0, len(src)
    while True:
        while i < n and src[i] in " \t\r\n\v\f\u00a0\ufeff":
            i += 1
        if i >= n:
            toks.append(Token("end", None, i))
            return toks
        ch = src[i]
        start = i
        operand_expected = not toks or (toks[-1].kind == "op" and toks[-1].value not in (")", "]"))
        if ch.isdigit() or (ch == "." and i + 1 < n and src[i + 1].isdigit()):
            j = i
            while j < n and src[j].isdigit():
                j += 1
            is_float = False
            if j < n and src[j] == ".":
                is_float = True
                j += 1
                while j < n and src[j].isdigit():
                    j += 1
            if j < n and src[j] in "eE":
                k = j + 1
                if k < n and src[k] in "+-":
                    k += 1
                if k < n and src[k].isdigit():
                    is_float = True
                    j = k
                    while j < n and src[j].isdigit():
                        j += 1
            if j < n and _is_ident_part(src[j]):
                raise ExprError("Invalid number.", start)
            text = src[i:j]
            value: Any = float(text) if is_float else int(text)
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                value = int(value)
            toks.append(Token("num", value, start))
            i = j
        elif ch in "'\"":
            i, value = _string(src, i)
            toks.append(Token("str", value, start))
        elif _is_ident_start(ch):
            j = i + 1
            while j < n and _is_ident_part(src[j]):
                j += 1
            toks.append(Token("name", src[i:j], start))
            i = j
        elif ch == "/" and operand_expected:
            i, value = _regex(src, i)
            toks.append(Token("regex", value, start))
        else:
            for op in _OPERATORS:
                if src.startswith(op, i):
                    toks.append(Token("op", op, start))
                    i += len(op)
                    break
            else:
                raise ExprError(f"Unexpected character '{ch}'.", start)


def _string(src: str, i: int) -> tuple[int, str]:
    quote = src[i]
    i += 1
    out: list[str] = []
    n = len(src)
    while True:
        if i >= n:
            raise ExprError("Unterminated string.", i)
        ch = src[i]
        if ch == quote:
            return i + 1, "".join(out)
        if ch == "\\":
            if i + 1 >= n:
                raise ExprError("Unterminated string.", i)
            esc = src[i + 1]
            if esc in _STR_ESCAPES:
                out.append(_STR_ESCAPES[esc])
                i += 2
            elif esc in "ux":
                width = 4 if esc == "u" else 2
                digits = src[i + 2 : i + 2 + width]
                if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                    raise ExprError("Invalid escape sequence.", i)
                out.append(chr(int(digits, 16)))
                i += 2 + width
            else:
                out.append(esc)
                i += 2
        elif ch in "\n\r":
            raise ExprError("Unterminated string.", i)
        else:
            out.append(ch)
            i += 1


def _regex(src: str, i: int) -> tuple[int, tuple[str, str]]:
    j = i + 1
    n = len(src)
    in_class = False
    while True:
        if j >= n or src[j] in "\n\r":
            raise ExprError("Unterminated regular expression.", i)
        ch = src[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            break
        j += 1
    body = src[i + 1 : j]
    j += 1
    k = j
    while k < n and _is_ident_part(src[k]):
        k += 1
    return k, (body, src[j:k])
