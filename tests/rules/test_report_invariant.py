"""reportCount = number of reports, for every post, under any sequence of writes (issue 15).

A hypothesis state machine sends random writes, allowed and forbidden, against the real
local server under Nimbus's generated rules: honest reports (the last one also setting
pendingReview), reports whose counter move lies or is missing, counter edits and resets,
withdrawals, staff resolutions with and without their audit entry or with parts missing,
deletes and recreations under old keys, authors' rewrites. After every step the owner reads
the database back and checks that each post's reportCount is the number of its reports and
that a post at the threshold is pending review. Which writes get through is the matrix's
business (tests/rules/test_matrix_moderation.py); this only checks no sequence breaks it.
"""

from __future__ import annotations

from typing import Any

import pytest
from forum_machine import WORLD, WorldMachine, attempt, read, run_machine
from forum_world import (
    A1,
    AUDIT,
    INC,
    NEW,
    NOW,
    Q1,
    post_path,
)
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from app.model.limits import REPORTS_TO_HIDE

MEMBERS = ["learner", "other learner", "instructor", "admin"]
users = st.sampled_from(MEMBERS * 3 + ["other instructor", "signed out"])
targets = st.sampled_from([(Q1, Q1)] * 3 + [(Q1, A1)] * 3 + [(Q1, NEW), (NEW, NEW)])
Target = tuple[str, str]
_seq = [0]


def reports_path(qid: str, post: str) -> str:
    return f"reports/c1/{qid}/{post}"


def entry_id() -> str:
    """A fresh push-ID-shaped audit key (each staff action needs a new entry)."""
    _seq[0] += 1
    return (AUDIT[:12] + str(_seq[0]).rjust(8, "0"))[:20]


