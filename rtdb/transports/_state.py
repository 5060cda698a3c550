"""The typed aiohttp app key under which every transport finds the server's shared state."""

from __future__ import annotations

from typing import Any

from aiohttp import web

# rtdb.server.ServerState; typed Any here because server.py imports the transports.
STATE: web.AppKey[Any] = web.AppKey("rtdb")
