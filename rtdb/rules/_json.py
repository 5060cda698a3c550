"""JSON with ``//`` and ``/* */`` comments, remembering where every value starts.

Firebase accepts comments in rules files; error messages need the line and column of the
rule that is wrong, so the parser records the source offset of each value by JSON path.
"""

from __future__ import annotations

from typing import Any

from .errors import RulesError

_WS = " \t\r\n"
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.positions: dict[tuple[str, ...], int] = {}

    def fail(self, what: str, offset: int | None = None) -> RulesError:
        off = self.i if offset is None else offset
        line, col = line_col(self.text, off)
        return RulesError(f"Parse error: {what}", "", line, col)

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            ch = text[self.i]
            if ch in _WS:
                self.i += 1
            elif text.startswith("//", self.i):
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end + 1
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.fail("unterminated comment")
                self.i = end + 2
            else:
                return

    def value(self, path: tuple[str, ...]) -> Any:
        self.skip()
        if self.i >= len(self.text):
            raise self.fail("unexpected end of input")
        self.positions[path] = self.i
        ch = self.text[self.i]
        if ch == "{":
            return self.obj(path)
        if ch == "[":
            return self.arr(path)
        if ch == '"':
            return self.string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.i):
                self.i += len(word)
                return val
        return self.number()

    def obj(self, path: tuple[str, ...]) -> dict[str, Any]:
        self.i += 1
        out: dict[str, Any] = {}
        self.skip()
        if self.text.startswith("}", self.i):
            self.i += 1
            return out
        while True:
            self.skip()
            if not self.text.startswith('"', self.i):
                raise self.fail("expected a quoted key")
            key_at = self.i
            key = self.string()
            if key in out:
                raise self.fail(f"duplicate key {key!r}", key_at)
            self.skip()
            if not self.text.startswith(":", self.i):
                raise self.fail("expected ':'")
            self.i += 1
            out[key] = self.value((*path, key))
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
                continue
            if self.text.startswith("}", self.i):
                self.i += 1
                return out
            raise self.fail("expected ',' or '}'")

    def arr(self, path: tuple[str, ...]) -> list[Any]:
        self.i += 1
        out: list[Any] = []
        self.skip()
        if self.text.startswith("]", self.i):
            self.i += 1
            return out
        while True:
            out.append(self.value((*path, str(len(out)))))
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
                continue
            if self.text.startswith("]", self.i):
                self.i += 1
                return out
            raise self.fail("expected ',' or ']'")

    def string(self) -> str:
        text, n = self.text, len(self.text)
        self.i += 1
        parts: list[str] = []
        while True:
            if self.i >= n:
                raise self.fail("unterminated string")
            ch = text[self.i]
            if ch == '"':
                self.i += 1
                return "".join(parts)
            if ch == "\\":
                esc = text[self.i + 1 : self.i + 2]
                if esc in _ESCAPES:
                    parts.append(_ESCAPES[esc])
                    self.i += 2
                elif esc == "u":
                    hexd = text[self.i + 2 : self.i + 6]
                    try:
                        parts.append(chr(int(hexd, 16)))
                    except ValueError:
                        raise self.fail("bad \\u escape") from None
                    self.i += 6
                else:
                    raise self.fail("bad escape in string")
            elif ch < " ":
                raise self.fail("control character in string")
            else:
                parts.append(ch)
                self.i += 1

    def number(self) -> int | float:
        import re

        m = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?").match(self.text, self.i)
        if not m or m.end() == self.i:
            raise self.fail(f"unexpected character {self.text[self.i]!r}")
        self.i = m.end()
        s = m.group(0)
        return float(s) if (m.group(2) or m.group(3)) else int(s)


def parse(text: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """The value and, for each JSON path, the offset where its value starts."""
    p = _Parser(text)
    val = p.value(())
    p.skip()
    if p.i != len(text):
        raise p.fail("unexpected text after the end of the document")
    return val, p.positions


def string_offsets(text: str, start: int) -> list[int]:
    """For the JSON string starting at ``start`` (its quote), the source offset of each
    decoded character (plus one past the end), to place errors inside expressions."""
    out: list[int] = []
    i = start + 1
    while i < len(text) and text[i] != '"':
        out.append(i)
        if text[i] == "\\":
            i += 6 if text[i + 1 : i + 2] == "u" else 2
        else:
            i += 1
    out.append(i)
    return out
