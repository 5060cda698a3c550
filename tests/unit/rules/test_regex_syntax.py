"""Every construct of Firebase's documented rules regex syntax, both ways.

Source: firebase.google.com/docs/database/security/regex (and reference/security/database/
regex): ``* + . ( ) [ ] { } \\`` work as normal; ``\\s \\w \\d \\S \\W \\D`` are classes;
``\\`` makes the next character literal; ``^``/``$`` only as the first/last character;
only the ``i`` flag. Each accepted construct is deployed in a real ruleset and evaluated
against strings that must and must not match (JavaScript semantics, which the docs'
examples follow); each refused one must fail at deploy time with a message naming the
problem, as Firebase refuses to save such rules.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from rules_helpers import can_set, rules

from rtdb.rules import RulesError
from rtdb.rules.regex import compile_regex


def matches(regex: str, value: str) -> bool:
    rs = rules({"v": {".write": True, ".validate": f"newData.val().matches({regex})"}})
    return can_set(rs, "v", value)


ACCEPTED = [
    # (regex, strings it matches, strings it does not)
    (r"/^\s$/", [" ", "\t", "\n", "\u00a0", "\u2028", "\ufeff"], ["a", "", "  "]),
    (r"/^\S$/", ["a", "1", "é"], [" ", "\t", ""]),
    (r"/^\w+$/", ["a_1", "Z9"], ["é", "a-b", ""]),  # ASCII word characters, as in JS
    (r"/^\W$/", ["-", "é", " "], ["a", "_", "7"]),
    (r"/^\d+$/", ["0123456789"], ["\u0663", "1a", ""]),  # ASCII digits only
    (r"/^\D$/", ["a", "\u0663"], ["5"]),
    (r"/^[\d\s]+$/", ["1 2"], ["1a"]),
    (r"/^[^\d\s]+$/", ["ab"], ["a1", "a b"]),
    (r"/^[\S\d]$/", ["a", "1"], [" "]),
    (r"/^[^\W\d]$/", ["a", "_"], ["1", "-"]),
    # escapes: the next character is literal, metacharacters included
    (r"/^\*\+\?\.$/", ["*+?."], ["aaa.", "*+?x"]),
    (r"/^\(\)\[\]\{\}$/", ["()[]{}"], ["(x)"]),
    (r"/^\\$/", ["\\"], ["\\\\", ""]),
    (r"/^\^\$$/", ["^$"], ["", "^"]),
    (r"/^a\|b$/", ["a|b"], ["a", "b"]),
    (r"/^a\/b$/", ["a/b"], ["ab"]),
    (r"/^[\/\]\\-]+$/", ["/]\\-"], ["a"]),
    (r"/^\-\,\'\"\#\%\&$/", ["-,'\"#%&"], ["-"]),
    (r"/^\é\ $/", ["é "], ["é"]),
    # anchors
    (r"/^a/", ["ab"], ["ba"]),
    (r"/a$/", ["ba"], ["ab", "a\n"]),  # $ is the very end (not before a final newline)
    (r"/a/", ["ba", "ab"], ["b"]),
    (r"/^a\$/", ["a$"], ["a"]),  # an escaped $ at the end is a character
    # quantifiers
    (r"/^a*$/", ["", "aaa"], ["b"]),
    (r"/^a+$/", ["a", "aaa"], [""]),
    (r"/^a?$/", ["", "a"], ["aa"]),
    (r"/^a{2}$/", ["aa"], ["a", "aaa"]),
    (r"/^a{2,}$/", ["aa", "aaaa"], ["a"]),
    (r"/^a{1,2}$/", ["a", "aa"], ["", "aaa"]),
    (r"/^(ab){2}$/", ["abab"], ["ab"]),
    # any character, groups, alternation
    (r"/^......../", ["Firebase"], ["Fire"]),
    (r"/^.$/", ["é", "\t", "\u0085"], ["", "ab", "\n", "\r", "\u2028", "\u2029"]),
    (r"/^(ab)*$/", ["", "abab"], ["aba"]),
    (r"/^(a|bc)$/", ["a", "bc"], ["b", "abc"]),
    (r"/a|bc/", ["ac", "bc"], ["b"]),
    (r"/^((a|b)c|d)$/", ["ac", "bc", "d"], ["c", "dc"]),
    # sets and ranges
    (r"/^[akz]$/", ["a", "k", "z"], ["b"]),
    (r"/^[ABCDEF]$/", ["C"], ["G", "c"]),
    (r"/^[0-9A-F]+$/", ["1F"], ["1g"]),
    (r"/^[^0-9]$/", ["x"], ["5"]),
    (r"/^[-a]$/", ["-", "a"], ["b"]),  # a leading or trailing - is a character
    (r"/^[a-]$/", ["-", "a"], ["b"]),
    (r"/^[.*+?(){}|$]+$/", [".*+?(){}|$"], ["a"]),  # metacharacters are plain in a set
    (r"/^[\w.-]+$/", ["a.b-c_d"], ["a b"]),
    # the i flag
    (r"/^yes$/i", ["YES", "Yes"], ["yes!"]),
    (r"/^[a-c]$/i", ["B"], ["d"]),
    # the docs' own examples
    (
        r"/^(19|20)[0-9][0-9][-\/. ](0[1-9]|1[012])[-\/. ](0[1-9]|[12][0-9]|3[01])$/",
        ["1999-12-31", "2024/02/01", "2001.01.01", "2010 10 10"],
        ["2124-01-01", "1999-13-01"],
    ),
    (
        r"/^[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,4}$/i",
        ["someone@example.com"],
        ["someone@example", "a@b.c"],
    ),
]


@pytest.mark.parametrize(("regex", "yes", "no"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted_and_evaluated_as_documented(regex: str, yes: list[str], no: list[str]):
    for s in yes:
        assert matches(regex, s), (regex, s)
    for s in no:
        assert not matches(regex, s), (regex, s)


REFUSED = [
    (r"/a^b/", "'^' is only allowed at the start"),
    (r"/(^a)/", "'^' is only allowed at the start"),
    (r"/a$b/", "'$' is only allowed at the end"),
    (r"/(^foo$|bar)/", "only allowed"),
    (r"/a$$/", "'$' is only allowed at the end"),
    (r"/a/g", "only 'i' is supported"),
    (r"/a/m", "only 'i' is supported"),
    (r"/a/ii", "only 'i' is supported"),
    (r"/^(a|)$/", "empty alternative"),
    (r"/a||b/", "empty alternative"),
    (r"/(a/", "unbalanced '('"),
    (r"/a)/", "unexpected ')'"),
    (r"/[ab/", "Unterminated regular expression"),
    (r"/[]/", "empty character set"),
    (r"/[z-a]/", "range out of order"),
    (r"/[a-\d]/", "class in a range"),
    (r"/a{3,2}/", "quantifier range out of order"),
    (r"/a{,2}/", "invalid quantifier"),
    (r"/a{x}/", "invalid quantifier"),
    (r"/a}/", "unexpected '}'"),
    (r"/a|*/", "nothing to repeat before '*'"),
    (r"/^*a/", "nothing to repeat before '*'"),
]


@pytest.mark.parametrize(("regex", "why"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_at_deploy_time_with_a_reason(regex: str, why: str):
    with pytest.raises(RulesError) as info:
        rules({"v": {".validate": f"newData.val().matches({regex})"}})
    assert why in str(info.value), str(info.value)
    assert "Invalid regular expression" in str(info.value) or "regular expression" in str(
        info.value
    )


def test_a_quantifier_character_first_in_a_pattern_or_group_is_literal():
    """Firebase's grammar (targaryen's, recorded against the live service) reads these so."""
    assert matches("/*a$/", "*a")  # a literal "*"
    assert matches("/(+)/", "+")
    assert matches("/^(?:a)$/", "?:a")  # no non-capturing groups: '?' is literal here
    assert not matches("/^(?:a)$/", "a")


# --- differential: the documented subset evaluates as JavaScript's RegExp does -------------

_ATOMS = [
    "a", "b", ".", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\.", "\\*", "\\-", "\\\\", "\\/",
    "\\$", "\\^", "\\[", "\\]", "\\(", "\\)", "\\{", "\\}", "\\|", "\\?", "\\+", ",", "-", "0",
    " ", "[ab]", "[^ab]", "[a-c]", "[\\d.]", "[^\\s]", "[\\w-]", "[-a]", "[a\\-z]", "[\\]a]",
    "[\\\\]", "[^\\W\\d]", "[\\S\\d]", "[.*+?]", "[$^]",
]  # fmt: skip
_QUANTS = ["", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}"]
_ALPHABET = "\r\u2028\u2029abcAB019 .-*\\/$^[](){}|?+,_\t\n\u00a0é\u0663"


def _pattern(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.15 and depth < 2:
            inner = _pattern(rng, depth + 1)
            if rng.random() < 0.4:
                inner += "|" + _pattern(rng, depth + 1)
            atom = f"({inner})"
        else:
            atom = rng.choice(_ATOMS)
        parts.append(atom + rng.choice(_QUANTS))
    body = "".join(parts)
    if depth:  # anchors only at the very start and end, as the syntax allows
        return body
    return ("^" if rng.random() < 0.5 else "") + body + ("$" if rng.random() < 0.5 else "")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_documented_subset_matches_like_javascript():
    rng = random.Random(9)
    patterns = [(_pattern(rng), rng.choice(["", "i"])) for _ in range(600)]
    strings = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 6))) for _ in range(60)]
    script = (
        "const [ps, ss] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(ps.map(([p, f]) => {"
        " const r = new RegExp(p, f); return ss.map((s) => r.test(s)); })));"
    )
    out = subprocess.run(
        ["node", "-e", script],
        input=json.dumps([patterns, strings]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for (pattern, flags), expected in zip(patterns, json.loads(out.stdout), strict=True):
        rx = compile_regex(pattern, flags)
        got = [rx.search(s) is not None for s in strings]
        assert got == expected, (pattern, flags)
