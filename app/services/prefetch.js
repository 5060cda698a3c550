// Service layer, JS half: starts the Firebase SDK before any Python runs, and hands the
// result to the Python services (app/services/firebase.py, auth.py, database.py), which
// import this module as `pyscript.js_modules.nimbus_prefetch`.
//
// app/boot.js imports it first, so it runs as soon as the page's one script is evaluated,
// while the interpreter is still being fetched and compiled. On a lesson page the chain it
// starts (Auth's restore from IndexedDB, Auth's account lookup, then the database's
// connection, auth and first snapshot) is what the page waits for, not Python.
// It does three things, and nothing else:
//   1. creates the one FirebaseApp, Auth and Database instances (pointed at the emulators
//      for a local build), which the Python services then use instead of making their own;
//   2. opens the database connection at once and begins Auth's sign-in restore;
//   3. on a lesson page with a restored sign-in, listens to the lesson's question query
//      (the same query as app/services/forum.py questions_query), so its first snapshot
//      is on its way, or in the SDK's cache, when Python's own listener
//      (database.watch_children) asks; Python then calls release(path) and this one goes.
// Views never import this; only the service layer does. The build bundles it with
// sdk_auth.js and sdk_database.js, so both halves share one SDK instance.

import { initializeApp } from "firebase/app";
import {
  browserLocalPersistence,
  connectAuthEmulator,
  indexedDBLocalPersistence,
  initializeAuth,
} from "firebase/auth";
import {
  connectDatabaseEmulator,
  equalTo,
  getDatabase,
  onValue,
  orderByChild,
  query,
  ref,
} from "firebase/database";

const config = JSON.parse(document.getElementById("nimbus-config").textContent);
const emulators = config.emulators || {};

export const app = initializeApp(config.firebase);
// getAuth() minus what Nimbus does not use: no popup/redirect resolver (sign-in is email
// and password; the resolver also makes the restore check for a pending redirect first) and
// no session persistence. Firebase documents this as "custom dependencies". The restore
// from IndexedDB starts here.
export const auth = initializeAuth(app, {
  persistence: [indexedDBLocalPersistence, browserLocalPersistence],
});
if (emulators.auth) connectAuthEmulator(auth, emulators.auth, { disableWarnings: true });
export const db = getDatabase(app);
if (emulators.database) {
  connectDatabaseEmulator(db, emulators.database.host, emulators.database.port);
}
ref(db); // the first ref opens the connection; it authenticates once Auth has restored

const warm = new Map(); // path -> unsubscribe

function lessonQuery() {
  const body = document.body;
  if (!body || body.dataset.page !== "lesson") return null;
  return {
    path: "forum/" + body.dataset.courseId + "/questions", // app/model/paths.py questions()
    orderBy: "lessonId",
    equalTo: body.dataset.lessonId,
  };
}

function listen(q) {
  if (!q || warm.has(q.path)) return;
  const target = query(ref(db, q.path), orderByChild(q.orderBy), equalTo(q.equalTo));
  // No-op callbacks: the point is the SDK's cache. A refused read cancels the listener.
  warm.set(q.path, onValue(target, () => {}, () => warm.delete(q.path)));
}

auth.authStateReady().then(() => {
  if (!auth.currentUser) return; // signed out: the rules would refuse the read
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => listen(lessonQuery()), { once: true });
  } else {
    listen(lessonQuery());
  }
});

/** Python's listener on path is registered: drop the warm-up listener (the SDK keeps the
 *  server-side listen as long as one listener remains). */
export function release(path) {
  const unsubscribe = warm.get(path);
  if (unsubscribe) {
    warm.delete(path);
    unsubscribe();
  }
}
