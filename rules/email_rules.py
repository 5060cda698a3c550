"""Rules for ``emailSettings/$uid`` and ``emailStatus/$uid`` (issue 14).

``emailSettings/$uid/$kind`` is the user's choice of when to be mailed each kind of news
(app/model/email.py: ``instant``, ``digest`` or ``off``; receipts offer no digest). Only
its owner reads or writes it, one kind or the whole node at once (the settings page writes
one kind per change), and only the kinds and values the page offers: anything else, an
unknown kind, a number, a nested value, is refused, so the functions never meet a value
they would have to guess about. Deleting a kind (or the node) is allowed: it means the
default again.

``emailStatus/$uid`` says why mail to the user stopped (``suppressed: {address, reason,
at}``, the address masked). The mail functions (firebase-admin) write it when the
provider reports a bounce or a complaint and clear it when the account's address changes;
the owner reads it for the banner and the settings page; no browser writes it, so nobody
can hide their own suppression or fake another's.

The addresses themselves and everything else about mail (what was sent, the rate window,
the suppression list, the digest cursor) live under ``mail/``, which no rule opens.
"""

from __future__ import annotations

from typing import Any

from app.model import email

# nimbus_rules.rules() imports this module, so nothing is imported back from it (that would
# be an import cycle, tests/toolchain/test_import_cycles.py): the owner check is spelt here.
OWNER = "auth != null && auth.uid === $uid"


def _one_of(values: tuple[str, ...]) -> str:
    return "newData.isString() && (" + " || ".join(f"newData.val() === '{v}'" for v in values) + ")"


def settings() -> dict[str, Any]:
    """One wildcard child whose value must be one its kind offers (a wildcard, not one child
    per kind, so that paths.email_setting(uid, kind) is a path the rules know)."""
    offered = " || ".join(
        f"($kind === '{kind}' && {_one_of(email.OFFERED[kind])})" for kind in email.KINDS
    )
    # A choice is always under a kind: the whole node set to a bare "instant" or 5 is refused
    # (a delete is not validated, so clearing the node or its last kind still works).
    return {
        ".read": OWNER,
        ".write": OWNER,
        ".validate": "newData.hasChildren()",
        "$kind": {".validate": offered},
    }


def tree() -> dict[str, Any]:
    """The two top-level subtrees, keyed by their first path segment."""
    return {
        "emailSettings": {"$uid": settings()},
        "emailStatus": {"$uid": {".read": OWNER}},
    }
