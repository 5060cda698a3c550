"""`build.py build`: render static/ into dist/, vendor the browser runtime, ship app/.

Incremental on purpose: the edit-reload loop is a rebuild after one app/ file changed,
so unchanged files are never rewritten and the ~5 MB vendor tree is copied only when
package-lock.json changes.
"""

from __future__ import annotations

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
FIREBASE_CDN = "https://www.gstatic.com/firebasejs/{version}/"
FIREBASE_MODULES = ("app", "auth", "database")
# Module name each SDK file gets in `from pyscript.js_modules import <name>`.
JS_MODULE_NAMES = {m: f"firebase_{m}" for m in FIREBASE_MODULES}


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
        "pyscript": f"/vendor/pyscript/{_package_version('@pyscript/core')}",
        "micropython": "/vendor/micropython/"
        + _package_version("@micropython/micropython-webassembly-pyscript"),
        "firebase": f"/vendor/firebase/{_package_version('firebase')}",
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
    """Copy PyScript, MicroPython and the Firebase SDK, rewritten to load from this origin."""
    lock = (ROOT / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock + Path(__file__).read_bytes()).hexdigest()
    stamp = out / "vendor" / ".stamp"
    if stamp.exists() and stamp.read_text() == digest:
        return
    vendor = out / "vendor"
    if vendor.exists():
        shutil.rmtree(vendor)
    paths = vendor_paths()
    pyscript_dst = out / paths["pyscript"].lstrip("/")
    shutil.copytree(
        NODE_MODULES / "@pyscript/core/dist",
        pyscript_dst,
        ignore=shutil.ignore_patterns("*.map"),
    )
    mpy_dst = out / paths["micropython"].lstrip("/")
    mpy_dst.mkdir(parents=True)
    for name in ("micropython.mjs", "micropython.wasm"):
        shutil.copy2(NODE_MODULES / "@micropython/micropython-webassembly-pyscript" / name, mpy_dst)
    fb_dst = out / paths["firebase"].lstrip("/")
    fb_dst.mkdir(parents=True)
    cdn = FIREBASE_CDN.format(version=_package_version("firebase"))
    for module in FIREBASE_MODULES:
        text = (NODE_MODULES / "firebase" / f"firebase-{module}.js").read_text()
        # The browser builds import each other from the CDN; keep them on this origin.
        text = text.replace(cdn, "./")
        text = text.replace(f"//# sourceMappingURL=firebase-{module}.js.map", "")
        (fb_dst / f"firebase-{module}.js").write_text(text)
    stamp.write_text(digest)
    result.vendored = True


APP_BUNDLE = "app-bundle.json"
# The service layer's JS half: starts the SDK while the interpreter loads (see the file).
PREFETCH_JS = "/app/services/prefetch.js"


def _app_bundle(app_files: list[Path]) -> bytes:
    """Every app/ module in one JSON file, {"app/x.py": source}, fetched in one request.

    Fetching 27 small files one by one cost ~0.3 s of the page's start (six connections,
    one round trip each); boot unpacks this into MicroPython's in-memory FS instead.
    """
    files = {
        f"app/{p.as_posix()}": (ROOT / "app" / p).read_text()
        for p in app_files
        if p.suffix == ".py" and p.as_posix() != "boot.py"
    }
    return json.dumps(files, sort_keys=True, ensure_ascii=False).encode()


def pyscript_plugins() -> list[str]:
    """Names of PyScript's bundled plugins (editor, terminal, py-game, ...), from its source.

    PyScript imports every plugin before it starts the interpreter unless the config says
    `"plugins": ["!name"]`; Nimbus uses none of them.
    """
    text = (NODE_MODULES / "@pyscript/core/src/plugins.js").read_text()
    keys = re.findall(r'^\s*(?:\["([\w-]+)"\]|([\w-]+)):\s*\(\)\s*=>', text, re.M)
    return [quoted or bare for quoted, bare in keys]


def pyscript_start_chunks() -> list[str]:
    """The hashed chunks PyScript needs before its interpreter starts, in load order.

    Its 260-byte core.js only re-exports the real core chunk, and even with every plugin
    off, the core imports the error plugin's chunk (to silence it) before it starts the
    interpreter. Unhinted, each is one more serial request.
    """
    dist = NODE_MODULES / "@pyscript/core/dist"
    core = re.search(r'from\s*"\./(core-[\w-]+\.js)"', (dist / "core.js").read_text())
    if core is None:
        raise SystemExit("cannot find PyScript's core chunk in @pyscript/core/dist/core.js")
    error = re.search(r'import\("\./(error-[\w-]+\.js)"\)', (dist / core.group(1)).read_text())
    if error is None:
        raise SystemExit(f"cannot find the error plugin's chunk in {core.group(1)}")
    return [core.group(1), error.group(1)]


def _pyscript_config(app_files: list[Path]) -> dict:
    paths = vendor_paths()
    return {
        "interpreter": f"{paths['micropython']}/micropython.mjs",
        "plugins": [f"!{name}" for name in pyscript_plugins()],
        "files": {f"/{APP_BUNDLE}": f"./{APP_BUNDLE}"},
        "js_modules": {
            "main": {
                **{
                    f"{paths['firebase']}/firebase-{m}.js": JS_MODULE_NAMES[m]
                    for m in FIREBASE_MODULES
                },
                PREFETCH_JS: "nimbus_prefetch",
            }
        },
    }


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

    app_files = sorted(
        _sync_tree(
            ROOT / "app", out / "app", result, out, skip=lambda p: p.suffix not in (".py", ".js")
        )
    )
    static = ROOT / "static"
    for sub in ("css", "data", "img"):
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
        "pyscript_config": "/pyscript.json",
        # prefetch.js imports "firebase/<module>"; these are the files Python's js_modules
        # import too, so both share one SDK instance.
        "import_map": json.dumps(
            {
                "imports": {
                    f"firebase/{m}": f"{vendor['firebase']}/firebase-{m}.js"
                    for m in FIREBASE_MODULES
                }
            }
        ),
        # Fetched in parallel with PyScript instead of after the interpreter asks for them.
        "preload": [
            *(f"{vendor['pyscript']}/{chunk}" for chunk in pyscript_start_chunks()),
            f"{vendor['micropython']}/micropython.mjs",
            *(f"{vendor['firebase']}/firebase-{m}.js" for m in FIREBASE_MODULES),
            PREFETCH_JS,  # fetched and compiled early, run only when PyScript imports it
        ],
        # PyScript fetch()es these only once it has read its config and started the
        # interpreter (~0.7 s in); hinted here, they arrive while core.js is still loading.
        "preload_fetch": [
            "/pyscript.json",
            f"{vendor['micropython']}/micropython.wasm",
            f"/{APP_BUNDLE}",
        ],
        "pyscript_plugins_off": json.dumps({"plugins": [f"!{n}" for n in pyscript_plugins()]}),
        "boot_py": (ROOT / "app" / "boot.py").read_text(),
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
    pyscript_json = json.dumps(_pyscript_config(app_files), indent=2)
    pages["pyscript.json"] = pyscript_json
    pages[APP_BUNDLE] = _app_bundle(app_files).decode()
    for rel, text in pages.items():
        _write_if_changed(out / rel, text.encode(), result, out)
    # Drop pages of courses and lessons that no longer exist.
    if (out / "course").exists():
        for page in (out / "course").rglob("*.html"):
            if page.relative_to(out).as_posix() not in pages:
                page.unlink()
    return result
