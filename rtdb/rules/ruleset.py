"""The compiled tree of rules, and the read cascade / write+validate walks over it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from rtdb.core.query import QuerySpec
from rtdb.core.tree import PRIORITY, VALUE, Node, Path, child

from . import _json
from .checker import check_rule
from .codegen import compile_below
from .context import Ctx
from .errors import ExprError, RulesError
from .evaluator import compile_rule
from .parser import parse_expression
from .query_vars import QueryVars
from .tracing import TraceCtx, reads_data, tracer

Rule = Callable[[Ctx], bool]
_RULE_KINDS = (".read", ".write", ".validate")
_BAD_KEY_CHARS = re.compile(r"[./#$\[\]\x00-\x1f\x7f]")


def _const(value: bool) -> Rule:
    rule = (lambda c: True) if value else (lambda c: False)
    rule.constant = value  # type: ignore[attr-defined]
    return rule


class RuleNode:
    """One location in the rules tree. ``wild_name`` is the ``$var`` of ``wild``."""

    __slots__ = (
        "active",
        "below",
        "index_on",
        "named",
        "read",
        "read_trace",
        "validate",
        "validates_below",
        "validates_kids",
        "validating",
        "wild",
        "wild_name",
        "write",
    )  # fmt: skip

    def __init__(self) -> None:
        self.read: Rule | None = None
        self.read_trace: Callable[[TraceCtx], bool] | None = None  # if .read reads data
        self.write: Rule | None = None
        self.validate: Rule | None = None
        self.index_on: tuple[str, ...] = ()
        self.named: dict[str, RuleNode] = {}
        self.wild: RuleNode | None = None
        self.wild_name: str | None = None
        self.validates_below = False  # this node or a descendant has .validate
        self.validating: tuple[tuple[str, RuleNode], ...] = ()  # named kids that validate
        self.validates_kids = False  # some child (named or wild) has .validate at/below it
        self.below: Callable[[Ctx, Node, Node], bool] | None = None  # the validate walk
        self.active = False  # has a .write or .validate

    def step(self, key: str, wild: dict[str, str]) -> tuple[RuleNode | None, dict[str, str]]:
        """The rules for child ``key``: a named child wins over the wildcard."""
        node = self.named.get(key)
        if node is not None:
            return node, wild
        if self.wild is not None:
            return self.wild, {**wild, self.wild_name: key}  # type: ignore[dict-item]
        return None, wild


class _Compiler:
    def __init__(self, text: str, positions: dict[tuple[str, ...], int]) -> None:
        self.text = text
        self.positions = positions

    def error(
        self, jpath: tuple[str, ...], message: str, expr_pos: int | None = None
    ) -> RulesError:
        where = "/" + "/".join(jpath)
        offset = self.positions.get(jpath)
        if offset is None:
            return RulesError(message, where)
        if expr_pos is not None and self.text.startswith('"', offset):
            offsets = _json.string_offsets(self.text, offset)
            offset = offsets[min(expr_pos, len(offsets) - 1)]
        line, col = _json.line_col(self.text, offset)
        return RulesError(message, where, line, col)

    def node(self, spec: Any, jpath: tuple[str, ...], wildcards: tuple[str, ...]) -> RuleNode:
        if not isinstance(spec, dict):
            raise self.error(jpath, f"Expected an object of rules, got {_json_type(spec)}.")
        out = RuleNode()
        for key, value in spec.items():
            kpath = (*jpath, key)
            if key in _RULE_KINDS:
                rule: Rule | None = self.rule(value, kpath, key[1:], wildcards)
                # A false grant grants nothing and a true validate checks nothing: dropping
                # them is exact, and lets the walks skip those nodes.
                if rule.constant is (key == ".validate"):  # type: ignore[union-attr]
                    rule = None
                setattr(out, key[1:], rule)
                ast = getattr(rule, "ast", None)  # constants have none
                if key == ".read" and ast is not None and reads_data(ast):
                    out.read_trace = tracer(ast, jpath[1:])
            elif key == ".indexOn":
                out.index_on = self.index_on(value, kpath)
            elif key.startswith("."):
                raise self.error(kpath, f"Invalid key '{key}': not a rule type.")
            elif key.startswith("$"):
                name = key
                if len(name) < 2 or _BAD_KEY_CHARS.search(name[1:]):
                    raise self.error(kpath, f"Invalid wildcard name '{key}'.")
                if out.wild is not None:
                    raise self.error(
                        kpath, f"Two wildcards at one level ('{out.wild_name}' and '{key}')."
                    )
                if name in wildcards:
                    raise self.error(kpath, f"Wildcard '{key}' is already used above this rule.")
                out.wild_name = name
                out.wild = self.node(value, kpath, (*wildcards, name))
            else:
                if key == "" or _BAD_KEY_CHARS.search(key):
                    raise self.error(
                        kpath, f"Invalid key '{key}': keys may not contain . / # $ [ ]."
                    )
                out.named[key] = self.node(value, kpath, wildcards)
        out.validates_below = (
            out.validate is not None
            or any(c.validates_below for c in out.named.values())
            or (out.wild is not None and out.wild.validates_below)
        )
        out.validating = tuple((k, c) for k, c in out.named.items() if c.validates_below)
        out.validates_kids = bool(out.validating) or (
            out.wild is not None and out.wild.validates_below
        )
        out.active = out.write is not None or out.validate is not None
        if out.validates_kids:
            out.below = _below(out, jpath[1:])
        return out

    def rule(
        self, value: Any, jpath: tuple[str, ...], kind: str, wildcards: tuple[str, ...]
    ) -> Rule:
        if isinstance(value, bool):
            return _const(value)
        if not isinstance(value, str):
            raise self.error(
                jpath, f"Expected a boolean or an expression string, got {_json_type(value)}."
            )
        try:
            ast = parse_expression(value)
            check_rule(ast, kind, wildcards)
        except ExprError as exc:
            raise self.error(jpath, exc.message, exc.pos) from None
        except RecursionError:
            raise self.error(jpath, "Expression is nested too deeply.") from None
        return compile_rule(ast, jpath[1:-1])

    def index_on(self, value: Any, jpath: tuple[str, ...]) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise self.error(jpath, ".indexOn must be a string or an array of strings.")
        return tuple(items)


def _below(rnode: RuleNode, where: tuple[str, ...]) -> Callable[[Ctx, Node, Node], bool]:
    """``rnode``'s validate walk: generated code, or the generic walk if that fails."""
    try:
        return compile_below(rnode, where)
    except (SyntaxError, RecursionError, MemoryError, ValueError, AttributeError):
        return lambda c, before, after: _validate_below(rnode, c, before, after)


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}.get(
        type(v), "object"
    )


