"""Staff console benchmark: question asked -> visible in the console, and a cold open.

    .venv/bin/python -m bench.console_bench [--posts 30] [--questions 500] [--runs 3]

Starts its own local stack on free ports (as the e2e tests do) and prints one table.

Latency: the learner's browser submits a lesson's Ask form; a MutationObserver in the
instructor's console stamps the moment the question's card enters the queue. Both pages
share one clock (performance.timeOrigin + now(), same machine), so the difference is end to
end: the learner's Python and SDK, the server, the console's SDK, its Python and its DOM.

Cold open: firebase-admin seeds N questions spread over every course (a third answered),
then the admin (staff of every course) opens /console.html in a fresh context with the
session restored; the clock stops at nimbus:console-live, when every course's window is in
and placed, and again when every answered item has been sorted below the waiting ones.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench._table import Rows, ms, percentile, print_table
from bench.lesson_bench import post_latencies, window_reset
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.testing.browser import fill_sign_in
from tools.testing.stacks import local_stack

LESSON = "/course/thick-front-ends/lesson/l02.html"
# The console's own marks on a cold open (app/ui/console.py), in the order they come.
STEPS = [
    ("console-signed-in", "session restored (signed in)"),
    ("console-courses", "catalog read: listeners start"),
    ("console-windows", "every window's questions in and placed"),
]
CONSOLE = "/console.html"
ROWS = Rows()
row = ROWS.add

# The moment (performance.now(), taken in the page as the condition first holds) when every
# course is in (nimbus:console-live) and every item is placed, the waiting ones first.
SETTLED_JS = """(n) => {
  if (!performance.getEntriesByName('nimbus:console-live').length) return false;
  const items = document.querySelectorAll('#queue > .question');
  if (items.length < n) return false;
  const waiting = [...items].map(i => i.hasAttribute('data-waiting'));
  const first = waiting.indexOf(false);
  const sorted = first === -1 || waiting.lastIndexOf(true) < first;
  return sorted ? performance.now() : false;
}"""
MARKS_JS = """(names) => names.map(
  n => (performance.getEntriesByName('nimbus:' + n)[0] || {startTime: 0}).startTime)"""


def sign_in(page, url: str, email: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector('#py-status[data-state="ready"]', state="attached", timeout=30_000)
    if page.get_attribute("#account", "data-state") != "signed-in":
        fill_sign_in(page, email)
    page.wait_for_selector(ready, timeout=30_000)
    page.wait_for_selector('#account[data-profile="ready"]', timeout=30_000)


def bench_latency(browser, base: str, posts: int, reset_window) -> None:
    a_ctx, b_ctx = browser.new_context(), browser.new_context()
    a, b = a_ctx.new_page(), b_ctx.new_page()
    sign_in(a, base + LESSON, "learner@nimbus.test", '#forum[data-state="live"]')
    sign_in(b, base + CONSOLE, "instructor@nimbus.test", '#console[data-state="live"]')
    lat = post_latencies(a, b, "queue", posts, reset_window, "console bench")
    a_ctx.close()
    b_ctx.close()
    row(f"question asked -> visible in the console, p50 (n={posts})",
        ms(percentile(lat, 50)), "(goal <= 50 ms)")  # fmt: skip
    row("question asked -> visible in the console, p99", ms(percentile(lat, 99)))


def queue_window() -> int:
    """forum.QUEUE_WINDOW, read from the source (the module imports the browser's pyscript)."""
    import ast

    tree = ast.parse(Path("app/services/forum.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "QUEUE_WINDOW":
            return ast.literal_eval(node.value)
    raise LookupError("app/services/forum.py has no QUEUE_WINDOW")


def seed_questions(stack, total: int) -> int:
    """total questions over every course (every third answered), as the learner, written
    by firebase-admin; returns how many the console's windows hold afterwards."""
    import json

    from firebase_admin import auth, db

    from tools.seed import admin_app

    app = admin_app(stack)
    uid = auth.get_user_by_email("learner@nimbus.test", app=app).uid
    catalog = json.loads(Path("static/data/courses.json").read_text())
    cids = sorted(catalog)
    now = int(time.time() * 1000)
    updates: dict[str, dict] = {cid: {} for cid in cids}
    for i in range(total):
        cid = cids[i % len(cids)]
        lessons = sorted(catalog[cid]["lessons"])
        qid = f"-seed{i:015d}"
        created = now - (total - i) * 60_000
        updates[cid][f"questions/{qid}"] = {
            "uid": uid, "authorName": "Lena Learner", "title": f"Seeded question {i}",
            "body": "How does this part work?", "createdAt": created, "score": 0,
            "lessonId": lessons[i % len(lessons)],
        }  # fmt: skip
        if i % 3 == 0:
            updates[cid][f"answers/{qid}/-seedanswer{i:09d}"] = {
                "uid": uid, "authorName": "Lena Learner", "body": "Like this.",
                "createdAt": created + 1000, "score": 0,
            }  # fmt: skip
    shown = 0
    for cid in cids:
        forum = db.reference(f"forum/{cid}", app=app)
        forum.update(updates[cid])
        shown += min(queue_window(), len(forum.child("questions").get(shallow=True) or {}))
    return shown


def bench_cold_open(browser, stack, total: int, runs: int) -> None:
    shown = seed_questions(stack, total)
    url = stack.hosting_url + CONSOLE
    setup = browser.new_context()
    page = setup.new_page()
    sign_in(page, url, "admin@nimbus.test", '#console[data-state="live"]')
    state = setup.storage_state(indexed_db=True)  # Auth keeps its session in IndexedDB
    setup.close()
    live, settled, ready = [], [], []
    steps: dict[str, list[float]] = {name: [] for name, _ in STEPS}
    for _ in range(runs):
        ctx = browser.new_context(storage_state=state)
        page = ctx.new_page()
        page.goto(url)
        done = page.wait_for_function(SETTLED_JS, arg=shown, timeout=60_000, polling=20)
        settled.append(done.json_value())
        names = ["console-live", "py-ready", *(name for name, _ in STEPS)]
        marks = dict(zip(names, page.evaluate(MARKS_JS, names), strict=True))
        live.append(marks["console-live"])
        ready.append(marks["py-ready"])
        for name, _ in STEPS:
            steps[name].append(marks[name])
        ctx.close()
    note = f"(median of {runs}; {shown} in the windows; goal <= 800 ms)"
    row(f"console cold open, {total} questions over every course: windows in",
        ms(statistics.median(live)), note)  # fmt: skip
    row("  views mounted (py-ready)", ms(statistics.median(ready)))
    for name, what in STEPS:
        row("  " + what, ms(statistics.median(steps[name])))
    row("console cold open: every answer counted, queue sorted",
        ms(statistics.median(settled)), f"(median of {runs})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=30, help="questions for the latency")
    parser.add_argument("--questions", type=int, default=500, help="questions for the cold open")
    parser.add_argument("--runs", type=int, default=3, help="cold opens")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="nimbus-console-bench-") as tmp,
        local_stack(Path(tmp)) as stack,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        reset = window_reset(stack, "learner@nimbus.test")
        bench_latency(browser, stack.hosting_url, args.posts, reset)
        bench_cold_open(browser, stack, args.questions, args.runs)
        browser.close()
    print_table(ROWS, "value", 8)


if __name__ == "__main__":
    main()
