"""The long-polling transport and its upgrade, with the real SDK in headless Chromium.

Node never long-polls, so a tiny page loads the browser SDK from node_modules (an import
map points its gstatic import at the local copy) and talks to the server; a Node client
checks the data from the other side. Every request that is not to loopback is aborted.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web

from rtdb.transports.longpoll_connection import decode_segment
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.testing.jsclient import JsFactory
from tools.testing.rtdb_process import ROOT, RtdbServer, free_port

playwright = pytest.importorskip("playwright.sync_api")

ARGS = [*CHROMIUM_ARGS, "--headless"]

PAGE = """<!doctype html><html><body>
<script type="importmap">{"imports":{
 "https://www.gstatic.com/firebasejs/12.19.0/firebase-app.js":"/fb/firebase-app.js"}}</script>
<script>
const params = new URLSearchParams(location.search);
localStorage.clear();
if (params.get('wsfailed')) localStorage.setItem('firebase:previous_websocket_failure', 'true');
</script>
<script type="module">
import { initializeApp } from '/fb/firebase-app.js';
import { connectDatabaseEmulator, enableLogging, forceLongPolling, getDatabase, onDisconnect,
  onValue, ref, set } from '/fb/firebase-database.js';
const params = new URLSearchParams(location.search);
if (params.get('force')) forceLongPolling();
if (params.get('log')) enableLogging(true);
const app = initializeApp({ projectId: 'demo-lp', apiKey: 'x', appId: '1:1:web:1',
  databaseURL: `https://${params.get('ns')}.firebaseio.com` });
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', Number(params.get('port')));
window.values = [];
window.connected = [];
onValue(ref(db, '/lp'), (s) => window.values.push(s.val()));
onValue(ref(db, '.info/connected'), (s) => window.connected.push(s.val()));
window.setv = (path, v) => set(ref(db, path), v).then(() => 'ok', (e) => String(e));
window.onDisc = (path, v) => onDisconnect(ref(db, path)).set(v).then(() => 'ok');
window.ready = true;
</script></body></html>"""


class StaticSite:
    """The test page and node_modules/firebase on a loopback port, in a thread."""

    def __init__(self) -> None:
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        assert self.started.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()

        async def page(_: web.Request) -> web.Response:
            return web.Response(text=PAGE, content_type="text/html")

        app.router.add_get("/", page)
        app.router.add_static("/fb/", ROOT / "node_modules" / "firebase")
        self.runner = web.AppRunner(app, access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        self.loop.run_until_complete(site.start())
        self.started.set()
        self.loop.run_forever()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def lp_browser() -> Iterator[Any]:
    site = StaticSite()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        b.site = site  # type: ignore[attr-defined]
        yield b
        b.close()
    site.stop()


def open_page(lp_browser: Any, server: RtdbServer, ns: str, **flags: str) -> tuple[Any, dict]:
    page = lp_browser.new_page()
    seen: dict[str, list[str]] = {"lp": [], "ws": [], "blocked": []}

    def guard(route: Any) -> None:
        host = route.request.url.split("/")[2]
        if host.split(":")[0] in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            seen["blocked"].append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("request", lambda r: "/.lp?" in r.url and seen["lp"].append(r.url))
    page.on("websocket", lambda w: seen["ws"].append(w.url))
    query = "&".join(f"{k}={v}" for k, v in {"ns": ns, "port": server.port, **flags}.items())
    page.goto(f"http://127.0.0.1:{lp_browser.site.port}/?{query}")
    page.wait_for_function("window.ready === true")
    return page, seen


def test_long_polling_carries_data_both_ways(
    lp_browser: Any, rtdb_server: RtdbServer, ns: str, js: JsFactory
) -> None:
    page, seen = open_page(lp_browser, rtdb_server, ns, force="1")
    node = js()
    page.wait_for_function("window.connected.includes(true)", timeout=15000)
    big = "ü" * 5000  # many URL segments up, a long script down
    assert page.evaluate("([v]) => window.setv('/lp', {from: 'browser', big: v})", [big]) == "ok"
    assert node.val("/lp") == {"from": "browser", "big": big}
    node.set("/lp", {"from": "node", "big": big + "!"})
    page.wait_for_function("window.values.some(v => v && v.from === 'node')", timeout=15000)
    assert page.evaluate("window.values.at(-1).big.length") == 5001
    assert any("start=t" in u for u in seen["lp"]) and seen["ws"] == []
    assert seen["blocked"] == []
    # Leaving the page runs its onDisconnect (the dframe's unload tells the server).
    lid = node.on("value", "/gone")
    assert page.evaluate("window.onDisc('/gone', 'bye')") == "ok"
    page.goto("about:blank")  # unloads the page and its disconnect frame
    page.close()
    node.wait_value(lid, "bye", timeout=60)


def test_a_browser_that_saw_websockets_fail_starts_polling_then_upgrades(
    lp_browser: Any, rtdb_server: RtdbServer, ns: str, js: JsFactory
) -> None:
    page, seen = open_page(lp_browser, rtdb_server, ns, wsfailed="1")
    node = js()
    page.wait_for_function("window.connected.includes(true)", timeout=15000)
    assert any("start=t" in u for u in seen["lp"])
    # The secondary WebSocket names the session; once healthy the SDK clears the flag.
    page.wait_for_function(
        "localStorage.getItem('firebase:previous_websocket_failure') === null", timeout=20000
    )
    assert any("s=" in u for u in seen["ws"])
    assert page.evaluate("window.setv('/lp', 'after-upgrade')") == "ok"
    assert node.val("/lp") == "after-upgrade"
    node.set("/lp", "to-browser")
    page.wait_for_function("window.values.at(-1) === 'to-browser'", timeout=15000)
    # The write after the upgrade went over the WebSocket, not in a poll's segments.
    sent = [
        decode_segment(v).decode()
        for u in seen["lp"]
        for k, v in parse_qsl(u.split("?")[1])
        if k.startswith("d") and k[1:].isdigit()
    ]
    assert any('"a":"q"' in t for t in sent)  # the listen did travel by long-poll
    assert not any("after-upgrade" in t for t in sent)
    assert seen["blocked"] == []
    page.close()
