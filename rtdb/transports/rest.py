"""The REST transport (``/<path>.json``) as firebase-admin-python, firebase-tools and curl use it.

A thin adapter: it turns a request into one call on the core :class:`Database`, then the
result (or the core's error) into Firebase's answer — status, ``{"error": ...}`` body,
``ETag`` — because clients branch on exactly those (admin-python maps 401 to
``UnauthenticatedError``, reads a 412's body and ``ETag`` for ``set_if_unchanged``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from aiohttp import web

from ..core import auth as authmod
from ..core import paths, tree
from ..core.auth import Auth
from ..core.database import Conflict, Database, PreparedWrite, deliver
from ..core.errors import DatabaseError, InvalidData, PermissionDenied, TooBig
from ..core.hashing import node_hash
from ..core.render import render
from ..core.tree import PRIORITY, Node, Path
from ..core.triggers import TriggerError, parse_trigger
from . import offload, sse
from ._errors import error, error_for
from ._state import STATE, ServerState
from .rest_query import InvalidQuery, parse_query, reject_constant

log = logging.getLogger("rtdb.rest")

JSON = "application/json; charset=utf-8"
MAX_BODY_BYTES = 256 * 1024 * 1024  # Firebase's REST write limit
BAD_JSON = "Invalid data; couldn't parse JSON object, array, or value."
NO_DATA = "Error: No data supplied."
TOO_BIG = "Data to write exceeds the maximum size that can be modified with a single request."
NULL_ETAG = "null_etag"
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]*$")
# App config: answer unindexed queries with production's 400 instead of serving them.
STRICT_INDEXES_KEY = web.AppKey("rtdb_strict_indexes", bool)


def request_auth(request: web.Request) -> Auth:
    """Credentials from the header or ``auth``/``access_token``, with admin overrides."""
    cred = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        cred = header[7:].strip()
    cred = request.query.get("auth") or request.query.get("access_token") or cred
    override: Any = ...
    raw = request.query.get("auth_variable_override")
    if raw is not None:
        try:
            override = json.loads(raw)
        except ValueError:
            override = ...
    return authmod.from_credential(cred, override)


# -- request bodies ----------------------------------------------------------------------


def parse_json(raw: bytes, big: bool = False) -> Any:
    """A request body as JSON; Firebase's 400 wording for anything else.

    ``big``: decode so that the loop can run meanwhile (the caller is a worker thread).
    """
    if not raw.strip():
        raise InvalidData(NO_DATA)
    loads = offload.loads if big else json.loads
    try:
        return loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (ValueError, RecursionError):
        raise InvalidData(BAD_JSON) from None


_WS = re.compile(r"[ \t\n\r]*")


def parse_patch(raw: bytes, big: bool, refused: Any) -> Any:
    """A PATCH body, whose top-level keys are checked by ``refused(key)`` as they are read.

    The top level is walked here and each value decoded on its own, so a hostile update
    of a million keys is refused at its first key no rule could grant, having decoded one
    value instead of all of them. Anything that is not a plain JSON object is left to
    :func:`parse_json` (and its error wording).
    """
    if not big or not raw.lstrip().startswith(b"{"):
        return parse_json(raw, big)
    decoder = json.JSONDecoder(object_pairs_hook=offload.pairs, parse_constant=reject_constant)
    out: dict[str, Any] = {}
    try:
        text = raw.decode("utf-8")
        i = _WS.match(text, text.index("{") + 1).end()
        if text.startswith("}", i):
            return parse_json(raw, big)
        while True:
            if not text.startswith('"', i):
                raise ValueError("expected a key")
            key, i = json.decoder.scanstring(text, i + 1)
            i = _WS.match(text, i).end()
            if not text.startswith(":", i):
                raise ValueError("expected ':'")
            if refused(key):
                raise PermissionDenied()
            out[key], i = decoder.raw_decode(text, _WS.match(text, i + 1).end())
            i = _WS.match(text, i).end()
            if text.startswith(",", i):
                i = _WS.match(text, i + 1).end()
                continue
            if text.startswith("}", i) and not text[i + 1 :].strip():
                return out
            raise ValueError("expected ',' or '}'")
    except (ValueError, RecursionError, IndexError):
        raise InvalidData(BAD_JSON) from None


async def read_body(request: web.Request) -> bytes:
    """The body of a write, refusing what exceeds Firebase's 256 MB before reading it."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise TooBig(TOO_BIG)
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise TooBig(TOO_BIG) from None


