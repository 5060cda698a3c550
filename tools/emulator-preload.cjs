// Preloaded into firebase-tools (NODE_OPTIONS=--require) by build.py.
// Why: the Auth emulator compiles JSON-schema validators for every operation of the
// Identity Toolkit API at start (exegesis + ajv), ~14 s of CPU on a 2-core machine.
// exegesis can compile each validator on first use instead (`lazyCompileValidationSchemas`);
// validation itself is unchanged. This keeps `build.py serve` near its 8 s start goal.
"use strict";
const path = require("path");
try {
  const toolsDir = path.dirname(require.resolve("firebase-tools/package.json"));
  const optionsPath = require.resolve("exegesis/lib/options", { paths: [toolsDir] });
  const options = require(optionsPath);
  const original = options.compileOptions;
  if (typeof original === "function" && !original.nimbusLazy) {
    const lazy = (opts) => original({ lazyCompileValidationSchemas: true, ...(opts || {}) });
    lazy.nimbusLazy = true;
    options.compileOptions = lazy;
  }
} catch (err) {
  // Not fatal: the emulator just starts at its normal speed.
  process.stderr.write(`nimbus: emulator preload skipped: ${err && err.message}\n`);
}
