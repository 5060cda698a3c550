"""The search triggers through the real Functions emulator: questions and answers created,
edited, hidden, unhidden, held for review and deleted in the database, the public index
(search/$cid) and the hidden posts' indexes following each change; a redelivered event
changing nothing; the backfill command indexing what the triggers never saw, exactly as
they would have."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from typing import Any

from app.model import paths, search
from tools.project import ROOT
from tools.search_index import backfill
from tools.stack import NAMESPACE, Stack
from tools.testing.waiting import wait_until

CID = "serverless-101"
WRITTEN = "google.firebase.database.ref.v1.written"
SOURCE = f"//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/{NAMESPACE}"


def push_id() -> str:
    return ("-S" + uuid.uuid4().hex + "x" * 20)[:20]


def question(title: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"uid": "u1", "authorName": "Lena", "lessonId": "what-is-serverless",
            "title": title, "body": body, "createdAt": 1, "score": 0, **extra}  # fmt: skip


def answer(body: str, **extra: Any) -> dict[str, Any]:
    return {"uid": "u2", "authorName": "Otto", "body": body, "createdAt": 2, "score": 0, **extra}


def term(root, word: str) -> dict[str, Any]:
    return root.child(paths.search_term(CID, search.stem(word))).get() or {}


def hidden_term(root, word: str, uid: str = "") -> dict[str, Any]:
    """The staff's hidden index for ``word``, or (uid) that author's own."""
    term_ = search.stem(word)
    if uid:
        return root.child(paths.search_own_hidden_term(CID, uid, term_)).get() or {}
    return root.child(paths.search_hidden_term(CID, term_)).get() or {}


def prefix(root, typed: str) -> dict[str, Any]:
    return root.child(paths.search_prefix(CID, search.prefix_of(typed))).get() or {}


def until(probe, what: str):
    return wait_until(probe, timeout=30, what=what)


def settled(root, qid: str) -> dict[str, Any]:
    """The thread's index once two reads 0.5 s apart agree (the triggers are done)."""
    last: list[Any] = [object()]

    def same() -> Any:
        now = root.child(paths.search_docs(CID, qid)).get()
        if now == last[0]:
            return {"docs": now}
        last[0] = now
        time.sleep(0.5)
        return None

    return until(same, f"the index of {qid} to settle")["docs"] or {}


def test_a_question_and_its_answer_are_indexed_edited_hidden_and_deleted(root) -> None:
    qid, aid = push_id(), push_id()
    akey = search.post_key(qid, aid)
    root.child(paths.question(CID, qid)).set(
        question("Lambda deploy times out", "My function's deployment fails after 30 seconds.")
    )
    until(lambda: qid in term(root, "lambda"), "the question's title term")
    assert qid in term(root, "deploying") and qid in term(root, "deployment")
    assert qid in prefix(root, "lamb") and qid in prefix(root, "deploym")
    assert term(root, "lambda")[qid] > term(root, "seconds")[qid]  # the title weighs more

    # an edit: the title's words go, the new ones come, the body's stay
    root.child(paths.question(CID, qid)).update({"title": "Bucket policy denied"})
    until(lambda: qid in term(root, "bucket"), "the edited title's term")
    until(lambda: qid not in term(root, "lambda"), "the stale term removed")
    assert qid not in prefix(root, "lamb") and qid in term(root, "deployment")

    root.child(paths.answer(CID, qid, aid)).set(answer("Attach a bucket policy to the role."))
    until(lambda: akey in term(root, "role"), "the answer's term")
    assert set(term(root, "bucket")) >= {qid, akey}

    root.child(paths.answer(CID, qid, aid)).update({"hidden": True})
    until(lambda: akey not in term(root, "role"), "the hidden answer out of the index")
    assert qid in term(root, "bucket")
    assert set(hidden_term(root, "role")) == {akey}  # staff find it
    assert set(hidden_term(root, "role", "u2")) == {akey}  # and its author
    assert hidden_term(root, "role", "u1") == {}  # the asker does not
    root.child(paths.answer(CID, qid, aid)).child("hidden").delete()
    until(lambda: akey in term(root, "role"), "the unhidden answer back")
    assert hidden_term(root, "role") == {} and hidden_term(root, "role", "u2") == {}

    # hiding the question takes the thread out; unhiding brings both back
    root.child(paths.question(CID, qid)).update({"hidden": True})
    until(lambda: not settled(root, qid), "the hidden thread out of the index")
    assert qid not in term(root, "bucket") and akey not in term(root, "role")
    assert set(hidden_term(root, "bucket")) == {qid, akey}
    assert set(hidden_term(root, "bucket", "u1")) == {qid}
    root.child(paths.question(CID, qid)).child("hidden").delete()
    until(lambda: akey in term(root, "role") and qid in term(root, "bucket"), "the thread back")
    until(lambda: not hidden_term(root, "bucket"), "the thread out of the hidden index")

    root.child(paths.answer(CID, qid, aid)).delete()
    until(lambda: akey not in term(root, "role"), "the deleted answer out")
    root.child(paths.question(CID, qid)).delete()
    until(lambda: qid not in term(root, "bucket"), "the deleted question out")
    assert settled(root, qid) == {}
    assert qid not in term(root, "deployment") and qid not in prefix(root, "buck")
    assert root.child(paths.search_hidden_docs(CID, qid)).get() is None


