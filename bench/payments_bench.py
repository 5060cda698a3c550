"""Checkout benchmark: click Pay -> the enrolment visible in the page, over 20 purchases.

    .venv/bin/python -m bench.payments_bench [--purchases 20]

Starts its own local stack on free ports (localstripe, the Functions emulator, rtdb) as
the e2e tests do. One signed-in learner buys "Building Realtime Forums" on its course page
with the test card 4242 4242 4242 4242, `--purchases` times after 2 warm-up purchases.
Between purchases (never inside the timed span) firebase-admin removes the enrolment, so
the page offers the course again and the next purchase is a new order.

Timed in the page, on its own clock: from the Pay click to the moment #enrolment shows
"enrolled", which happens only when the database's `enrollments/<uid>/<cid>` (written by
`stripe_webhook`) reaches the page. That span holds Stripe.js's token request, the
`create_payment_intent` callable (customer, intent, confirm against localstripe),
localstripe's webhook (which it sends about 1 s after the event: `asyncio.sleep(1)` in
localstripe/webhooks.py; Stripe's own delay varies), the webhook function's multi-path
update and the database's push. Also reported: Pay -> "Confirming your payment…" (the
page's own reaction) and Buy -> card field ready (Stripe.js loaded lazily: the first one
is cold). Loopback only; prints a table, asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench._table import percentile, print_table
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.testing.browser import fill_sign_in
from tools.testing.stacks import local_stack, new_account

COURSE = "realtime-forums"
CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "34", "cvc": "123",
        "postal_code": "10001"}  # fmt: skip
WARM_UP = 2
ROWS: list[tuple[str, str, str]] = []

OBSERVE_JS = """() => {
  const box = document.getElementById('enrolment');
  window.__at = {};
  new MutationObserver(() => {
    const t = performance.now(), state = box.dataset.state;
    for (const s of [state, state + ':' + (box.dataset.card || '')])
      if (!(s in window.__at)) window.__at[s] = t;
  }).observe(box, {attributes: true, attributeFilter: ['data-state', 'data-card']});
}"""

CLICK_JS = """(id) => {
  window.__at = {};
  const t = performance.now();
  document.getElementById(id).click();
  return t;
}"""


STRIPE_JS_TIMING = """() => performance.getEntriesByType('resource')
  .filter(r => r.name.includes('/js.stripe.com/v3/')).map(r => r.duration)"""


def row(what: str, value: str, note: str = "") -> None:
    ROWS.append((what, value, note))
    print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)


def new_learner(stack) -> tuple[str, str]:
    return new_account(stack, "bench-buyer")


def purchase(page) -> dict[str, float]:
    """One Buy -> card -> Pay -> enrolled, as a learner does it; the spans in ms."""
    t_buy = page.evaluate(CLICK_JS, "buy")
    page.wait_for_function("() => 'checkout:ready' in window.__at", timeout=30_000)
    card_ready = page.evaluate("() => window.__at['checkout:ready']") - t_buy
    for name, value in CARD.items():
        page.fill(f'#card-field input[placeholder="{name}"]', value)
    t_pay = page.evaluate(CLICK_JS, "pay")
    page.wait_for_function("() => 'enrolled' in window.__at", timeout=30_000)
    at = page.evaluate("() => window.__at")
    return {
        "card": card_ready,
        "confirming": at.get("confirming", at["enrolled"]) - t_pay,
        "enrolled": at["enrolled"] - t_pay,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--purchases", type=int, default=20)
    args = parser.parse_args()
    from firebase_admin import db
    from playwright.sync_api import sync_playwright

    from tools.seed import admin_app

    with (
        tempfile.TemporaryDirectory(prefix="nimbus-payments-bench-") as tmp,
        local_stack(Path(tmp)) as stack,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        email, uid = new_learner(stack)
        enrolment = db.reference(f"enrollments/{uid}/{COURSE}", app=admin_app(stack))
        page = browser.new_context().new_page()
        page.goto(f"{stack.hosting_url}/course/{COURSE}.html")
        page.wait_for_selector('#py-status[data-state="ready"]', state="attached", timeout=30_000)
        fill_sign_in(page, email)
        page.wait_for_selector('#enrolment[data-state="not-enrolled"]', timeout=30_000)
        page.evaluate(OBSERVE_JS)
        spans = []
        for i in range(WARM_UP + args.purchases):
            spans.append(purchase(page))
            if i == 0:
                stripe_js = page.evaluate(STRIPE_JS_TIMING)
            enrolment.delete()  # the course is for sale again (outside the timed span)
            page.wait_for_selector('#enrolment[data-state="not-enrolled"]', timeout=30_000)
        browser.close()
    warm = spans[WARM_UP:]
    enrolled = [s["enrolled"] for s in warm]
    row("Buy -> card field ready, first (loads Stripe.js)", f"{spans[0]['card']:.0f} ms")
    fetched = " + ".join(f"{d:.0f}" for d in stripe_js) + " ms"
    row("  of which Stripe.js's request (Resource Timing)", fetched, f"({len(stripe_js)} request)")
    row("Buy -> card field ready, warm p50", f"{percentile([s['card'] for s in warm], 50):.0f} ms")
    row("Pay -> 'Confirming your payment…' shown, p50",
        f"{percentile([s['confirming'] for s in warm], 50):.0f} ms")  # fmt: skip
    row("Pay -> enrolled in the page, first purchase", f"{spans[0]['enrolled']:.0f} ms",
        "(cold: functions worker, Stripe.js)")  # fmt: skip
    row(f"Pay -> enrolled in the page, warm p50 (n={len(warm)})",
        f"{percentile(enrolled, 50):.0f} ms", "(goal <= 1500 ms locally, warm)")  # fmt: skip
    row("Pay -> enrolled in the page, warm p99", f"{percentile(enrolled, 99):.0f} ms",
        "(includes localstripe's ~1000 ms webhook delay)")  # fmt: skip
    row("Pay -> enrolled in the page, warm min / max",
        f"{min(enrolled):.0f} / {max(enrolled):.0f} ms")  # fmt: skip
    print_table(ROWS, "value", 12)


if __name__ == "__main__":
    main()
