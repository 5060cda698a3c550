"""Cloud Functions service: callables (https_fn.on_call) through the Functions JS SDK.

Only what a browser must not do runs as a function (payments, search indexing,
notifications); everything else is a rules-checked database write. A callable's refusal
reaches the UI as a sentence: our functions raise HttpsError with words meant for the
user, and transport failures get words (app/services/errors.py, with the refusal's kind).
"""

from pyscript.ffi import create_proxy, to_js
from pyscript.js_modules import firebase_functions as ffn

from app.services import errors, firebase
from app.services.jsutil import is_nullish, to_py

REGION = "us-central1"  # where functions/ deploys (tests/cloudfunctions/test_deploy_manifest.py)

FAILED = errors.FUNCTION_FAILED

_state = {"pending": []}


def _functions():
    if "functions" not in _state:
        instance = ffn.getFunctions(firebase.app(), REGION)
        emulator = firebase.emulators().get("functions")
        if emulator:
            ffn.connectFunctionsEmulator(instance, emulator["host"], emulator["port"])
        _state["functions"] = instance
    return _state["functions"]


def error(err):
    """The ServiceError for the SDK's FunctionsError (code "functions/<code>")."""
    if is_nullish(err):
        return errors.ServiceError(errors.FAILED, FAILED)
    code = str(getattr(err, "code", "") or "")
    return errors.from_functions(code, str(getattr(err, "message", "") or ""))


def call(name, data, on_result, on_error=None):
    """Run callable `name` with `data`; on_result(value) or on_error(ServiceError)."""
    keep = []

    def done(*args):
        keep.clear()
        on_result(to_py(args[0].data) if args else None)

    def failed(*args):
        keep.clear()
        if on_error is not None:
            on_error(error(args[0] if args else None))

    keep.append(create_proxy(done))
    keep.append(create_proxy(failed))
    _state["pending"] = [k for k in _state["pending"] if k]
    _state["pending"].append(keep)  # proxies live until the call settles
    callable_fn = ffn.httpsCallable(_functions(), name)
    callable_fn(to_js(data)).then(keep[0], keep[1])
