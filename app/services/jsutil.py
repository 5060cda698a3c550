"""Small bridges between JS values and Python values, safe in MicroPython and Pyodide."""

import json

from pyscript import window


def is_nullish(value):
    """True for None and for JS null/undefined (which some interpreters keep as proxies)."""
    if value is None:
        return True
    try:
        return bool(window.Object.is_(value, None))
    except Exception:  # noqa: BLE001 - a proxy without is_ just is not null
        pass
    text = str(value)
    return text in ("null", "undefined", "<JsNull>", "jsnull")


def to_py(value):
    """Deep-convert a JS value (e.g. snapshot.val()) by round-tripping through JSON."""
    if is_nullish(value):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.loads(window.JSON.stringify(value))
