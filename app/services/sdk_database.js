// The Realtime Database functions the Python services call, as
// `pyscript.js_modules.firebase_database` (app/services/database.py and forum.py). The build
// bundles only what is named here; tests/toolchain/test_site.py fails if Python calls a
// function this file does not export.
export {
  equalTo,
  get,
  limitToLast,
  onChildAdded,
  onChildChanged,
  onChildRemoved,
  onDisconnect,
  onValue,
  orderByChild,
  orderByKey,
  push,
  query,
  ref,
  set,
  startAt,
  update,
} from "firebase/database";
