"""Notifications: inbox fan-out, email (instant and digests), unsubscribes and bounces."""