def test_a_post_held_for_review_leaves_the_public_index_until_dismissed(root) -> None:
    """pendingReview (the report reaching REPORTS_TO_HIDE) hides a post from search as
    hidden does: out of search/$cid, into the staff's and its author's hidden indexes;
    staff dismissing the reports (clearing it) brings it back."""
    qid, aid = push_id(), push_id()
    akey = search.post_key(qid, aid)
    root.child(paths.question(CID, qid)).set(question("Quota exceeded", "Spam spam offer."))
    root.child(paths.answer(CID, qid, aid)).set(answer("Raise the quota in the console."))
    until(lambda: akey in term(root, "raise") and qid in term(root, "quota"), "the thread")

    # the answer held: it alone moves; its author and staff still find it
    root.child(paths.answer(CID, qid, aid)).update({"reportCount": 3, "pendingReview": True})
    until(lambda: akey not in term(root, "raise"), "the held answer out of the index")
    assert qid in term(root, "quota")
    assert set(hidden_term(root, "raise")) == {akey}
    assert set(hidden_term(root, "raise", "u2")) == {akey}
    assert hidden_term(root, "raise", "u1") == {}
    root.child(paths.answer(CID, qid, aid)).update({"reportCount": None, "pendingReview": None})
    until(lambda: akey in term(root, "raise"), "the dismissed answer back")
    until(lambda: not hidden_term(root, "raise"), "it out of the hidden index")

    # the question held: the thread leaves the public index, and comes back on dismiss
    root.child(paths.question(CID, qid)).update({"reportCount": 3, "pendingReview": True})
    until(lambda: not settled(root, qid), "the held thread out of the index")
    assert qid not in term(root, "quota") and akey not in term(root, "raise")
    assert qid not in prefix(root, "quot")
    assert set(hidden_term(root, "quota")) == {qid, akey}
    assert set(hidden_term(root, "spam", "u1")) == {qid}
    assert backfill(root)[CID] == 0  # the backfill holds it back the same way
    root.child(paths.question(CID, qid)).child("pendingReview").delete()
    until(lambda: qid in term(root, "quota") and akey in term(root, "raise"), "the thread back")
    until(lambda: not hidden_term(root, "quota"), "the thread out of the hidden index")
    assert hidden_term(root, "spam", "u1") == {}


def _event(stack: Stack, ref: str, before: Any, after: Any, event_id: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "type": WRITTEN,
        "source": SOURCE,
        "subject": f"refs/{ref}",
        "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "location": "us-central1",
        "firebasedatabasehost": stack.database_host,
        "instance": NAMESPACE,
        "ref": ref,
        "authtype": "admin",
        "data": {"data": before, "delta": after},
    }


def _redeliver(stack: Stack, function: str, event: dict[str, Any]) -> None:
    from tests.cloudfunctions.conftest import post_event

    key = stack.trigger_key({"id": f"us-central1-{function}"})
    assert post_event(stack, key, event) < 300


def test_a_redelivered_or_late_event_changes_nothing(search_stack: Stack, root) -> None:
    qid, aid = push_id(), push_id()
    old = question("Websocket reconnects", "The listener drops every minute.")
    root.child(paths.question(CID, qid)).set(old)
    new = {**old, "title": "Websocket reconnect storm"}
    root.child(paths.question(CID, qid)).set(new)
    root.child(paths.answer(CID, qid, aid)).set(answer("Use exponential backoff."))
    until(lambda: search.post_key(qid, aid) in term(root, "backoff"), "the answer indexed")
    until(lambda: qid in term(root, "storm"), "the edit indexed")
    before = root.child(paths.search(CID)).get()

    qref, aref = paths.question(CID, qid), paths.answer(CID, qid, aid)
    _redeliver(search_stack, "index_question", _event(search_stack, qref, None, old, "e1"))
    _redeliver(search_stack, "index_question", _event(search_stack, qref, old, new, "e2"))
    _redeliver(search_stack, "index_answer", _event(search_stack, aref, None, {}, "e3"))
    assert root.child(paths.search(CID)).get() == before

    # The redelivered handler does run against the database: a posting lost by hand (with
    # its doc's record of it) is back.
    root.update(
        {
            paths.child(paths.search_term(CID, "storm"), qid): None,
            paths.child(paths.search_doc(CID, qid, qid), "t", "storm"): None,
        }
    )
    assert qid not in term(root, "storm")
    _redeliver(search_stack, "index_question", _event(search_stack, qref, old, new, "e4"))
    assert root.child(paths.search(CID)).get() == before


def test_backfill_indexes_what_the_triggers_did_not_see(search_stack: Stack, root) -> None:
    qid, aid = push_id(), push_id()
    root.child(paths.question(CID, qid)).set(question("Cold starts", "Provisioned concurrency?"))
    root.child(paths.answer(CID, qid, aid)).set(answer("Keep one instance warm."))
    until(lambda: search.post_key(qid, aid) in term(root, "warm"), "the thread indexed")
    for word in ("cold", "warm"):
        assert term(root, word)
    indexed = root.child(paths.search(CID)).get()
    assert backfill(root)[CID] == 0  # in line already: nothing to write

    # As if the triggers had never run: no index, a stale doc of a thread long gone, a
    # posting nothing accounts for, and one left in the hidden index.
    gone = push_id()
    root.child(paths.search(CID)).set(
        {"docs": {gone: {gone: {"t": {"cold": 1.0}}}}, "terms": {"cold": {gone: 1.0}}}
    )
    root.child(paths.child(paths.search_term(CID, "stale"), qid)).set(1.0)
    root.child(paths.child(paths.search_hidden_term(CID, "warm"), qid)).set(1.0)
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "search", "backfill",
         "--port", str(search_stack.ports.database)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"search index of {CID}:" in done.stdout
    assert root.child(paths.search(CID)).get() == indexed
    assert root.child(paths.search_hidden(CID)).get() is None
    assert backfill(root)[CID] == 0
