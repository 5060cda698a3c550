"""Firebase app + the web config the build baked into the page (#nimbus-config).

The FirebaseApp, Auth and Database instances are created by this layer's JS half,
app/services/prefetch.js, which starts them while the interpreter is still loading (and
points them at the emulators for a local build); auth.py and database.py take them from here.
"""

import json

from pyscript import document
from pyscript.js_modules import nimbus_prefetch

_state = {}


def config():
    """The build's web config: {"firebase": {...}, "emulators": {...} or None}."""
    if "config" not in _state:
        text = document.getElementById("nimbus-config").textContent
        _state["config"] = json.loads(text)
    return _state["config"]


def emulators():
    return config().get("emulators") or {}


def app():
    """The one FirebaseApp."""
    return nimbus_prefetch.app


def auth():
    """The app's Auth instance (restoring a persisted sign-in since prefetch.js ran)."""
    return nimbus_prefetch.auth


def database():
    """The app's Database instance (connection open since prefetch.js ran)."""
    return nimbus_prefetch.db


def release_prefetch(path):
    """A listener of ours now covers path: prefetch.js may drop its warm-up listener."""
    nimbus_prefetch.release(path)
