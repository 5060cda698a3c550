// JSON-lines driver for the Firebase JS SDK, used by tools/testing/jsclient.py.
//
// stdin: one command per line  {"id": n, "cmd": "...", ...args}
// stdout: one reply per command {"id": n, "ok": true, "result": ...}
//                            or {"id": n, "ok": false, "code": "...", "message": "..."}
//         and events            {"ev": {"seq": n, "client": c, "listener": l, "type": ...}}
// Every SDK app instance is one client with its own connection; a driver can hold many.
import net from 'node:net';
import { createInterface } from 'node:readline';
import wsDriver from 'websocket-driver';
import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectDatabaseEmulator, endAt, endBefore, equalTo, get, getDatabase, goOffline, goOnline,
  limitToFirst, limitToLast, off, onChildAdded, onChildChanged, onChildMoved, onChildRemoved,
  onDisconnect, onValue, orderByChild, orderByKey, orderByPriority, orderByValue, push, query,
  ref, remove, runTransaction, serverTimestamp, increment, set, setPriority, setWithPriority,
  startAfter, startAt, update,
} from 'firebase/database';

const clients = new Map();   // id -> {app, db}
const listeners = new Map(); // id -> unsubscribe
let nextClient = 1;
let nextListener = 1;
let seq = 0;

// Remember each WebSocket's TCP socket with its URL (which names the client's appId), so a
// test can drop one client's connection abruptly. faye-websocket builds its protocol
// driver from the URL, then opens the socket, both inside its constructor.
const sockets = [];
let pendingUrl = null;
const driverClient = wsDriver.client;
wsDriver.client = function (url, ...rest) {
  pendingUrl = url;
  return driverClient.call(this, url, ...rest);
};
const netConnect = net.connect;
net.connect = function (...args) {
  const sock = netConnect.apply(this, args);
  if (pendingUrl) sockets.push({ url: pendingUrl, sock });
  pendingUrl = null;
  return sock;
};

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const CONSTRAINTS = {
  orderByChild, orderByKey, orderByPriority, orderByValue, startAt, startAfter, endAt,
  endBefore, equalTo, limitToFirst, limitToLast,
};

// Placeholders the Python side can put inside values: {"$sv": "timestamp"} etc.
function decodeValue(v) {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    if ('$sv' in v) return v.$sv === 'timestamp' ? serverTimestamp() : increment(v.$sv.increment);
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = decodeValue(x);
    return o;
  }
  return v;
}

function client(c) {
  const entry = clients.get(c.client);
  if (!entry) throw Object.assign(new Error(`no client ${c.client}`), { code: 'driver/no-client' });
  return entry;
}

function target(c) {
  const { db } = client(c);
  let r = ref(db, c.path ?? '/');
  if (c.query && c.query.length) {
    r = query(r, ...c.query.map(([name, ...args]) => {
      const fn = CONSTRAINTS[name];
      if (!fn) throw Object.assign(new Error(`unknown constraint ${name}`), { code: 'driver/bad' });
      return fn(...args);
    }));
  }
  return r;
}

function snapInfo(snap) {
  const keys = [];
  snap.forEach((ch) => { keys.push(ch.key); });
  return { key: snap.key, val: snap.val(), exportVal: snap.exportVal(), priority: snap.priority, keys };
}

// Transaction update functions, chosen by name (functions cannot cross the pipe).
const RECIPES = {
  increment: (arg) => (v) => (typeof v === 'number' ? v : 0) + arg,
  set: (arg) => () => arg,
  abort: () => () => undefined,
  createIfAbsent: (arg) => (v) => (v === null ? arg : undefined),
  appendKey: (arg) => (v) => ({ ...(v || {}), [arg]: true }),
};

