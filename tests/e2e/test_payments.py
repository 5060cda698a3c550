"""Buying a course, end to end: the course page's checkout, localstripe, the functions.

The real stack: the page loads localstripe's Stripe.js stand-in (from the stack's
localstripe port, so every request stays on loopback), the card is tokenized by it, the
Functions emulator's `create_payment_intent` confirms the intent with localstripe, and
localstripe's signed webhook reaches `stripe_webhook`, which grants the enrolment. The
tests read the database back through firebase-admin only to check what was granted.
"""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_signed_in
from tools.testing.stacks import new_account

pytestmark = pytest.mark.e2e
COURSE = "realtime-forums"  # not in any demo user's enrolments; $49 in the catalog
LIVE = 15_000  # ms: Stripe.js load + token + callable + localstripe's ~1 s webhook delay
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"  # declined when attached (Stripe and localstripe alike)
THREE_D_SECURE_CARD = "4000002500003155"  # the bank asks for 3-D Secure


def course_url(stack, course: str = COURSE) -> str:
    return f"{stack.hosting_url}/course/{course}.html"


def new_learner(stack) -> tuple[str, str]:
    """A fresh account (email, uid) with no enrolments, made through the Auth emulator."""
    return new_account(stack, "buyer")


def buyer_name(email: str) -> str:
    """new_learner's display name for its email."""
    return "Buyer " + email.split("@")[0].removeprefix("buyer-")


def record_states(page: Page) -> None:
    """Keep every #enrolment data-state the page shows (progress states are short)."""
    page.evaluate(
        """() => {
          const box = document.getElementById("enrolment");
          window.__states = [box.dataset.state];
          new MutationObserver(() => window.__states.push(box.dataset.state))
            .observe(box, {attributes: true, attributeFilter: ["data-state"]});
        }"""
    )


def states(page: Page) -> list[str]:
    return page.evaluate("window.__states")


def open_checkout(page: Page) -> None:
    expect(page.locator("#enrolment")).to_have_attribute("data-state", "not-enrolled")
    page.click("#buy")
    expect(page.locator("#enrolment")).to_have_attribute("data-state", "checkout")
    expect(page.locator("#enrolment")).to_have_attribute("data-card", "ready", timeout=LIVE)


def enter_card(page: Page, number: str) -> None:
    """localstripe's stand-in card field: plain inputs (Stripe's own is an iframe)."""
    field = page.locator("#card-field")
    for name, value in (("number", ""), ("exp_month", "12"), ("exp_year", "34"),
                        ("cvc", "123"), ("postal_code", "10001")):  # fmt: skip
        field.locator(f'input[placeholder="{name}"]').fill(value)
    field.locator('input[placeholder="number"]').fill(number)


def buy(page: Page, number: str = GOOD_CARD) -> None:
    open_checkout(page)
    enter_card(page, number)
    expect(page.locator("#pay")).to_be_enabled()
    page.click("#pay")


def orders_of(admin_db, uid: str) -> dict:
    return admin_db.child(f"orders/{uid}").get() or {}


def test_learner_buys_a_course_and_its_lessons_unlock_live(people, local_stack, admin_db) -> None:
    email, uid = new_learner(local_stack)
    learner = people("learner")
    page = learner.page
    lesson = page.context.new_page()  # the lesson's forum, open beside the checkout
    open_signed_in(lesson, f"{local_stack.hosting_url}/course/{COURSE}/lesson/l01.html", email)
    expect(lesson.locator("#forum")).to_have_attribute("data-state", "locked", timeout=LIVE)

    page.goto(course_url(local_stack))  # same context: the sign-in is restored
    expect(page.locator("#account")).to_have_attribute("data-profile", "ready", timeout=LIVE)
    offer = page.locator("#enrolment .offer")
    expect(offer.locator(".price")).to_have_text("$49")
    expect(offer).to_contain_text("3 video lessons, 34 minutes in all")
    expect(page.locator("#lessons")).to_have_attribute("data-access", "locked")
    assert not page.evaluate("'Stripe' in window"), "Stripe.js must load only at checkout"
    record_states(page)
    buy(page)

    box = page.locator("#enrolment")
    expect(box).to_have_attribute("data-state", "enrolled", timeout=LIVE)
    expect(box.locator("#enrolled-text")).to_have_text(
        "You're enrolled: open a lesson to watch it and join its discussion."
    )
    seen = states(page)
    assert seen[-3:] == ["checkout", "confirming", "enrolled"], seen
    expect(page.locator("#lessons")).to_have_attribute("data-access", "open")
    # The forum in the other tab unlocks without a reload.
    expect(lesson.locator("#forum")).to_have_attribute("data-state", "live", timeout=LIVE)
    expect(lesson.locator("#ask-submit")).to_be_enabled()

    assert admin_db.child(f"enrollments/{uid}/{COURSE}").get() is True
    (order_id, order), *more = orders_of(admin_db, uid).items()
    assert more == [] and order["status"] == "paid", order
    assert order["receipt"]["amount"] == 4900 and order["receipt"]["courseId"] == COURSE

    # The receipt is on the Orders page, linked from the header.
    page.click("#orders-link")
    row = page.locator(f'#order-rows > tr[data-key="{uid}/{order_id}"]')
    expect(row.locator('[data-field="status"]')).to_have_text("Paid", timeout=LIVE)
    expect(row.locator('[data-field="course"]')).to_have_text("Building Realtime Forums")
    expect(row.locator('[data-field="amount"]')).to_have_text("$49.00")
    row.locator(".receipt summary").click()
    expect(row.locator('[data-field="receipt-id"]')).to_have_text(order["receipt"]["orderId"])
    expect(row.locator(".refund")).to_be_hidden()  # learners cannot refund
    expect(page.locator("#orders [data-skeleton]")).to_have_count(0)


