"""Browser Python start-up: PyScript vs polyscript vs MicroPython loaded directly.

Why app/boot.js loads MicroPython itself: this prints, for one "hello" page per loader,
the time from navigation to the first line of Python running (a performance mark it
sets), cold (a new browser context per load), on loopback. All three run the same
interpreter, PyScript's MicroPython build (@micropython/micropython-webassembly-pyscript),
served by one local static server, so only the loader differs:

  pyscript    @pyscript/core: <script type="mpy">, plugins off (as Nimbus used it before)
  polyscript  PyScript's engine (a dependency of @pyscript/core): <script type="micropython">
  direct      import loadMicroPython from micropython.mjs and runPython (what boot.js does)

Pyodide is not in the table: its hello world takes seconds here (it loads CPython's wasm
and standard library first).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import tempfile
import threading
from pathlib import Path
from typing import ClassVar

from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.project import ROOT

NODE = ROOT / "node_modules"
MPY_PKG = NODE / "@micropython/micropython-webassembly-pyscript"
HELLO = "import js\njs.performance.mark('py:first-line')\n"


def _version(package: str) -> str:
    return json.loads((NODE / package / "package.json").read_text())["version"]


def _site(root: Path) -> dict[str, str]:
    """Write the three hello pages (and what they load) under root; return name -> path."""
    shutil.copytree(NODE / "@pyscript/core/dist", root / "pyscript", ignore=_no_maps)
    shutil.copytree(NODE / "polyscript/dist", root / "polyscript", ignore=_no_maps)
    (root / "mpy").mkdir()
    for name in ("micropython.mjs", "micropython.wasm"):
        shutil.copy2(MPY_PKG / name, root / "mpy" / name)
    plugins = _plugins_off()
    hints = (
        '<link rel="modulepreload" href="/mpy/micropython.mjs">'
        '<link rel="preload" as="fetch" crossorigin href="/mpy/micropython.wasm">'
    )
    (root / "pyscript.json").write_text(
        json.dumps({"interpreter": "/mpy/micropython.mjs", "plugins": plugins})
    )
    pages = {
        "pyscript": f"""<!doctype html><html><head>{hints}
<link rel="preload" as="fetch" crossorigin href="/pyscript.json">
<py-config type="json" hidden>{json.dumps({"plugins": plugins})}</py-config>
<script type="module" src="/pyscript/core.js"></script></head><body><p>hello</p>
<script type="mpy" config="/pyscript.json">
{HELLO}</script></body></html>""",
        "polyscript": f"""<!doctype html><html><head>{hints}
<script type="module" src="/polyscript/index.js"></script></head><body><p>hello</p>
<script type="micropython" version="/mpy/micropython.mjs">
{HELLO}</script></body></html>""",
        "direct": f"""<!doctype html><html><head>{hints}
<script type="module">
import {{ loadMicroPython }} from "/mpy/micropython.mjs";
const mp = await loadMicroPython();
mp.runPython({json.dumps(HELLO)});
</script></head><body><p>hello</p></body></html>""",
    }
    for name, html in pages.items():
        (root / f"{name}.html").write_text(html)
    return {name: f"/{name}.html" for name in pages}


def _no_maps(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith(".map")]


def _plugins_off() -> list[str]:
    """PyScript's bundled plugins, all turned off (it imports each one otherwise)."""
    import re

    text = (NODE / "@pyscript/core/src/plugins.js").read_text()
    keys = re.findall(r'^\s*(?:\["([\w-]+)"\]|([\w-]+)):\s*\(\)\s*=>', text, re.M)
    return [f"!{quoted or bare}" for quoted, bare in keys]


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def log_message(self, *args) -> None:
        pass  # keep the table readable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="cold loads per loader")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="nimbus-interp-") as tmp:
        pages = _site(Path(tmp))
        server, base = _serve(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for i in range(args.runs + 1):  # interleaved; the first round warms up
                    for name, path in pages.items():
                        ctx = browser.new_context()
                        page = ctx.new_page()
                        page.goto(base + path)
                        page.wait_for_function(
                            "() => performance.getEntriesByName('py:first-line').length",
                            timeout=30_000,
                        )
                        t = page.evaluate(
                            "() => performance.getEntriesByName('py:first-line')[0].startTime"
                        )
                        if i:
                            results.setdefault(name, []).append(t)
                        ctx.close()
                browser.close()
        finally:
            server.shutdown()
    mpy = _version("@micropython/micropython-webassembly-pyscript")
    print(f"\nMicroPython {mpy} (PyScript's build); @pyscript/core {_version('@pyscript/core')}, "
          f"polyscript {_version('polyscript')}; median of {args.runs} cold loads")  # fmt: skip
    print(f"\n{'loader':<12}  {'first Python line':>17}  {'fastest':>8}  {'slowest':>8}")
    print(f"{'-' * 12}  {'-' * 17}  {'-' * 8}  {'-' * 8}")
    for name, values in results.items():
        print(
            f"{name:<12}  {statistics.median(values):>14.0f} ms  "
            f"{min(values):>5.0f} ms  {max(values):>5.0f} ms"
        )


if __name__ == "__main__":
    main()
