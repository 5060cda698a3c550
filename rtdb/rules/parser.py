"""Expression AST and a precedence-climbing parser (JavaScript precedence and associativity)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._lexer import Token, tokenize
from .errors import ExprError


@dataclass(eq=False)
class Node:
    pos: int
    type: Any = field(default=None, init=False)  # filled in by the checker


@dataclass(eq=False)
class Literal(Node):
    value: Any  # None, bool, int, float or str


@dataclass(eq=False)
class Regex(Node):
    pattern: str
    flags: str
    compiled: Any = field(default=None, init=False)


@dataclass(eq=False)
class Ident(Node):
    name: str


@dataclass(eq=False)
class Member(Node):
    obj: Node
    name: str | None  # the property name when it is known at deploy time
    index: Node | None = None  # computed member with a non-literal key (``auth[$k]``)


@dataclass(eq=False)
class Call(Node):
    callee: Node
    args: list[Node]


@dataclass(eq=False)
class Array(Node):
    items: list[Node]


@dataclass(eq=False)
class Unary(Node):
    op: str
    arg: Node


@dataclass(eq=False)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Logical(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Cond(Node):
    test: Node
    then: Node
    other: Node


_BINARY_PREC = {
    "||": 1,
    "&&": 2,
    "==": 3, "!=": 3, "===": 3, "!==": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "/": 6, "%": 6,
}  # fmt: skip


class _Parser:
    def __init__(self, src: str) -> None:
        self.toks = tokenize(src)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def is_op(self, op: str) -> bool:
        t = self.toks[self.i]
        return t.kind == "op" and t.value == op

    def expect(self, op: str) -> Token:
        if not self.is_op(op):
            raise self.unexpected()
        t = self.tok
        self.i += 1
        return t

    def unexpected(self) -> ExprError:
        t = self.tok
        if t.kind == "end":
            return ExprError("Unexpected end of expression.", t.pos)
        shown = t.value if t.kind in ("op", "name") else str(t.value)
        return ExprError(f"Unexpected token '{shown}'.", t.pos)

    def parse(self) -> Node:
        node = self.expression()
        if self.tok.kind != "end":
            raise self.unexpected()
        return node

    def expression(self) -> Node:
        test = self.binary(1)
        if self.is_op("?"):
            pos = self.tok.pos
            self.i += 1
            then = self.expression()
            self.expect(":")
            other = self.expression()
            return Cond(pos, test, then, other)
        return test

    def binary(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            t = self.tok
            prec = _BINARY_PREC.get(t.value) if t.kind == "op" else None
            if prec is None or prec < min_prec:
                return left
            self.i += 1
            right = self.binary(prec + 1)
            cls = Logical if t.value in ("&&", "||") else Binary
            left = cls(t.pos, t.value, left, right)

    def unary(self) -> Node:
        t = self.tok
        if t.kind == "op" and t.value in ("!", "-"):
            self.i += 1
            return Unary(t.pos, t.value, self.unary())
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            t = self.tok
            if self.is_op("."):
                self.i += 1
                name = self.tok
                if name.kind != "name":
                    raise self.unexpected()
                self.i += 1
                node = Member(name.pos, node, name.value)
            elif self.is_op("["):
                self.i += 1
                key = self.expression()
                self.expect("]")
                if isinstance(key, Literal) and isinstance(key.value, str):
                    node = Member(t.pos, node, key.value)
                else:
                    node = Member(t.pos, node, None, key)
            elif self.is_op("("):
                self.i += 1
                args: list[Node] = []
                if not self.is_op(")"):
                    args.append(self.expression())
                    while self.is_op(","):
                        self.i += 1
                        args.append(self.expression())
                self.expect(")")
                node = Call(t.pos, node, args)
            else:
                return node

    def primary(self) -> Node:
        t = self.tok
        self.i += 1
        if t.kind == "num" or t.kind == "str":
            return Literal(t.pos, t.value)
        if t.kind == "regex":
            return Regex(t.pos, t.value[0], t.value[1])
        if t.kind == "name":
            if t.value == "true":
                return Literal(t.pos, True)
            if t.value == "false":
                return Literal(t.pos, False)
            if t.value == "null":
                return Literal(t.pos, None)
            return Ident(t.pos, t.value)
        if t.kind == "op" and t.value == "(":
            node = self.expression()
            self.expect(")")
            return node
        if t.kind == "op" and t.value == "[":
            items: list[Node] = []
            if not self.is_op("]"):
                items.append(self.expression())
                while self.is_op(","):
                    self.i += 1
                    items.append(self.expression())
            self.expect("]")
            return Array(t.pos, items)
        self.i -= 1
        raise self.unexpected()


def parse_expression(src: str) -> Node:
    """The AST of one rule expression; raises ExprError with the offset of the problem."""
    return _Parser(src).parse()
