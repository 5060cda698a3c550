"""Realtime Database service: subscriptions that deliver plain Python values, and writes.

Writes report back through on_done() / on_error(err), err an errors.ServiceError (its kind
from the SDK's code, its message the UI's sentence); a denied write never loses anything
on the caller's side because callers keep their drafts until on_done.
"""

from pyscript.ffi import create_proxy, to_js
from pyscript.js_modules import firebase_database as fdb

from app.services import errors, firebase
from app.services.jsutil import is_nullish, to_py

_state = {}

# The SDK's serverTimestamp() and increment(n) are exactly these plain objects.
SERVER_TIME = {".sv": "timestamp"}


def increment(delta):
    return {".sv": {"increment": delta}}


def _db():
    return firebase.database()


def connect():
    """The connection opened in prefetch.js, before the interpreter was up; nothing to do."""
    _db()


def _query(path, order_by_child=None, equal_to=None, limit_to_last=None, start_at=None):
    """A ref or query; limit_to_last keeps only the last n children (in the order asked);
    start_at alone orders by key and keeps the children from that key on."""
    ref = fdb.ref(_db(), path)
    if start_at is not None and not order_by_child:
        return fdb.query(ref, fdb.orderByKey(), fdb.startAt(start_at))
    if order_by_child:
        constraints = [fdb.orderByChild(order_by_child)]
        if equal_to is not None:
            constraints.append(fdb.equalTo(equal_to))
        if limit_to_last:
            constraints.append(fdb.limitToLast(limit_to_last))
        return fdb.query(ref, *constraints)
    if limit_to_last:
        return fdb.query(ref, fdb.limitToLast(limit_to_last))
    return ref


def error(err, reading=False):
    """The ServiceError for a JS Error from the SDK (or anything else it rejects with)."""
    if is_nullish(err):
        return errors.ServiceError(errors.FAILED, "unknown error")
    code = getattr(err, "code", None)
    message = getattr(err, "message", None)
    return errors.from_database(str(code or ""), str(message or err), reading)


def _error_proxy(on_error, keep):
    def failed(*args):
        if on_error is not None:
            on_error(error(args[0] if args else None, reading=True))

    proxy = create_proxy(failed)
    keep.append(proxy)
    return proxy


class Subscription:
    """Holds the JS unsubscribe functions and the proxies they call back into."""

    def __init__(self):
        self.unsubscribers = []
        self.proxies = []

    def cancel(self):
        for unsubscribe in self.unsubscribers:
            unsubscribe()
        self.unsubscribers = []
        self.proxies = []


def watch_value(path, on_value, on_error=None):
    """on_value(value) with the value at path now and on every change."""
    sub = Subscription()

    def changed(*args):  # onValue passes (snapshot, ...)
        on_value(to_py(args[0].val()))

    proxy = create_proxy(changed)
    sub.proxies.append(proxy)
    err = _error_proxy(on_error, sub.proxies)
    sub.unsubscribers.append(fdb.onValue(_query(path), proxy, err))
    return sub


def watch_children(
    path,
    added,
    changed,
    removed,
    order_by_child=None,
    on_error=None,
    equal_to=None,
    loaded=None,
    limit_to_last=None,
    start_at=None,
):
    """Child events under path: added(key, value, prev_key), changed(key, value), removed(key).

    loaded() runs once, after the initial children have been added (even when there are none).
    With limit_to_last, a child pushed out of the window arrives as removed(key).
    """
    sub = Subscription()
    query = _query(path, order_by_child, equal_to, limit_to_last, start_at)
    err = _error_proxy(on_error, sub.proxies)

    def on_added(*args):
        snap = args[0]
        prev = args[1] if len(args) > 1 and not is_nullish(args[1]) else None
        added(snap.key, to_py(snap.val()), prev)

    def on_changed(*args):
        snap = args[0]
        changed(snap.key, to_py(snap.val()))

    def on_removed(*args):
        removed(args[0].key)

    for listen, handler in (
        (fdb.onChildAdded, on_added),
        (fdb.onChildChanged, on_changed),
        (fdb.onChildRemoved, on_removed),
    ):
        proxy = create_proxy(handler)
        sub.proxies.append(proxy)
        sub.unsubscribers.append(listen(query, proxy, err))
    if loaded is not None:
        proxy = create_proxy(lambda *a: loaded())
        sub.proxies.append(proxy)
        sub.unsubscribers.append(fdb.onValue(query, proxy, err, to_js({"onlyOnce": True})))
    firebase.release_prefetch(path)  # ours is registered: the warm-up listener may go
    return sub


def new_key(path):
    """A fresh chronological push id under path (generated locally, no round trip)."""
    return fdb.push(fdb.ref(_db(), path)).key


def _settle(promise, on_done, on_error):
    keep = []

    def ok(*args):
        keep.clear()
        if on_done is not None:
            on_done()

    def failed(*args):
        keep.clear()
        if on_error is not None:
            on_error(error(args[0] if args else None))

    keep.append(create_proxy(ok))
    keep.append(create_proxy(failed))
    _state.setdefault("pending", []).append(keep)  # proxies live until settled
    promise.then(keep[0], keep[1])
    if len(_state["pending"]) > 200:
        _state["pending"] = [k for k in _state["pending"] if k]


def update(values, on_done=None, on_error=None):
    """One atomic multi-path update at the root: {"a/b": value or None, ...}."""
    _settle(fdb.update(fdb.ref(_db()), to_js(values)), on_done, on_error)


def set_value(path, value, on_done=None, on_error=None):
    _settle(fdb.set(fdb.ref(_db(), path), to_js(value)), on_done, on_error)


def read_once(path, on_value, on_error=None):
    """on_value(value) once (from the server, or the local cache if already listening)."""
    keep = []

    def got(*args):
        keep.clear()
        on_value(to_py(args[0].val()))

    def failed(*args):
        keep.clear()
        if on_error is not None:
            on_error(error(args[0] if args else None))

    keep.append(create_proxy(got))
    keep.append(create_proxy(failed))
    _state.setdefault("pending", []).append(keep)
    fdb.get(fdb.ref(_db(), path)).then(keep[0], keep[1])
