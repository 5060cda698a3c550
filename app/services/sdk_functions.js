// The Cloud Functions client functions the Python services call, as
// `pyscript.js_modules.firebase_functions` (app/services/functions.py). The build bundles
// only what is named here; tests/toolchain/test_site.py fails if Python calls a function
// this file does not export.
export {
  connectFunctionsEmulator,
  getFunctions,
  httpsCallable,
} from "firebase/functions";