def data_depth(value: Any) -> int:
    """How many keys deep ``value`` goes (a leaf is 0); ``.value``-style keys don't count."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            for key, kid in node.items():
                if isinstance(kid, (dict, list)):
                    stack.append((kid, depth if key.startswith(".") else depth + 1))
                elif not key.startswith("."):
                    deepest = max(deepest, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                stack.append((kid if isinstance(kid, (dict, list)) else None, depth + 1))
    return deepest


def check_depth(path: Path, value: Any) -> None:
    if len(path) + data_depth(value) > paths.MAX_DEPTH:
        raise InvalidData(
            f"Invalid data; data is nested deeper than {paths.MAX_DEPTH} levels "
            f"(counting the {len(path)} keys of the path)."
        )


# -- responses ---------------------------------------------------------------------------


def etag(node: Node) -> str:
    """The node hash (what the SDKs compute), or ``null_etag`` where there is no data."""
    return node_hash(node) or NULL_ETAG


def _strip_quotes(value: str) -> str:
    """An If-Match value as the hash it names. Firebase's ETags are bare base64, which can
    itself begin with "W/" (1 hash in 4096): only a quoted ``W/"..."`` is a weak prefix."""
    value = value.strip()
    if value.startswith('W/"'):
        value = value[2:]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value


def json_response(
    value: Any, request: web.Request, status: int = 200, headers: dict[str, str] | None = None
) -> web.StreamResponse:
    """Honours ``print=pretty|silent``, ``callback`` (JSONP) and ``download``."""
    headers = dict(headers or {})
    query = request.query
    if query.get("print") == "silent":
        return web.Response(status=204, headers=headers)
    if query.get("print") == "pretty":
        text = json.dumps(value, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    download = query.get("download")
    if download:
        safe = download.replace('"', "")
        headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    callback = query.get("callback")
    if callback is not None:
        if not _CALLBACK.match(callback):
            return error(400, "Invalid callback function name.")
        return web.Response(
            status=status,
            text=f"{callback}({text});",
            content_type="application/javascript",
            headers=headers,
        )
    return web.Response(status=status, text=text, content_type="application/json", headers=headers)


def _precondition_failed(db: Database, path: Path, auth: Auth) -> web.Response:
    """412 with the current value and its ETag, so the client can retry (set_if_unchanged)."""
    if not db.can_read(auth, path):
        raise PermissionDenied()
    current = tree.get(db.root, path)
    text = json.dumps(render(current), separators=(",", ":"), ensure_ascii=False)
    return web.Response(
        status=412, text=text, content_type="application/json", headers={"ETag": etag(current)}
    )


def _method(request: web.Request) -> str:
    method = request.method
    override = request.headers.get("X-HTTP-Method-Override") or request.query.get(
        "x-http-method-override"
    )
    if method == "POST" and override:
        method = override.upper()
    return "GET" if method == "HEAD" else method


def wants_stream(request: web.Request) -> bool:
    return "text/event-stream" in request.headers.get("Accept", "")


# -- handlers ----------------------------------------------------------------------------


async def handle_data(request: web.Request, path_text: str) -> web.StreamResponse:
    """``/<path>.json`` for every method."""
    state = request.app[STATE]
    db = state.namespaces.get(request.query.get("ns"))
    auth = request_auth(request)
    method = _method(request)
    try:
        path = paths.parse(path_text, allow_priority=method == "PUT")
        if method == "GET":
            return await _get(request, db, path, auth)
        if method in ("PUT", "PATCH", "POST", "DELETE"):
            return await _write(request, state, db, path, auth, method)
        return error(405, f"Method {method} is not supported.")
    except DatabaseError as exc:
        return error_for(exc)


async def _get(request: web.Request, db: Database, path: Path, auth: Auth) -> web.StreamResponse:
    query = request.query
    is_shallow = query.get("shallow") == "true"
    spec = parse_query(query, shallow=is_shallow)
    export = query.get("format") == "export"
    if spec is not None and db.unindexed(path, spec):
        _warn_unindexed(request, path, spec.index)
    if wants_stream(request):
        state = request.app[STATE]
        streams, durability = state.streams, state.durability
        return await sse.stream(
            request, db, path, spec, auth, streams=streams, durability=durability, export=export
        )
    node = db.read(path, spec, auth)
    # Never show a reader a write that a crash could still lose.
    durability = request.app[STATE].durability
    await durability.wait(durability.last_seq)
    headers: dict[str, str] = {}
    if_none_match = request.headers.get("if-none-match")
    if request.headers.get("X-Firebase-ETag", "").lower() == "true" or if_none_match:
        headers["ETag"] = etag(node)
    if if_none_match is not None and _strip_quotes(if_none_match) == headers["ETag"]:
        return web.Response(status=304, headers=headers)
    return json_response(render(node, export=export, is_shallow=is_shallow), request, 200, headers)


def _warn_unindexed(request: web.Request, path: Path, index: str) -> None:
    """Google's emulator serves unindexed queries; production refuses them with this text."""
    message = (
        f'Index not defined, add ".indexOn": "{index}", for path "/{paths.wire_path(path)}", '
        "to the rules"
    )
    if request.app.get(STRICT_INDEXES_KEY, False):
        raise InvalidQuery(message)
    log.warning("%s (served anyway, as Google's emulator does)", message)


