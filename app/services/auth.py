"""Authentication service (Firebase Auth; the Auth emulator when the build targets local)."""

from pyscript.ffi import create_proxy, to_js
from pyscript.js_modules import firebase_auth as fa

from app.services import firebase
from app.services.jsutil import is_nullish

_state = {}


def _auth():
    if "auth" not in _state:
        # getAuth: IndexedDB persistence, so a sign-in survives page navigation. (initializeAuth
        # needs persistence classes, which do not survive the MicroPython->JS round trip.)
        auth = fa.getAuth(firebase.app())
        emulator = firebase.emulators().get("auth")
        if emulator:
            fa.connectAuthEmulator(auth, emulator, to_js({"disableWarnings": True}))
        _state["auth"] = auth
    return _state["auth"]


def _user_info(user):
    if is_nullish(user):
        return None
    email = user.email
    name = user.displayName
    if is_nullish(name) or not name:
        name = email
    return {"uid": user.uid, "email": email, "name": name}


def on_user(callback):
    """Call callback(user_info or None) now and on every sign-in/out."""

    def changed(*args):  # the SDK may pass more than one argument
        callback(_user_info(args[0] if args else None))

    proxy = create_proxy(changed)
    _state.setdefault("proxies", []).append(proxy)
    return fa.onAuthStateChanged(_auth(), proxy)


def sign_in(email, password, on_error):
    """Email/password sign-in; on_error(code) on failure, on_user callbacks on success."""

    def failed(*args):
        err = args[0] if args else None
        code = getattr(err, "code", None) if not is_nullish(err) else None
        on_error(str(code or err))

    proxy = create_proxy(failed)
    _state.setdefault("proxies", []).append(proxy)
    fa.signInWithEmailAndPassword(_auth(), email, password).catch(proxy)


def sign_out():
    fa.signOut(_auth())
