"""Display names: what the rules accept, checked before anything is sent.

Plain Python (no browser imports), so tests compare it with rules/nimbus_rules.py, which
holds the same table: letters, digits, punctuation and the plain space; no control,
format, bidi or zero-width characters, no other spaces. The length limit is
app/model/limits.py's NAME_MAX.
"""

from app.model import limits

RANGES = (
    (0x20, 0x7E),
    (0xA1, 0xAC),
    (0xAE, 0x2FF),
    (0x300, 0x36F),
    (0x370, 0x52F),
    (0x531, 0x58A),
    (0x5D0, 0x5F4),
    (0x606, 0x61B),
    (0x61D, 0x6DC),
    (0x6DE, 0x6FF),
    (0x900, 0xDFF),
    (0xE01, 0xE5B),
    (0x10A0, 0x10FF),
    (0x1E00, 0x1FFF),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x3001, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
)
KEY_ESCAPES = (
    ("%", "%25"),
    (".", "%2E"),
    ("#", "%23"),
    ("$", "%24"),
    ("[", "%5B"),
    ("]", "%5D"),
    ("/", "%2F"),
)
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


def key(lowered):
    """The displayNames key of a name already lower-cased (the rules' toLowerCase())."""
    for char, escaped in KEY_ESCAPES:
        lowered = lowered.replace(char, escaped)
    return lowered
