"""A local stack running Nimbus's own functions/ with the mail sink, and helpers to read
what the sink received.

Everything is the real thing: firebase-tools' Functions and Auth emulators, Nimbus's
database with the real rules delivering the triggers' events, the aiosmtpd sink the stack
starts (it posts Mailgun-format bounce webhooks to the emulated ``mail_events``). Inbox
entries are written with firebase-admin, as the fan-out functions write them.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest

from app.model import paths
from tools.project import DEMO_PASSWORD
from tools.stack import Stack
from tools.testing.stacks import admin_root, nimbus_functions_stack
from tools.testing.waiting import wait_until

COURSE, LESSON = "serverless-101", "l01"
MAIL_WAIT = 30.0


@dataclass(frozen=True)
class Person:
    email: str
    uid: str
    name: str


@pytest.fixture(scope="session")
def mail_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with nimbus_functions_stack(tmp_path_factory.mktemp("mail-stack"), "mail") as stack:
        yield stack


@pytest.fixture(scope="session")
def root(mail_stack: Stack):
    return admin_root(mail_stack)


@pytest.fixture(scope="session")
def person(mail_stack: Stack) -> Callable[..., Person]:
    """A fresh Auth account: ``<label>-<tag>@<domain>``."""
    from firebase_admin import auth

    from tools.seed import admin_app

    def make(label: str = "learner", domain: str = "nimbus.test") -> Person:
        tag = uuid.uuid4().hex[:8]
        name = f"{label.capitalize()} {tag}"
        user = auth.create_user(
            email=f"{label}-{tag}@{domain}",
            password=DEMO_PASSWORD,
            display_name=name,
            app=admin_app(mail_stack),
        )
        return Person(user.email, user.uid, name)

    return make


def push_key() -> str:
    """A fresh key of push-ID shape."""
    return ("-M" + uuid.uuid4().hex)[:20]


def ask(root: Any, asker: Person, title: str = "How do cold starts work?") -> str:
    """A question by ``asker`` in COURSE (as the forum writes it); its id."""
    qid = push_key()
    root.child(paths.question(COURSE, qid)).set(
        {"uid": asker.uid, "authorName": asker.name, "lessonId": LESSON, "title": title,
         "body": "Explain.", "createdAt": 1_700_000_000_000, "score": 0}
    )  # fmt: skip
    return qid


def notify(
    root: Any,
    to: Person,
    qid: str,
    kind: str = "answer",
    title: str = "How do cold starts work?",
    actor: str = "Ada Answerer",
    snippet: str = "Keep a warm pool.",
    created: int | None = None,
    read: bool = False,
) -> str:
    """An inbox entry for ``to``, as the fan-out functions write it; its id."""
    import time

    post = push_key()
    nid = f"{kind}-{post}"
    entry = {
        "kind": kind, "courseId": COURSE, "questionId": qid, "postId": post,
        "lessonId": LESSON, "second": 12, "actorName": actor, "title": title,
        "snippet": snippet, "createdAt": created or int(time.time() * 1000),
    }  # fmt: skip
    if read:
        entry["read"] = True
    root.child(paths.inbox_entry(to.uid, nid)).set(entry)
    return nid


def messages(stack: Stack, address: str) -> list[dict[str, Any]]:
    """What the sink received for ``address`` (its JSON API), oldest first."""
    url = f"{stack.mail_url}/api/messages?to={urllib.request.quote(address)}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


def wait_messages(stack: Stack, address: str, count: int, timeout: float = MAIL_WAIT) -> list:
    return wait_until(
        lambda: (found := messages(stack, address)) and len(found) >= count and found,
        timeout=timeout,
        what=f"{count} mail(s) to {address}",
    )


def parsed(stack: Stack, message: dict[str, Any]) -> EmailMessage:
    """The message as the recipient's mail program parses it (the sink's raw source)."""
    url = f"{stack.mail_url}/message/{message['id']}/raw"
    with urllib.request.urlopen(url, timeout=10) as resp:
        return BytesParser(policy=policy.default).parsebytes(resp.read())


def settled(root: Any, uid: str, key: str) -> str | None:
    """The sent log's status for one mail (the functions' own record), once settled."""
    record = root.child(paths.mail_sent(uid, key)).get() or {}
    status = record.get("status")
    return status if status and status != "sending" else None
