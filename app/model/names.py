"""Display names: which characters a name may use, and its displayNames key.

The rules (rules/nimbus_rules.py builds its name check from these tables) and the app's
check before sending (app/services/names.py) read them, so both refuse the same names:
letters, digits, punctuation and the plain space. Everything else (controls, format, bidi
and zero-width characters, other spaces, private use, unassigned planes) is refused. The
length limit is limits.NAME_MAX.
"""

# Code point ranges a name may use, inclusive.
RANGES = (
    (0x20, 0x7E),  # printable ASCII
    (0xA1, 0xAC),  # Latin-1 punctuation (not NBSP U+00A0, not soft hyphen U+00AD)
    (0xAE, 0x2FF),  # Latin-1 letters, Latin Extended-A/B, IPA, spacing modifiers
    (0x300, 0x36F),  # combining diacritical marks
    (0x370, 0x52F),  # Greek, Cyrillic
    (0x531, 0x58A),  # Armenian
    (0x5D0, 0x5F4),  # Hebrew letters
    (0x606, 0x61B),  # Arabic punctuation (not the format characters U+0600-0605, U+061C)
    (0x61D, 0x6DC),  # Arabic letters
    (0x6DE, 0x6FF),
    (0x900, 0xDFF),  # Indic scripts
    (0xE01, 0xE5B),  # Thai
    (0x10A0, 0x10FF),  # Georgian
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0x2010, 0x2027),  # dashes, quotes, ellipsis (not U+2028-202E: separators, bidi)
    (0x2030, 0x205E),  # per mille, primes (not U+205F-206F: spaces, invisible operators)
    (0x3001, 0x30FF),  # CJK punctuation, Hiragana, Katakana (not the ideographic space)
    (0x3400, 0x4DBF),  # CJK
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),  # Hangul syllables
)
# A name's key in displayNames/<key>: lower-cased, then these characters (which a
# database key cannot hold, and "%" itself) escaped, in this order.
KEY_ESCAPES = (
    ("%", "%25"),
    (".", "%2E"),
    ("#", "%23"),
    ("$", "%24"),
    ("[", "%5B"),
    ("]", "%5D"),
    ("/", "%2F"),
)


def key(lowered: str) -> str:
    """The displayNames key of a name already lower-cased (the rules' toLowerCase())."""
    for char, escaped in KEY_ESCAPES:
        lowered = lowered.replace(char, escaped)
    return lowered
