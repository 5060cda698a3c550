"""Demo data for the local stack, written through firebase-admin like a real back end would.

Idempotent: accounts are created or updated by email; /courses is replaced from
static/data/courses.json; /smoke/message is only written when missing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tools.site import DEMO_PASSWORD, load_courses

if TYPE_CHECKING:
    from tools.stack import Stack

DEMO_USERS = {
    "learner@nimbus.test": ("Lena Learner", {"role": "learner"}),
    "instructor@nimbus.test": (
        "Ivan Instructor",
        {"role": "instructor", "courses": {"serverless-101": True, "thick-front-ends": True}},
    ),
    "admin@nimbus.test": ("Ada Admin", {"admin": True}),
}


def admin_app(stack: Stack):
    """A firebase-admin app bound to this stack's emulators (one per stack, by name)."""
    import firebase_admin

    os.environ["FIREBASE_DATABASE_EMULATOR_HOST"] = stack.database_host
    os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = stack.auth_host
    name = f"nimbus-{stack.ports.database}"
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        # No credential: with the emulator env vars set, firebase-admin uses its emulator
        # credentials and never looks for a Google login.
        return firebase_admin.initialize_app(
            options={
                "projectId": stack.project,
                "databaseURL": f"https://{stack.project}-default-rtdb.firebaseio.com",
            },
            name=name,
        )


def seed(stack: Stack) -> None:
    from firebase_admin import auth, db

    app = admin_app(stack)
    for email, (name, claims) in DEMO_USERS.items():
        try:
            user = auth.get_user_by_email(email, app=app)
            auth.update_user(user.uid, display_name=name, password=DEMO_PASSWORD, app=app)
        except auth.UserNotFoundError:
            user = auth.create_user(
                email=email, password=DEMO_PASSWORD, display_name=name, email_verified=True, app=app
            )
        auth.set_custom_user_claims(user.uid, claims, app=app)
    root = db.reference("/", app=app)
    root.child("courses").set(load_courses())
    message = root.child("smoke/message")
    if message.get() is None:
        message.set("Hello from the Nimbus realtime database")