class ReportMachine(WorldMachine):
    @rule(user=users, at=targets, reason=st.sampled_from(["spam", "other"]))
    def report(self, user: str, at: Target, reason: str) -> None:
        """An honest report: the counter +1, and pendingReview when it reaches the threshold."""
        a, (qid, post) = self.actor(user), at
        count = read(a, post_path(qid, post) + "/reportCount") or 0
        values: dict[str, Any] = {
            f"{reports_path(qid, post)}/{a.uid}": {"reason": reason, "createdAt": NOW},
            post_path(qid, post) + "/reportCount": count + 1,
        }
        if count + 1 >= REPORTS_TO_HIDE:
            values[post_path(qid, post) + "/pendingReview"] = True
        attempt(lambda: a.update(values))

    @rule(
        user=users,
        at=targets,
        count=st.sampled_from(["untouched", "untouched", None, 0, 2, 5, INC(1), INC(2)]),
        with_report=st.booleans(),
        pending=st.booleans(),
    )
    def lying_report(
        self, user: str, at: Target, count: Any, with_report: bool, pending: bool
    ) -> None:
        a, (qid, post) = self.actor(user), at
        values: dict[str, Any] = {}
        if count != "untouched":
            values[post_path(qid, post) + "/reportCount"] = count
        if with_report:
            values[f"{reports_path(qid, post)}/{a.uid}"] = {"reason": "spam", "createdAt": NOW}
        if pending:
            values[post_path(qid, post) + "/pendingReview"] = True
        if values:
            attempt(lambda: a.update(values))

    @rule(user=users, at=targets, other=st.sampled_from(["learner", "other", "x9"]))
    def report_for_someone(self, user: str, at: Target, other: str) -> None:
        a, (qid, post) = self.actor(user), at
        count = read(a, post_path(qid, post) + "/reportCount") or 0
        attempt(
            lambda: a.update(
                {
                    f"{reports_path(qid, post)}/{other}": {"reason": "spam", "createdAt": NOW},
                    post_path(qid, post) + "/reportCount": count + 1,
                }
            )
        )

    @rule(user=users, at=targets)
    def withdraw(self, user: str, at: Target) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.ref(f"{reports_path(qid, post)}/{a.uid}").delete())

    @rule(user=users, at=targets)
    def reset_counter(self, user: str, at: Target) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.ref(post_path(qid, post) + "/reportCount").delete())

    @rule(
        user=users,
        at=targets,
        parts=st.sets(st.sampled_from(["reports", "count", "pending", "audit", "hide"])),
    )
    def resolve(self, user: str, at: Target, parts: set[str]) -> None:
        """A staff resolution with some of its parts (all of them: the honest one)."""
        a, (qid, post) = self.actor(user), at
        path = post_path(qid, post)
        values: dict[str, Any] = {}
        if "reports" in parts:
            values[reports_path(qid, post)] = None
        if "count" in parts:
            values[path + "/reportCount"] = None
        if "pending" in parts:
            values[path + "/pendingReview"] = None
        if "hide" in parts:
            values[path + "/hidden"] = True
        if "audit" in parts:
            action = "hidden" if "hide" in parts else "dismiss"
            key = entry_id()
            entry = {"action": action, "target": path, "by": a.uid, "at": NOW}
            if action == "hidden":
                entry["value"] = True
            values[f"audit/c1/{key}"] = entry
            values[f"auditLast/c1/{a.uid}"] = key
        if values:
            attempt(lambda: a.update(values))

    @rule(user=users, at=targets, with_reports=st.booleans(), audit=st.booleans())
    def delete(self, user: str, at: Target, with_reports: bool, audit: bool) -> None:
        a, (qid, post) = self.actor(user), at
        path = post_path(qid, post)
        values: dict[str, Any] = {path: None, f"votes/c1/{qid}/{post}": None}
        if with_reports:
            values[reports_path(qid, post)] = None
        if audit:
            key = entry_id()
            values[f"audit/c1/{key}"] = {"action": "delete", "target": path, "by": a.uid,
                                         "at": NOW}  # fmt: skip
            values[f"auditLast/c1/{a.uid}"] = key
        if post != qid:
            values[f"forum/c1/questions/{qid}/acceptedAnswerId"] = None
        attempt(lambda: a.update(values))

    @rule(user=users, at=targets)
    def clear_reports(self, user: str, at: Target) -> None:
        a, (qid, post) = self.actor(user), at
        attempt(lambda: a.ref(reports_path(qid, post)).delete())

    @rule(user=users, at=targets, count=st.sampled_from([None, 0, 7]))
    def recreate(self, user: str, at: Target, count: Any) -> None:
        """Create (or an author's rewrite of) the post, with some reportCount."""
        a, (qid, post) = self.actor(user), at
        path = post_path(qid, post)
        value = a.question() if post == qid else a.post(score=0)
        if count is not None:
            value["reportCount"] = count
        window = {"windowStart": NOW, "count": 1, "post": path}
        attempt(lambda: a.update({path: value, f"rateLimits/{a.uid}": window}))
        attempt(lambda: a.ref(path).set({**value, "createdAt": 1}))

    @invariant()
    def count_is_the_number_of_reports(self) -> None:
        root = WORLD["owner"].get() or {}
        forum = (root.get("forum") or {}).get("c1") or {}
        reports = (root.get("reports") or {}).get("c1") or {}
        posts = [(qid, qid, q) for qid, q in (forum.get("questions") or {}).items()]
        for qid, answers in (forum.get("answers") or {}).items():
            posts += [(qid, aid, ans) for aid, ans in answers.items()]
        for qid, post, value in posts:
            filed = (reports.get(qid) or {}).get(post) or {}
            count = value.get("reportCount", 0)
            assert count == len(filed), (qid, post, value, filed)
            if count >= REPORTS_TO_HIDE:
                assert value.get("pendingReview") is True, (qid, post, value)


def test_report_count_is_the_number_of_reports_under_any_writes(rtdb_server) -> None:
    run_machine(ReportMachine, rtdb_server.url)


pytestmark = pytest.mark.timeout(180)
