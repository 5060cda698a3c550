"""Payments: checkout, the Stripe webhook and refunds; the only code that turns money into
access (browsers never write `enrollments/` or `orders/`).

`checkout` (create_payment_intent), `webhook` (stripe_webhook) and `refunds`
(refund_order) are the triggers' bodies, declared in main.py, as is `media` (media_url:
signed lesson-media URLs for the entitled); `_orders` is the order state
machine (no I/O), `_ledger` applies its facts to the database, `_stripe` holds the client
and the two secret params.
"""
