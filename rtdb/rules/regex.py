"""Firebase's regular-expression subset, translated to an equivalent Python ``re`` pattern.

Firebase documents (and targaryen's grammar, checked against the live service, follows):
``^`` only as the first and ``$`` only as the last character; ``\\`` escapes the next
character literally except the classes ``\\s \\w \\d \\S \\W \\D``; ``. * + ? {n} {n,} {n,m}``,
groups, ``|`` (no empty alternative), sets ``[..]`` / ``[^..]`` with ranges; only the ``i``
flag. A quantifier character at the very start of the pattern or of a group is a literal.
Semantics follow JavaScript, so classes are spelled out (Python's ``\\d`` is Unicode-wide)
and ``$`` becomes ``\\Z`` (Python's ``$`` also matches before a final newline), and ``.``
excludes JavaScript's line terminators (Python's excludes only ``\\n``).
"""

from __future__ import annotations

import re

from .errors import ExprError

_DIGIT = "0-9"
_WORD = "A-Za-z0-9_"
_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_CLASSES = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
_DOT = "[^\\n\\r\\u2028\\u2029]"  # JavaScript's "." : anything but a line terminator
_QUANT_START = set("*+?{")
_POSITIONAL = set("|)?+}{*")  # "(" always opens a group


class _Translator:
    def __init__(self, src: str, pos: int) -> None:
        self.src = src
        self.i = 0
        self.pos = pos  # offset of the regex literal in the expression, for errors

    def fail(self, what: str) -> ExprError:
        return ExprError(f"Invalid regular expression /{self.src}/: {what}.", self.pos)

    def peek(self) -> str:
        return self.src[self.i] if self.i < len(self.src) else ""

    def translate(self) -> str:
        src = self.src
        out = ""
        end = len(src)
        if src.endswith("$") and not _escaped(src, len(src) - 1):
            end -= 1
        if src.startswith("^"):
            out = "\\A"
            self.i = 1
        body_src_end = end
        self.end = body_src_end
        out += self.alternation(first=self.i == 0)
        if self.i != body_src_end:
            raise self.fail(f"unexpected '{self.peek()}'")
        if end != len(src):
            out += "\\Z"
        return out

    def alternation(self, first: bool) -> str:
        branches = [self.sequence(first=first)]
        while self.i < self.end and self.peek() == "|":
            self.i += 1
            branches.append(self.sequence(first=False))
        if any(b == "" for b in branches):
            raise self.fail("empty alternative")
        return "|".join(branches)

    def sequence(self, first: bool) -> str:
        parts: list[str] = []
        while self.i < self.end:
            ch = self.peek()
            if first and not parts and ch in _POSITIONAL:
                self.i += 1
                parts.append(re.escape(ch))
                continue
            if ch in "|)":
                break
            if ch in _QUANT_START:
                if not parts:
                    raise self.fail(f"nothing to repeat before '{ch}'")
                parts[-1] = self.quantified(parts[-1])
                continue
            parts.append(self.atom())
        return "".join(parts)

    def quantified(self, atom: str) -> str:
        ch = self.peek()
        if ch == "{":
            m = re.compile(r"\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}").match(self.src, self.i)
            if not m or m.end() > self.end:
                raise self.fail("invalid quantifier")
            lo, comma, hi = m.group(1), m.group(2), m.group(3)
            if hi is not None and int(hi) < int(lo):
                raise self.fail("quantifier range out of order")
            self.i = m.end()
            q = "{" + lo + ("," + (hi or "") if comma else "") + "}"
        else:
            self.i += 1
            q = ch
        return f"(?:{atom}){q}"

    def atom(self) -> str:
        ch = self.peek()
        if ch == "(":
            self.i += 1
            inner = self.alternation(first=True)
            if self.peek() != ")" or self.i >= self.end:
                raise self.fail("unbalanced '('")
            self.i += 1
            return f"(?:{inner})"
        if ch == "[":
            return self.char_set()
        if ch == "\\":
            return self.escape(in_set=False)
        if ch == ".":
            self.i += 1
            return _DOT
        if ch in "^$":
            raise self.fail(f"'{ch}' is only allowed at the {'start' if ch == '^' else 'end'}")
        if ch == "}":
            raise self.fail("unexpected '}'")
        self.i += 1
        return re.escape(ch)

    def escape(self, in_set: bool) -> str:
        if self.i + 1 >= len(self.src):
            raise self.fail("trailing backslash")
        ch = self.src[self.i + 1]
        self.i += 2
        low = ch.lower()
        if low in _CLASSES:
            inner = _CLASSES[low]
            if in_set:
                return ("+" if ch == low else "-") + inner  # marker, resolved by char_set
            return f"[{inner}]" if ch == low else f"[^{inner}]"
        return ("=" if in_set else "") + re.escape(ch)

    def char_set(self) -> str:
        self.i += 1
        negate = self.peek() == "^"
        if negate:
            self.i += 1
        pos: list[str] = []
        neg: list[str] = []
        while True:
            if self.i >= self.end:
                raise self.fail("unterminated character set")
            ch = self.peek()
            if ch == "]" and (pos or neg):
                self.i += 1
                break
            if ch == "]":
                raise self.fail("empty character set")
            start = self.set_char()
            if start[0] in "+-":
                (pos if start[0] == "+" else neg).append(start[1:])
                continue
            if self.peek() == "-" and self.i + 1 < self.end and self.src[self.i + 1] != "]":
                self.i += 1
                end = self.set_char()
                if end[0] in "+-":
                    raise self.fail("class in a range")
                lo, hi = _unescape(start[1:]), _unescape(end[1:])
                if ord(lo) > ord(hi):
                    raise self.fail("range out of order")
                pos.append(start[1:] + "-" + end[1:])
            else:
                pos.append(start[1:])
        if not neg:
            return f"[{'^' if negate else ''}{''.join(pos)}]"
        alts = ([f"[{''.join(pos)}]"] if pos else []) + [f"[^{n}]" for n in neg]
        either = "(?:" + "|".join(alts) + ")"
        return f"(?:(?!{either})(?s:.))" if negate else either

    def set_char(self) -> str:
        """``=x`` for a literal (escaped for a set), ``+cls``/``-cls`` for a class."""
        ch = self.peek()
        if ch == "\\":
            return self.escape(in_set=True)
        self.i += 1
        return "=" + (re.escape(ch) if ch in "\\]^-[" else ch)


def _escaped(src: str, idx: int) -> bool:
    n = 0
    while idx - 1 - n >= 0 and src[idx - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def _unescape(s: str) -> str:
    return s[1:] if s.startswith("\\") and len(s) > 1 else s


def compile_regex(pattern: str, flags: str, pos: int = 0) -> re.Pattern[str]:
    """The Python pattern for a Firebase regex literal; raises ExprError as Firebase refuses."""
    if flags not in ("", "i"):
        raise ExprError(f"Invalid regular expression flags '{flags}': only 'i' is supported.", pos)
    if pattern == "":
        raise ExprError("Empty regular expression.", pos)
    translated = _Translator(pattern, pos).translate()
    try:
        return re.compile(translated, re.IGNORECASE if flags == "i" else 0)
    except re.error as exc:
        raise ExprError(f"Invalid regular expression /{pattern}/: {exc}.", pos) from None
