"""Small helpers shared by the rules tests."""

from __future__ import annotations

import json
from typing import Any

from rtdb.core.tree import Node, Path, set_at
from rtdb.rules import Ruleset, compile_rules

NOW = 1_700_000_000_000


def rules(tree: dict[str, Any]) -> Ruleset:
    return compile_rules(json.dumps({"rules": tree}))


def p(s: str) -> Path:
    return tuple(seg for seg in s.split("/") if seg)


def user(uid: str, **claims: Any) -> dict[str, Any]:
    return {"uid": uid, "provider": "password", "token": {"sub": uid, **claims}}


def can_set(rs: Ruleset, path: str, value: Node, root: Node = None, auth: Any = None) -> bool:
    after = set_at(root, p(path), value)
    return rs.can_write({p(path): value}, auth, root, after, NOW)


def can_update(
    rs: Ruleset, path: str, values: dict[str, Node], root: Node = None, auth: Any = None
) -> bool:
    writes = {p(path) + p(k): v for k, v in values.items()}
    after = root
    for wpath, v in writes.items():
        after = set_at(after, wpath, v)
    return rs.can_write(writes, auth, root, after, NOW)


def can_read(
    rs: Ruleset, path: str, root: Node = None, auth: Any = None, query: Any = None
) -> bool:
    return rs.can_read(p(path), auth, root, NOW, query)
