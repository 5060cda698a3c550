"""Function triggers as Google's database emulator runs them, with no I/O.

firebase-tools registers every database-triggered function with the database
(``POST /.settings/functionTriggers.json``); after each commit :class:`EventMaker` turns what
the commit changed into the CloudEvents Firebase sends those functions. The rules, from
Firebase's documentation of Realtime Database triggers:

* A trigger's path is a pattern (``{id}``, ``{id=*}``, ``*``; ``{rest=**}``/``**`` last). A
  write fires it at every *location* matching the pattern whose value the write changed:
  a write below a location (``forum/c1/questions/q1/title`` for ``forum/{cid}/questions/{qid}``)
  fires at that location, a write above it (``forum/c1``) at each location under it that
  changed. A multi-path update fires once per matching location, whatever the number of
  its keys below it; nothing fires where nothing changed.
* ``created``: nothing before, something after; ``deleted``: the reverse; ``updated``:
  something before and a different something after; ``written``: any of the three.
* The event carries ``data.data`` (the value before, at the location) and ``data.delta``
  (what changed) such that merging ``delta`` into ``data`` (the SDKs' ``applyChange`` /
  ``deep_merge`` + ``prune_nones``, a ``null`` removing) gives the value after, which is the
  value a read returns: priorities dropped, array-like objects as lists.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import tree
from .auth import Auth
from .paths import MAX_DEPTH, is_valid_key
from .render import plain
from .tree import Node, Path

if TYPE_CHECKING:
    from .database import Commit

EVENT_PREFIX = "google.firebase.database.ref.v1."
CREATED = EVENT_PREFIX + "created"
UPDATED = EVENT_PREFIX + "updated"
DELETED = EVENT_PREFIX + "deleted"
WRITTEN = EVENT_PREFIX + "written"
EVENT_TYPES = (CREATED, UPDATED, DELETED, WRITTEN)
DATA_TYPE = "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData"
DEFAULT_LOCATION = "us-central1"
MAX_TRIGGERS = 1000
# Locations one commit may fire at, across triggers: a delete of a big subtree under a
# wildcard trigger stays bounded work (the rest are reported as dropped).
MAX_LOCATIONS_PER_COMMIT = 10_000

_NAME = re.compile(r"^projects/([^/\s]+)/\S+$")
_TOPIC = re.compile(r"^projects/[^/\s]+/topics/([^/\s]+)$")
_CAPTURE = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)(=\*\*?)?\}$")
_INSTANCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_WILDCARD_HELP = "a key, {name}, {name=*}, *, or as the last segment {name=**} or **"


class TriggerError(ValueError):
    """A registration Firebase's tools would never send; ``message`` says what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Segment:
    """One segment of a path pattern: a ``key``, ``one`` segment or ``many`` (last only)."""

    kind: str
    text: str  # the key, or the capture's name ("" for a bare * or **)


def parse_pattern(text: str) -> tuple[Segment, ...]:
    """A trigger path as Eventarc path-pattern segments; raises TriggerError if malformed."""
    stripped = text.strip("/")
    if not stripped:
        return ()
    segments: list[Segment] = []
    names: set[str] = set()
    for part in stripped.split("/"):
        if part == "*":
            segments.append(Segment("one", ""))
            continue
        if part == "**":
            segments.append(Segment("many", ""))
            continue
        capture = _CAPTURE.match(part)
        if capture:
            name = capture.group(1)
            if name in names:
                raise TriggerError(f'Invalid path "{text}": the wildcard {{{name}}} appears twice.')
            names.add(name)
            segments.append(Segment("many" if capture.group(2) == "=**" else "one", name))
            continue
        if any(c in part for c in "{}*") or not is_valid_key(part):
            raise TriggerError(
                f'Invalid path "{text}": "{part}" is not {_WILDCARD_HELP} '
                "(keys may not contain . $ # [ ] or control characters)."
            )
        segments.append(Segment("key", part))
    if any(s.kind == "many" for s in segments[:-1]):
        raise TriggerError(
            f'Invalid path "{text}": a multi-segment wildcard ({{name=**}} or **) is '
            "supported only as the last segment."
        )
    if len(segments) > MAX_DEPTH:
        raise TriggerError(f'Invalid path "{text}": deeper than {MAX_DEPTH} keys.')
    return tuple(segments)


def parse_instance_pattern(text: str) -> Segment:
    """``namespacePattern``: one instance name, ``*``, or a ``{name}`` capture."""
    if text == "*":
        return Segment("one", "")
    capture = _CAPTURE.match(text)
    if capture and capture.group(2) != "=**":
        return Segment("one", capture.group(1))
    if _INSTANCE.match(text):
        return Segment("key", text)
    raise TriggerError(
        f'Invalid namespacePattern "{text}": use a database instance name '
        '(letters, digits, "-", "_", "."), "*" for every instance, or a {name} capture.'
    )