def test_declined_card_says_why_grants_nothing_and_can_try_again(
    people, local_stack, admin_db
) -> None:
    email, uid = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    buy(page, DECLINED_CARD)

    error = page.locator("#checkout-error")
    expect(error).to_contain_text("declined", timeout=LIVE)
    expect(error).to_contain_text("try again")
    box = page.locator("#enrolment")
    expect(box).to_have_attribute("data-state", "checkout")
    expect(page.locator("#pay")).to_be_enabled()
    assert admin_db.child(f"enrollments/{uid}").get() is None
    (failed,) = orders_of(admin_db, uid).values()
    assert failed["status"] == "failed" and "declined" in failed["failureReason"], failed
    assert page.locator('#card-field input[placeholder="cvc"]').input_value() == "123"  # kept

    # Another card, another attempt: a new order, and this one is paid. A double click on
    # Pay is one payment (the button is disabled at once; the attempt is one order anyway).
    page.locator('#card-field input[placeholder="number"]').fill(GOOD_CARD)
    page.dblclick("#pay")
    expect(box).to_have_attribute("data-state", "enrolled", timeout=LIVE)
    statuses = sorted(o["status"] for o in orders_of(admin_db, uid).values())
    assert statuses == ["failed", "paid"], statuses
    assert admin_db.child(f"enrollments/{uid}").get() == {COURSE: True}


def test_card_that_needs_3d_secure_pays_after_the_challenge(people, local_stack, admin_db) -> None:
    """The intent comes back requires_action; Stripe.js runs the challenge (localstripe's
    stand-in shows its own confirm box) and the webhook then grants the course."""
    email, uid = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    buy(page, THREE_D_SECURE_CARD)
    box = page.locator("#enrolment")
    expect(box).to_have_attribute("data-state", "confirming")
    page.get_by_role("button", name="Complete authentication").click(timeout=LIVE)
    expect(box).to_have_attribute("data-state", "enrolled", timeout=LIVE)
    assert admin_db.child(f"enrollments/{uid}").get() == {COURSE: True}


def test_failed_3d_secure_says_why_and_grants_nothing(people, local_stack, admin_db) -> None:
    email, uid = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    buy(page, THREE_D_SECURE_CARD)
    page.get_by_role("button", name="Fail authentication").click(timeout=LIVE)
    expect(page.locator("#checkout-error")).to_contain_text("authentication", timeout=LIVE)
    expect(page.locator("#enrolment")).to_have_attribute("data-state", "checkout")
    expect(page.locator("#pay")).to_be_enabled()
    assert admin_db.child(f"enrollments/{uid}").get() is None


def test_admin_refund_revokes_the_learners_access_live(people, local_stack, admin_db) -> None:
    email, uid = new_learner(local_stack)
    admin = people("admin").page  # the admin's Orders page is open before the purchase
    open_signed_in(admin, f"{local_stack.hosting_url}/orders.html", "admin@nimbus.test")
    expect(admin.locator("#orders-title")).to_have_text("All orders")
    expect(admin.locator("#orders")).to_have_attribute("data-state", "live", timeout=LIVE)

    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    buy(page)
    box = page.locator("#enrolment")
    expect(box).to_have_attribute("data-state", "enrolled", timeout=LIVE)
    (order_id,) = orders_of(admin_db, uid)

    # The new order arrived in the admin's page live.
    row = admin.locator(f'#order-rows > tr[data-key="{uid}/{order_id}"]')
    expect(row.locator('[data-field="status"]')).to_have_text("Paid", timeout=LIVE)
    expect(row.locator('[data-field="buyer"]')).to_have_text(buyer_name(email))
    row.locator(".refund").click()
    expect(row.locator('[data-field="status"]')).to_have_text("Refunded", timeout=LIVE)
    expect(row.locator(".refund")).to_be_hidden()
    expect(row.locator(".refund-error")).to_have_text("")

    # The learner's page locks again without a reload, and offers the course for sale.
    expect(box).to_have_attribute("data-state", "not-enrolled", timeout=LIVE)
    expect(page.locator("#lessons")).to_have_attribute("data-access", "locked")
    expect(page.locator("#buy")).to_be_visible()
    assert admin_db.child(f"enrollments/{uid}/{COURSE}").get() is None
    assert orders_of(admin_db, uid)[order_id]["status"] == "refunded"


