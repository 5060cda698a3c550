"""Startup benchmark: setup, serve-to-ready, build (full/incremental), page time to interactive.

Prints one table. `--fresh` also times `npm ci` into a scratch copy (minutes); without it
that row says it was skipped rather than guessing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._table import print_table
from tools.project import ROOT

PY = sys.executable

ROWS: list[tuple[str, str, str]] = []


def row(what: str, value: float | str, note: str = "") -> None:
    text = f"{value:.2f} s" if isinstance(value, float) else value
    ROWS.append((what, text, note))
    print(f"  {what}: {text} {note}", file=sys.stderr, flush=True)


def timed(cmd: list[str], **kwargs) -> float:
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, **kwargs)
    return time.monotonic() - t0


def bench_setup(fresh: bool) -> None:
    row("setup, already done (stamp check)", timed(["python3", "build.py", "setup"]))
    if not fresh:
        row("setup: fresh venv + pip install", "skipped", "(--fresh runs it; minutes)")
        row("setup: fresh npm ci", "skipped", "(--fresh runs it; minutes)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        t = timed(["python3", "-m", "venv", str(venv)])
        t += timed([str(venv / "bin/python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", "-r", "requirements.lock"])  # fmt: skip
        row("setup: fresh venv + pip install", t, "(pip's download cache may be warm)")
        copy = Path(tmp) / "repo"
        copy.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(ROOT / name, copy)
        t0 = time.monotonic()
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=copy, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        row("setup: fresh npm ci", time.monotonic() - t0, "(npm cache may be warm)")


def bench_build() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        cli = ["python3", "build.py", "build", "--out", str(out)]
        row("build: full (CLI, incl. vendoring)", timed(cli))
        row("build: no change (CLI)", timed(cli))
        # A developer's edit: one module recompiled to .mpy, or the JS bundle rebuilt.
        for label, path in (("Python", "app/ui/forum.py"), ("JS", "app/services/prefetch.js")):
            source = ROOT / path
            original = source.read_bytes()
            try:
                comment = "#" if path.endswith(".py") else "//"
                source.write_bytes(original + f"\n{comment} bench edit {time.time()}\n".encode())
                row(f"build: one app/ {label} file changed (CLI)", timed(cli), "(goal < 1 s)")
            finally:
                source.write_bytes(original)


def bench_serve_and_page(runs: int) -> None:
    import re

    data = tempfile.mkdtemp(prefix="nimbus-bench-")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        ["python3", "build.py", "serve", "--free-ports", "--data", data],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    url = None
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if m := re.search(r"Nimbus\s+(http://\S+)/", line):
                url = m.group(1)
                break
        if url is None:
            row("serve: to ready", "FAILED", "".join(lines[-5:]))
            return
        row("serve: command to ready (cold data dir)", time.monotonic() - t0, "(goal <= 8 s)")
        bench_page(url, runs)
    finally:
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


def bench_page(url: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from tools.chromium import CHROMIUM, CHROMIUM_ARGS
    from tools.project import DEMO_PASSWORD

    py, first, warm = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            ctx = browser.new_context()
            page = ctx.new_page()
            t0 = time.monotonic()
            page.goto(f"{url}/index.html")
            page.wait_for_selector(
                '#py-status[data-state="ready"]', state="attached", timeout=30_000
            )
            py.append(time.monotonic() - t0)
            page.fill("#signin-email", "learner@nimbus.test")
            page.fill("#signin-password", DEMO_PASSWORD)
            page.click("#signin-submit")
            page.wait_for_selector('#account[data-profile="ready"]', timeout=30_000)
            first.append(time.monotonic() - t0)
            # Reload: signed in already (persisted), so this is the returning learner's TTI.
            t0 = time.monotonic()
            page.goto(f"{url}/index.html")
            page.wait_for_selector('#account[data-profile="ready"]', timeout=30_000)
            warm.append(time.monotonic() - t0)
            ctx.close()
        browser.close()
    med = statistics.median
    row("page: navigation to Python ready", med(py), f"(median of {runs}, new context)")
    row("page: to profile read, incl. sign-in", med(first), "(scripted form fill)")
    row("page: reload, signed in, to profile read", med(warm), "(returning learner TTI)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="also time npm ci (minutes)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bench_setup(args.fresh)
    bench_build()
    bench_serve_and_page(args.runs)
    print_table(ROWS, "time", 10)


if __name__ == "__main__":
    main()
