"""The Gurubot and transcripts rules matrix: every (operation, user) cell of
matrix_gurubot.md against the real server, each from the attacker's side (what a browser or
curl can send, a forged token included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firebase_admin import db
from forum_world import A1, NEW, NOW, Q1, Q2, T0, Actor, User, push_id
from matrix_runner import Op, Setup, matrix_tests
from matrix_runner import rest as _rest

from app.model import gurubot, paths
from rules.nimbus_rules import name_key

HERE = Path(__file__).parent
G1, G2 = push_id("G1"), push_id("G2")
BOT = User("bot", gurubot.BOT_UID, gurubot.BOT_NAME)
CUES = [{"start": 0.5, "end": 4.0, "text": "Serverless does not mean no servers."}]


def bot_answer(body: str = "See the lesson at 0:01.") -> dict[str, Any]:
    return {"uid": gurubot.BOT_UID, "authorName": gurubot.BOT_NAME, "authorRole": "bot",
            "body": body, "createdAt": T0, "score": 0}  # fmt: skip


def _fixture() -> dict[str, Any]:
    return {
        paths.profile(gurubot.BOT_UID): {"displayName": gurubot.BOT_NAME},
        paths.display_name(name_key(gurubot.BOT_NAME)): gurubot.BOT_UID,
        paths.answer("c1", Q1, G1): bot_answer(),
        paths.answer("c1", Q2, G2): bot_answer(),
        paths.gurubot("c1", Q1): {"answerId": G1, "posted": True, "relevance": 0.8, "at": T0},
        paths.transcript("c1", "l1"): CUES,
        paths.transcript("c2", "l1"): CUES,
    }


def _world(**more: Any) -> Setup:
    def setup(owner: db.Reference, actor: Actor) -> None:
        owner.update({**_fixture(), **more})

    return setup


def feedback(a: Actor, answer_id: str = G1, **extra: Any) -> dict[str, Any]:
    value = {"uid": a.uid, "answerId": answer_id, "helpful": True, "at": NOW, **extra}
    return {k: v for k, v in value.items() if v is not None}


def _bot(a: Actor) -> Actor:
    """The same server and namespace, with a token whose uid is the bot's."""
    return Actor(BOT, a._server, a._ns, a._app)


def _as_bot(path: str, value: dict[str, Any]) -> Op:
    def op(a: Actor) -> None:
        bot = _bot(a)
        _rest(bot, "PATCH", "", {path: value, paths.rate_limit(bot.uid): bot.stamp(path)})

    return op


ACCEPTED = paths.child(paths.question("c1", Q1), "acceptedAnswerId")
FEEDBACK = paths.gurubot_feedback("c1", Q1)

