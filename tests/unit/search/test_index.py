"""The index's multi-path updates (app/model/search.py's doc_update and thread_update),
applied the way the Realtime Database applies a multi-path update: whatever sequence of
edits, hides and deletes a thread goes through, the index ends as if built from scratch,
and recomputing it (a redelivered event) writes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.model import paths, search

CID, QID = "c1", "-Q0000000000000000q1"
AIDS = ["-A0000000000000000a1", "-A0000000000000000a2", "-A0000000000000000a3"]


class Tree:
    """A database's leaves, path -> value; update() is a multi-path update."""

    def __init__(self) -> None:
        self.leaves: dict[str, Any] = {}

    def update(self, values: dict[str, Any]) -> None:
        for path, value in values.items():
            for leaf in [p for p in self.leaves if p == path or p.startswith(path + "/")]:
                del self.leaves[leaf]
            self._set(path, value)

    def _set(self, path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                self._set(path + "/" + key, child)
        elif value is not None:
            self.leaves[path] = value

    def get(self, path: str) -> Any:
        out: dict[str, Any] = {}
        for leaf, value in self.leaves.items():
            if leaf == path:
                return value
            if leaf.startswith(path + "/"):
                node = out
                keys = leaf[len(path) + 1 :].split("/")
                for key in keys[:-1]:
                    node = node.setdefault(key, {})
                node[keys[-1]] = value
        return out or None

    def under(self, path: str) -> dict[str, Any]:
        return {p: v for p, v in self.leaves.items() if p.startswith(path + "/")}


def reindex(tree: Tree, question: Any, answers: dict[str, Any], only: str = "") -> dict:
    docs = tree.get(paths.search_docs(CID, QID))
    hidden = tree.get(paths.search_hidden_docs(CID, QID))
    update = search.thread_update(paths, CID, QID, question, answers, docs, hidden, only)
    tree.update(update)
    return update


WORDS = ["lambda", "deploy", "deploying", "timeout", "bucket", "the", "café", "S3", "rules"]
text = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
uid = st.sampled_from(["lena", "otto"])
post = st.fixed_dictionaries({"body": text, "uid": uid}, optional={"hidden": st.just(True)})
question = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"title": text, "body": text, "uid": uid}, optional={"hidden": st.just(True)}
    ),
)
state = st.tuples(question, st.dictionaries(st.sampled_from(AIDS), post, max_size=3))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(state, st.sampled_from(["", *AIDS])), min_size=1, max_size=6))
def test_any_history_ends_as_a_fresh_index_and_redelivery_writes_nothing(history) -> None:
    tree = Tree()
    for (q, answers), only in history:
        reindex(tree, q, answers, only)
    (q, answers), _ = history[-1]
    reindex(tree, q, answers)  # the question's trigger settles the whole thread
    assert reindex(tree, q, answers) == {}  # redelivered: nothing to write
    for aid in AIDS:
        assert reindex(tree, q, answers, aid) == {}
    fresh = Tree()
    reindex(fresh, q, answers)
    assert tree.leaves == fresh.leaves


def test_an_edit_removes_stale_postings_and_keeps_the_rest() -> None:
    tree = Tree()
    q = {"title": "Lambda timeout", "body": "my deploy times out"}
    reindex(tree, q, {})
    assert QID in tree.get(paths.search_term(CID, "timeout"))
    assert QID in tree.get(paths.search_prefix(CID, "lam"))
    update = reindex(tree, {**q, "title": "Bucket policy"}, {})
    assert update[paths.child(paths.search_term(CID, "lambda"), QID)] is None
    assert tree.get(paths.search_term(CID, "lambda")) is None
    assert tree.get(paths.search_prefix(CID, "lam")) is None
    assert QID in tree.get(paths.search_term(CID, "bucket"))
    assert QID in tree.get(paths.search_term(CID, "deploi"))


def public(tree: Tree) -> dict[str, Any]:
    return tree.under(paths.search(CID))


def staff(tree: Tree) -> dict[str, Any]:
    return tree.under(paths.search_hidden(CID))


def own(tree: Tree, uid: str) -> dict[str, Any]:
    return tree.under(paths.search_own_hidden(CID, uid))


