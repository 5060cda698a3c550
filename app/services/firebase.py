"""Firebase app + the web config the build baked into the page (#nimbus-config)."""

import json

from pyscript import document
from pyscript.ffi import to_js
from pyscript.js_modules import firebase_app

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
    """The one FirebaseApp, created on first use."""
    if "app" not in _state:
        _state["app"] = firebase_app.initializeApp(to_js(config()["firebase"]))
    return _state["app"]
