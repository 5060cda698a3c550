"""create_payment_intent against localstripe, and the webhook that turns a payment into
access: refusals in words, one intent per attempt, a paid card enrolled exactly once by
the signed event, declined cards recorded with the provider's reason and nothing granted."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from conftest import (
    COURSE,
    DECLINED,
    DECLINED_AT_CHARGE,
    NEEDS_3DS,
    OTHER_COURSE,
    authenticate_3ds,
    buy,
    call,
    card_token,
    events_of,
    order_of,
    stripe_client,
    wait_for_status,
)

from tools.testing.waiting import wait_until


def refusal(reply: dict) -> tuple[str, str]:
    """(code, the function's own sentence): the JS SDK appends " [<HTTP status>]"."""
    assert not reply["ok"], reply
    return reply["code"], reply["message"].rsplit(" [", 1)[0]


def test_signed_out_visitors_are_asked_to_sign_in(pay_stack) -> None:
    data = {"courseId": COURSE, "attempt": "a1", "token": card_token(pay_stack, "4242" * 4)}
    reply = call(pay_stack, "create_payment_intent", data, None)
    assert refusal(reply) == ("functions/unauthenticated", "Sign in to buy a course.")


def test_a_course_that_does_not_exist_is_refused(pay_stack, new_learner, admin_db) -> None:
    who = new_learner()
    reply = buy(pay_stack, who, course="no-such-course")
    assert refusal(reply) == ("functions/not-found", "That course does not exist.")
    assert admin_db.child(f"orders/{who.uid}").get() is None


def test_a_course_already_owned_is_refused(pay_stack, new_learner, admin_db) -> None:
    who = new_learner()
    admin_db.child(f"enrollments/{who.uid}/{COURSE}").set(True)
    reply = buy(pay_stack, who)
    assert refusal(reply) == (
        "functions/already-exists",
        "You are already enrolled in Serverless Foundations.",
    )
    assert admin_db.child(f"orders/{who.uid}").get() is None


def test_a_second_charge_while_one_is_being_confirmed_is_refused(
    pay_stack, new_learner, admin_db
) -> None:
    """Another tab's payment went through and waits for its webhook: a new attempt would
    bill twice, so it is refused in words and makes no order; a failed order does not block."""
    who = new_learner()
    waiting = {"courseId": COURSE, "status": "processing", "amount": 2900, "currency": "usd"}
    admin_db.child(f"orders/{who.uid}/o-other-tab").set(waiting)
    admin_db.child(f"orders/{who.uid}/o-declined").set({**waiting, "status": "failed"})
    reply = buy(pay_stack, who)
    assert refusal(reply) == (
        "functions/already-exists",
        "A payment for Serverless Foundations is already being confirmed; the course unlocks"
        " as soon as it is. Your Orders page shows it.",
    )
    assert sorted(admin_db.child(f"orders/{who.uid}").get()) == ["o-declined", "o-other-tab"]
    admin_db.child(f"orders/{who.uid}/o-other-tab/status").set("failed")
    assert buy(pay_stack, who)["ok"]


def test_malformed_requests_are_refused_in_words(pay_stack, new_learner) -> None:
    who = new_learner()
    token = card_token(pay_stack, "4242" * 4)
    cases = [
        ({"courseId": COURSE, "attempt": "a1"}, "Enter your card details."),
        ({"courseId": COURSE, "attempt": "a/1", "token": token}, "Start the checkout again."),
        ({"courseId": "../x", "attempt": "a1", "token": token}, "Choose a course to buy."),
        ({"courseId": COURSE, "attempt": "a1", "token": 5}, "Enter your card details."),
        (None, "Choose a course to buy."),
    ]
    for data, sentence in cases:
        reply = call(pay_stack, "create_payment_intent", data, who)
        assert refusal(reply) == ("functions/invalid-argument", sentence), data


def test_the_amount_comes_from_the_catalog_not_the_client(pay_stack, new_learner) -> None:
    who = new_learner()
    data = {
        "courseId": OTHER_COURSE,
        "attempt": uuid.uuid4().hex[:20],
        "token": card_token(pay_stack, "4242" * 4),
        "amount": 1,
        "currency": "jpy",
    }
    reply = call(pay_stack, "create_payment_intent", data, who)
    assert reply["ok"], reply
    assert (reply["result"]["amount"], reply["result"]["currency"]) == (3900, "usd")
    intent = stripe_client(pay_stack).v1.payment_intents.retrieve(
        reply["result"]["clientSecret"].split("_secret_")[0]
    )
    assert (intent.amount, intent.currency) == (3900, "usd")


def test_a_double_click_makes_one_order_and_one_intent(pay_stack, new_learner, admin_db) -> None:
    who = new_learner()
    attempt = uuid.uuid4().hex[:20]
    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: buy(pay_stack, who, attempt=attempt), range(3)))
    assert all(r["ok"] for r in replies), replies
    assert len({r["result"]["orderId"] for r in replies}) == 1
    assert len({r["result"]["clientSecret"] for r in replies}) == 1
    again = buy(pay_stack, who, attempt=attempt)  # later, after it is paid or on its way
    assert again["result"]["orderId"] == replies[0]["result"]["orderId"]
    orders = admin_db.child(f"orders/{who.uid}").get()
    assert list(orders) == [replies[0]["result"]["orderId"]]
    intents = stripe_client(pay_stack).v1.payment_intents.list(params={"limit": 100}).data
    mine = [i for i in intents if i.to_dict()["metadata"].get("uid") == who.uid]
    assert len(mine) == 1
    wait_for_status(admin_db, who, replies[0]["result"]["orderId"], "paid")


