"""Demo data for the local stack, written through firebase-admin like a real back end would.

Idempotent: accounts are created or updated by email; /courses and /lessons are replaced
from static/data/courses.json (lessons live apart, at /lessons/$cid/$lid, as the data model
says); each course's instructorUid is the demo user named as its instructor; profiles, their
displayNames index entries (the rules require both) and the demo learner's enrollments are
(re)written; the forum is kept.
"""

from __future__ import annotations

import os

from rules.nimbus_rules import name_key
from tools.project import DEMO_PASSWORD, StackAddress, load_courses

DEMO_USERS = {
    "learner@nimbus.test": ("Lena Learner", {"role": "learner"}),
    "instructor@nimbus.test": (
        "Ivan Instructor",
        {"role": "instructor", "courses": {"serverless-101": True, "thick-front-ends": True}},
    ),
    "admin@nimbus.test": ("Ada Admin", {"admin": True}),
}
# The demo learner is enrolled in these; realtime-forums shows the "enrol to join" state.
DEMO_ENROLLMENTS = {"learner@nimbus.test": ["serverless-101", "thick-front-ends"]}


def database_tree(uids: dict[str, str]) -> dict[str, dict]:
    """The seeded top-level nodes, given each demo email's uid."""
    by_name = {name: uids[email] for email, (name, _) in DEMO_USERS.items()}
    courses, lessons = {}, {}
    for cid, course in load_courses().items():
        entry = {k: v for k, v in course.items() if k != "lessons"}
        if course.get("instructor") in by_name:
            entry["instructorUid"] = by_name[course["instructor"]]
        courses[cid] = entry
        # Transcripts become the (signed, private) captions; the public lessons/ node
        # and the lesson lists that read it stay small and give no paid text away.
        lessons[cid] = {
            lid: {k: v for k, v in lesson.items() if k != "transcript"}
            for lid, lesson in course.get("lessons", {}).items()
        }
    return {
        "courses": courses,
        "lessons": lessons,
        "profiles": {uids[email]: {"displayName": name} for email, (name, _) in DEMO_USERS.items()},
        "displayNames": {name_key(name): uids[email] for email, (name, _) in DEMO_USERS.items()},
        "enrollments": {
            uids[email]: dict.fromkeys(cids, True) for email, cids in DEMO_ENROLLMENTS.items()
        },
    }


def admin_app(stack: StackAddress):
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


def seed(stack: StackAddress) -> None:
    from firebase_admin import auth, db

    app = admin_app(stack)
    uids = {}
    for email, (name, claims) in DEMO_USERS.items():
        try:
            user = auth.get_user_by_email(email, app=app)
            auth.update_user(user.uid, display_name=name, password=DEMO_PASSWORD, app=app)
        except auth.UserNotFoundError:
            user = auth.create_user(
                email=email, password=DEMO_PASSWORD, display_name=name, email_verified=True, app=app
            )
        auth.set_custom_user_claims(user.uid, claims, app=app)
        uids[email] = user.uid
    root = db.reference("/", app=app)
    tree = database_tree(uids)
    root.update(
        {
            "courses": tree["courses"],
            "lessons": tree["lessons"],
            **{f"profiles/{uid}": p for uid, p in tree["profiles"].items()},
            **{f"displayNames/{key}": uid for key, uid in tree["displayNames"].items()},
            **{f"enrollments/{uid}": e for uid, e in tree["enrollments"].items()},
        }
    )
