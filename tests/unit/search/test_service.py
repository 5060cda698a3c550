"""The browser's search service (app/services/search.py) against a real database: an index
the backfill built from real posts, read under Nimbus's rules as a course member (and as a
non-member, who is refused), through firebase-admin acting as that user; the reads are the
service's own, handed to a reader that stands where the JS SDK's get() stands."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from firebase_admin import db, exceptions

from app.model import paths
from app.services import search as service
from rules import nimbus_rules
from tools.search_index import backfill
from tools.testing.admin import AS_ADMIN, admin_apps
from tools.testing.rawhttp import put_rules

CID = "c1"
Q_LAMBDA, Q_BUCKET, Q_COLD = (("-Svc" + t + "0" * 20)[:20] for t in ("Lam", "Buc", "Cold"))
A_BUCKET = ("-SvcAnsBuc" + "0" * 20)[:20]
A_HIDDEN = ("-SvcAnsHid" + "0" * 20)[:20]


def auth(uid: str) -> dict[str, Any]:
    return {"uid": uid, "provider": "password", "token": {"sub": uid, "user_id": uid}}


def _q(title: str, body: str) -> dict[str, Any]:
    return {"uid": "learner", "authorName": "Lena", "lessonId": "l1", "title": title,
            "body": body, "createdAt": 1, "score": 0}  # fmt: skip


@pytest.fixture(scope="module")
def world(rtdb_server) -> Iterator[dict[str, Any]]:
    ns = f"search-{uuid.uuid4().hex[:8]}"
    put_rules(rtdb_server.url, ns, nimbus_rules.render())
    url = f"{rtdb_server.url}?ns={ns}"
    users = (auth("learner"), auth("stranger"), auth("otto"), auth("teacher"))
    with admin_apps(url, AS_ADMIN, *users) as (owner, member, other, otto, teacher):

        def root(app) -> db.Reference:
            return db.reference("/", app=app, url=url)

        root(owner).set(
            {
                "courses": {CID: {"title": "Serverless", "instructorUid": "teacher"}},
                "enrollments": {"learner": {CID: True}, "otto": {CID: True}},
                "forum": {
                    CID: {
                        "questions": {
                            Q_LAMBDA: _q("Lambda deploy times out", "After 30 seconds."),
                            Q_BUCKET: _q("Bucket policy", "Access denied when I deploy."),
                            Q_COLD: _q("Cold starts", "Is provisioned concurrency worth it?"),
                        },
                        "answers": {
                            Q_BUCKET: {
                                A_BUCKET: {
                                    **_q("", "Give the Lambda role s3:GetObject."),
                                    "uid": "other",
                                }
                            },
                            Q_COLD: {
                                A_HIDDEN: {
                                    **_q("", "Kubernetes is overkill here."),
                                    "hidden": True,
                                }
                            },
                        },
                    }
                },
            }
        )
        assert backfill(root(owner))[CID] > 0
        yield {
            "member": root(member),
            "other": root(other),
            "otto": root(otto),
            "teacher": root(teacher),
        }


class Reader:
    """read(path, on_value, on_error) over a user's own reference; ``hold`` keeps replies
    back until release() (a slow network), in any order."""

    def __init__(self, root: db.Reference, hold: bool = False) -> None:
        self.root, self.hold, self.paths, self.held = root, hold, [], []

    def __call__(self, path: str, on_value, on_error) -> None:
        self.paths.append(path)
        try:
            value = self.root.child(path).get()
        except exceptions.FirebaseError as err:
            refused = err
            reply: Callable[[], None] = lambda: on_error(refused)  # noqa: E731
        else:
            reply = lambda: on_value(value)  # noqa: E731
        if self.hold:
            self.held.append(reply)
        else:
            reply()

    def release(self, order: list[int]) -> None:
        for i in order:
            self.held[i]()


def run(searcher: service.Searcher, text: str) -> list[dict[str, Any]]:
    got: list[Any] = []
    searcher.search(text, got.append, lambda err: got.append(err))
    assert len(got) == 1, got
    assert isinstance(got[0], list), got[0]
    return got[0]


def test_a_member_finds_posts_as_they_type(world) -> None:
    clock = [0]
    reader = Reader(world["member"])
    searcher = service.Searcher(CID, read=reader, now=lambda: clock[0])
    typed = run(searcher, "lambda depl")
    assert typed[0]["qid"] == Q_LAMBDA  # both words, in its title
    assert {r["key"] for r in typed} >= {Q_LAMBDA, Q_BUCKET, Q_BUCKET + "~" + A_BUCKET}
    answer = next(r for r in typed if r["postId"] == A_BUCKET)
    assert answer["qid"] == Q_BUCKET
    assert reader.paths == [paths.search_term(CID, "lambda"), paths.search_prefix(CID, "depl")]

    # typing on reads only the new word's node; the finished word comes from the cache
    assert run(searcher, "lambda deploy")[0]["qid"] == Q_LAMBDA
    assert reader.paths[2:] == [paths.search_prefix(CID, "deploy")]
    assert [r["qid"] for r in run(searcher, "cold ")] == [Q_COLD]
    assert run(searcher, "kubernetes ") == []
    assert run(searcher, "the ") == [] and run(searcher, "") == []
    reads = len(reader.paths)
    clock[0] += service.CACHE_MS  # the cache expires: the index may have changed
    run(searcher, "cold ")
    assert len(reader.paths) == reads + 1


def test_a_reply_for_an_older_query_is_dropped(world) -> None:
    reader = Reader(world["member"], hold=True)
    searcher = service.Searcher(CID, read=reader, now=lambda: 0)
    shown: list[Any] = []
    searcher.search("cold", shown.append)
    searcher.search("bucket", shown.append)
    reader.release([1, 0])  # the newer query's reply first, then the older one's
    assert len(shown) == 1
    assert shown[0][0]["qid"] == Q_BUCKET


def test_a_non_member_is_refused_and_gets_no_results(world) -> None:
    searcher = service.Searcher(CID, read=Reader(world["other"]), now=lambda: 0)
    got: list[Any] = []
    searcher.search("lambda depl", got.append, lambda err: got.append(("refused", err)))
    assert len(got) == 1 and got[0][0] == "refused", got


def test_hidden_posts_are_found_by_staff_and_their_author_only(world) -> None:
    key = Q_COLD + "~" + A_HIDDEN

    def found(who: str, **scope: Any) -> list[str]:
        searcher = service.Searcher(CID, read=Reader(world[who]), now=lambda: 0, **scope)
        return [r["key"] for r in run(searcher, "kubern")]

    assert found("member") == []  # the public index does not hold it
    assert found("member", uid="learner") == [key]  # its author
    assert found("otto", uid="otto") == []  # another member: only their own hidden posts
    assert found("teacher", staff=True) == [key]  # the course's instructor
    # a learner asking as staff, or for another author's, is refused by the rules
    for who, scope in (("member", {"staff": True}), ("otto", {"uid": "learner"})):
        got: list[Any] = []
        searcher = service.Searcher(CID, read=Reader(world[who]), now=lambda: 0, **scope)
        searcher.search("kubern", got.append, lambda err, got=got: got.append(("refused", err)))
        assert len(got) == 1 and got[0][0] == "refused", (who, scope, got)
