"""Project-wide constants of the local stack: the demo project, its password, the ports.

Below the site builder, the stack and the seeder, which all read them (none imports the
others for these). ``StackAddress`` is what seeding needs to know about a running stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
PROJECT_LOCAL = "demo-nimbus"
DEMO_PASSWORD = "nimbus-demo"
# localstripe accepts any sk_/pk_ key; these are the local stack's test values, never real
# keys (a real project sets its own with `firebase functions:secrets:set`, see README).
STRIPE_LOCAL_SECRET_KEY = "sk_test_nimbus_local"
STRIPE_LOCAL_PUBLISHABLE_KEY = "pk_test_nimbus_local"
STRIPE_LOCAL_WEBHOOK_SECRET = "whsec_nimbus_local"
# Mail (issue 14): the sink signs its Mailgun-format webhooks with this key; the unsubscribe
# links' tokens are signed with the other. Local values only (see README for production).
MAILGUN_LOCAL_SIGNING_KEY = "mailgun-signing-key-nimbus-local"
EMAIL_LOCAL_TOKEN_SECRET = "email-token-secret-nimbus-local"
SMTP_LOCAL_PASSWORD = "unused-by-the-local-sink"


@dataclass
class EmulatorPorts:
    """Where the local stack listens; baked into the page's web config for target local."""

    host: str = "127.0.0.1"
    auth: int = 9099
    database: int = 9000
    hosting: int = 5000
    functions: int = 5001
    hub: int = 4400
    logging: int = 4500
    stripe: int = 8420  # localstripe (its own default port): Stripe's API, Stripe.js stand-in
    media: int = 9199  # the media store (Cloud Storage's stand-in; the Storage emulator's port)
    smtp: int = 2525  # the mail sink's SMTP (what the functions send through)
    mail: int = 8025  # the mail sink's page: what was sent


class StackAddress(Protocol):
    """Where a running local stack answers (``tools.stack.Stack`` is one)."""

    ports: EmulatorPorts
    project: str

    @property
    def database_host(self) -> str: ...

    @property
    def auth_host(self) -> str: ...


def load_courses() -> dict:
    """The course catalogue (static/data/courses.json): pages and seed data both use it."""
    return json.loads((ROOT / "static" / "data" / "courses.json").read_text())