const COMMANDS = {
  async connect(c) {
    const id = nextClient++;
    const app = initializeApp(
      { projectId: c.projectId || 'demo-nimbus', apiKey: 'fake', appId: `1:123:web:c${id}`,
        databaseURL: c.databaseURL || `https://${c.ns}.firebaseio.com` },
      `client-${id}-${Date.now()}`,
    );
    const db = getDatabase(app);
    const opts = c.token !== undefined && c.token !== null ? { mockUserToken: c.token } : {};
    if (!c.databaseURL) connectDatabaseEmulator(db, c.host, c.port, opts);
    clients.set(id, { app, db, appId: `1:123:web:c${id}` });
    return id;
  },
  async set(c) { await set(target(c), decodeValue(c.value)); return null; },
  async update(c) { await update(target(c), decodeValue(c.value)); return null; },
  async remove(c) { await remove(target(c)); return null; },
  async push(c) {
    const r = push(target(c), decodeValue(c.value));
    await r;
    return r.key;
  },
  async get(c) { return snapInfo(await get(target(c))); },
  async setWithPriority(c) {
    await setWithPriority(target(c), decodeValue(c.value), c.priority); return null;
  },
  async setPriority(c) { await setPriority(target(c), c.priority); return null; },
  async transaction(c) {
    const fn = RECIPES[c.recipe](c.arg);
    const res = await runTransaction(target(c), fn, { applyLocally: c.applyLocally ?? true });
    return { committed: res.committed, val: res.snapshot.val() };
  },
  async on(c) {
    const r = target(c);
    const lid = nextListener++;
    const emit = (type) => (snap, prevKey) => {
      out({ ev: { seq: seq++, client: c.client, listener: lid, type, prevKey: prevKey ?? null,
                  ...snapInfo(snap) } });
    };
    const cancel = (err) => {
      out({ ev: { seq: seq++, client: c.client, listener: lid, type: 'cancel',
                  code: err.code ?? null, message: err.message } });
    };
    const kinds = {
      value: onValue, child_added: onChildAdded, child_changed: onChildChanged,
      child_moved: onChildMoved, child_removed: onChildRemoved,
    };
    const fn = kinds[c.kind];
    if (!fn) throw Object.assign(new Error(`unknown event ${c.kind}`), { code: 'driver/bad' });
    listeners.set(lid, fn(r, emit(c.kind), cancel));
    return lid;
  },
  async off(c) {
    const unsub = listeners.get(c.listener);
    if (unsub) { unsub(); listeners.delete(c.listener); }
    return null;
  },
  async offAll(c) { off(target(c)); return null; },
  async onDisconnect(c) {
    const od = onDisconnect(target(c));
    if (c.op === 'set') await od.set(decodeValue(c.value));
    else if (c.op === 'update') await od.update(decodeValue(c.value));
    else if (c.op === 'remove') await od.remove();
    else if (c.op === 'cancel') await od.cancel();
    else if (c.op === 'setWithPriority') await od.setWithPriority(decodeValue(c.value), c.priority);
    return null;
  },
  async goOffline(c) { goOffline(client(c).db); return null; },
  async goOnline(c) { goOnline(client(c).db); return null; },
  // Drop the client's TCP socket without a close handshake (an abrupt disconnect).
  async destroySocket(c) {
    const { appId } = client(c);
    const live = sockets.filter((s) => s.url.includes(`p=${appId}&`) && !s.sock.destroyed);
    if (!live.length) throw Object.assign(new Error('not connected'), { code: 'driver/offline' });
    for (const s of live) s.sock.destroy();
    return live.length;
  },
  async close(c) {
    const { app } = client(c);
    clients.delete(c.client);
    await deleteApp(app);
    return null;
  },
  async ping() { return 'pong'; },
};

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let c;
  try { c = JSON.parse(line); } catch (e) { out({ id: null, ok: false, code: 'driver/json', message: e.message }); return; }
  const handler = COMMANDS[c.cmd];
  if (!handler) { out({ id: c.id, ok: false, code: 'driver/unknown', message: `unknown command ${c.cmd}` }); return; }
  Promise.resolve().then(() => handler(c)).then(
    (result) => out({ id: c.id, ok: true, result: result ?? null }),
    (err) => out({ id: c.id, ok: false, code: err?.code ?? null, message: String(err?.message ?? err) }),
  );
});
rl.on('close', () => process.exit(0));
process.on('unhandledRejection', (err) => {
  out({ ev: { seq: seq++, type: 'unhandled', message: String(err?.message ?? err) } });
});