@dataclass(frozen=True)
class Trigger:
    """One registered function trigger, as firebase-tools posts it."""

    name: str
    path: str
    event: str
    topic: str
    namespace_pattern: str
    segments: tuple[Segment, ...]
    instance: Segment

    @property
    def project(self) -> str:
        """The project the function belongs to (``projects/<p>/...`` of its name)."""
        match = _NAME.match(self.name)
        assert match is not None
        return match.group(1)

    @property
    def key(self) -> str:
        """The Functions emulator's trigger key: the last segment of the topic."""
        return self.topic.rsplit("/", 1)[1]

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "path": self.path,
            "event": self.event,
            "topic": self.topic,
            "namespacePattern": self.namespace_pattern,
        }

    def serves(self, ns: str) -> bool:
        return self.instance.kind != "key" or self.instance.text == ns

    def wants(self, event_type: str) -> bool:
        return self.event == WRITTEN or self.event == event_type


def _field(body: dict[str, Any], key: str, example: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TriggerError(f'Invalid trigger: "{key}" must be a non-empty string, like {example}.')
    return value


def parse_trigger(body: Any, default_namespace: str | None = None) -> Trigger:
    """A registration body checked field by field, each refusal saying what to fix."""
    if not isinstance(body, dict):
        raise TriggerError(
            "Invalid trigger: expected a JSON object with name, path, event, topic and "
            "namespacePattern."
        )
    name = _field(body, "name", '"projects/demo/locations/us-central1/triggers/fn-0"')
    if not _NAME.match(name) or len(name) > 1024:
        raise TriggerError(
            f'Invalid trigger name "{name}": expected projects/<project>/locations/<region>/'
            "triggers/<key>."
        )
    path = body.get("path")
    if not isinstance(path, str):
        raise TriggerError('Invalid trigger: "path" must be a string, like "messages/{id}".')
    segments = parse_pattern(path)
    event = body.get("event")
    if event not in EVENT_TYPES:
        raise TriggerError(
            f"Invalid trigger event {event!r}: expected one of {', '.join(EVENT_TYPES)}."
        )
    topic = _field(body, "topic", '"projects/demo/topics/fn-0"')
    if not _TOPIC.match(topic):
        raise TriggerError(
            f'Invalid trigger topic "{topic}": expected projects/<project>/topics/<trigger key>.'
        )
    pattern = body.get("namespacePattern", default_namespace or "*")
    if not isinstance(pattern, str):
        raise TriggerError('Invalid trigger: "namespacePattern" must be a string, like "*".')
    instance = parse_instance_pattern(pattern)
    return Trigger(name, path.strip("/"), event, topic, pattern, segments, instance)


class TriggerRegistry:
    """Triggers by name (firebase-tools re-posts changed ones and never removes any)."""

    def __init__(self) -> None:
        self._by_name: dict[str, Trigger] = {}
        self._per_ns: dict[str, tuple[Trigger, ...]] = {}

    def upsert(self, trigger: Trigger) -> None:
        if trigger.name not in self._by_name and len(self._by_name) >= MAX_TRIGGERS:
            raise TriggerError(f"Too many triggers: at most {MAX_TRIGGERS} can be registered.")
        self._by_name[trigger.name] = trigger
        self._per_ns.clear()

    def remove(self, name: str) -> Trigger | None:
        self._per_ns.clear()
        return self._by_name.pop(name, None)

    def get(self, name: str) -> Trigger | None:
        return self._by_name.get(name)

    def all(self) -> list[Trigger]:
        return list(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def for_namespace(self, ns: str) -> tuple[Trigger, ...]:
        found = self._per_ns.get(ns)
        if found is None:
            found = self._per_ns[ns] = tuple(t for t in self._by_name.values() if t.serves(ns))
        return found


@dataclass(frozen=True)
class TriggerEvent:
    """One CloudEvent (structured mode) bound for one trigger."""

    trigger: str  # the trigger's name
    project: str
    key: str
    body: dict[str, Any]


def auth_context(auth: Auth) -> dict[str, str]:
    """``authtype``/``authid``: who made the write, as the SDKs' ``auth_type``/``auth_id``."""
    if auth.admin:
        return {"authtype": "admin"}
    variable = auth.variable
    if not isinstance(variable, dict):
        return {"authtype": "unauthenticated"}
    uid = variable.get("uid")
    return (
        {"authtype": "app_user", "authid": uid}
        if isinstance(uid, str)
        else {"authtype": "app_user"}
    )


def rfc3339(ms: int) -> str:
    """A commit time (ms since the epoch) as CloudEvents' ``time``, to the millisecond."""
    stamp = dt.datetime.fromtimestamp(ms // 1000, tz=dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def same(a: Any, b: Any) -> bool:
    """JSON equality (``True`` is not ``1``)."""
    if a is b:
        return True
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return not isinstance(b, (dict, list)) and a == b


def delta(before: Any, after: Any) -> Any:
    """The change that, merged into ``before`` by the SDKs, gives ``after``.

    Objects are diffed key by key (``None`` for a removed key); anything else is replaced
    whole. firebase-functions-python 0.6.0 cannot merge an object over a leaf or an array
    below the top (its ``deep_merge`` calls ``.copy()`` on the leaf); the Node SDK can.
    """
    if not isinstance(before, dict) or not isinstance(after, dict):
        return after
    out: dict[str, Any] = {}
    for key in before:
        if key not in after:
            out[key] = None
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            out[key] = new
        elif not same(old, new):
            out[key] = delta(old, new) if isinstance(old, dict) else new
    return out


def _children_keys(before: Node, after: Node) -> Iterator[str]:
    seen: set[str] = set()
    for node in (before, after):
        for key, _ in tree.children(node):
            if key not in seen:
                seen.add(key)
                yield key


def _prefix_matches(segments: tuple[Segment, ...], path: Path) -> bool:
    return all(s.kind != "key" or s.text == k for s, k in zip(segments, path, strict=False))


class EventMaker:
    """Turns a commit into the events its triggers must receive."""

    def __init__(
        self,
        registry: TriggerRegistry,
        host: str,
        location: str = DEFAULT_LOCATION,
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self.registry = registry
        self.host = host
        self.location = location
        if new_id is None:
            boot, counter = secrets.token_hex(5), itertools.count(1)
            new_id = lambda: f"{boot}-{next(counter)}"  # noqa: E731 - unique across restarts
        self.new_id = new_id

    def events(self, commit: Commit) -> tuple[list[TriggerEvent], int]:
        """The events ``commit`` fires, in order, and how many were dropped over the bound."""
        triggers = self.registry.for_namespace(commit.ns)
        if not triggers:
            return [], 0
        budget = [MAX_LOCATIONS_PER_COMMIT]
        out: list[TriggerEvent] = []
        dropped = 0
        context = auth_context(commit.auth)
        stamp = rfc3339(commit.time)
        for trigger in triggers:
            for location in self._locations(trigger, commit, budget):
                if location is None:
                    dropped += 1
                    continue
                event = self._event(trigger, commit, location, context, stamp)
                if event is not None:
                    out.append(event)
        return out, dropped

    def _locations(
        self, trigger: Trigger, commit: Commit, budget: list[int]
    ) -> Iterator[Path | None]:
        """Each distinct location of ``trigger`` a written path touches (None: over budget)."""
        segments = trigger.segments
        multi = bool(segments) and segments[-1].kind == "many"
        prefix = segments[:-1] if multi else segments
        n = len(prefix)
        seen: set[Path] = set()
        for written in commit.written:
            if len(written) >= n:
                if not _prefix_matches(prefix, written):
                    continue
                found = [written if multi else written[:n]]
            elif _prefix_matches(prefix, written):
                found = self._below(prefix[len(written) :], written, commit, budget)
            else:
                continue
            for location in found:
                if location in seen:
                    continue
                seen.add(location)
                if budget[0] <= 0:
                    yield None
                    continue
                budget[0] -= 1
                yield location

    @staticmethod
    def _below(
        rest: tuple[Segment, ...], base: Path, commit: Commit, budget: list[int]
    ) -> list[Path]:
        """Locations under a write above the trigger's depth whose subtree changed."""
        found: list[Path] = []
        stack = [(base, tree.get(commit.before, base), tree.get(commit.after, base), 0)]
        while stack:
            path, old, new, depth = stack.pop()
            if depth == len(rest):
                found.append(path)
                if len(found) > budget[0]:  # the caller counts what is over the bound
                    break
                continue
            seg = rest[depth]
            keys = (seg.text,) if seg.kind == "key" else _children_keys(old, new)
            for key in keys:
                kid_old, kid_new = tree.child(old, key), tree.child(new, key)
                if kid_old is not kid_new:  # untouched subtrees are shared, never walked
                    stack.append(((*path, key), kid_old, kid_new, depth + 1))
        found.reverse()
        return found

    def _event(
        self,
        trigger: Trigger,
        commit: Commit,
        location: Path,
        context: dict[str, str],
        stamp: str,
    ) -> TriggerEvent | None:
        old = tree.get(commit.before, location)
        new = tree.get(commit.after, location)
        if old is new:
            return None
        before, after = plain(old), plain(new)
        if same(before, after):
            return None
        if before is None:
            kind = CREATED
        elif after is None:
            kind = DELETED
        else:
            kind = UPDATED
        if not trigger.wants(kind):
            return None
        ref = "/".join(location)
        body: dict[str, Any] = {
            "specversion": "1.0",
            "id": self.new_id(),
            "type": trigger.event,
            "source": (
                f"//firebasedatabase.googleapis.com/projects/_/locations/{self.location}"
                f"/instances/{commit.ns}"
            ),
            "subject": f"refs/{ref}",
            "time": stamp,
            "datacontenttype": "application/json",
            "location": self.location,
            "firebasedatabasehost": self.host,
            "instance": commit.ns,
            "ref": ref,
            **context,
            "data": {"@type": DATA_TYPE, "data": before, "delta": delta(before, after)},
        }
        return TriggerEvent(trigger.name, trigger.project, trigger.key, body)
