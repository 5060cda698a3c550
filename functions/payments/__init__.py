"""Payments: checkout, the Stripe webhook, entitlements and signed URLs for protected media.

The only code that turns money into access; browsers never write `enrollments/`.
"""
