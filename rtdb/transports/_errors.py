"""Firebase's REST error shape, shared by the REST and SSE transports (below both)."""

from __future__ import annotations

import json

from aiohttp import web

from ..core.errors import DatabaseError

_STATUS = {"permission_denied": 401, "too_big": 413}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """Firebase's error shape: ``{"error": "<message>"}``."""
    body = json.dumps({"error": message}, ensure_ascii=False)
    return web.Response(status=status, text=body, content_type="application/json", headers=headers)


def error_for(exc: DatabaseError) -> web.Response:
    """A core error as Firebase answers it: 401 denied, 413 too big, else 400."""
    return error(_STATUS.get(exc.code, 400), exc.message)
