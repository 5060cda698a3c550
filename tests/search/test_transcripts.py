"""The transcript trigger through the real Functions emulator: a lesson's transcript written
to transcripts/$cid/$lid puts each of its moments (the cues starting in one second) in the
course's public index under ``~t~<lid>~<second>``; an edited cue re-indexes, a deleted
transcript leaves the index; the backfill builds the same entries."""

from __future__ import annotations

import uuid

from app.model import paths, search
from tests.search.test_indexing import CID, term, until
from tools.search_index import backfill


def cues(*texts_at: tuple[float, str]) -> list[dict]:
    return [{"start": at, "end": at + 3, "text": text} for at, text in texts_at]


def test_a_transcript_is_indexed_by_moment_edited_and_deleted(root) -> None:
    lid = "t-" + uuid.uuid4().hex[:8]
    first, late = search.moment_key(lid, 0), search.moment_key(lid, 192)
    assert first == f"~t~{lid}~0"
    root.child(paths.transcript(CID, lid)).set(
        cues(
            (0.5, "Cold starts are the delay while a new instance boots."),
            (192.4, "Provisioned concurrency keeps instances warm."),
        )
    )
    until(lambda: first in term(root, "cold"), "the first cue's moment")
    until(lambda: late in term(root, "provisioned"), "the moment at 3:12")
    assert late not in term(root, "cold") and first not in term(root, "warm")
    assert search.split_moment(late) == (lid, 192)

    # an edited cue: its old words leave, the new ones come; the other moment stays
    root.child(paths.transcript(CID, lid)).child("1").update({"text": "Reserved capacity."})
    until(lambda: late in term(root, "reserved"), "the edited cue's term")
    until(lambda: late not in term(root, "provisioned"), "the stale term removed")
    assert first in term(root, "cold")
    assert backfill(root)[CID] == 0  # what the trigger wrote is what the backfill would

    root.child(paths.transcript(CID, lid)).delete()
    until(lambda: first not in term(root, "cold"), "the deleted transcript out")
    until(lambda: late not in term(root, "reserved"), "all of its moments out")
    assert root.child(paths.search_docs(CID, search.moment_thread(lid))).get() is None


def test_backfill_indexes_transcripts_the_trigger_never_saw(search_stack, root) -> None:
    lid = "t-" + uuid.uuid4().hex[:8]
    key = search.moment_key(lid, 4)
    root.child(paths.transcript(CID, lid)).set(cues((4.0, "Idempotent handlers survive retries.")))
    until(lambda: key in term(root, "idempotent"), "the moment indexed")
    indexed = root.child(paths.search_docs(CID, search.moment_thread(lid))).get()
    # as if the trigger had never run: the moment's doc and postings gone
    root.update(
        {
            paths.search_docs(CID, search.moment_thread(lid)): None,
            paths.child(paths.search_term(CID, search.stem("idempotent")), key): None,
        }
    )
    assert key not in term(root, "idempotent")
    assert backfill(root)[CID] > 0
    assert key in term(root, "idempotent") and key in term(root, "retries")
    assert root.child(paths.search_docs(CID, search.moment_thread(lid))).get() == indexed
    root.child(paths.transcript(CID, lid)).delete()
    until(lambda: key not in term(root, "retries"), "the transcript out again")
