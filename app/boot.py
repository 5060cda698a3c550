# Entry script PyScript runs on every page; the build inlines it into each page (no fetch).
# app/ arrives as one JSON file, app-bundle.json (see tools/site.py), which this unpacks
# into MicroPython's in-memory file system before importing the app from it.
import json
import os

from pyscript import window

window.performance.mark("nimbus:boot")  # the interpreter is up and runs our first line


def _unpack(bundle="app-bundle.json"):
    with open(bundle) as fh:
        files = json.load(fh)
    # Each directory once: a failed mkdir costs a JS exception in the interpreter's FS.
    dirs = set()
    for path in files:
        parts = path.split("/")
        for i in range(1, len(parts)):
            dirs.add("/".join(parts[:i]))
    for path in sorted(dirs):
        try:
            os.mkdir(path)
        except OSError:
            pass  # exists already
    for path in files:
        with open(path, "w") as fh:
            fh.write(files[path])


_unpack()

from app.main import start  # noqa: E402 - importable only once unpacked

start()
