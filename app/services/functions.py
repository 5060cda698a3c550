"""Cloud Functions service: callables (https_fn.on_call) through the Functions JS SDK.

Only what a browser must not do runs as a function (payments, search indexing,
notifications); everything else is a rules-checked database write. A callable's refusal
reaches the UI as a sentence: our functions raise HttpsError with words meant for the
user, and transport failures get words here.
"""

from pyscript.ffi import create_proxy, to_js
from pyscript.js_modules import firebase_functions as ffn

from app.services import firebase
from app.services.jsutil import is_nullish, to_py

REGION = "us-central1"  # where functions/ deploys (tests/cloudfunctions/test_deploy_manifest.py)

# Codes a function raises on purpose (HttpsError): its message is written for the user.
_OWN_WORDS = (
    "invalid-argument",
    "failed-precondition",
    "out-of-range",
    "permission-denied",
    "not-found",
    "already-exists",
    "unauthenticated",
    "resource-exhausted",
    "aborted",
)
UNREACHABLE = "the service could not be reached; check your connection and try again."
FAILED = "something went wrong on our side; please try again."
SIGN_IN = "please sign in first."

_state = {"pending": []}


def _functions():
    if "functions" not in _state:
        instance = ffn.getFunctions(firebase.app(), REGION)
        emulator = firebase.emulators().get("functions")
        if emulator:
            ffn.connectFunctionsEmulator(instance, emulator["host"], emulator["port"])
        _state["functions"] = instance
    return _state["functions"]


def _without_status(message):
    """The SDK appends the HTTP status ("Sign in first. [401]"); users need only the words."""
    cut = message.rfind(" [")
    if cut > 0 and message.endswith("]") and message[cut + 2 : -1].isdigit():
        return message[:cut]
    return message


def error_message(err):
    """A sentence for the UI from the SDK's FunctionsError (code "functions/<code>")."""
    if is_nullish(err):
        return FAILED
    code = str(getattr(err, "code", "") or "").replace("functions/", "")
    message = _without_status(str(getattr(err, "message", "") or "").strip())
    if code in _OWN_WORDS and message and message.lower() != code.replace("-", " "):
        return message
    if code == "unauthenticated":
        return SIGN_IN
    if code in ("unavailable", "deadline-exceeded"):
        return UNREACHABLE
    return FAILED


def call(name, data, on_result, on_error=None):
    """Run callable `name` with `data`; on_result(value) or on_error(sentence)."""
    keep = []

    def done(*args):
        keep.clear()
        on_result(to_py(args[0].data) if args else None)

    def failed(*args):
        keep.clear()
        if on_error is not None:
            on_error(error_message(args[0] if args else None))

    keep.append(create_proxy(done))
    keep.append(create_proxy(failed))
    _state["pending"] = [k for k in _state["pending"] if k]
    _state["pending"].append(keep)  # proxies live until the call settles
    callable_fn = ffn.httpsCallable(_functions(), name)
    callable_fn(to_js(data)).then(keep[0], keep[1])
