"""Display names: what the rules accept, checked before anything is sent.

Plain Python (no browser imports), so tests compare it with what rules/nimbus_rules.py
accepts. Both build on app/model/names.py's tables (letters, digits, punctuation and the
plain space; no control, format, bidi or zero-width characters, no other spaces) and
app/model/limits.py's NAME_MAX.
"""

from app.model import limits
from app.model.names import KEY_ESCAPES, RANGES, key

__all__ = ["KEY_ESCAPES", "RANGES", "TAKEN", "clean", "key", "problem"]

TAKEN = "That name is taken: choose another display name."


def clean(name):
    """The name as it is stored: ASCII whitespace runs become one space, ends trimmed."""
    return " ".join(name.split())


def _allowed(char):
    code = ord(char)
    for low, high in RANGES:
        if low <= code <= high:
            return True
    return False


def problem(name):
    """Why the rules would refuse this (cleaned) name, as a sentence; None if they won't."""
    if not name or len(name) > limits.NAME_MAX:
        return "Choose a display name of 1 to " + str(limits.NAME_MAX) + " characters."
    for char in name:
        if not _allowed(char):
            return (
                "A display name can use letters, digits, punctuation and plain spaces only "
                "(no invisible or control characters)."
            )
    if name.startswith(" ") or name.endswith(" ") or "  " in name:
        return "A display name cannot start or end with a space, or have two in a row."
    return None
