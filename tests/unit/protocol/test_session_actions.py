"""``Session.ACTIONS`` is the set of actions the pinned JS SDK's ``PersistentConnection``
sends, read from its bundle (``node_modules/@firebase/database/dist/index.esm.js``): an
SDK upgrade that adds an action fails here instead of as ``invalid_action`` in a browser."""

from __future__ import annotations

import re

from rtdb.protocol.session import Session
from tools.project import ROOT

SDK = ROOT / "node_modules" / "@firebase" / "database" / "dist" / "index.esm.js"
# How the bundle names each action it sends: sendRequest('x', ...) (with an optional
# /*comment*/), const action = 'x' (sendListen_, sendUnlisten_), putInternal('x', ...)
# (put, merge), sendOnDisconnect_('x', ...) and tryAuth's isValidFormat(token) ? 'auth' : 'gauth'.
SENT = re.compile(
    r"sendRequest\((?:/\*\w*\*/ ?)?'(\w+)'"
    r"|const action = '(\w+)'"
    r"|putInternal\('(\w+)'"
    r"|sendOnDisconnect_\('(\w+)'"
    r"|isValidFormat\(token\) \? '(\w+)' : '(\w+)'"
)
TEST_ONLY = {"echo"}  # PersistentConnection.prototype.echo: the SDK's own test hook
LEGACY = {"l"}  # the listen of older SDKs (rtdb-notes 1.5)


def _sent_by_the_sdk() -> set[str]:
    source = SDK.read_text(encoding="utf-8")
    start = source.index("class PersistentConnection extends ServerActions")
    end = source.index("const hijackHash", start)  # the prototype additions end the class
    return {name for match in SENT.finditer(source[start:end]) for name in match.groups() if name}


def test_every_action_the_sdk_sends_has_a_handler_and_no_other() -> None:
    sent = _sent_by_the_sdk()
    assert {
        "q",
        "n",
        "g",
        "p",
        "m",
        "o",
        "om",
        "oc",
        "auth",
        "gauth",
        "s",
    } <= sent  # the scan works
    assert set(Session.ACTIONS) == (sent - TEST_ONLY) | LEGACY


def test_aliases_share_one_handler() -> None:
    a = Session.ACTIONS
    assert a["l"] is a["q"] and a["gauth"] is a["auth"] and a["unappeck"] is a["appcheck"]