def test_a_repeat_of_a_paid_attempt_answers_its_order_not_a_refusal(
    pay_stack, new_learner, admin_db
) -> None:
    """A retried call (the first answer lost) may arrive after the webhook enrolled: the same
    attempt names the same order, so it answers that order instead of "already enrolled"."""
    who = new_learner()
    attempt = uuid.uuid4().hex[:20]
    first = buy(pay_stack, who, attempt=attempt)
    assert first["ok"], first
    order_id = first["result"]["orderId"]
    wait_for_status(admin_db, who, order_id, "paid")
    again = buy(pay_stack, who, attempt=attempt)
    assert again["ok"], again
    assert again["result"]["orderId"] == order_id
    assert list(admin_db.child(f"orders/{who.uid}").get()) == [order_id]
    assert not buy(pay_stack, who)["ok"]  # a new attempt is still refused: already enrolled


def test_a_paid_card_enrolls_through_the_signed_webhook_exactly_once(
    pay_stack, new_learner, admin_db
) -> None:
    who = new_learner()
    reply = buy(pay_stack, who)
    assert reply["ok"], reply
    result = reply["result"]
    assert result["status"] == "succeeded"
    assert (result["amount"], result["currency"]) == (2900, "usd")
    order_id = result["orderId"]
    order = order_of(admin_db, who, order_id)
    # Confirmed with Stripe, but only the webhook grants: not paid before its event.
    assert order["status"] in ("processing", "paid")
    order = wait_for_status(admin_db, who, order_id, "paid")
    assert admin_db.child(f"enrollments/{who.uid}").get() == {COURSE: True}
    assert order["receipt"] == {
        "orderId": order_id,
        "courseId": COURSE,
        "courseTitle": "Serverless Foundations",
        "amount": 2900,
        "currency": "usd",
        "paidAt": order["receipt"]["paidAt"],
    }
    assert order["intentId"] == result["clientSecret"].split("_secret_")[0]
    paid = [e for e in events_of(admin_db, who, order_id) if e["status"] == "paid"]
    assert [e.get("changed") for e in paid] == [True]
    # Buying it again is now refused in words.
    assert refusal(buy(pay_stack, who))[0] == "functions/already-exists"


