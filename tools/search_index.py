"""Backfill the search index: every course's forum indexed as the search triggers index it.

The triggers (functions/search/) index each post as it is written; posts written before
they were deployed, or while they were down, are brought in with this once:
``python3 build.py search backfill`` (the local stack's database; ``--port`` for another).
It runs the same code the triggers run (app/model/search.py's thread_update) over every
thread of every course, and over every thread the indexes still hold (public and hidden),
so stale entries of deleted threads go too. Running it again writes nothing: like the
triggers, it only writes what differs from what the indexes hold.
"""

from __future__ import annotations

from typing import Any

from app.model import paths, search

BATCH = 500  # index paths per multi-path update (each thread's entries stay in one update)


def _keys(node: Any) -> list[str]:
    return list(node) if isinstance(node, dict) else []


def thread_updates(cid: str, forum: Any, docs: Any, hidden: Any) -> list[dict[str, Any]]:
    """One update per thread that needs one, bringing course ``cid``'s indexes in line with
    ``forum`` (its forum node) given ``docs`` and ``hidden`` (the public and hidden indexes'
    docs nodes)."""
    forum = forum if isinstance(forum, dict) else {}
    docs = docs if isinstance(docs, dict) else {}
    hidden = hidden if isinstance(hidden, dict) else {}
    questions = forum.get("questions") or {}
    answers = forum.get("answers") or {}
    out = []
    for qid in sorted({*_keys(questions), *_keys(answers), *_keys(docs), *_keys(hidden)}):
        update = search.thread_update(
            paths, cid, qid, questions.get(qid), answers.get(qid), docs.get(qid), hidden.get(qid)
        )
        if update:
            out.append(update)
    return out


def backfill(root: Any) -> dict[str, int]:
    """Index every course under firebase-admin's root reference ``root``; the number of
    index paths written per course (0: already in line). A thread's entries always travel
    in one update, so its docs never disagree with its postings."""
    cids = set(_keys(root.child(paths.courses()).get(shallow=True)))
    cids |= set(_keys(root.child(paths.search()).get(shallow=True)))
    cids |= set(_keys(root.child(paths.search_hidden()).get(shallow=True)))
    written = {}
    for cid in sorted(cids):
        forum = root.child(paths.forum(cid)).get()
        docs = root.child(paths.search_docs(cid)).get()
        hidden = root.child(paths.search_hidden_docs(cid)).get()
        batch: dict[str, Any] = {}
        count = 0
        for update in thread_updates(cid, forum, docs, hidden):
            if batch and len(batch) + len(update) > BATCH:
                root.update(batch)
                batch = {}
            batch.update(update)
            count += len(update)
        if batch:
            root.update(batch)
        written[cid] = count
    return written
