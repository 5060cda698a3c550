"""score = sum of votes, for every post, under any sequence of writes by several users.

A hypothesis state machine drives random writes, allowed and forbidden, against the real
local server under Nimbus's generated rules: honest votes and retractions, votes whose
score move lies, score edits, deletes (with or without the post's votes), clearing the
votes of deleted posts, recreations under old keys (answers may take their question's key
or another question's), acceptances and plain edits, by learners, staff, a non-member and
a signed-out visitor. After every step the owner reads the database back and checks that
each post's score is the sum of its votes and that an accepted answer exists. Which
writes the rules let through is not asserted here (tests/rules/test_matrix.py does that);
only that no sequence of them breaks the invariants.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from forum_machine import WORLD, WorldMachine, attempt, read, run_machine
from forum_world import A1, INC, NEW, NOW, Q1, Actor, post_path
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from app.model.limits import POSTS_PER_WINDOW, WINDOW_MS

KEYS = [Q1, A1, NEW]  # questions and answers draw from one pool: keys collide on purpose
MEMBERS = ["learner", "other learner", "instructor", "admin"]

users = st.sampled_from(MEMBERS * 3 + ["other instructor", "signed out"])
keys = st.sampled_from(KEYS)
# (question, post) pairs, post == question for the question itself; the fixture's own
# posts come up most, so deletes are followed by recreations and votes often enough.
targets = st.sampled_from(
    [(Q1, Q1)] * 4 + [(Q1, A1)] * 3 + [(Q1, NEW), (NEW, NEW), (NEW, Q1), (A1, A1), (A1, Q1)]
)
values = st.sampled_from([1, -1, None])
Target = tuple[str, str]


def stamp(actor: Actor, path: str) -> dict[str, Any]:
    """The rate-limit tick the app would send with a new post at path."""
    current = read(actor, f"rateLimits/{actor.uid}")
    now = time.time() * 1000
    if not current or now - current["windowStart"] >= WINDOW_MS:
        return actor.stamp(path)
    return actor.stamp(
        path, min(current["count"] + 1, POSTS_PER_WINDOW + 1), current["windowStart"]
    )


class ForumMachine(WorldMachine):
    @rule(user=users, qid=keys)
    def ask(self, user: str, qid: str) -> None:
        a = self.actor(user)
        path = f"forum/c1/questions/{qid}"
        attempt(lambda: a.update({path: a.question(), f"rateLimits/{a.uid}": stamp(a, path)}))

    @rule(user=users, at=targets, score=st.sampled_from([0, 0, 1, -3]))
    def answer(self, user: str, at: Target, score: int) -> None:
        a, (qid, aid) = self.actor(user), at
        path = f"forum/c1/answers/{qid}/{aid}"
        post = a.post(score=score)
        attempt(lambda: a.update({path: post, f"rateLimits/{a.uid}": stamp(a, path)}))

    @rule(user=users, at=targets, value=values)
    def vote(self, user: str, at: Target, value: int | None) -> None:
        """An honest vote, change of vote or retraction: delta = new - old."""
        a, (qid, post) = self.actor(user), at
        old = read(a, f"votes/c1/{qid}/{post}/{a.uid}")
        delta = (value or 0) - (old if isinstance(old, int) else 0)
        attempt(lambda: a.vote(qid, post, value, delta))

    @rule(user=users, at=targets, value=values, delta=st.sampled_from([-2, 0, 1, 5]))
    def lying_vote(self, user: str, at: Target, value: int | None, delta: int) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.vote(qid, post, value, delta))

    @rule(user=users, at=targets, score=st.sampled_from([0, 3, INC(1)]))
    def set_score(self, user: str, at: Target, score: Any) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.ref(post_path(qid, post) + "/score").set(score))

    @rule(user=users, at=targets, with_votes=st.booleans(), release=st.booleans())
    def delete(self, user: str, at: Target, with_votes: bool, release: bool) -> None:
        a, (qid, post) = self.actor(user), at
        values_: dict[str, Any] = {post_path(qid, post): None}
        if with_votes:
            values_[f"votes/c1/{qid}/{post}"] = None
        if post != qid and release:
            values_[f"forum/c1/questions/{qid}/acceptedAnswerId"] = None
        attempt(lambda: a.update(values_))

    @rule(user=users, recreator=users, at=targets, with_votes=st.booleans(), release=st.booleans())
    def delete_and_recreate(
        self, user: str, recreator: str, at: Target, with_votes: bool, release: bool
    ) -> None:
        """The sequence the clean-slate rule is for: a delete, then the same key again."""
        self.delete(user, at, with_votes, release)
        qid, post = at
        if post == qid:
            self.ask(recreator, qid)
        else:
            self.answer(recreator, at, 0)

    @rule(user=users, at=targets)
    def clear_votes(self, user: str, at: Target) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.ref(f"votes/c1/{qid}/{post}").delete())

    @rule(user=users, at=targets, body=st.sampled_from(["Edited.", "Again."]))
    def edit(self, user: str, at: Target, body: str) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.ref(post_path(qid, post)).update({"body": body, "editedAt": NOW}))

    @rule(user=users, at=targets, score=st.sampled_from([0, 2]))
    def overwrite(self, user: str, at: Target, score: int) -> None:
        """Set the whole post again (an author's full rewrite), with some score."""
        a, (qid, post) = self.actor(user), at
        value = a.question(score=score) if post == qid else a.post(score=score)
        attempt(lambda: a.ref(post_path(qid, post)).set(value))

    @rule(user=users, at=targets)
    def accept(self, user: str, at: Target) -> None:
        a, (qid, aid) = self.actor(user), at
        attempt(lambda: a.ref(f"forum/c1/questions/{qid}/acceptedAnswerId").set(aid))

    @invariant()
    def score_is_the_sum_of_votes(self) -> None:
        root = WORLD["owner"].get() or {}
        forum = (root.get("forum") or {}).get("c1") or {}
        votes = (root.get("votes") or {}).get("c1") or {}
        for qid, question in (forum.get("questions") or {}).items():
            cast = (votes.get(qid) or {}).get(qid) or {}
            assert question["score"] == sum(cast.values()), (qid, question, cast)
            accepted = question.get("acceptedAnswerId")
            if accepted is not None:
                assert accepted in ((forum.get("answers") or {}).get(qid) or {}), (qid, accepted)
        for qid, answers in (forum.get("answers") or {}).items():
            for aid, answer in answers.items():
                assert aid != qid, "an answer shares its question's vote path"
                cast = (votes.get(qid) or {}).get(aid) or {}
                assert answer["score"] == sum(cast.values()), (qid, aid, answer, cast)


def test_score_is_the_sum_of_votes_under_any_writes(rtdb_server) -> None:
    run_machine(ForumMachine, rtdb_server.url)


pytestmark = pytest.mark.timeout(120)