def test_a_card_declined_at_charge_records_the_reason_and_grants_nothing(
    pay_stack, new_learner, admin_db
) -> None:
    who = new_learner()
    reply = buy(pay_stack, who, number=DECLINED_AT_CHARGE)
    assert refusal(reply) == ("functions/failed-precondition", "Your card was declined.")
    (order_id,) = admin_db.child(f"orders/{who.uid}").get()
    order = order_of(admin_db, who, order_id)
    assert (order["status"], order["failureReason"]) == ("failed", "Your card was declined.")
    assert "receipt" not in order

    # localstripe's payment_intent.payment_failed event arrives too and changes nothing.
    def failure_event_seen() -> bool:
        seen = events_of(admin_db, who, order_id)
        return any(e["status"] == "failed" and e.get("changed") is False for e in seen)

    wait_until(failure_event_seen, timeout=30, what="the payment_failed webhook")
    assert order_of(admin_db, who, order_id)["status"] == "failed"
    assert admin_db.child(f"enrollments/{who.uid}").get() is None
    # A new attempt with a good card works.
    good = buy(pay_stack, who)
    assert good["ok"], good
    wait_for_status(admin_db, who, good["result"]["orderId"], "paid")


def test_a_card_refused_on_attach_fails_the_order_before_any_intent(
    pay_stack, new_learner, admin_db
) -> None:
    who = new_learner()
    reply = buy(pay_stack, who, number=DECLINED)
    assert refusal(reply) == ("functions/failed-precondition", "Your card was declined.")
    (order,) = (admin_db.child(f"orders/{who.uid}").get() or {}).values()
    assert order["status"] == "failed"
    assert order["failureReason"] == "Your card was declined."
    assert "intentId" not in order
    assert admin_db.child(f"enrollments/{who.uid}").get() is None


def test_a_3d_secure_card_waits_for_the_browser_then_the_webhook(
    pay_stack, new_learner, admin_db
) -> None:
    who = new_learner()
    reply = buy(pay_stack, who, number=NEEDS_3DS)
    assert reply["ok"], reply
    result = reply["result"]
    assert result["status"] == "requires_action"
    assert order_of(admin_db, who, result["orderId"])["status"] == "pending"
    assert authenticate_3ds(pay_stack, result["clientSecret"])["status"] == "succeeded"
    wait_for_status(admin_db, who, result["orderId"], "paid")
    assert admin_db.child(f"enrollments/{who.uid}/{COURSE}").get() is True


def test_a_token_stripe_does_not_know_is_refused_in_the_learners_words(
    pay_stack, new_learner, admin_db
) -> None:
    """Stripe's answer to a made-up or spent token is for developers ("No such token:
    'tok_…'"); the learner reads a sentence of ours, and the order keeps that sentence."""
    who = new_learner()
    data = {"courseId": COURSE, "attempt": uuid.uuid4().hex[:20], "token": "tok_madeup123"}
    reply = call(pay_stack, "create_payment_intent", data, who)
    sentence = "The card details could not be used."
    assert refusal(reply) == ("functions/failed-precondition", sentence)
    (order,) = admin_db.child(f"orders/{who.uid}").get().values()
    assert (order["status"], order["failureReason"]) == ("failed", sentence)


def test_a_price_below_stripes_smallest_charge_is_not_for_sale(
    pay_stack, new_learner, admin_db
) -> None:
    """A catalog price Stripe cannot charge (under 50 cents) is refused in words before any
    order, instead of an internal error and an order left pending for ever."""
    who, course = new_learner(), f"cheap-{uuid.uuid4().hex[:8]}"
    admin_db.child(f"courses/{course}").set({"title": "Cheap", "price": 0.004})
    reply = buy(pay_stack, who, course=course)
    assert refusal(reply) == ("functions/failed-precondition", "This course is not for sale.")
    assert admin_db.child(f"orders/{who.uid}").get() is None
