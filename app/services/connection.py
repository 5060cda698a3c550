"""The database connection as users understand it: online, reconnecting, or offline.

The source is the SDK's own `.info/connected` (true while its WebSocket to the database is
up and authenticated or anonymous), plus the browser's `navigator.onLine` and its
online/offline events. The states, for the footer's indicator (app/ui/status.py):

- "connecting": the page has not been connected yet (its first seconds);
- "online": connected;
- "reconnecting": it was connected and the connection dropped; the SDK is retrying and
  keeps writes queued meanwhile;
- "offline": the browser says it is offline, or the connection stayed down for
  OFFLINE_AFTER_MS (never connected, or reconnecting that long).

`Tracker` is the state machine alone (no browser imports, so host tests can drive it);
`watch()` wires it to the SDK and the browser.
"""

OFFLINE_AFTER_MS = 8_000
CONNECTED_PATH = ".info/connected"  # the SDK's own node, not a data path (no rules apply)
_keep = []  # the proxies the SDK and the window call back into, for the page's life


class Tracker:
    """Turns connection facts into one state; on_state(state) runs on every change."""

    def __init__(self, on_state, browser_online=True):
        self.on_state = on_state
        self.connected = False
        self.was_connected = False
        self.browser_online = browser_online
        self.timed_out = False  # down for OFFLINE_AFTER_MS since the last fact
        self.state = None
        self._emit()

    def wants_timer(self):
        """Whether the caller should (re)start the OFFLINE_AFTER_MS timer now."""
        return not self.connected and self.browser_online and not self.timed_out

    def set_connected(self, connected):
        if connected:
            self.was_connected = True
        self.connected = connected
        self.timed_out = False
        self._emit()

    def set_browser_online(self, online):
        self.browser_online = online
        self.timed_out = False
        self._emit()

    def timer_expired(self):
        if not self.connected:
            self.timed_out = True
            self._emit()

    def _compute(self):
        if not self.browser_online:  # said at once, before the SDK notices its socket is gone
            return "offline"
        if self.connected:
            return "online"
        if self.timed_out:
            return "offline"
        return "reconnecting" if self.was_connected else "connecting"

    def _emit(self):
        state = self._compute()
        if state != self.state:
            self.state = state
            self.on_state(state)


def watch(on_state):
    """on_state("connecting" | "online" | "reconnecting" | "offline") now and on each change."""
    from pyscript import document
    from pyscript.ffi import create_proxy
    from pyscript.js_modules import firebase_database as fdb

    from app.services import firebase

    win = document.defaultView  # window events: under PyScript, `window` is the js module
    tracker = Tracker(on_state, bool(win.navigator.onLine))
    timer = {"id": None, "proxy": None}

    def expired(*args):
        timer["id"] = None
        tracker.timer_expired()

    timer["proxy"] = create_proxy(expired)

    def rearm():
        if timer["id"] is not None:
            win.clearTimeout(timer["id"])
            timer["id"] = None
        if tracker.wants_timer():
            timer["id"] = win.setTimeout(timer["proxy"], OFFLINE_AFTER_MS)

    def connected(*args):
        tracker.set_connected(bool(args[0].val()))
        rearm()

    def browser(online):
        tracker.set_browser_online(online)
        rearm()

    on_connected = create_proxy(connected)
    on_online = create_proxy(lambda *a: browser(True))
    on_offline = create_proxy(lambda *a: browser(False))
    _keep.extend((timer["proxy"], on_connected, on_online, on_offline))
    fdb.onValue(fdb.ref(firebase.database(), CONNECTED_PATH), on_connected)
    win.addEventListener("online", on_online)
    win.addEventListener("offline", on_offline)
    rearm()
    return tracker
