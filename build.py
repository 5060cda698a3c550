#!/usr/bin/env python3
"""Nimbus's single entry point: setup · build · serve · db · functions · search · test · bench ·
rules.

Standard library only until it has made the project's own .venv (from requirements.lock)
and node_modules (from package-lock.json); then it re-executes itself under .venv/bin/python.
Each setup step is skipped when a stamp file shows its lock file is unchanged, so every
command is fast once a machine is set up.

    python3 build.py serve      # build, start the local stack, print URL + demo logins
    python3 build.py test       # install what tests need, run pytest (extra args pass through)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
NODE_MODULES = ROOT / "node_modules"
FUNCTIONS = ROOT / "functions"
FUNCTIONS_VENV = FUNCTIONS / "venv"  # where the Functions emulator looks (`. venv/bin/activate`)
STATE = ROOT / ".nimbus"
CHROMIUM = Path("/usr/bin/chromium")


def say(message: str) -> None:
    print(f"[nimbus] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def digest(*parts: Path | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.read_bytes() if isinstance(part, Path) else part.encode())
    return h.hexdigest()


def stamp_ok(stamp: Path, want: str) -> bool:
    return stamp.exists() and stamp.read_text().strip() == want


_apt_updated = False


def apt_install(packages: list[str]) -> None:
    """Install Debian packages non-interactively (needs root, as on CI and dev machines)."""
    global _apt_updated
    if os.geteuid() != 0:
        raise SystemExit(f"missing {' '.join(packages)}: run `sudo apt-get install {packages}`")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        run(["apt-get", "update", "-q"], env=env)
        _apt_updated = True
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], env=env)


def make_venv(venv: Path, python: str, lock: Path, want: str) -> None:
    """venv (by `python`) with exactly `lock` installed; skipped when its stamp says so."""
    py = venv / "bin" / "python"
    stamp = venv / ".nimbus-stamp"
    if py.exists() and stamp_ok(stamp, want):
        return
    t0 = time.monotonic()
    label = venv.relative_to(ROOT)
    if not py.exists():
        say(f"creating {label}")
        shutil.rmtree(venv, ignore_errors=True)
        try:
            run([python, "-m", "venv", venv])
        except subprocess.CalledProcessError:
            shutil.rmtree(venv, ignore_errors=True)
            apt_install(["python3-venv"])  # Debian splits venv/ensurepip out of python3
            run([python, "-m", "venv", venv])
    say(f"installing Python packages from {lock.relative_to(ROOT)}")
    pip = [py, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run([*pip, "install", "-q", "-r", lock])
    stamp.write_text(want)
    say(f"{label} ready in {time.monotonic() - t0:.1f} s")


def ensure_venv() -> None:
    """.venv with exactly requirements.lock installed."""
    lock = ROOT / "requirements.lock"
    make_venv(VENV, sys.executable, lock, digest(lock, sys.version))


def ensure_node_modules() -> None:
    """node_modules exactly as package-lock.json says (npm ci)."""
    lock = ROOT / "package-lock.json"
    want = digest(lock)
    stamp = NODE_MODULES / ".nimbus-stamp"
    if stamp_ok(stamp, want):
        return
    if shutil.which("npm") is None:
        raise SystemExit("Node.js 20+ with npm is required (see README.md)")
    t0 = time.monotonic()
    say("installing node packages from package-lock.json")
    run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"])
    stamp.write_text(want)
    say(f"node_modules ready in {time.monotonic() - t0:.1f} s")


def _python311() -> str:
    """The interpreter for functions/venv: the runtime is python311, as deployed."""
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if found is None:
        raise SystemExit("Python 3.11 is required for functions/venv (runtime python311)")
    return found


def ensure_functions_venv() -> None:
    """functions/venv with exactly functions/requirements.txt, for the Functions emulator."""
    lock = FUNCTIONS / "requirements.txt"
    python = _python311()
    make_venv(FUNCTIONS_VENV, python, lock, digest(lock, python))


def ensure_chromium() -> None:
    if not CHROMIUM.exists():
        say("installing Debian's chromium for the browser tests")
        apt_install(["chromium"])


def setup() -> None:
    ensure_venv()
    ensure_node_modules()
    ensure_functions_venv()


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def reexec_in_venv(argv: list[str]) -> None:
    """Continue under .venv/bin/python (Jinja2, firebase-admin, pytest live there)."""
    os.execv(str(VENV_PY), [str(VENV_PY), str(ROOT / "build.py"), *argv])


# ---------------------------------------------------------------- commands (under .venv)


def cmd_build(args: argparse.Namespace) -> int:
    from tools.site import build

    t0 = time.monotonic()
    out = Path(args.out) if args.out else None
    result = build(target=args.target, out=out, runtime=args.runtime)
    what = "vendored runtime, " if result.vendored else ""
    say(
        f"built {result.out.relative_to(ROOT) if result.out.is_relative_to(ROOT) else result.out}"
        f" for target {args.target} (runtime {args.runtime}): {what}{len(result.copied)} files"
        f" written in {time.monotonic() - t0:.2f} s"
    )
    return 0


def cmd_media(args: argparse.Namespace) -> int:
    from tools.encoding import demo_sources, encode_lessons
    from tools.project import load_courses

    t0 = time.monotonic()
    result = encode_lessons(demo_sources(load_courses()))
    say(
        f"lesson media in .nimbus/media/encoded: {len(result.files)} files, {result.made} encoded,"
        f" {result.cached} cached, {time.monotonic() - t0:.1f} s"
    )
    if args.bucket:  # production: into the Cloud Storage bucket media_url signs for
        from google.cloud import storage

        from tools.media_store.upload import upload

        # Application Default Credentials (`gcloud auth application-default login`, or
        # GOOGLE_APPLICATION_CREDENTIALS), with write access to the bucket.
        client = storage.Client(project=args.project)
        sent = upload(client, args.bucket, result.files, progress=say)
        say(f"gs://{args.bucket}: {len(sent)} uploaded, {len(result.files) - len(sent)} unchanged")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from tools.project import DEMO_PASSWORD, EmulatorPorts
    from tools.seed import DEMO_USERS
    from tools.site import build
    from tools.stack import Stack

    t0 = time.monotonic()
    if args.free_ports:
        from tools.stack import free_ports

        ports = free_ports()
    else:
        ports = EmulatorPorts()
    build(target="local", ports=ports, runtime=args.runtime)
    say(f"built dist/ in {time.monotonic() - t0:.2f} s; starting the local stack")
    stack = Stack(
        ports=ports,
        dist=ROOT / "dist",
        data_dir=Path(args.data).resolve(),
        state_dir=STATE / "serve",
    )

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        stack.start(demo_forum=True)
    except (RuntimeError, TimeoutError) as err:
        say(f"local stack failed to start: {err}")
        for name in ("rtdb", "localstripe", "media", "mail", "emulators"):
            say(f"--- {stack.log_path(name)}\n{stack.tail(name)}")
        return 1
    except KeyboardInterrupt:
        return 130
    say(f"ready in {time.monotonic() - t0:.1f} s (stack {stack.ready_seconds:.1f} s)")
    print(
        f"\n  Nimbus      {stack.hosting_url}/\n"
        f"  Auth        http://{stack.auth_host} (emulator)\n"
        f"  Database    http://{stack.database_host} (rtdb, data in {args.data})\n"
        f"  Functions   {stack.functions_url} (emulator; {len(stack.backends())} functions,"
        f" {len(stack.registered)} database triggers)\n"
        f"  Stripe      {stack.stripe_url} (localstripe: API, Stripe.js stand-in, webhooks)\n"
        f"  Media       {stack.media_url} (media store: signed lesson media, bucket"
        f" {stack.media.bucket})\n"
        f"  Mail        {stack.mail_url}/ (mail sink: every mail sent, as its recipient sees"
        f" it; SMTP on {stack.ports.host}:{stack.ports.smtp})\n"
        f"  Logs        {STATE / 'serve' / 'logs'}\n\n"
        "  Demo logins (password for all: "
        + DEMO_PASSWORD
        + ")\n"
        + "".join(f"    {email:<26} {name}\n" for email, (name, _) in DEMO_USERS.items())
        + "\n  Ctrl-C stops everything; the database keeps its data for the next start.\n",
        flush=True,
    )
    try:
        next_check = time.monotonic() + 2
        while all(p.poll() is None for p in stack.procs.values()):
            time.sleep(0.5)
            if time.monotonic() > next_check:  # the emulator reloads functions/ on a change
                next_check = time.monotonic() + 2
                try:
                    for name in stack.register_triggers():
                        say(f"registered database trigger {name}")
                except (OSError, RuntimeError) as err:
                    say(f"could not register database triggers: {err}")
        dead = [name for name, p in stack.procs.items() if p.poll() is not None]
        say(f"{', '.join(dead)} exited unexpectedly:")
        for name in dead:
            print(stack.tail(name), flush=True)
        return 1
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        stack.stop()


def cmd_db(args: argparse.Namespace) -> int:
    cmd = [
        str(VENV_PY), "-m", "rtdb",
        "--host", args.host, "--port", str(args.port), "--data", args.data,
    ]  # fmt: skip
    os.chdir(ROOT)
    os.execv(cmd[0], cmd)
    return 0  # not reached


def cmd_functions(args: argparse.Namespace) -> int:
    """List what deploys (the SDK's own discovery), or run a scheduled function now."""
    if args.action == "list":
        from tools.functions import summary

        for row in summary():
            secrets = ", ".join(row["secrets"]) or "no secrets"
            print(f"{row['name']:<28} {row['trigger']:<44} {','.join(row['region'])}  {secrets}")
        return 0
    from tools.project import EmulatorPorts
    from tools.stack import Stack

    if not args.name:
        say("name the scheduled function to run: build.py functions run NAME")
        return 2
    ports = EmulatorPorts(functions=args.port)
    stack = Stack(ports=ports, dist=ROOT / "dist", data_dir=STATE / "data", state_dir=STATE)
    try:
        stack.run_scheduled(args.name)
    except (LookupError, RuntimeError) as err:
        say(str(err))
        return 1
    except OSError as err:
        say(f"the Functions emulator at {stack.functions_url} did not answer ({err}):"
            " is `python3 build.py serve` running?")  # fmt: skip
        return 1
    say(f"ran {args.name}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Backfill the search index of the database at --port (the local stack's by default):
    every forum post indexed as the search triggers index it (tools/search_index.py)."""
    from firebase_admin import db, exceptions

    from tools.project import EmulatorPorts
    from tools.search_index import backfill
    from tools.seed import admin_app
    from tools.stack import Stack

    stack = Stack(
        ports=EmulatorPorts(database=args.port), dist=ROOT / "dist", data_dir=STATE / "data",
        state_dir=STATE,
    )  # fmt: skip
    try:
        written = backfill(db.reference("/", app=admin_app(stack)))
    except (exceptions.FirebaseError, OSError) as err:
        say(f"the database at {stack.database_host} did not answer ({err}):"
            " is `python3 build.py serve` running?")  # fmt: skip
        return 1
    for cid, count in written.items():
        say(f"search index of {cid}: {count} paths written")
    say(f"backfilled {len(written)} course(s)")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    cmd = [str(VENV_PY), "-m", "pytest", *args.pytest_args]
    say("$ " + " ".join(cmd))
    rc = subprocess.call(cmd, cwd=ROOT)
    if rc == 5:
        say("pytest collected no tests: treating that as a failure")
        return 1
    return rc


def cmd_rules(args: argparse.Namespace) -> int:
    """Regenerate rules/database.rules.json from rules/nimbus_rules.py (the only source), and
    functions/_model/, the functions' copy of the data model in app/model/."""
    from rules import nimbus_rules
    from tools import model

    for copied in model.write():
        say(f"wrote {copied.relative_to(ROOT)} from app/model/")
    path = ROOT / "rules" / "database.rules.json"
    text = nimbus_rules.render()
    if path.exists() and path.read_text() == text:
        say(f"{path.relative_to(ROOT)} is up to date")
        return 0
    path.write_text(text)
    say(f"wrote {path.relative_to(ROOT)} from rules/nimbus_rules.py")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    rc = 0
    for script in sorted((ROOT / "bench").glob("*.py")):
        if script.name.startswith("_"):
            continue  # a helper module (bench/_table.py), not a bench
        say(f"bench: {script.relative_to(ROOT)}")
        # As a module (`-m bench.<name>`): the repository root is on sys.path, no edits.
        rc |= subprocess.call([str(VENV_PY), "-m", f"bench.{script.stem}"], cwd=ROOT)
    return rc


# What boots the pages (tools/site.py RUNTIMES): Nimbus's fast app/boot.js, or @pyscript/core.
RUNTIME_ARG = ("--runtime",)
RUNTIME_OPTIONS = {
    "choices": ("micropython", "pyscript"),
    "default": "micropython",
    "help": "page loader: app/boot.js on MicroPython (default, fast) or @pyscript/core",
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="make .venv and node_modules from the lock files")
    p = sub.add_parser("build", help="render static/ + app/ + vendored runtime into dist/")
    p.add_argument("--target", default="local", help="'local' or a Firebase project id")
    p.add_argument("--out", help="output directory (default dist/)")
    p.add_argument(*RUNTIME_ARG, **RUNTIME_OPTIONS)
    p = sub.add_parser("serve", help="build, run the local stack until Ctrl-C")
    p.add_argument("--data", default=str(STATE / "data"), help="database data directory")
    p.add_argument("--free-ports", action="store_true", help="pick free ports (bench, parallel)")
    p.add_argument(*RUNTIME_ARG, **RUNTIME_OPTIONS)
    p = sub.add_parser("db", help="run the Realtime Database server in the foreground")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9000)
    p.add_argument("--data", default=str(STATE / "data"))
    p = sub.add_parser("functions", help="list the functions that deploy, or run a scheduled one")
    p.add_argument("action", choices=["list", "run"])
    p.add_argument("name", nargs="?", help="the scheduled function to run now (with `run`)")
    p.add_argument("--port", type=int, default=5001, help="the Functions emulator's port")
    p = sub.add_parser("media", help="encode lesson media: renditions, posters, captions (cached)")
    p.add_argument("--bucket", help="then upload them to this Cloud Storage bucket (changed only)")
    p.add_argument("--project", help="the Google Cloud project the bucket is billed to")
    p = sub.add_parser("search", help="backfill the search index from the forum (local stack)")
    p.add_argument("action", choices=["backfill"])
    p.add_argument("--port", type=int, default=9000, help="the database's port")
    sub.add_parser("test", help="install test needs, run pytest (extra args pass through)")
    sub.add_parser("bench", help="run bench/*.py; each prints a table")
    sub.add_parser(
        "rules", help="regenerate rules/database.rules.json and functions/_model/ (app/model/)"
    )
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    return args


COMMANDS = {
    "build": cmd_build,
    "media": cmd_media,
    "serve": cmd_serve,
    "db": cmd_db,
    "test": cmd_test,
    "bench": cmd_bench,
    "functions": cmd_functions,
    "search": cmd_search,
    "rules": cmd_rules,
}


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.command == "setup" or not in_venv():
        if args.command in ("test", "bench"):
            ensure_chromium()
        setup()
        if args.command == "setup":
            say("setup complete")
            return 0
        reexec_in_venv(argv)
    sys.path.insert(0, str(ROOT))
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
