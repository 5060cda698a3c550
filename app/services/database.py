"""Realtime Database service: subscriptions that deliver plain Python values."""

from pyscript.ffi import create_proxy
from pyscript.js_modules import firebase_database as fdb

from app.services import firebase
from app.services.jsutil import is_nullish, to_py

_state = {}


def _db():
    if "db" not in _state:
        db = fdb.getDatabase(firebase.app())
        emulator = firebase.emulators().get("database")
        if emulator:
            fdb.connectDatabaseEmulator(db, emulator["host"], emulator["port"])
        _state["db"] = db
    return _state["db"]


def _query(path, order_by_child=None):
    ref = fdb.ref(_db(), path)
    if order_by_child:
        return fdb.query(ref, fdb.orderByChild(order_by_child))
    return ref


def _error_proxy(on_error, keep):
    def failed(*args):
        if on_error is not None:
            err = args[0] if args else None
            on_error(str(getattr(err, "code", err)) if not is_nullish(err) else "error")

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


def watch_children(path, added, changed, removed, order_by_child=None, on_error=None):
    """Child events under path: added(key, value, prev_key), changed(key, value), removed(key)."""
    sub = Subscription()
    query = _query(path, order_by_child)
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
    return sub
