"""The aiohttp application: routes every transport onto one set of namespaces."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from .transports import longpoll, rest, websocket
from .transports._state import STATE, ServerState

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Firebase-ETag, if-match, if-none-match, "
        "X-HTTP-Method-Override, X-Firebase-GMPID, X-Firebase-AppCheck"
    ),
    "Access-Control-Max-Age": "3600",
}


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "OPTIONS":
        return web.Response(status=200, headers=CORS)
    response = await handler(request)
    if not response.prepared:
        response.headers.update({"Access-Control-Allow-Origin": "*"})
    return response


async def dispatch(request: web.Request) -> web.StreamResponse:
    tail = request.match_info["tail"]
    if tail == ".ws" or request.path == "/.ws":
        return await websocket.handle(request)
    if tail == ".lp":
        return await longpoll.handle(request)
    if tail == ".settings/rules.json":
        return await rest.handle_rules(request)
    if tail == ".settings/functionTriggers.json":
        return await rest.handle_triggers(request)
    if tail == ".inspect/databases.json":
        names = request.app[STATE].namespaces.names()
        return web.json_response([{"name": n} for n in names])
    if tail.endswith(".json"):
        return await rest.handle_data(request, tail[: -len(".json")])
    if tail == ".upload" or tail.endswith("/.upload"):
        return await rest.handle_upload(request, tail[: -len(".upload")])
    return rest.error(404, "Append .json to your request URI to use the REST API.")


def create_app(state: ServerState | None = None) -> web.Application:
    app = web.Application(middlewares=[cors], client_max_size=256 * 1024 * 1024)
    app[STATE] = state or ServerState()
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
