// Every page's one script: starts the Firebase SDK, loads MicroPython, and runs app/main.py.
//
// Why not PyScript's own bootstrap: on this project's 2-core machine a PyScript "hello" page
// ran its first Python line at 270 ms, polyscript (PyScript's engine) at 158 ms, and
// MicroPython loaded directly at 107 ms, all cold and on the same interpreter build (see
// bench/interpreter_bench.py). PyScript writes and imports its whole Python stdlib (~130 KB
// of source) on every page before user code runs. The lesson page's budget is 500 ms in all.
//
// So this file does the few things Nimbus used from PyScript, the PyScript way: the app
// imports `from pyscript import window, document`, `pyscript.ffi` (create_proxy, to_js) and
// `pyscript.js_modules.<name>`, with the same meaning as under PyScript, on the same
// interpreter (PyScript's MicroPython build). The app code stays PyScript code.
//
// The build bundles this file, prefetch.js and the SDK functions the Python services use
// (sdk_auth.js, sdk_database.js, sdk_functions.js) into one tree-shaken, minified
// dist/app/boot.js (esbuild; ~280 KB instead of ~450 KB of Firebase's prebuilt browser
// files, in one request).
//
// Order matters on a busy machine, and every step starts as early as it can:
//   1. importing prefetch.js runs it at once: Auth's sign-in restore, the database
//      connection and (on a lesson page) the forum query begin before the interpreter;
//   2. the interpreter (wasm, streamed and compiled off the main thread) and the app bundle
//      (app/ precompiled to .mpy by the build, one request) load in parallel;
//   3. the bundle is written into MicroPython's in-memory file system from JS;
//   4. Python imports app.main and mounts this page's views.

import { loadMicroPython } from "micropython";
import * as nimbus_prefetch from "./services/prefetch.js";
import * as firebase_auth from "./services/sdk_auth.js";
import * as firebase_database from "./services/sdk_database.js";
import * as firebase_functions from "./services/sdk_functions.js";

/** The app's Python, compiled: its URL (content-hashed by the build) is on its preload hint. */
const BUNDLE = document.getElementById("app-bundle").href;

/** bundle.<hash>.bin: u32 LE index length, JSON index {path: [offset, length]}, file bytes. */
function unpack(FS, buffer) {
  const view = new DataView(buffer);
  const length = view.getUint32(0, true);
  const index = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  const base = 4 + length;
  const made = new Set();
  for (const [path, [offset, size]] of Object.entries(index)) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!made.has(dir)) {
        made.add(dir);
        FS.mkdir(dir);
      }
    }
    FS.writeFile(path, new Uint8Array(buffer, base + offset, size));
  }
}

function showError(err) {
  console.error(err);
  const status = document.getElementById("py-status");
  if (status) {
    status.dataset.state = "error";
    const lines = String((err && err.message) || err).trim().split("\n");
    status.textContent = "error: " + lines[lines.length - 1]; // a traceback's last line
  }
}

async function boot() {
  const bundle = fetch(BUNDLE).then((response) => {
    if (!response.ok) throw new Error(`${BUNDLE}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  const mp = await loadMicroPython({
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  });
  performance.mark("nimbus:boot"); // the interpreter is up
  unpack(mp.FS, await bundle);
  mp.registerJsModule("pyscript", { window: globalThis, document });
  mp.registerJsModule("pyscript.js_modules", {
    firebase_auth,
    firebase_database,
    firebase_functions,
    nimbus_prefetch,
  });
  mp.runPython(
    "import sys, jsffi\n" +
      "sys.modules['pyscript.ffi'] = jsffi\n" + // create_proxy, to_js: what pyscript.ffi is on MicroPython
      "from app.main import start\n" +
      "start()\n",
  );
}

boot().catch(showError);
