"""Notifications benchmark: answer posted -> the bell updated, for a thread with 200
followers, and the fan-out's cost per recipient.

    .venv/bin/python -m bench.notifications_bench [--followers 200] [--rounds 20]

Starts its own local stack on free ports (as the e2e tests do: the real fan-out trigger in
firebase-tools' Functions emulator, Nimbus's database) and prints one table.

Each round a back end (firebase-admin) asks a question followed by ``--followers`` members
(the demo learner, signed in to a course page in Chromium, among them; the others are
enrolled uids), then answers it. A MutationObserver on the learner's bell stamps the moment
its count changes (Date.now(): same machine, same clock as the writer); the writer polls
the trigger's record (``inboxByPost``) until every follower's entry is written. The same
rounds with a single follower give the per-recipient share: (time for all N - time for
one) / (N - 1). Bytes per recipient are what the trigger's update carries for one (its
entry and its record line). The first rounds warm the emulator's worker and are not counted.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

from app.model import notices, paths
from bench._table import Rows, ms, percentile, print_table
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.testing.browser import open_signed_in
from tools.testing.stacks import admin_root, local_stack

COURSE = "serverless-101"
WARM = 3
ROWS = Rows()
row = ROWS.add

OBSERVE_JS = """() => {
  window.__bell = [];
  const count = document.getElementById('bell-count');
  new MutationObserver(() => window.__bell.push(Date.now()))
    .observe(count, {childList: true, characterData: true, subtree: true});
}"""


def push_id() -> str:
    return ("-B" + uuid.uuid4().hex + "x" * 20)[:20]


def rounds(root, page, learner: str, fans: list[str], n: int) -> tuple[list[float], list[float]]:
    """(answer -> learner's bell, answer -> every follower's entry written), in ms."""
    bell, everyone = [], []
    for i in range(WARM + n):
        qid, aid = push_id(), push_id()
        now = int(time.time() * 1000)
        question = {"uid": "bench-asker", "authorName": "Bench Asker", "lessonId": "l01",
                    "title": f"Bench thread {i}", "body": "Why?", "createdAt": now,
                    "score": 0, "videoSecond": 3}  # fmt: skip
        update = {paths.question(COURSE, qid): question}
        for uid in [learner, *fans]:
            update[paths.follow(COURSE, qid, uid)] = True
        root.update(update)
        time.sleep(0.4)  # the question's own fan-out (the instructor watches "all") is done
        seen = page.evaluate("() => window.__bell.length")
        nid = notices.nid(notices.ANSWER, aid)
        answer = {"uid": "bench-answerer", "authorName": "Bench Answerer",
                  "body": "Because the **cold start** loads the whole bundle.",
                  "createdAt": int(time.time() * 1000), "score": 0}  # fmt: skip
        t0 = time.time() * 1000
        root.child(paths.answer(COURSE, qid, aid)).set(answer)
        done_at = None
        deadline = time.monotonic() + 30
        want = 1 + len(fans)
        while done_at is None:
            record = root.child(paths.inbox_by_post(COURSE, qid, nid)).get(shallow=True) or {}
            if len(record) >= want:
                done_at = time.time() * 1000
            elif time.monotonic() > deadline:
                raise RuntimeError(f"only {len(record)} of {want} entries after 30 s")
            else:
                time.sleep(0.01)
        page.wait_for_function(f"() => window.__bell.length > {seen}", timeout=30_000)
        stamp = page.evaluate(f"() => window.__bell[{seen}]")
        if i >= WARM:
            bell.append(stamp - t0)
            everyone.append(done_at - t0)
    return bell, everyone


def entry_bytes(root, learner: str) -> int:
    """What the trigger's update carries for one recipient: its entry and its record line."""
    inbox = root.child(paths.inbox(learner)).get() or {}
    nid, value = next(iter(inbox.items()))
    one = {
        paths.inbox_entry(learner, nid): value,
        paths.child(paths.inbox_by_post(COURSE, value["questionId"], nid), learner): True,
    }
    return len(json.dumps(one, separators=(",", ":")).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    from firebase_admin import auth
    from playwright.sync_api import sync_playwright

    from tools.seed import admin_app

    with (
        tempfile.TemporaryDirectory(prefix="nimbus-notify-bench-") as tmp,
        local_stack(Path(tmp)) as stack,
        sync_playwright() as p,
    ):
        root = admin_root(stack)
        learner = auth.get_user_by_email("learner@nimbus.test", app=admin_app(stack)).uid
        fans = [f"bench-fan-{i:03d}" for i in range(args.followers - 1)]
        root.update({paths.enrollment(u, COURSE): True for u in [*fans, "bench-answerer"]})
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        open_signed_in(page, f"{stack.hosting_url}/course/{COURSE}.html", "learner@nimbus.test")
        page.wait_for_selector("#bell", state="visible", timeout=30_000)
        page.evaluate(OBSERVE_JS)

        bell, everyone = rounds(root, page, learner, fans, args.rounds)
        row(f"answer -> bell updated, {args.followers} followers, p50 (n={args.rounds})",
            ms(percentile(bell, 50)), "(goal <= 300 ms, warm)")  # fmt: skip
        row("answer -> bell updated, p99", ms(percentile(bell, 99)))
        row(f"answer -> all {args.followers} entries written, p50", ms(percentile(everyone, 50)))
        row(f"answer -> all {args.followers} entries written, p99", ms(percentile(everyone, 99)))
        solo_bell, solo_all = rounds(root, page, learner, [], max(5, args.rounds // 2))
        row("answer -> bell updated, 1 follower, p50", ms(percentile(solo_bell, 50)))
        share = (percentile(everyone, 50) - percentile(solo_all, 50)) / max(1, args.followers - 1)
        row("fan-out time per recipient", f"{share:.2f} ms", "(p50 all N - p50 one) / (N - 1)")
        row("fan-out bytes per recipient", f"{entry_bytes(root, learner)} B",
            "entry + inboxByPost line, as JSON in the update")  # fmt: skip
        browser.close()
    print_table(ROWS, "value", 9)


if __name__ == "__main__":
    main()
