"""The variables of one rules evaluation (``auth``, ``now``, ``root``/``data``/``newData``...).

Below both rule compilers: ``evaluator`` and ``codegen`` read the same Ctx.
"""

from __future__ import annotations

from typing import Any

from ._jsvalues import get_member
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
