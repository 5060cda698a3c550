"""Backfill and repair the search indexes: every course's forum indexed as the search
triggers index it.

The triggers (functions/search/) index each post, and each lesson transcript's moments, as
it is written; what was written before they were deployed, or while they were down, is
brought in with this: ``python3 build.py search backfill`` (the local stack's database;
``--port`` for another). It builds each course's indexes from scratch in memory with the
code the triggers run (app/model/search.py's thread_update and transcript_update, from
empty docs), compares them leaf by leaf with what the database holds under ``search/$cid``,
``searchHidden/$cid`` and ``searchOwnHidden/$cid``, and writes only the differences:
missing entries, changed weights, and entries nothing accounts for (threads deleted while
the triggers were down, or a stale posting two racing triggers left). Running it again
writes nothing.
"""

from __future__ import annotations

from typing import Any

from app.model import paths, search

BATCH = 500  # index paths per multi-path update


def _keys(node: Any) -> list[str]:
    return list(node) if isinstance(node, dict) else []


def _leaves(path: str, value: Any, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, list):  # dense integer keys (a transcript's seconds) come as a list
        value = {str(i): child for i, child in enumerate(value) if child is not None}
    if isinstance(value, dict):
        for key, child in value.items():
            _leaves(path + "/" + key, child, out)
    elif value is not None:
        out[path] = value
    return out


def expected(cid: str, forum: Any, transcripts: Any = None) -> dict[str, Any]:
    """{leaf path: value} of course ``cid``'s indexes built from ``forum`` (its forum node)
    and ``transcripts`` (its lessons' transcripts, {lid: cues}: their moments)."""
    forum = forum if isinstance(forum, dict) else {}
    out: dict[str, Any] = {}
    for lid, cues in (transcripts if isinstance(transcripts, dict) else {}).items():
        for path, value in search.transcript_update(paths, cid, lid, cues, {}).items():
            _leaves(path, value, out)
    questions = forum.get("questions") or {}
    answers = forum.get("answers") or {}
    for qid in sorted({*_keys(questions), *_keys(answers)}):
        update = search.thread_update(paths, cid, qid, questions.get(qid), answers.get(qid), {}, {})
        for path, value in update.items():
            _leaves(path, value, out)
    return out


def difference(want: dict[str, Any], have: dict[str, Any]) -> dict[str, Any]:
    """The multi-path update taking leaves ``have`` to ``want``."""
    out = {path: value for path, value in want.items() if have.get(path) != value}
    out.update({path: None for path in have if path not in want})
    return out


def backfill(root: Any) -> dict[str, int]:
    """Index every course under firebase-admin's root reference ``root``; the number of
    index paths written per course (0: already in line)."""
    cids = set(_keys(root.child(paths.courses()).get(shallow=True)))
    tops = (paths.search(), paths.search_hidden(), paths.search_own_hidden(), paths.transcripts())
    for top in tops:
        cids |= set(_keys(root.child(top).get(shallow=True)))
    written = {}
    for cid in sorted(cids):
        have: dict[str, Any] = {}
        for node in (paths.search(cid), paths.search_hidden(cid), paths.search_own_hidden(cid)):
            _leaves(node, root.child(node).get(), have)
        forum, transcripts = (
            root.child(paths.forum(cid)).get(),
            root.child(paths.transcripts(cid)).get(),
        )
        update = difference(expected(cid, forum, transcripts), have)
        items = list(update.items())
        for start in range(0, len(items), BATCH):
            root.update(dict(items[start : start + BATCH]))
        written[cid] = len(update)
    return written
