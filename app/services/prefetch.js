// Service layer, JS half: starts the Firebase SDK before any Python runs, and hands the
// result to the Python services (app/services/firebase.py, auth.py, database.py), which
// import this module as `pyscript.js_modules.nimbus_prefetch`.
//
// PyScript imports js_modules as soon as the interpreter is loaded, before it runs its own
// stdlib and our app (~0.25 s of Python on a busy 2-core machine), so the sign-in restore
// and the database connection get going that much earlier than if the Python services
// started them. (Loading this as an early <script type="module" async> was measured too:
// on a CPU-bound machine the SDK work then delays the interpreter itself, and the page
// became interactive ~0.2 s later; see bench/lesson_bench.py.)
// It does three things, and nothing else:
//   1. creates the one FirebaseApp, Auth and Database instances (pointed at the emulators
//      for a local build), which the Python services then use instead of making their own;
//   2. opens the database connection at once and begins Auth's sign-in restore;
//   3. on a lesson page with a restored sign-in, listens to the lesson's question query
//      (the same query as app/services/forum.py questions_query), so its first snapshot
//      is on its way, or in the SDK's cache, when Python's own listener
//      (database.watch_children) asks; Python then calls release(path) and this one goes.
// Views never import this; only the service layer does. "firebase/*" resolve through the
// page's import map to the vendored SDK files that the Python services import too, so
// both halves share one SDK instance.

import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth } from "firebase/auth";
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
export const auth = getAuth(app); // IndexedDB persistence: the restore starts here
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
    path: "/forum/" + body.dataset.courseId + "/questions",
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
