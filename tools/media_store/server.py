"""The media store's HTTP adapter (aiohttp): signed reads here, everything else proxied.

Objects live in gcp-storage-emulator's `Storage` (disk, under `<data>/objects`), and its
JSON API (what google-cloud-storage's `Client` speaks for uploads) runs on a private Unix
socket that only this adapter reaches, and only for requests bearing the store's upload
token. Object reads by path (`GET|HEAD /<bucket>/<object>`, what a signed URL names) never
reach the emulator, which would serve them unsigned: they are answered here, after
`signing.verify`, with Range and CORS.
"""

from __future__ import annotations

import base64
import hmac
import socketserver
import tempfile
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from urllib.parse import parse_qsl, unquote

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from gcp_storage_emulator.exceptions import NotFound
from gcp_storage_emulator.handlers.buckets import create_bucket
from gcp_storage_emulator.server import RequestHandler
from gcp_storage_emulator.storage import Storage

from tools.media_store import signing

JSON_API = ("/storage/v1/", "/upload/storage/v1/", "/download/storage/v1/", "/batch/storage/v1")
EXPOSED = "Content-Length, Content-Range, Content-Type, Accept-Ranges, ETag"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}


class _EmulatorServer(socketserver.UnixStreamServer):
    """gcp-storage-emulator's request handler on a Unix socket instead of a TCP port."""


def start_emulator(storage: Storage) -> tuple[str, _EmulatorServer]:
    """Serve `storage`'s JSON API on a fresh private socket; returns (socket path, server)."""
    folder = tempfile.mkdtemp(prefix="nimbus-media-")  # mode 0700: only this user
    sock = str(Path(folder) / "emulator.sock")
    server = _EmulatorServer(sock, partial(RequestHandler, storage))
    threading.Thread(target=server.serve_forever, name="gcs-emulator", daemon=True).start()
    return sock, server


def _cors(request: web.Request, origins: tuple[str, ...]) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if not origin or not ("*" in origins or origin in origins):
        return {}
    allow = "*" if "*" in origins else origin
    return {
        "Access-Control-Allow-Origin": allow,
        "Access-Control-Expose-Headers": EXPOSED,
        "Vary": "Origin",
    }


def _xml(refusal: signing.Refusal, extra: Mapping[str, str]) -> web.Response:
    headers = {"Content-Type": "application/xml; charset=UTF-8", **extra}
    return web.Response(status=refusal.status, body=refusal.xml(), headers=headers)


def _signed_request(request: web.Request) -> signing.SignedRequest:
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query = tuple(parse_qsl(request.query_string, keep_blank_values=True))
    return signing.SignedRequest(request.method, request.raw_path.split("?", 1)[0], query, headers)


def make_app(
    storage: Storage,
    emulator_socket: str,
    keys: Mapping[str, RSAPublicKey],
    upload_token: str,
    cors_origins: tuple[str, ...] = ("*",),
) -> web.Application:
    """The store's routes: signed object reads, CORS preflight, token-gated JSON API."""

    async def read_object(request: web.Request) -> web.Response:
        cors = _cors(request, cors_origins)
        refusal = signing.verify(_signed_request(request), datetime.now(UTC), keys)
        bucket, _, name = unquote(request.raw_path.split("?", 1)[0]).lstrip("/").partition("/")
        if refusal is not None:
            return _xml(refusal, cors)
        try:
            meta = storage.get_file_obj(bucket, name)
            data = storage.get_file(bucket, name, show_error=False)
        except NotFound:
            missing = signing.Refusal(
                404, "NoSuchKey", "The specified key does not exist.",
                (("Details", f"No such object: {bucket}/{name}"),),
            )  # fmt: skip
            return _xml(missing, cors)
        size = len(data)
        headers = {
            **cors,
            "Content-Type": meta.get("contentType") or "application/octet-stream",
            "Accept-Ranges": "bytes",
            "ETag": '"' + base64.b64decode(meta["md5Hash"]).hex() + '"',
            "Cache-Control": "private, max-age=0",
            "x-goog-generation": str(meta.get("generation", "")),
            "x-goog-stored-content-length": str(size),
            "x-goog-hash": f"crc32c={meta['crc32c']},md5={meta['md5Hash']}",
        }
        updated = meta.get("updated")
        if updated:
            when = datetime.fromisoformat(updated.replace("Z", "+00:00"))
            headers["Last-Modified"] = format_datetime(when, usegmt=True)
        span = signing.byte_range(request.headers.get("Range"), size)
        status = 200
        if isinstance(span, signing.Refusal):
            return _xml(span, {**cors, "Content-Range": f"bytes */{size}"})
        if span is not None:
            status = 206
            first, last = span
            data = data[first : last + 1]
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        # For HEAD, aiohttp sends the body's Content-Length and leaves the body out.
        return web.Response(status=status, body=data, headers=headers)

    async def preflight(request: web.Request) -> web.Response:
        cors = _cors(request, cors_origins)
        if not cors:
            return web.Response(status=403)
        wanted = request.headers.get("Access-Control-Request-Headers", "")
        cors |= {
            "Access-Control-Allow-Methods": "GET, HEAD",
            "Access-Control-Allow-Headers": wanted or "Range",
            "Access-Control-Max-Age": "3600",
        }
        return web.Response(status=200, headers=cors)

    async def json_api(request: web.Request) -> web.StreamResponse:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {upload_token}".encode()):
            message = "Anonymous caller does not have storage access to this bucket."
            return web.json_response({"error": {"code": 401, "message": message}}, status=401)
        dropped = HOP_BY_HOP | {"authorization"}
        forward = {k: v for k, v in request.headers.items() if k.lower() not in dropped}
        session: aiohttp.ClientSession = request.app["emulator"]
        async with session.request(
            request.method, "http://media-store" + request.raw_path,
            headers=forward, data=await request.read(),
        ) as reply:  # fmt: skip
            body = await reply.read()
            headers = {k: v for k, v in reply.headers.items() if k.lower() not in HOP_BY_HOP}
            return web.Response(status=reply.status, body=body, headers=headers)

    async def route(request: web.Request) -> web.StreamResponse:
        if request.path.startswith(JSON_API):
            return await json_api(request)
        if request.method == "OPTIONS":
            return await preflight(request)
        bucket, _, name = request.path.lstrip("/").partition("/")
        if request.method in ("GET", "HEAD") and bucket and name:
            return await read_object(request)
        return _xml(signing.anonymous(bucket, name), _cors(request, cors_origins))

    async def open_session(app: web.Application) -> None:
        connector = aiohttp.UnixConnector(path=emulator_socket)
        app["emulator"] = aiohttp.ClientSession(connector=connector)

    async def close_session(app: web.Application) -> None:
        await app["emulator"].close()

    app = web.Application(client_max_size=1 << 30)
    app.router.add_route("*", "/{tail:.*}", route)
    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    return app


def open_storage(data: Path, buckets: list[str]) -> Storage:
    """gcp-storage-emulator's on-disk storage under `<data>/objects`, with `buckets` made."""
    storage = Storage(data_dir=str((data / "objects").resolve()))
    for bucket in buckets:
        create_bucket(bucket, storage)
    return storage