def test_hiding_a_question_moves_its_thread_to_the_hidden_indexes() -> None:
    tree = Tree()
    q = {"title": "Lambda timeout", "body": "help", "uid": "lena"}
    answers = {AIDS[0]: {"body": "raise the lambda timeout", "uid": "otto"}}
    akey = QID + "~" + AIDS[0]
    reindex(tree, q, answers)
    assert set(tree.get(paths.search_term(CID, "lambda"))) == {QID, akey}
    assert staff(tree) == {}
    reindex(tree, {**q, "hidden": True}, answers)
    assert public(tree) == {}
    assert set(tree.get(paths.search_hidden_term(CID, "lambda"))) == {QID, akey}
    assert set(tree.get(paths.search_own_hidden_term(CID, "lena", "lambda"))) == {QID}
    assert set(tree.get(paths.search_own_hidden_term(CID, "otto", "lambda"))) == {akey}
    assert tree.get(paths.search_hidden_doc(CID, QID, AIDS[0]))["u"] == "otto"
    reindex(tree, q, answers)
    assert staff(tree) == {} and own(tree, "lena") == {} and own(tree, "otto") == {}
    assert set(tree.get(paths.search_term(CID, "lambda"))) == {QID, akey}
    reindex(tree, {**q, "hidden": True}, answers)
    reindex(tree, None, answers)  # deleted question; its answers stay in the forum
    assert tree.leaves == {}


def test_a_hidden_answer_is_found_by_staff_and_its_author_only() -> None:
    tree = Tree()
    q = {"title": "Buckets", "body": "which region", "uid": "lena"}
    hidden = {AIDS[0]: {"body": "timeout", "uid": "otto", "hidden": True}}
    reindex(tree, q, hidden, AIDS[0])
    assert tree.get(paths.search_term(CID, "timeout")) is None
    key = QID + "~" + AIDS[0]
    assert set(tree.get(paths.search_hidden_term(CID, "timeout"))) == {key}
    assert set(tree.get(paths.search_own_hidden_prefix(CID, "otto", "tim"))) == {key}
    assert own(tree, "lena") == {}
    reindex(tree, q, {AIDS[0]: {"body": "timeout", "uid": "otto"}}, AIDS[0])
    assert staff(tree) == {} and own(tree, "otto") == {}
    assert tree.get(paths.search_term(CID, "timeout")) == {
        key: tree.get(paths.search_doc(CID, QID, AIDS[0]))["t"]["timeout"]
    }


def test_titles_weigh_more_than_bodies_and_short_posts_more_than_long() -> None:
    in_title = search.weigh([("lambda", search.TITLE_BOOST), ("help", search.BODY_BOOST)])
    in_body = search.weigh([("help", search.TITLE_BOOST), ("lambda", search.BODY_BOOST)])
    assert in_title["t"]["lambda"] > in_body["t"]["lambda"]
    long = search.weigh([("lambda " + "word " * 200, search.BODY_BOOST)])
    assert in_body["t"]["lambda"] > long["t"]["lambda"]


def test_rank_puts_posts_matching_every_word_and_rarer_words_first() -> None:
    lam = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}
    tim = {"b": 0.5, "e": 1.5}
    ranked = search.rank([lam, tim])
    assert ranked[0][0] == "b"  # both words
    assert ranked[1][0] == "e"  # the rarer word, strongly
    assert [k for k, _ in ranked[2:]] == ["a", "c", "d"]
    assert search.rank([{}, None]) == []
    assert search.split_post_key(search.post_key(QID, AIDS[0])) == (QID, AIDS[0])
    assert search.split_post_key(search.post_key(QID, QID)) == (QID, QID)


def test_only_writes_to_indexed_fields_need_the_index() -> None:
    q = {"title": "Lambda", "body": "help", "uid": "lena", "score": 0, "createdAt": 1}
    assert search.changes_entries(None, q) and search.changes_entries(q, None)
    assert not search.changes_entries(None, None)
    for moved in ({"score": 3}, {"pinned": True}, {"locked": True}, {"editedAt": 9}):
        assert not search.changes_entries(q, {**q, **moved}), moved
    moves = ({"title": "S3"}, {"body": "x"}, {"hidden": True}, {"pendingReview": True})
    for moved in (*moves, {"uid": "otto"}):
        assert search.changes_entries(q, {**q, **moved}), moved
    # and the docs are built from those fields alone: the others change no entry
    others = {"score": 7, "pinned": True, "locked": True, "editedAt": 9, "lessonId": "x"}
    for hidden in (False, True):
        base = {**q, "hidden": hidden}
        assert search.question_docs(base) == search.question_docs({**base, **others})
        assert search.answer_docs(q, base) == search.answer_docs(q, {**base, **others})
