// Load generator for bench/rtdb_bench.py: real Firebase JS SDK clients, one JSON line out.
//
//   node bench.mjs conns  <port> <ns> <count> <seconds>
//       open <count> SDK app instances (one WebSocket each), each listening on its own
//       path; report how many got their first event (within 60 s), then hold them all
//       open for <seconds>.
//   node bench.mjs listen <port> <ns> <seconds>
//       one client listening on /bench; latency = event time - the write's send time.
//   node bench.mjs write  <port> <ns> <rate> <seconds> <window>
//       one client writing /bench/k<i%100> at <rate>/s (0 = as fast as <window>
//       outstanding writes allow); reports acked writes/s and ack latency.
import { initializeApp } from 'firebase/app';
import {
  connectDatabaseEmulator, getDatabase, onChildAdded, onChildChanged, onValue, ref, set,
} from 'firebase/database';

const [mode, port, ns] = process.argv.slice(2, 5);
const args = process.argv.slice(5).map(Number);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let apps = 0;

function client() {
  const app = initializeApp(
    { projectId: 'demo-bench', databaseURL: `https://${ns}.firebaseio.com` }, `b${apps++}`,
  );
  const db = getDatabase(app);
  connectDatabaseEmulator(db, '127.0.0.1', Number(port));
  return db;
}

function pct(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(lat) {
  lat.sort((a, b) => a - b);
  return { n: lat.length, p50: pct(lat, 50), p99: pct(lat, 99), max: lat[lat.length - 1] ?? null };
}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function conns(count, seconds) {
  const t0 = now();
  let ready = 0;
  const deadline = t0 + 60000; // connecting may take a while on a loaded machine
  for (let i = 0; i < count; i++) {
    const db = client();
    onValue(ref(db, `conns/c${i}`), () => { ready++; }, { onlyOnce: false });
    if (i % 50 === 49) await sleep(1); // let sockets open without starving the event loop
  }
  while (ready < count && now() < deadline) await sleep(20);
  out({ mode: 'conns', requested: count, connected: ready, ms: now() - t0 });
  await sleep(seconds * 1000); // hold them all open
  process.exit(0);
}

async function listen(seconds) {
  const db = client();
  const lat = [];
  const perSecond = new Map(); // second since the first event -> max latency in it
  let started = false;
  let first = null;
  const on = (snap) => {
    const v = snap.val();
    if (!(v && typeof v.t === 'number' && started)) return;
    const t = now();
    const l = t - v.t;
    lat.push(l);
    if (first === null) first = t;
    const sec = Math.floor((t - first) / 1000);
    perSecond.set(sec, Math.max(perSecond.get(sec) ?? 0, l));
  };
  await new Promise((resolve) => onValue(ref(db, 'ready'), () => resolve(), { onlyOnce: true }));
  onChildAdded(ref(db, 'bench'), on);
  onChildChanged(ref(db, 'bench'), on);
  started = true;
  out({ mode: 'listening' });
  await sleep(seconds * 1000);
  const maxBySecond = [...perSecond.entries()].sort((a, b) => a[0] - b[0]).map((e) => Math.round(e[1]));
  out({ mode: 'listen', ...summary(lat), maxBySecond });
  process.exit(0);
}

async function write(rate, seconds, window) {
  const db = client();
  await set(ref(db, 'warmup'), true);
  const ackLat = [];
  let issued = 0;
  let acked = 0;
  let inflight = 0;
  const t0 = now();
  const end = t0 + seconds * 1000;
  const one = () => {
    const i = issued++;
    inflight++;
    const t = now();
    set(ref(db, `bench/k${i % 100}`), { i, t }).then(() => {
      acked++;
      inflight--;
      ackLat.push(now() - t);
    });
  };
  while (now() < end) {
    const due = rate > 0 ? Math.min(((now() - t0) / 1000) * rate, issued + window) : Infinity;
    while (issued < due && inflight < window && now() < end) one();
    await sleep(rate > 0 ? 2 : 0);
  }
  const elapsed = (now() - t0) / 1000;
  const ackedInTime = acked;
  const drain = now() + 5000;
  while (inflight > 0 && now() < drain) await sleep(5);
  out({ mode: 'write', issued, acked: ackedInTime, perSec: ackedInTime / elapsed,
        ack: summary(ackLat) });
  process.exit(0);
}

if (mode === 'conns') await conns(args[0], args[1]);
else if (mode === 'listen') await listen(args[0]);
else if (mode === 'write') await write(args[0], args[1], args[2]);
else throw new Error(`unknown mode ${mode}`);
