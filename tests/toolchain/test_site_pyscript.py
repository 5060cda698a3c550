"""build.py build --runtime pyscript: pages booted by @pyscript/core, from this origin only."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from tools.project import ROOT, EmulatorPorts
from tools.site import (
    JS_MODULES,
    app_bundle,
    build,
    pyscript_plugins,
    read_app_bundle,
    vendor_paths,
)

LESSON = Path("course/serverless-101/lesson/l01.html")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist-pyscript")
    build(
        target="local", out=out, ports=EmulatorPorts(auth=1111, database=2222), runtime="pyscript"
    )
    return out


def _element(html: str, tag: str) -> dict:
    match = re.search(rf'<{tag} type="json" hidden>(.*?)</{tag}>', html, re.S)
    assert match, f"page has no <{tag}>"
    return json.loads(match.group(1))


def test_pyscript_is_the_pinned_package_served_from_this_origin(dist: Path) -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["@pyscript/core"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"@pyscript/core must be pinned: {pinned}"
    assert vendor_paths()["pyscript"] == f"/vendor/pyscript/{pinned}"
    html = (dist / LESSON).read_text()
    head = html[: html.index("</head>")]
    scripts = re.findall(r'<script type="module" src="([^"]+)"></script>', head)
    assert scripts[-1] == f"/vendor/pyscript/{pinned}/core.js", scripts
    shipped = dist / "vendor" / "pyscript" / pinned
    dist_js = ROOT / "node_modules/@pyscript/core/dist/core.js"
    assert (shipped / "core.js").read_bytes() == dist_js.read_bytes()
    hinted = re.findall(r'<link rel="(?:modulepreload|preload)"[^>]* href="([^"]+)"', head)
    for url in [*hinted, *scripts]:
        assert url.startswith("/") and not url.startswith("//"), url
        assert (dist / url.lstrip("/")).exists(), url
    assert "importmap" not in head and 'id="app-bundle"' not in head
    assert not list((dist / "app").glob("boot.*.js")), "Nimbus's own loader is not shipped"
    assert not list((dist / "app").glob("bundle.*.bin"))


def test_config_names_local_interpreter_app_files_and_js_modules(dist: Path) -> None:
    html = (dist / LESSON).read_text()
    config = _element(html, "mpy-config")
    interpreter = f"{vendor_paths()['micropython']}/micropython.mjs"
    assert config["interpreter"] == interpreter and (dist / interpreter.lstrip("/")).exists()
    assert set(config["plugins"]) == {f"!{name}" for name in pyscript_plugins()}
    assert _element(html, "py-config") == {"plugins": config["plugins"]}

    # Every app/ module, compiled, lands at its import path in the interpreter's FS: one
    # archive PyScript unpacks into the working directory, each directory before its files.
    ((url, dest),) = config["files"].items()
    assert dest == "./*" and re.fullmatch(r"/app/app\.[0-9a-f]{12}\.tar\.gz", url), url
    data = (dist / url.lstrip("/")).read_bytes()
    assert url == f"/app/app.{hashlib.sha256(data).hexdigest()[:12]}.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = archive.getmembers()
        seen = set()
        for member in members:
            parent = member.name.rpartition("/")[0]
            assert not parent or parent in seen, f"{member.name} before its directory"
            seen.add(member.name)
        shipped = {m.name: archive.extractfile(m).read() for m in members if m.isfile()}
    compiled = read_app_bundle(app_bundle())
    assert shipped == compiled
    assert all(blob[:2] == b"M\x06" for blob in shipped.values())
    assert f'href="{url}"' in html, "the archive is hinted"

    # js_modules.main: each name Python imports from pyscript.js_modules, one URL each,
    # all sharing the SDK's chunks (one FirebaseApp for prefetch.js and Python).
    main = config["js_modules"]["main"]
    assert sorted(main.values()) == sorted(JS_MODULES)
    for url in main:
        assert re.fullmatch(r"/app/\w+\.\w+\.js", url) and (dist / url.lstrip("/")).exists(), url
        assert re.search(r'from"\./chunk\.\w+\.js"', (dist / url.lstrip("/")).read_text()), url
    imported = {
        name
        for py in (ROOT / "app").rglob("*.py")
        for name in re.findall(r"from pyscript\.js_modules import (\w+)", py.read_text())
    }
    assert imported == set(JS_MODULES), "JS_MODULES must be what Python imports"
    # One copy of Firebase's core (which registers itself as "fire-core") across them all.
    shipped = [p for p in (dist / "app").glob("*.js") if "fire-core" in p.read_text()]
    assert len(shipped) == 1 and shipped[0].name.startswith("chunk."), shipped
    prefetch = next(url for url, name in main.items() if name == "nimbus_prefetch")
    assert f'<script type="module" src="{prefetch}">' in html, "the SDK starts before PyScript"


def test_the_page_script_only_starts_the_app(dist: Path) -> None:
    html = (dist / LESSON).read_text()
    (script,) = re.findall(r'<script type="mpy">(.*?)</script>', html, re.S)
    assert "from app.main import start" in script and "start()" in script


def test_switching_runtime_leaves_nothing_of_the_other(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(target="local", out=out, runtime="pyscript")
    again = build(target="local", out=out, runtime="pyscript")
    assert not again.vendored and again.copied == []
    build(target="local", out=out)  # the default, app/boot.js
    app = sorted(p.relative_to(out).as_posix() for p in (out / "app").rglob("*") if p.is_file())
    assert not [p for p in app if ".tar.gz" in p or "prefetch." in p or "chunk." in p], app
    assert not (out / "vendor" / "pyscript").exists()
    assert "mpy-config" not in (out / LESSON).read_text()
    build(target="local", out=out, runtime="pyscript")
    assert not list((out / "app").glob("boot.*")) and not list((out / "app").glob("bundle.*"))


def test_unknown_runtime_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="unknown runtime"):
        build(target="local", out=tmp_path, runtime="pyodide")
