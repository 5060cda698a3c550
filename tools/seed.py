"""Demo data for the local stack, written through firebase-admin like a real back end would.

Idempotent: accounts are created or updated by email; /courses and /lessons are replaced
from static/data/courses.json (lessons live apart, at /lessons/$cid/$lid, as the data model
says); each course's instructorUid is the demo user named as its instructor; profiles, their
displayNames index entries (the rules require both) and the demo learner's enrollments are
(re)written; the forum is kept.

With ``forum=True`` (``build.py serve``; tests seed without it) the demo forum
(tools/demo_forum.py, static/data/forum.json) is written into each demo course whose forum is
still empty, with accounts, profiles and enrolments for its authors, and the search index is
built from it by the backfill (the code the triggers run). Seed before the database triggers
are registered: 200 posts would otherwise each fire the search, notification and bot triggers.
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
    courses, lessons, transcripts = {}, {}, {}
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
        # ... and transcripts/$cid/$lid (members read it; the search triggers index it)
        transcripts[cid] = {
            lid: lesson["transcript"]
            for lid, lesson in course.get("lessons", {}).items()
            if lesson.get("transcript")
        }
    from app.model import gurubot

    bot = {gurubot.BOT_UID: gurubot.BOT_NAME}  # Gurubot's profile: only a back end writes it
    people = {uids[email]: name for email, (name, _) in DEMO_USERS.items()} | bot
    return {
        "courses": courses,
        "lessons": lessons,
        "transcripts": transcripts,
        "profiles": {uid: {"displayName": name} for uid, name in people.items()},
        "displayNames": {name_key(name): uid for uid, name in people.items()},
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


def forum_users() -> dict[str, tuple[str, dict]]:
    """The demo forum's authors who are not demo logins: {email: (name, claims)}."""
    from tools.demo_forum import load_forum

    authors = load_forum()["authors"].values()
    return {
        a["email"]: (a["name"], {"role": "learner"})
        for a in authors
        if a["email"] not in DEMO_USERS
    }


def seed_forum(root, uids: dict[str, str]) -> dict[str, int]:
    """Write the demo forum into each course whose forum is empty; {cid: posts written}.
    ``uids``: every demo account's uid by email. seed() then indexes it (the backfill)."""
    import time

    from app.model import paths
    from tools.demo_forum import authors_by_course, forum_nodes, load_forum

    authors = load_forum()["authors"]
    by_handle = {handle: uids[a["email"]] for handle, a in authors.items()}
    update: dict = {}
    for handle, author in authors.items():
        uid = by_handle[handle]
        update[paths.profile(uid)] = {"displayName": author["name"]}
        update[paths.display_name(name_key(author["name"]))] = uid
    for cid, handles in authors_by_course().items():
        for handle in handles:
            if authors[handle]["email"] not in DEMO_USERS:  # demo logins: DEMO_ENROLLMENTS
                update[paths.enrollment(by_handle[handle], cid)] = True
    written = {}
    for cid, nodes in forum_nodes(int(time.time() * 1000), by_handle).items():
        if root.child(paths.forum(cid)).get(shallow=True) is not None:
            continue  # the course's forum has posts already: they are the user's, kept
        update.update(nodes)
        forum = nodes[paths.forum(cid)]
        written[cid] = len(forum["questions"]) + sum(len(a) for a in forum["answers"].values())
    root.update(update)
    return written


def seed(stack: StackAddress, forum: bool = False) -> None:
    from firebase_admin import auth, db

    app = admin_app(stack)
    uids = {}
    for email, (name, claims) in {**DEMO_USERS, **(forum_users() if forum else {})}.items():
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
            "transcripts": tree["transcripts"],
            **{f"profiles/{uid}": p for uid, p in tree["profiles"].items()},
            **{f"displayNames/{key}": uid for key, uid in tree["displayNames"].items()},
            **{f"enrollments/{uid}": e for uid, e in tree["enrollments"].items()},
        }
    )
    if forum:
        seed_forum(root, uids)
    from tools.search_index import backfill

    backfill(root)  # transcripts' moments, the demo forum (the triggers come after the seed)
