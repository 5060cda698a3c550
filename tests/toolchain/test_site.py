"""build.py build: offline vendoring, per-target config, incremental rebuilds."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from tools.chromium import NIMBUS_DISABLED_FEATURES, PLAYWRIGHT_DISABLED_FEATURES
from tools.project import ROOT, EmulatorPorts, load_courses
from tools.site import build, read_app_bundle, vendor_paths


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(target="local", out=out, ports=EmulatorPorts(auth=1111, database=2222, functions=3333))
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


def _head(dist: Path) -> str:
    html = (dist / "course" / "serverless-101" / "lesson" / "l01.html").read_text()
    return html[: html.index("</head>")]


def test_no_url_leaves_the_origin(dist: Path) -> None:
    """Shipped JS must not import from a CDN; pages must not load anything off-origin."""
    for path in dist.rglob("*.js"):
        text = path.read_text(errors="replace")
        assert "www.gstatic.com/firebasejs" not in text, path
        bad = re.search(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](?:https?:)?//""", text)
        assert bad is None, f"{path}: {text[bad.start() : bad.start() + 80]!r}"
    for path in dist.rglob("*.html"):
        text = path.read_text()
        bad = re.search(r"""(?:src|href)=["'](?:https?:)?//""", text)
        assert bad is None, f"{path}: {text[bad.start() : bad.start() + 80]!r}"


def test_pages_inline_their_stylesheet(dist: Path) -> None:
    css = (ROOT / "static" / "css" / "nimbus.css").read_text()
    assert f"<style>{css}</style>" in _head(dist)
    assert 'rel="stylesheet"' not in _head(dist)


def test_pages_load_one_script_and_hint_the_rest(dist: Path) -> None:
    """boot.js is the only script; the interpreter and the app are hinted so they arrive in
    the same round of requests, and everything hinted exists."""
    head = _head(dist)
    scripts = re.findall(r'<script type="module" src="([^"]+)"></script>', head)
    assert len(scripts) == 1 and re.fullmatch(r"/app/boot\.\w+\.js", scripts[0]), scripts
    import_map = json.loads(re.search(r'<script type="importmap">(.*?)</script>', head).group(1))
    interpreter = f"{vendor_paths()['micropython']}/micropython.mjs"
    assert import_map == {"imports": {"micropython": interpreter}}
    assert head.index('type="importmap"') < head.index("modulepreload"), "map must come first"
    hinted = re.findall(r'<link rel="(?:modulepreload|preload)"[^>]* href="([^"]+)"', head)
    bundle = re.search(r'href="([^"]+)" id="app-bundle"', head).group(1)
    assert re.fullmatch(r"/app/bundle\.[0-9a-f]{12}\.bin", bundle), bundle
    assert set(hinted) == {interpreter, interpreter.replace(".mjs", ".wasm"), bundle}
    for url in [*hinted, *scripts]:
        assert (dist / url.lstrip("/")).exists(), url


def test_app_ships_as_compiled_python(dist: Path) -> None:
    """Every app/ module is in app/bundle.<hash>.bin as MicroPython bytecode (.mpy, v6)."""
    (bundle,) = (dist / "app").glob("bundle.*.bin")
    data = bundle.read_bytes()
    assert bundle.name == f"bundle.{hashlib.sha256(data).hexdigest()[:12]}.bin"
    files = read_app_bundle(data)
    sources = {
        py.relative_to(ROOT).as_posix()[: -len(".py")] + ".mpy"
        for py in (ROOT / "app").rglob("*.py")
        if "__pycache__" not in py.parts
    }
    assert set(files) == sources
    for path, data in files.items():
        assert data[:2] == b"M\x06", f"{path} is not .mpy v6: {data[:4]!r}"
    assert not list((dist / "app").rglob("*.py")), "Python ships only inside the bundle"


