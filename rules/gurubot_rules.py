"""Rules for lesson transcripts and Gurubot's feedback (issue 13): ``transcripts/`` and
``gurubotFeedback/``.

- ``transcripts/$cid/$lid``: a lesson's cues ``[{start, end, text}]``, written only by a
  back end (the seed, an admin's tooling: firebase-admin, which the rules do not govern);
  the course's members read them (they are the captions members may fetch anyway), and the
  search functions index them. No browser writes them, not even an admin's.
- ``gurubotFeedback/$cid/$qid``: the asker's "this answered it" on Gurubot's answer,
  ``{uid, answerId, helpful, at}``. Only the question's asker, while a member, writes it,
  once (no edit, no delete: feedback stored for tuning cannot be rewritten), naming an
  existing answer of that question whose authorRole is ``bot``; the asker and the course's
  staff read it. The app writes it in the same update that accepts the bot's answer.
- ``gurubot/…``: the bot's own record per question (functions-only; no rule opens it).

Writing *as* the bot is refused in rules/nimbus_rules.py: no post may carry the bot's uid
(its ``uid`` rule refuses ``auth.uid`` ``gurubot``), authorRole ``bot`` is accepted from
no one (AUTHOR_ROLE names only staff roles), and the display name is reserved.
"""

from __future__ import annotations

from typing import Any

from app.model import gurubot, paths
from rules._common import ASKER, MEMBER, PUSH_ID, SIGNED_IN, STAFF, path_expr, up


def _asker(root: str) -> str:
    return f"{root}.child({ASKER}).val()"


def feedback() -> dict[str, Any]:
    bot_answer = f"{up(4)}.child({path_expr(paths.answer, '$cid', '$qid', 'newData.val()')})"
    return {
        "$cid": {
            "$qid": {
                ".read": f"{SIGNED_IN} && (auth.uid === {_asker('root')} || {STAFF})",
                ".write": (
                    f"{MEMBER} && !data.exists() && newData.exists() && "
                    f"auth.uid === {_asker('root')}"
                ),
                ".validate": "newData.hasChildren(['uid', 'answerId', 'helpful', 'at'])",
                "uid": {".validate": "newData.val() === auth.uid"},
                "answerId": {
                    ".validate": (
                        f"newData.isString() && newData.val().matches({PUSH_ID}) && "
                        f"{bot_answer}.child('authorRole').val() === '{gurubot.BOT_ROLE}' && "
                        f"{bot_answer}.child('uid').val() === '{gurubot.BOT_UID}'"
                    )
                },
                "helpful": {".validate": "newData.isBoolean()"},
                "at": {".validate": "newData.val() === now"},
                "$other": {".validate": False},
            }
        }
    }


def transcripts() -> dict[str, Any]:
    return {"$cid": {".read": MEMBER}}


def tree() -> dict[str, Any]:
    """The top-level nodes this module governs."""
    return {"transcripts": transcripts(), "gurubotFeedback": feedback()}
