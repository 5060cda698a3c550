"""The compiled tree of rules, and the read cascade / write+validate walks over it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from rtdb.core.query import QuerySpec
from rtdb.core.tree import PRIORITY, VALUE, Node, Path, child

from . import _json
from .checker import check_rule
from .errors import ExprError, RulesError
from .evaluator import Ctx, compile_rule
from .parser import parse_expression
from .query_vars import QueryVars
from .snapshot import Snapshot

Rule = Callable[[Ctx], bool]
_RULE_KINDS = (".read", ".write", ".validate")
_BAD_KEY_CHARS = re.compile(r"[./#$\[\]\x00-\x1f\x7f]")


def _const(value: bool) -> Rule:
    rule = (lambda c: True) if value else (lambda c: False)
    rule.uses_data = rule.uses_new_data = False  # type: ignore[attr-defined]
    rule.constant = value  # type: ignore[attr-defined]
    return rule


class RuleNode:
    """One location in the rules tree. ``wild_name`` is the ``$var`` of ``wild``."""

    __slots__ = (
        "index_on",
        "named",
        "read",
        "validate",
        "validates_below",
        "validating",
        "wild",
        "wild_name",
        "write",
    )  # fmt: skip

    def __init__(self) -> None:
        self.read: Rule | None = None
        self.write: Rule | None = None
        self.validate: Rule | None = None
        self.index_on: tuple[str, ...] = ()
        self.named: dict[str, RuleNode] = {}
        self.wild: RuleNode | None = None
        self.wild_name: str | None = None
        self.validates_below = False  # this node or a descendant has .validate
        self.validating: tuple[tuple[str, RuleNode], ...] = ()  # named kids that validate

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
        return compile_rule(ast)

    def index_on(self, value: Any, jpath: tuple[str, ...]) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise self.error(jpath, ".indexOn must be a string or an array of strings.")
        return tuple(items)


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
        rnode: RuleNode | None = self._root
        wild: dict[str, str] = {}
        node = root
        root_snap = Snapshot(root, (), root)
        ctx = Ctx(auth, now, root_snap, query=QueryVars(query))
        depth = 0
        while True:
            assert rnode is not None
            if rnode.read is not None:
                ctx.data = Snapshot(root, path[:depth], node)
                ctx.wild = wild
                if rnode.read(ctx):
                    return True
            if depth == len(path):
                return False
            key = path[depth]
            rnode, wild = rnode.step(key, wild)
            if rnode is None:
                return False
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
        """
        ctx = Ctx(auth, now, Snapshot(root_before, (), root_before))
        return all(self._write_one(tuple(path), ctx, root_before, root_after) for path in writes)

    def _write_one(self, path: Path, ctx: Ctx, before_root: Node, after_root: Node) -> bool:
        if path and path[-1] == ".priority":
            path = path[:-1]  # a priority write is a write of the node that holds it
        rnode: RuleNode | None = self._root
        wild: dict[str, str] = {}
        before, after = before_root, after_root
        permitted = False
        depth = 0
        while True:
            assert rnode is not None
            if not permitted and rnode.write is not None:
                _bind(ctx, rnode.write, before_root, after_root, path[:depth], before, after, wild)
                permitted = rnode.write(ctx)
            validate = rnode.validate
            if after is not None and validate is not None:
                _bind(ctx, validate, before_root, after_root, path[:depth], before, after, wild)
                if not validate(ctx):
                    return False
            if depth == len(path):
                break
            key = path[depth]
            rnode, wild = rnode.step(key, wild)
            if rnode is None:
                return permitted  # no rules below: nothing more to grant or validate
            before = child(before, key) if before is not None else None
            after = child(after, key) if after is not None else None
            depth += 1
        if not permitted:
            return False
        if after is None or not rnode.validates_below:
            return True
        return _validate_below(rnode, path, before, after, wild, ctx, before_root, after_root)

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


def _bind(
    ctx: Ctx,
    rule: Rule,
    before_root: Node,
    after_root: Node,
    path: Path,
    before: Node,
    after: Node,
    wild: dict[str, str],
) -> None:
    """Point ``ctx`` at one location, building only the snapshots ``rule`` reads."""
    if rule.uses_data:  # type: ignore[attr-defined]
        ctx.data = Snapshot(before_root, path, before)
    if rule.uses_new_data:  # type: ignore[attr-defined]
        ctx.new_data = Snapshot(after_root, path, after)
    ctx.wild = wild


def _validate_below(
    rnode: RuleNode,
    path: Path,
    before: Node,
    after: Node,
    wild: dict[str, str],
    ctx: Ctx,
    before_root: Node,
    after_root: Node,
) -> bool:
    """Run every ``.validate`` under ``rnode`` on the new data (never where it is null).

    Walks the rules tree alongside the data: only rules nodes that have a ``.validate`` at
    or below them (``validates_below``) are visited. ``after`` is an existing object node.
    """
    if type(after) is not dict or VALUE in after:
        return True  # a leaf has no children to validate
    old = before if type(before) is dict and VALUE not in before else None
    wild_node = rnode.wild
    if wild_node is None:
        for key, sub in rnode.validating:
            new_child = after.get(key)
            if new_child is not None and not _validate_child(
                sub, key, path, old, new_child, wild, ctx, before_root, after_root
            ):
                return False
        return True
    named, wild_name = rnode.named, rnode.wild_name
    wild_validates = wild_node.validates_below
    for key, new_child in after.items():
        if key == PRIORITY:
            continue
        sub = named.get(key)
        if sub is not None:
            if sub.validates_below and not _validate_child(
                sub, key, path, old, new_child, wild, ctx, before_root, after_root
            ):
                return False
        elif wild_validates:
            sub_wild = {**wild, wild_name: key}  # type: ignore[dict-item]
            if not _validate_child(
                wild_node, key, path, old, new_child, sub_wild, ctx, before_root, after_root
            ):
                return False
    return True


def _validate_child(
    sub: RuleNode,
    key: str,
    path: Path,
    old: Node,
    new_child: Node,
    wild: dict[str, str],
    ctx: Ctx,
    before_root: Node,
    after_root: Node,
) -> bool:
    old_child = old.get(key) if old is not None else None
    sub_path = (*path, key)
    validate = sub.validate
    if validate is not None:
        if validate.uses_data:  # type: ignore[attr-defined]
            ctx.data = Snapshot(before_root, sub_path, old_child)
        if validate.uses_new_data:  # type: ignore[attr-defined]
            ctx.new_data = Snapshot(after_root, sub_path, new_child)
        ctx.wild = wild
        if not validate(ctx):
            return False
    if sub.validating or sub.wild is not None:
        return _validate_below(
            sub, sub_path, old_child, new_child, wild, ctx, before_root, after_root
        )
    return True


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