def test_new_learners_orders_page_is_empty_and_has_no_refunds(people, local_stack) -> None:
    email, _ = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, f"{local_stack.hosting_url}/orders.html", email)
    expect(page.locator("#orders")).to_have_attribute("data-state", "live", timeout=LIVE)
    expect(page.locator("#orders-title")).to_have_text("Your orders")
    empty = page.locator("#orders .orders-empty")
    expect(empty.locator(".learner-only")).to_have_text(
        "You have not bought a course yet: browse the catalog."
    )
    expect(empty.locator(".learner-only")).to_be_visible()
    expect(empty.locator(".admin-only")).to_be_hidden()
    expect(page.locator("#orders th.admin-only")).to_be_hidden()


def test_signed_out_visitor_is_asked_to_sign_in_to_buy(people, local_stack) -> None:
    with urllib.request.urlopen(f"{local_stack.hosting_url}/orders.html", timeout=10) as resp:
        html = resp.read().decode()
    assert html.count("<tr data-skeleton>") == 3  # pending rows show before any Python runs
    page = people("visitor").page
    page.goto(course_url(local_stack))
    box = page.locator("#enrolment")
    expect(box).to_have_attribute("data-state", "signed-out", timeout=30_000)
    expect(box.locator("#signin-to-buy")).to_have_text("Sign in to buy")
    expect(box.locator(".price")).to_have_text("$49")
    expect(page.locator("#buy")).to_be_hidden()
    expect(page.locator("#orders-link")).to_be_hidden()
    page.click("#signin-to-buy")
    expect(page.locator("#signin-email")).to_be_focused()

    page.goto(f"{local_stack.hosting_url}/orders.html")
    expect(page.locator("#orders")).to_have_attribute("data-state", "signed-out", timeout=30_000)
    expect(page.locator("#orders .when-signed-out")).to_have_text(
        "Sign in to see your orders and their receipts."
    )


def test_card_form_that_cannot_load_says_why_and_buy_tries_again(
    people, local_stack, admin_db
) -> None:
    """Stripe.js unreachable (a network cut): the offer says so; Buy later loads it afresh."""
    email, uid = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    cut = "**/js.stripe.com/v3/"
    page.route(cut, lambda route: route.abort())
    page.click("#buy")
    expect(page.locator("#offer-error")).to_have_text(
        "The secure card form could not be loaded; check your connection and try again.",
        timeout=LIVE,
    )
    expect(page.locator("#enrolment")).to_have_attribute("data-state", "not-enrolled")
    page.unroute(cut)
    buy(page)
    expect(page.locator("#enrolment")).to_have_attribute("data-state", "enrolled", timeout=LIVE)
    assert admin_db.child(f"enrollments/{uid}").get() == {COURSE: True}


def test_a_refusal_that_is_not_the_cards_gives_no_card_advice(
    people, local_stack, admin_db
) -> None:
    """The course was withdrawn while the learner had checkout open: the function's
    refusal reads in its own words, without "check the card details" (the card was not
    the reason), nothing is ordered, and the card form stays filled in."""
    email, uid = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    open_checkout(page)
    enter_card(page, GOOD_CARD)
    course = admin_db.child(f"courses/{COURSE}").get()
    admin_db.child(f"courses/{COURSE}").delete()
    try:
        page.click("#pay")
        expect(page.locator("#checkout-error")).to_have_text(
            "That course does not exist.", timeout=LIVE
        )
    finally:
        admin_db.child(f"courses/{COURSE}").set(course)
    expect(page.locator("#enrolment")).to_have_attribute("data-state", "checkout")
    assert page.locator('#card-field input[placeholder="cvc"]').input_value() == "123"
    assert orders_of(admin_db, uid) == {}


def test_a_late_webhook_tells_the_learner_they_may_leave(people, local_stack, admin_db) -> None:
    """The bank said yes but the signed event is late (here: localstripe sends it nowhere):
    after a while the panel says the course unlocks by itself and where the order is, and
    nothing is granted before the webhook."""
    email, uid = new_learner(local_stack)
    page = people("learner").page
    open_signed_in(page, course_url(local_stack), email)
    local_stack.register_stripe_webhook(f"{local_stack.stripe_url}/nowhere")  # 404, no retry
    try:
        buy(page)
        box = page.locator("#enrolment")
        expect(box).to_have_attribute("data-state", "confirming")
        expect(page.locator("#confirming-text")).to_contain_text("You can leave this page",
                                                                 timeout=20_000)  # fmt: skip
        expect(box).to_have_attribute("data-state", "confirming")
        (order,) = orders_of(admin_db, uid).values()
        assert order["status"] == "processing", order
        assert admin_db.child(f"enrollments/{uid}").get() is None
    finally:
        local_stack.register_stripe_webhook()
