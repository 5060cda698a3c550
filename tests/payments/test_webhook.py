"""stripe_webhook from an attacker's and an unreliable network's side: forged and stale
signatures change nothing; real signed events delivered twice, replayed, and out of order
(a refund before its success) leave one entitlement per paid order, or none."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from conftest import (
    COURSE,
    DECLINED,
    NEEDS_3DS,
    as_stripe_sends,
    authenticate_3ds,
    buy,
    events_of,
    order_of,
    paid_order,
    post_webhook,
    sign,
    stripe_client,
    stripe_event,
)

from tools.testing.waiting import wait_until


def snapshot(admin_db) -> dict:
    """Everything a webhook may touch."""
    return {k: admin_db.child(k).get() for k in ("orders", "enrollments", "payments")}


def success_event(stack, intent_id: str) -> dict:
    """The payment_intent.succeeded event localstripe delivered for this intent."""
    return stripe_event(stack, "payment_intent.succeeded", intent_id)


def charge_refunded(stack, intent_id: str, created: int | None = None) -> dict:
    """Stripe's documented `charge.refunded` event for the intent's charge (localstripe
    never sends one): the charge object with `refunded: true` and `payment_intent`."""
    intent = stripe_client(stack).v1.payment_intents.retrieve(intent_id).to_dict()
    charge = intent.get("latest_charge") or f"ch_{intent_id[3:]}"
    charge = charge if isinstance(charge, dict) else {"id": charge}
    now = created or int(time.time())
    return {
        "id": f"evt_refund_{intent_id}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": now,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": charge["id"],
                "object": "charge",
                "amount": intent["amount"],
                "amount_captured": intent["amount"],
                "amount_refunded": intent["amount"],
                "captured": True,
                "currency": intent["currency"],
                "metadata": {},
                "paid": True,
                "payment_intent": intent_id,
                "refunded": True,
                "status": "succeeded",
            },
            "previous_attributes": {"amount_refunded": 0, "refunded": False},
        },
    }


def test_a_forged_signature_is_refused_and_changes_nothing(pay_stack, new_learner, admin_db):
    who = new_learner()
    order = paid_order(pay_stack, admin_db, who)
    event = charge_refunded(pay_stack, order["intentId"])
    payload = json.dumps(event)
    before = snapshot(admin_db)
    for signature in (
        sign(payload, secret="whsec_not_ours"),  # someone else's secret
        sign(payload.replace('"refunded": true', '"refunded": false')),  # another body's
        "t=1,v1=00",
        "",
        None,
    ):
        status, _ = post_webhook(pay_stack, payload, signature)
        assert status == 400, signature
    assert snapshot(admin_db) == before
    assert admin_db.child(f"enrollments/{who.uid}/{COURSE}").get() is True


def test_a_stale_signature_is_refused_and_changes_nothing(pay_stack, new_learner, admin_db):
    who = new_learner()
    order = paid_order(pay_stack, admin_db, who)
    old = int(time.time()) - 600  # past the library's 300 s tolerance
    event = charge_refunded(pay_stack, order["intentId"], created=old)
    payload = json.dumps(event)
    before = snapshot(admin_db)
    status, _ = post_webhook(pay_stack, payload, sign(payload, timestamp=old))
    assert status == 400
    assert snapshot(admin_db) == before


def test_duplicated_success_events_grant_once(pay_stack, new_learner, admin_db) -> None:
    who = new_learner()
    order = paid_order(pay_stack, admin_db, who)
    payload, signature = as_stripe_sends(success_event(pay_stack, order["intentId"]))
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: post_webhook(pay_stack, payload, signature), range(4)))
    assert [s for s, _ in statuses] == [200] * 4
    after = order_of(admin_db, who, order["orderId"])
    assert after["status"] == "paid"
    assert after["receipt"] == order["receipt"]  # not re-issued
    assert admin_db.child(f"enrollments/{who.uid}").get() == {COURSE: True}
    paid = [e for e in events_of(admin_db, who, order["orderId"]) if e["status"] == "paid"]
    assert [e.get("changed") for e in paid] == [True]  # one event id, one transition
    assert [e["deliveries"] for e in paid] == [5]  # localstripe's delivery and our four


def test_a_refund_event_revokes_and_a_replayed_success_does_not_regrant(
    pay_stack, new_learner, admin_db
) -> None:
    who = new_learner()
    order = paid_order(pay_stack, admin_db, who)
    success = as_stripe_sends(success_event(pay_stack, order["intentId"]))
    refund = json.dumps(charge_refunded(pay_stack, order["intentId"]))
    assert post_webhook(pay_stack, refund, sign(refund))[0] == 200
    after = order_of(admin_db, who, order["orderId"])
    assert after["status"] == "refunded"
    assert after["receipt"] == order["receipt"] and after["refundedAt"]
    assert admin_db.child(f"enrollments/{who.uid}").get() is None
    # The success event again (a replay, or a late retry) and the refund again.
    assert post_webhook(pay_stack, *success)[0] == 200
    assert post_webhook(pay_stack, refund, sign(refund))[0] == 200
    assert order_of(admin_db, who, order["orderId"])["status"] == "refunded"
    assert admin_db.child(f"enrollments/{who.uid}").get() is None


def test_a_refund_that_arrives_before_the_success_leaves_no_entitlement(
    pay_stack, new_learner, admin_db
) -> None:
    """Out of order: the refund event lands while the payment still waits for 3-D Secure;
    localstripe's own success event follows."""
    who = new_learner()
    reply = buy(pay_stack, who, number=NEEDS_3DS)
    assert reply["ok"] and reply["result"]["status"] == "requires_action", reply
    order_id, secret = reply["result"]["orderId"], reply["result"]["clientSecret"]
    refund = json.dumps(charge_refunded(pay_stack, secret.split("_secret_")[0]))
    assert post_webhook(pay_stack, refund, sign(refund))[0] == 200
    assert order_of(admin_db, who, order_id)["status"] == "refunded"
    assert authenticate_3ds(pay_stack, secret)["status"] == "succeeded"
    wait_until(
        lambda: any(e["status"] == "paid" for e in events_of(admin_db, who, order_id)),
        timeout=30,
        what="localstripe's payment_intent.succeeded",
    )
    final = order_of(admin_db, who, order_id)
    assert final["status"] == "refunded"
    assert "receipt" not in final  # never paid as far as the order knows
    assert admin_db.child(f"enrollments/{who.uid}").get() is None