class Ruleset:
    """A compiled rules file. Immutable; safe to share between requests and threads."""

    def __init__(self, source: str, rules_json: dict[str, Any], root: RuleNode) -> None:
        self.source = source
        self._rules_json = rules_json
        self._root = root

    def strict_json(self) -> dict[str, Any]:
        """The rules as plain JSON (comments dropped), for ``?format=strict``."""
        import copy

        return copy.deepcopy(self._rules_json)

    # --- reads ----------------------------------------------------------------------------

    def can_read(
        self, path: Path, auth: Any, root: Node, now: int, query: QuerySpec | None = None
    ) -> bool:
        """True iff some ``.read`` on root..path is true (cascade; rules are not filters)."""
        return self._granting_read(path, auth, root, now, query) is not None

    def read_watch(
        self, path: Path, auth: Any, root: Node, now: int, query: QuerySpec | None = None
    ) -> tuple[Path, ...] | None:
        """None if the read is denied; else the locations whose change could revoke it.

        Only the rule that grants matters: while it stays true the read stays allowed, and
        it can only turn false if data it observed changes (``rtdb.rules.tracing``). A
        granting rule that reads no data (``auth``, ``$vars``, ``query``) yields ``()``.
        """
        granted = self._granting_read(path, auth, root, now, query)
        if granted is None:
            return None
        rnode, c, node = granted
        trace = rnode.read_trace
        if trace is None:
            return ()
        t = TraceCtx(auth, now, root, c.query)
        t.wild = dict(c.wild)
        t.dn = t.nn = node
        trace(t)
        return tuple(t.seen)

    def _granting_read(
        self, path: Path, auth: Any, root: Node, now: int, query: QuerySpec | None
    ) -> tuple[Any, Ctx, Node] | None:
        """The cascade walk: the first rule node on root..path whose ``.read`` is true, with
        the context it was true in and the data at its location; None when none is."""
        rnode = self._root
        c = Ctx(auth, now, root, root, QueryVars(query))
        node = root
        depth = 0
        while True:
            read = rnode.read
            if read is not None:
                c.dn = c.nn = node
                if read(c):
                    return rnode, c, node
            if depth == len(path):
                return None
            key = path[depth]
            sub = rnode.named.get(key)
            if sub is None:
                sub = rnode.wild
                if sub is None:
                    return None
                c.wild[rnode.wild_name] = key  # type: ignore[index]
            rnode = sub
            node = child(node, key) if node is not None else None
            depth += 1

    # --- writes ---------------------------------------------------------------------------

    def can_write(
        self,
        writes: Mapping[Path, Node],
        auth: Any,
        root_before: Node,
        root_after: Node,
        now: int,
    ) -> bool:
        """True iff every written path is writable and every applicable ``.validate`` passes.

        ``root_after`` must already contain all of ``writes`` (multi-path updates are
        checked against the combined result, and denied as a whole if any part fails).
        One Ctx serves every path (and ``auth.uid`` is read once for all of them).
        """
        c = Ctx(auth, now, root_before, root_after)
        for path in writes:  # noqa: SIM110 - a plain loop: no generator per write
            if not self._write_one(tuple(path), c):
                return False
        return True

    def may_write(self, path: Path) -> bool:
        """False when no ``.write`` on root..path exists, so no auth or data can allow a
        write there (rules below a path never grant it): the write is refused unbuilt."""
        if path and path[-1] == PRIORITY:
            path = path[:-1]
        rnode = self._root
        if rnode.write is not None:
            return True
        for key in path:
            sub = rnode.named.get(key)
            if sub is None:
                sub = rnode.wild
                if sub is None:
                    return False
            rnode = sub
            if rnode.write is not None:
                return True
        return False

    def _write_one(self, path: Path, c: Ctx) -> bool:
        """The ``.write`` cascade down to ``path``, ``.validate`` on it, then below it.

        The Ctx is touched only where a rule runs (``active``) or a wildcard binds.
        """
        if path and path[-1] == PRIORITY:
            path = path[:-1]  # a priority write is a write of the node that holds it
        rnode = self._root
        before, after = c.before, c.after
        permitted = False
        if rnode.active:
            permitted, valid = _rules_here(rnode, c, before, after, permitted)
            if not valid:
                return False
        for key in path:
            sub = rnode.named.get(key)
            if sub is None:
                sub = rnode.wild
                if sub is None:
                    return permitted  # no rules below: nothing more to grant or validate
                c.wild[rnode.wild_name] = key  # type: ignore[index]
            rnode = sub
            if key == PRIORITY:  # only valid as a last key (cut above): never a child
                before = after = None
            else:
                before = before.get(key) if type(before) is dict and VALUE not in before else None
                after = after.get(key) if type(after) is dict and VALUE not in after else None
            if sub.active:  # (inline: this is the hot loop)
                c.dn, c.nn = before, after
                write = sub.write
                if write is not None and not permitted:
                    permitted = write(c)
                validate = sub.validate
                if validate is not None and after is not None and not validate(c):
                    return False
        if not permitted:
            return False
        if after is None or rnode.below is None:
            return True
        return rnode.below(c, before, after)

    # --- indexes --------------------------------------------------------------------------

    def index_on(self, path: Path) -> tuple[str, ...]:
        """The ``.indexOn`` entries declared for ``path`` (wildcards match any key)."""
        rnode: RuleNode | None = self._root
        wild: dict[str, str] = {}
        for key in path:
            assert rnode is not None
            rnode, wild = rnode.step(key, wild)
            if rnode is None:
                return ()
        assert rnode is not None
        return rnode.index_on


