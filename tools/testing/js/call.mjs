// Calls one callable function through the Firebase JS SDK (httpsCallable), as the browser
// app does, and prints {"ok": true, "result": …} or {"ok": false, "code": …, "message": …}.
//   node call.mjs '{"project", "authEmulator", "functions": {"host", "port"}, "name",
//                  "data", "email"?, "password"?}'
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';

const c = JSON.parse(process.argv[2]);
const app = initializeApp({ apiKey: 'demo-api-key', projectId: c.project, appId: '1:0:web:0' });
const auth = getAuth(app);
connectAuthEmulator(auth, c.authEmulator, { disableWarnings: true });
const functions = getFunctions(app, 'us-central1');
connectFunctionsEmulator(functions, c.functions.host, c.functions.port);
try {
  if (c.email) await signInWithEmailAndPassword(auth, c.email, c.password);
  const started = performance.now();
  const { data } = await httpsCallable(functions, c.name)(c.data ?? null);
  console.log(JSON.stringify({ ok: true, result: data, ms: performance.now() - started }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
}
process.exit(0);
