"""The REST transport (``/<path>.json``) as firebase-admin and curl use it."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from aiohttp import web

from ..core import auth as authmod
from ..core import paths
from ..core.auth import Auth
from ..core.errors import DatabaseError, InvalidData

JSON = "application/json; charset=utf-8"
_PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def error(status: int, message: str) -> web.Response:
    return web.Response(status=status, text=json.dumps({"error": message}), content_type="application/json")


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


class PushIds:
    """Chronologically sortable 20-character keys (``NextPushId.ts``)."""

    def __init__(self) -> None:
        self._last_ms = -1
        self._rand = [0] * 12

    def next(self) -> str:
        now = int(time.time() * 1000)
        if now == self._last_ms:
            i = 11
            while i >= 0 and self._rand[i] == 63:
                self._rand[i] = 0
                i -= 1
            if i >= 0:
                self._rand[i] += 1
        else:
            self._rand = [secrets.randbelow(64) for _ in range(12)]
        self._last_ms = now
        stamp = []
        for _ in range(8):
            stamp.append(_PUSH_CHARS[now % 64])
            now //= 64
        return "".join(reversed(stamp)) + "".join(_PUSH_CHARS[r] for r in self._rand)


async def read_json(request: web.Request) -> Any:
    text = await request.text()
    if not text.strip():
        raise InvalidData("Error: No data supplied.")
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidData("Invalid data; couldn't parse JSON object, array, or value.") from None


def json_response(value: Any, request: web.Request, status: int = 200) -> web.Response:
    if request.query.get("print") == "silent":
        return web.Response(status=204)
    if request.query.get("print") == "pretty":
        text = json.dumps(value, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return web.Response(status=status, text=text, content_type="application/json")


async def handle_data(request: web.Request, path_text: str) -> web.StreamResponse:
    state = request.app["rtdb"]
    db = state.namespaces.get(request.query.get("ns"))
    auth = request_auth(request)
    try:
        path = paths.parse(path_text, allow_priority=request.method in ("PUT", "POST"))
        method = request.method
        override = request.headers.get("X-HTTP-Method-Override") or request.query.get(
            "x-http-method-override"
        )
        if method == "POST" and override:
            method = override.upper()
        if method == "GET":
            return json_response(db.read(path, None, auth), request)
        if method == "PUT":
            value = await read_json(request)
            state.deliver(db.set(path, value, auth))
            await state.durability.wait(state.durability.last_seq)
            return json_response(value, request)
        if method == "PATCH":
            value = await read_json(request)
            state.deliver(db.update(path, value, auth))
            await state.durability.wait(state.durability.last_seq)
            return json_response(value, request)
        if method == "POST":
            value = await read_json(request)
            name = state.push_ids.next()
            state.deliver(db.set((*path, name), value, auth))
            await state.durability.wait(state.durability.last_seq)
            return json_response({"name": name}, request)
        if method == "DELETE":
            state.deliver(db.set(path, None, auth))
            await state.durability.wait(state.durability.last_seq)
            return json_response(None, request)
        return error(405, f"Method {method} not allowed")
    except DatabaseError as exc:
        status = 401 if exc.code == "permission_denied" else 400
        return error(status, exc.message)


async def handle_rules(request: web.Request) -> web.StreamResponse:
    from ..rules import RulesError, compile_rules

    state = request.app["rtdb"]
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
        text = await request.text()
        try:
            ruleset = compile_rules(text)
        except RulesError as exc:
            return error(400, str(exc))
        if request.query.get("dryRun") != "true":
            state.set_rules(db, ruleset)
        return web.json_response({"status": "ok"})
    return error(405, f"Method {request.method} not allowed")