def test_a_late_failure_event_does_not_undo_a_payment(pay_stack, new_learner, admin_db) -> None:
    who = new_learner()
    order = paid_order(pay_stack, admin_db, who)
    event = success_event(pay_stack, order["intentId"])
    failed = {
        **event,
        "id": event["id"] + "_failed",
        "type": "payment_intent.payment_failed",
        "created": int(time.time()),
    }
    failed["data"]["object"]["last_payment_error"] = {"message": "Your card was declined."}
    payload = json.dumps(failed)
    assert post_webhook(pay_stack, payload, sign(payload))[0] == 200
    assert order_of(admin_db, who, order["orderId"])["status"] == "paid"
    assert admin_db.child(f"enrollments/{who.uid}/{COURSE}").get() is True


def test_events_nimbus_does_not_act_on_are_acknowledged(pay_stack, admin_db) -> None:
    event = {"id": "evt_other", "object": "event", "type": "customer.created", "created": 1}
    event["data"] = {"object": {"id": "cus_1", "object": "customer"}}
    payload = json.dumps(event)
    before = snapshot(admin_db)
    assert post_webhook(pay_stack, payload, sign(payload))[0] == 200
    assert snapshot(admin_db) == before


def forged_success(intent: dict, **changes) -> dict:
    """A payment_intent.succeeded event as Stripe would sign it, for an intent object."""
    obj = {"object": "payment_intent", "status": "succeeded", **intent, **changes}
    obj.setdefault("amount_received", obj["amount"])
    return {
        "id": f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "created": int(time.time()),
        "type": "payment_intent.succeeded",
        "data": {"object": obj},
    }


def test_a_signed_success_for_an_intent_nimbus_never_made_pays_nothing(
    pay_stack, new_learner, admin_db
) -> None:
    """An order refused at the card (failed, no intent yet) is not paid by a signed event
    of some other intent whose metadata names it, for a cent."""
    who = new_learner()
    assert not buy(pay_stack, who, number=DECLINED)["ok"]
    (order_id,) = admin_db.child(f"orders/{who.uid}").get()
    intent = {"id": f"pi_{uuid.uuid4().hex[:20]}", "amount": 1, "currency": "usd"}
    intent["metadata"] = {"uid": who.uid, "orderId": order_id, "courseId": COURSE}
    before = snapshot(admin_db)
    assert post_webhook(pay_stack, *as_stripe_sends(forged_success(intent)))[0] == 200
    assert order_of(admin_db, who, order_id)["status"] == "failed"
    assert admin_db.child(f"enrollments/{who.uid}").get() is None
    assert snapshot(admin_db)["orders"] == before["orders"]


def test_a_success_whose_metadata_names_another_learners_order_pays_only_its_own(
    pay_stack, new_learner, admin_db
) -> None:
    """The victim's order is found by its intent, never by what an event's metadata says:
    the attacker's real success, re-addressed to the victim's declined order, pays nothing
    of the victim's."""
    attacker, victim = new_learner(), new_learner()
    assert not buy(pay_stack, victim, number=DECLINED)["ok"]
    (victim_order,) = admin_db.child(f"orders/{victim.uid}").get()
    paid = paid_order(pay_stack, admin_db, attacker)
    event = success_event(pay_stack, paid["intentId"])
    event["id"] = f"evt_{uuid.uuid4().hex[:16]}"
    event["data"]["object"]["metadata"] = {"uid": victim.uid, "orderId": victim_order}
    assert post_webhook(pay_stack, *as_stripe_sends(event))[0] == 200
    assert order_of(admin_db, victim, victim_order)["status"] == "failed"
    assert admin_db.child(f"enrollments/{victim.uid}").get() is None