OPS: dict[str, Op] = {
    # transcripts
    "read c1's transcript of l1": lambda a: a.ref(paths.transcript("c1", "l1")).get(),
    "read c2's transcripts": lambda a: a.ref(paths.transcripts("c2")).get(),
    "read every transcript": lambda a: a.ref(paths.transcripts()).get(),
    "rewrite a cue of c1's transcript of l1": lambda a: a.ref(
        paths.child(paths.transcript("c1", "l1"), "0", "text")
    ).set("Buy the answers elsewhere."),
    "replace c1's transcript of l1": lambda a: a.ref(paths.transcript("c1", "l1")).set(CUES * 2),
    "delete c1's transcripts": lambda a: a.ref(paths.transcripts("c1")).delete(),
    # the functions' record
    "read q1's Gurubot record": lambda a: a.ref(paths.gurubot("c1", Q1)).get(),
    "write a Gurubot record for q2": lambda a: a.ref(paths.gurubot("c1", Q2)).set(
        {"silent": True, "at": T0}
    ),
    # feedback
    "accept Gurubot's answer to q1": lambda a: a.ref(ACCEPTED).set(G1),
    "mark Gurubot's answer to q1 as what answered it (accept and feedback, one update)": (
        lambda a: a.update({ACCEPTED: G1, FEEDBACK: feedback(a)})
    ),
    "store feedback on q1 naming Gurubot's answer": lambda a: a.ref(FEEDBACK).set(feedback(a)),
    "store feedback on q2 naming Gurubot's answer": lambda a: a.ref(
        paths.gurubot_feedback("c1", Q2)
    ).set(feedback(a, G2)),
    "store feedback on q1 naming a1, not Gurubot's": lambda a: a.ref(FEEDBACK).set(feedback(a, A1)),
    "store feedback on q1 naming Gurubot's answer to q2": lambda a: a.ref(FEEDBACK).set(
        feedback(a, G2)
    ),
    "store feedback on q1 naming an answer that does not exist": lambda a: a.ref(FEEDBACK).set(
        feedback(a, NEW)
    ),
    "store feedback on q1 in other learner's name": lambda a: a.ref(FEEDBACK).set(
        feedback(a, uid="other" if a.uid != "other" else "learner")
    ),
    "store feedback on q1 with a decoy field": lambda a: a.ref(FEEDBACK).set(
        feedback(a, note="tuned")
    ),
    "store feedback on q1 with a time that is not now": lambda a: a.ref(FEEDBACK).set(
        feedback(a, at=T0)
    ),
    "store feedback on q1 without its helpful flag": lambda a: a.ref(FEEDBACK).set(
        feedback(a, helpful=None)
    ),
    "store feedback on q1 with a .priority": lambda a: _rest(
        a, "PUT", FEEDBACK, {**feedback(a), ".priority": 1}
    ),
    "store feedback on q1 under c2": lambda a: a.ref(paths.gurubot_feedback("c2", Q1)).set(
        feedback(a)
    ),
    "store feedback on every question of c1 at once": lambda a: a.ref(
        paths.gurubot_feedback("c1")
    ).set({Q1: feedback(a)}),
    "after learner's enrollment in c1 is removed, store feedback on q1": lambda a: a.ref(
        FEEDBACK
    ).set(feedback(a)),
    "after feedback on q1 is stored, store it again": lambda a: a.ref(FEEDBACK).set(
        feedback(a, helpful=False)
    ),
    "after feedback on q1 is stored, delete it": lambda a: a.ref(FEEDBACK).delete(),
    "after feedback on q1 is stored, read it": lambda a: a.ref(FEEDBACK).get(),
    "after feedback on q1 is stored, read c1's feedback at once": lambda a: a.ref(
        paths.gurubot_feedback("c1")
    ).get(),
    # writing as the bot
    "answer q1 with authorRole bot": lambda a: a.create(
        paths.answer("c1", Q1, NEW), a.post(score=0, authorRole="bot")
    ),
    "answer q1 in Gurubot's name and uid": lambda a: a.create(
        paths.answer("c1", Q1, NEW),
        a.post(score=0, uid=gurubot.BOT_UID, authorName=gurubot.BOT_NAME),
    ),
    "edit Gurubot's answer to q1": lambda a: a.ref(
        paths.child(paths.answer("c1", Q1, G1), "body")
    ).set("Buy my course instead."),
    "set Gurubot's answer to q1 to authorRole instructor": lambda a: a.ref(
        paths.child(paths.answer("c1", Q1, G1), "authorRole")
    ).set("instructor"),
    "with a forged token of uid gurubot enrolled in c1, answer q1": lambda a: _as_bot(
        paths.answer("c1", Q1, NEW), _bot(a).post(score=0, createdAt=NOW)
    )(a),
    "with a forged token of uid gurubot enrolled in c1, ask a question": lambda a: _as_bot(
        paths.question("c1", NEW), _bot(a).question()
    )(a),
    "rename oneself Gurubot, after its name entry is gone": lambda a: a.update(
        {
            paths.profile_name(a.uid): gurubot.BOT_NAME,
            paths.display_name(name_key(gurubot.BOT_NAME)): a.uid,
            paths.display_name(name_key(a.user.name or "nobody")): None,
        }
    ),
    "write Gurubot's profile": lambda a: a.ref(paths.profile(gurubot.BOT_UID)).set(
        {"displayName": "Gurubot Official"}
    ),
}


def _stored(owner: db.Reference, actor: Actor) -> None:
    owner.update(
        {**_fixture(), FEEDBACK: {"uid": "learner", "answerId": G1, "helpful": True, "at": T0}}
    )


SETUP: dict[str, Setup] = dict.fromkeys(OPS, _world())
SETUP["after learner's enrollment in c1 is removed, store feedback on q1"] = _world(
    **{paths.enrollment("learner", "c1"): None}
)
for _row in OPS:
    if _row.startswith("after feedback on q1 is stored"):
        SETUP[_row] = _stored
for _row in OPS:
    if _row.startswith("with a forged token"):
        SETUP[_row] = _world(**{paths.enrollment(gurubot.BOT_UID, "c1"): True})
SETUP["rename oneself Gurubot, after its name entry is gone"] = _world(
    **{paths.display_name(name_key(gurubot.BOT_NAME)): None}
)

test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix_gurubot.md", OPS, SETUP
)
