"""build.py build: offline vendoring, per-target config, incremental rebuilds."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tools.site import (
    PREFETCH_JS,
    ROOT,
    EmulatorPorts,
    build,
    load_courses,
    pyscript_plugins,
    pyscript_start_chunks,
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(target="local", out=out, ports=EmulatorPorts(auth=1111, database=2222))
    return out


def _page_config(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="nimbus-config">(.*?)</script>', html, re.S
    )
    assert match, "page carries no web config"
    return json.loads(match.group(1))


def test_every_course_has_a_prerendered_page(dist: Path) -> None:
    for course_id, course in load_courses().items():
        html = (dist / "course" / f"{course_id}.html").read_text()
        assert course["title"] in html
        for lesson in course["lessons"].values():
            assert lesson["title"] in html


def test_no_url_leaves_the_origin(dist: Path) -> None:
    """Vendored JS must not import from a CDN; pages must not load anything off-origin."""
    for path in dist.rglob("*.js"):
        text = path.read_text(errors="replace")
        assert "www.gstatic.com/firebasejs" not in text, path
        bad = re.search(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](?:https?:)?//""", text)
        assert bad is None, f"{path}: {text[bad.start() : bad.start() + 80]!r}"
    config = json.loads((dist / "pyscript.json").read_text())
    urls = [config["interpreter"], *config["files"], *config["js_modules"]["main"]]
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    for path in dist.rglob("*.html"):
        text = path.read_text()
        bad = re.search(r"""(?:src|href)=["'](?:https?:)?//""", text)
        assert bad is None, f"{path}: {text[bad.start() : bad.start() + 80]!r}"


def test_pyscript_config_is_local_and_ships_the_app(dist: Path) -> None:
    config = json.loads((dist / "pyscript.json").read_text())
    interpreter = config["interpreter"]
    assert interpreter.startswith("/vendor/") and interpreter.endswith("micropython.mjs")
    assert (dist / interpreter.lstrip("/")).exists()
    for url in config["js_modules"]["main"]:
        assert (dist / url.lstrip("/")).exists(), url
    assert config["files"] == {"/app-bundle.json": "./app-bundle.json"}
    bundle = json.loads((dist / "app-bundle.json").read_text())
    for py in (ROOT / "app").rglob("*.py"):
        rel = py.relative_to(ROOT).as_posix()
        if rel != "app/boot.py":  # inlined into every page
            assert bundle[rel] == py.read_text()
    assert all(path.endswith(".py") for path in bundle), "only Python goes into the bundle"


def test_pyscript_loads_none_of_its_plugins(dist: Path) -> None:
    """PyScript imports every plugin (editor, terminal, ...) before the interpreter starts,
    once per interpreter type, unless each type's config turns it off."""
    names = pyscript_plugins()
    assert {"py-editor", "py-terminal", "py-game", "error"} <= set(names)
    off = [f"!{name}" for name in names]
    assert json.loads((dist / "pyscript.json").read_text())["plugins"] == off
    html = (dist / "course" / "serverless-101" / "lesson" / "l01.html").read_text()
    match = re.search(r'<py-config type="json" hidden>(.*?)</py-config>', html, re.S)
    assert match, "no <py-config> for the py type"
    assert json.loads(match.group(1)) == {"plugins": off}


def test_start_up_requests_are_hinted_and_exist(dist: Path) -> None:
    html = (dist / "course" / "serverless-101" / "lesson" / "l01.html").read_text()
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    for chunk in pyscript_start_chunks():  # core, then the error plugin's (see site.py)
        assert any(href.endswith("/" + chunk) for href in preloads), (chunk, preloads)
    for href in preloads:
        assert (dist / href.lstrip("/")).exists(), href


def test_prefetch_module_is_shipped_and_shares_the_sdk(dist: Path) -> None:
    """prefetch.js (the service layer's JS half) is a js_module; its `firebase/*` imports map
    to the vendored SDK files that Python's js_modules name, so there is one SDK instance."""
    config = json.loads((dist / "pyscript.json").read_text())
    assert config["js_modules"]["main"][PREFETCH_JS] == "nimbus_prefetch"
    assert (dist / PREFETCH_JS.lstrip("/")).read_text() == (
        ROOT / PREFETCH_JS.lstrip("/")
    ).read_text()
    html = (dist / "course" / "serverless-101" / "lesson" / "l01.html").read_text()
    head = html[: html.index("</head>")]
    import_map = re.search(r'<script type="importmap">(.*?)</script>', head, re.S)
    assert import_map, "no import map"
    assert head.index('type="importmap"') < head.index("modulepreload"), "map must come first"
    imports = json.loads(import_map.group(1))["imports"]
    sdk_modules = {url for url, name in config["js_modules"]["main"].items() if url != PREFETCH_JS}
    assert set(imports.values()) == sdk_modules
    for spec in re.findall(r'from "([^"]+)"', (ROOT / PREFETCH_JS.lstrip("/")).read_text()):
        assert spec in imports, spec


def test_local_web_config_points_at_the_emulators(dist: Path) -> None:
    config = _page_config((dist / "index.html").read_text())
    assert config["firebase"]["projectId"] == "demo-nimbus"
    assert config["firebase"]["databaseURL"] == "https://demo-nimbus-default-rtdb.firebaseio.com"
    assert config["emulators"] == {
        "auth": "http://127.0.0.1:1111",
        "database": {"host": "127.0.0.1", "port": 2222},
    }


def test_production_target_reads_its_web_config(tmp_path: Path, monkeypatch) -> None:
    web = {"apiKey": "k", "authDomain": "acme.firebaseapp.com", "projectId": "acme-nimbus"}
    monkeypatch.setenv("NIMBUS_WEB_CONFIG", json.dumps(web))
    build(target="acme-nimbus", out=tmp_path)
    html = (tmp_path / "index.html").read_text()
    config = _page_config(html)
    assert config["emulators"] is None
    assert config["firebase"]["databaseURL"] == "https://acme-nimbus-default-rtdb.firebaseio.com"
    assert "nimbus-demo" not in html  # the demo password is for local builds only
    monkeypatch.setenv("NIMBUS_WEB_CONFIG", json.dumps({**web, "projectId": "other"}))
    with pytest.raises(SystemExit):
        build(target="acme-nimbus", out=tmp_path)


def test_rebuild_copies_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = build(target="local", out=out)
    assert first.vendored and first.copied
    again = build(target="local", out=out)
    assert not again.vendored and again.copied == []

    main = out / "app" / "main.py"
    os.utime(main, (time.time() - 100, time.time() - 100))  # as if app/main.py had changed
    t0 = time.monotonic()
    third = build(target="local", out=out)
    elapsed = time.monotonic() - t0
    assert third.copied == ["app/main.py"]
    assert elapsed < 1.0, f"incremental build took {elapsed:.2f} s"