def _rules_here(
    rnode: RuleNode, c: Ctx, before: Node, after: Node, permitted: bool
) -> tuple[bool, bool]:
    """(permitted, valid) after this node's ``.write`` (unless granted above) and ``.validate``."""
    c.dn, c.nn = before, after
    write = rnode.write
    if write is not None and not permitted:
        permitted = write(c)
    validate = rnode.validate
    return permitted, validate is None or after is None or validate(c)


def _validate_below(rnode: RuleNode, c: Ctx, before: Node, after: Node) -> bool:
    """Run every ``.validate`` under ``rnode`` on the new data (never where it is null).

    The generic walk, for a node whose generated ``below`` Python could not compile: only
    rules nodes with a ``.validate`` at or below them (``validates_below``) are visited.
    """
    if type(after) is not dict or VALUE in after:
        return True  # a leaf has no children to validate
    old = before if type(before) is dict and VALUE not in before else None
    wild_node = rnode.wild
    if wild_node is None:
        for key, sub in rnode.validating:
            new = after.get(key)
            if new is not None and not _validate_child(c, sub, key, old, new):
                return False
        return True
    named, wild_name, wild = rnode.named, rnode.wild_name, c.wild
    wild_validates = wild_node.validates_below
    for key, new in after.items():
        sub = named.get(key)
        if sub is None:
            if not wild_validates or key == PRIORITY:
                continue
            wild[wild_name] = key  # type: ignore[index]
            sub = wild_node
        elif not sub.validates_below:
            continue
        if not _validate_child(c, sub, key, old, new):
            return False
    return True


def _validate_child(c: Ctx, sub: RuleNode, key: str, old: Node, new: Node) -> bool:
    prev = old.get(key) if old is not None else None
    validate = sub.validate
    if validate is not None:
        c.dn = prev
        c.nn = new
        if not validate(c):
            return False
    return sub.below is None or sub.below(c, prev, new)


def compile_rules(text: str) -> Ruleset:
    """Parse, check and compile a rules file, as Firebase does when rules are saved."""
    value, positions = _json.parse(text)
    comp = _Compiler(text, positions)
    if not isinstance(value, dict):
        raise comp.error((), "The rules file must be a JSON object.")
    extra = [k for k in value if k != "rules"]
    if extra:
        raise comp.error(
            (extra[0],), f"Invalid top-level key '{extra[0]}': only 'rules' is allowed."
        )
    if "rules" not in value:
        raise comp.error((), "The rules file must have a top-level 'rules' object.")
    root = comp.node(value["rules"], ("rules",), ())
    return Ruleset(text, value, root)


OPEN_RULES = compile_rules('{"rules": {".read": true, ".write": true}}')