async def _write(
    request: web.Request, state: ServerState, db: Database, path: Path, auth: Auth, method: str
) -> web.StreamResponse:
    # One path: refused unread when no rule on the way down could ever grant it.
    where = path if method != "POST" else (*path, "-")
    rules = db.rules
    if method != "PATCH" and rules is not None and not auth.admin and not rules.may_write(where):
        raise PermissionDenied()
    raw = None if method == "DELETE" else await read_body(request)
    big = raw is not None and len(raw) > offload.BIG
    if_match = request.headers.get("if-match")
    if method == "POST":
        path = (*path, state.push_ids.next())

    def refused(key: str) -> bool:
        """A key at which no rule could grant this user a write (checked while parsing)."""
        if rules is None or auth.admin:
            return False
        try:
            return not rules.may_write(path + paths.parse(key))
        except DatabaseError:
            return False  # a bad key: refused later with its own error

    def prepare() -> PreparedWrite | None:
        """Parse, check and prepare against one snapshot (a worker's job when ``big``)."""
        if method == "PATCH" and raw is not None:
            value = parse_patch(raw, big, refused)
        else:
            value = None if raw is None else parse_json(raw, big)
        before = db.root
        if if_match is not None and etag(tree.get(before, path)) != _strip_quotes(if_match):
            raise _Stale()
        if method == "PATCH":
            if not isinstance(value, dict):
                raise InvalidData(
                    "Invalid data; PATCH requires a JSON object of children to update."
                )
            for key, kid in value.items():
                check_depth(path + paths.parse(key), kid)
            prepared = db.prepare_update(path, value, auth)
        else:
            check_depth(path, value)
            prepared = db.prepare_set(path, value, auth)
        if prepared is not None and prepared.before is not before:
            raise Conflict()  # a commit landed between the if-match check and the prepare
        keys = list(value) if method == "PATCH" else None
        written[:] = [value if path and path[-1] == PRIORITY else None, keys]
        return prepared

    written: list[Any] = [None, None]
    try:
        if big:
            pushes = await offload.write(db, prepare)
        else:
            prepared = prepare()
            pushes = [] if prepared is None else db.commit(prepared)
    except _Stale:
        return _precondition_failed(db, path, auth)
    after = db.root  # the tree right after this write (nothing awaited since the commit)
    deliver(pushes)
    headers = None
    if if_match is not None:  # the new ETag hashes the whole subtree: only when asked
        node = tree.get(after, path)
        new_etag = await offload.run(etag, node) if big else etag(node)
        headers = {"ETag": new_etag}
    await state.durability.wait(state.durability.last_seq)
    if method == "POST":
        return json_response({"name": path[-1]}, request, 200, headers)
    if request.query.get("print") == "silent":
        return web.Response(status=204, headers=headers)
    priority_value, keys = written
    if keys is not None:
        body: Any = lambda: {k: render(tree.get(after, path + paths.parse(k))) for k in keys}  # noqa: E731
    elif path and path[-1] == PRIORITY:
        body = lambda: priority_value  # noqa: E731
    else:
        body = lambda: render(tree.get(after, path))  # noqa: E731
    if big and not set(request.query) & {"print", "callback", "download"}:
        # Echoing a big write back is as heavy as parsing it was.
        text = await offload.run(lambda: offload.dumps(body()))
        return web.Response(text=text, content_type="application/json", headers=headers)
    return json_response(body(), request, 200, headers)