def test_boot_bundle_holds_the_sdk_surface_python_uses(dist: Path) -> None:
    """Python reaches the SDK through pyscript.js_modules.firebase_auth / firebase_database,
    which are sdk_auth.js / sdk_database.js: everything Python calls must be exported there,
    else esbuild tree-shakes it away and the call fails only in the browser."""
    for module, alias, js in (
        ("firebase_auth", "fa", "sdk_auth.js"),
        ("firebase_database", "fdb", "sdk_database.js"),
        ("firebase_functions", "ffn", "sdk_functions.js"),
    ):
        exported = set(
            re.findall(r"^\s+(\w+),$", (ROOT / "app" / "services" / js).read_text(), re.M)
        )
        used = set()
        for py in (ROOT / "app").rglob("*.py"):
            text = py.read_text()
            if f"import {module} as {alias}" in text:
                used |= set(re.findall(rf"\b{alias}\.(\w+)", text))
        assert used, f"no Python uses {module}?"
        assert used <= exported, f"{js} lacks {sorted(used - exported)}"
    boot = (ROOT / "app" / "boot.js").read_text()
    for name in ("firebase_auth", "firebase_database", "firebase_functions", "nimbus_prefetch"):
        assert re.search(rf"import \* as {name} from", boot), name
    (script,) = (dist / "app").glob("boot.*.js")
    bundled = script.read_text()
    assert 'from"micropython"' in bundled.replace(" ", ""), "micropython must stay external"
    assert len(bundled) < 400_000, "the SDK is no longer tree-shaken?"


def test_our_chromium_flags_keep_playwrights(dist: Path) -> None:
    """Chromium honours only the last --disable-features; ours must repeat Playwright's."""
    import playwright

    bundle = Path(playwright.__file__).parent / "driver/package/lib/coreBundle.js"
    text = bundle.read_text()
    block = re.search(r"disabledFeatures = \[(.*?)\]\.filter", text, re.S)
    assert block, "Playwright's disabledFeatures list moved"
    theirs = set(re.findall(r'^\s*"(\w+)"', block.group(1), re.M))
    assert theirs and theirs <= set(PLAYWRIGHT_DISABLED_FEATURES), theirs - set(
        PLAYWRIGHT_DISABLED_FEATURES
    )
    assert not set(NIMBUS_DISABLED_FEATURES) & theirs


def test_local_web_config_points_at_the_emulators(dist: Path) -> None:
    config = _page_config((dist / "index.html").read_text())
    assert config["firebase"]["projectId"] == "demo-nimbus"
    assert config["firebase"]["databaseURL"] == "https://demo-nimbus-default-rtdb.firebaseio.com"
    assert config["emulators"] == {
        "auth": "http://127.0.0.1:1111",
        "database": {"host": "127.0.0.1", "port": 2222},
        "functions": {"host": "127.0.0.1", "port": 3333},
    }


def test_production_target_reads_its_web_config(tmp_path: Path, monkeypatch) -> None:
    web = {"apiKey": "k", "authDomain": "acme.firebaseapp.com", "projectId": "acme-nimbus"}
    monkeypatch.setenv("NIMBUS_WEB_CONFIG", json.dumps(web))
    monkeypatch.setenv("NIMBUS_STRIPE_PUBLISHABLE_KEY", "pk_live_acme123")
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

    icon = out / "img" / "favicon.svg"
    os.utime(icon, (time.time() - 100, time.time() - 100))  # as if static/img had changed
    (bundle,) = (out / "app").glob("bundle.*.bin")
    bundle.write_bytes(b"stale")  # as if it had been damaged
    t0 = time.monotonic()
    third = build(target="local", out=out)
    elapsed = time.monotonic() - t0
    assert sorted(third.copied) == [bundle.relative_to(out).as_posix(), "img/favicon.svg"]
    assert elapsed < 1.0, f"incremental build took {elapsed:.2f} s"


def test_no_lesson_media_or_transcript_is_shipped(dist: Path) -> None:
    """Lesson media lives in the media store and the transcripts are its captions: the
    public build has neither (issue 12)."""
    shipped = [p for p in dist.rglob("*") if p.is_file()]
    assert not (dist / "media").exists() and not (dist / "data").exists()
    assert not [p for p in shipped if p.suffix in (".webm", ".mp4", ".vtt")]
    sentences = [
        cue["text"]
        for course in load_courses().values()
        for lesson in course["lessons"].values()
        for cue in lesson["transcript"]
    ]
    readable = (".html", ".js", ".json")
    texts = [p.read_text(errors="replace") for p in shipped if p.suffix in readable]
    leaked = [s for s in sentences if any(s in text for text in texts)]
    assert leaked == []
