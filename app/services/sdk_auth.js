// The Firebase Auth functions the Python services call, as `pyscript.js_modules.firebase_auth`
// (app/services/auth.py). The build bundles only what is named here (tree-shaken by esbuild);
// tests/toolchain/test_site.py fails if Python calls a function this file does not export.
export {
  createUserWithEmailAndPassword,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signOut,
  updateProfile,
  verifyBeforeUpdateEmail,
} from "firebase/auth";
