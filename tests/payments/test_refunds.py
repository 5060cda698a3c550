"""refund_order: only an admin refunds; the refund goes through Stripe (localstripe records
it) and the course is revoked at once, even though localstripe sends no charge.refunded."""

from __future__ import annotations

from conftest import (
    COURSE,
    DECLINED_AT_CHARGE,
    buy,
    call,
    order_of,
    paid_order,
    stripe_client,
)


def refusal(reply: dict) -> tuple[str, str]:
    assert not reply["ok"], reply
    return reply["code"], reply["message"].rsplit(" [", 1)[0]


def test_learners_cannot_refund_even_their_own_order(pay_stack, new_learner, admin_db) -> None:
    who = new_learner()
    order = paid_order(pay_stack, admin_db, who)
    request = {"uid": who.uid, "orderId": order["orderId"]}
    reply = call(pay_stack, "refund_order", request, who)
    assert refusal(reply) == ("functions/permission-denied", "Only an admin can refund an order.")
    reply = call(pay_stack, "refund_order", request, None)
    assert refusal(reply)[0] == "functions/unauthenticated"
    assert order_of(admin_db, who, order["orderId"])["status"] == "paid"
    assert admin_db.child(f"enrollments/{who.uid}/{COURSE}").get() is True


def test_an_admin_refund_goes_through_stripe_and_revokes(pay_stack, new_learner, admin_db) -> None:
    who, admin = new_learner(), new_learner(admin=True)
    order = paid_order(pay_stack, admin_db, who)
    request = {"uid": who.uid, "orderId": order["orderId"]}
    reply = call(pay_stack, "refund_order", request, admin)
    assert reply == {"ok": True, "result": {"status": "refunded"}, "ms": reply["ms"]}
    after = order_of(admin_db, who, order["orderId"])
    assert after["status"] == "refunded"
    assert after["receipt"] == order["receipt"] and after["refundedAt"]
    assert admin_db.child(f"enrollments/{who.uid}").get() is None
    client = stripe_client(pay_stack)
    refunds = client.v1.refunds.list(params={"payment_intent": order["intentId"]}).data
    assert [(r.amount, r.status) for r in refunds] == [(2900, "succeeded")]
    # Refunding again answers the same and refunds nothing more.
    again = call(pay_stack, "refund_order", request, admin)
    assert again["result"] == {"status": "refunded"}
    assert len(client.v1.refunds.list(params={"payment_intent": order["intentId"]}).data) == 1


def test_only_a_paid_order_can_be_refunded(pay_stack, new_learner, admin_db) -> None:
    who, admin = new_learner(), new_learner(admin=True)
    buy(pay_stack, who, number=DECLINED_AT_CHARGE)
    (order_id,) = admin_db.child(f"orders/{who.uid}").get()
    reply = call(pay_stack, "refund_order", {"uid": who.uid, "orderId": order_id}, admin)
    assert refusal(reply) == (
        "functions/failed-precondition",
        "Only a paid order can be refunded; this one is failed.",
    )
    missing = {"uid": who.uid, "orderId": "o" + "0" * 20}
    assert refusal(call(pay_stack, "refund_order", missing, admin)) == (
        "functions/not-found",
        "There is no such order.",
    )
