"""Who a notification goes to, and what its entry says (app/model/notices.py, no I/O: the
fan-out functions run its _model copy, the browser the same module)."""

from __future__ import annotations

from app.model import notices

FOLLOWERS = {"asker": True, "fan": True, "quiet": True, "actor": True}


def test_answers_go_to_followers_never_the_actor_nor_the_muted() -> None:
    levels = {"quiet": notices.MUTED, "watcher": notices.ALL}
    got = notices.recipients(notices.ANSWER, "actor", FOLLOWERS, levels, "teacher")
    assert got == ["asker", "fan"]  # the "all" watcher and the instructor follow nothing here


def test_a_comment_also_reaches_the_post_author_unless_muted_or_the_actor() -> None:
    got = notices.recipients(notices.COMMENT, "fan", FOLLOWERS, {}, "", ("author",))
    assert got == ["actor", "asker", "author", "quiet"]
    muted = notices.recipients(notices.COMMENT, "x", {}, {"author": notices.MUTED}, "", ("author",))
    assert muted == []
    assert notices.recipients(notices.COMMENT, "author", {}, {}, "", ("author",)) == []


def test_new_questions_reach_all_watchers_and_the_instructor_by_default() -> None:
    levels = {"w1": notices.ALL, "w2": notices.FOLLOWED, "w3": "bogus"}
    assert notices.recipients(notices.QUESTION, "w1", {}, levels, "teacher") == ["teacher"]
    assert notices.recipients(notices.QUESTION, "x", {}, levels, "teacher") == ["teacher", "w1"]
    quiet = {**levels, "teacher": notices.FOLLOWED}
    assert notices.recipients(notices.QUESTION, "x", {}, quiet, "teacher") == ["w1"]
    # followers of some thread are not told of new questions
    assert notices.recipients(notices.QUESTION, "x", FOLLOWERS, {}, "") == []


def test_accepted_and_endorsed_go_only_to_the_answer_author() -> None:
    for kind in (notices.ACCEPTED, notices.ENDORSED):
        assert notices.recipients(kind, "asker", FOLLOWERS, {}, "t", ("ans",)) == ["ans"]
        assert notices.recipients(kind, "ans", FOLLOWERS, {}, "t", ("ans",)) == []


def test_levels_default_and_entry_ids_are_stable() -> None:
    assert notices.level({}, "u", "teacher") == notices.FOLLOWED
    assert notices.level({}, "teacher", "teacher") == notices.ALL
    assert notices.level({"teacher": notices.MUTED}, "teacher", "teacher") == notices.MUTED
    assert notices.nid(notices.ANSWER, "-Nabc") == "answer--Nabc"
    assert notices.nid(notices.ANSWER, "-Nabc") == notices.nid("answer", "-Nabc")


def test_snippets_are_one_line_and_bounded() -> None:
    assert notices.snippet("Use  a\n\nqueue.") == "Use a queue."
    long = notices.snippet("word " * 100)
    assert len(long) == notices.SNIPPET_CHARS and long.endswith("…")
    assert notices.snippet("") == ""