class _Stale(Exception):
    """An ``if-match`` that no longer names the data at the path."""


async def handle_upload(request: web.Request, path_text: str) -> web.StreamResponse:
    """``POST /<path>/.upload``: the Emulator UI's import of a JSON file (multipart ``myFile``)."""
    state = request.app[STATE]
    db = state.namespaces.get(request.query.get("ns"))
    auth = request_auth(request)
    if request.method != "POST":
        return error(405, f"Method {request.method} is not supported.")
    try:
        path = paths.parse(path_text)
        raw = b""
        try:
            reader = await request.multipart()
            async for part in reader:
                if getattr(part, "name", None) == "myFile":
                    raw = await part.read(decode=True)
        except (ValueError, AssertionError, KeyError):
            raise InvalidData(
                "Invalid upload; expected a multipart form with a myFile field."
            ) from None
        except web.HTTPRequestEntityTooLarge:
            raise TooBig(TOO_BIG) from None
        big = len(raw) > offload.BIG

        def prepare() -> PreparedWrite:
            value = parse_json(raw, big)
            check_depth(path, value)
            return db.prepare_set(path, value, auth)

        pushes = await offload.write(db, prepare) if big else db.commit(prepare())
        deliver(pushes)
        await state.durability.wait(state.durability.last_seq)
        return json_response(None, request)
    except DatabaseError as exc:
        return error_for(exc)


async def handle_rules(request: web.Request) -> web.StreamResponse:
    """``/.settings/rules.json``: read (``format=strict``) and upload (``dryRun``) rules."""
    from ..rules import RulesError, compile_rules

    state = request.app[STATE]
    db = state.namespaces.get(request.query.get("ns"))
    if not request_auth(request).admin:
        return error(401, "Permission denied")
    if request.method == "GET":
        if db.rules is None:
            rules: Any = {"rules": {".read": True, ".write": True}}
            return web.Response(text=json.dumps(rules, indent=2), content_type="application/json")
        if request.query.get("format") == "strict":
            return web.json_response(db.rules.strict_json())
        return web.Response(text=db.rules.source, content_type="application/json")
    if request.method == "PUT":
        raw = await request.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return error(400, "Parse error: the rules are not valid UTF-8.")
        try:
            ruleset = compile_rules(text)
        except RulesError as exc:
            return error(400, str(exc))
        if request.query.get("dryRun") != "true":
            state.set_rules(db, ruleset)
        return web.json_response({"status": "ok"})
    return error(405, f"Method {request.method} is not supported.")


async def handle_triggers(request: web.Request) -> web.StreamResponse:
    """``/.settings/functionTriggers.json``: ``POST`` registers (upsert), ``GET`` lists."""
    service = request.app[STATE].triggers
    if not request_auth(request).admin:
        return error(401, "Permission denied")
    if request.method == "GET":
        return web.json_response([t.to_json() for t in service.registry.all()])
    if request.method not in ("POST", "PUT"):
        return error(405, f"Method {request.method} is not supported.")
    try:
        body = parse_json(await request.read())
    except InvalidData as exc:
        return error(400, exc.message)
    bodies = body if isinstance(body, list) else [body]
    try:
        triggers = [parse_trigger(b, request.query.get("ns")) for b in bodies]
        await service.register(triggers)
    except TriggerError as exc:
        return error(400, exc.message)
    shown = [t.to_json() for t in triggers]
    return web.json_response(shown if isinstance(body, list) else shown[0])
