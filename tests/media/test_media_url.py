"""media_url in firebase-tools' Functions emulator: entitled callers get a 15-minute V4
signed URL that the media store serves; everyone else gets a refusal in words, no URL.

The stack is the one `serve` runs (Auth and Functions emulators, Nimbus's database with its
rules, functions/ as deployed, and the media store it starts and fills, whose key and URL it
gives the Functions emulator as MEDIA_*). Calls go through the Firebase JS SDK's
httpsCallable.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tools import encoding
from tools.media_store import process, upload
from tools.stack import Stack
from tools.testing.stacks import call_function, nimbus_functions_stack

PASSWORD = "media-test-password"
PROJECT = "demo-nimbus"
BUCKET = "demo-nimbus-media"  # the stack's: tools.media_store.local.bucket_for(project)
COURSE = "serverless-101"
PREVIEW, PAID = "l01", "l02"


@dataclass
class Media:
    stack: Stack
    store: process.MediaStore
    bodies: dict[str, bytes]  # object name -> bytes
    users: dict[str, str]  # role -> email


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Media]:
    base: Path = tmp_path_factory.mktemp("media-stack")
    quiet = {"media_progress": lambda _: None}  # the store is filled with the demo media too
    with nimbus_functions_stack(base, "media", seed_catalog=False, **quiet) as stack:
        token = process.upload_token(stack.media.folder / "store")
        store = process.MediaStore(stack.media_url, token, stack.procs["media"])
        bodies, files = {}, {}
        for lid in (PREVIEW, PAID):  # known bytes over the demo clips, under the build's names
            for part in ("180p.webm", "360p.webm", "captions.en.vtt"):
                name = encoding.object_name(COURSE, lid, part)
                bodies[name] = os.urandom(20_000)
                files[name] = base / f"{lid}-{part}"
                files[name].write_bytes(bodies[name])
        client = upload.local_client(store.url, store.upload_token, PROJECT)
        upload.upload(client, stack.media.bucket, files, progress=lambda _: None)
        yield Media(stack, store, bodies, _seed(stack))


def _seed(stack: Stack) -> dict[str, str]:
    from firebase_admin import auth, db

    from tools.seed import admin_app

    app = admin_app(stack)
    users = {}
    uids = {}
    for role in ("learner", "stranger", "instructor", "admin"):
        email = f"{role}-{uuid.uuid4().hex[:8]}@nimbus.test"
        user = auth.create_user(email=email, password=PASSWORD, app=app)
        if role == "admin":
            auth.set_custom_user_claims(user.uid, {"admin": True}, app=app)
        users[role], uids[role] = email, user.uid
    db.reference("/", app=app).update({
        f"courses/{COURSE}": {"title": "Serverless Foundations", "price": 29,
                              "instructorUid": uids["instructor"]},
        f"lessons/{COURSE}/{PREVIEW}": {"order": 1, "title": "Preview", "preview": True},
        f"lessons/{COURSE}/{PAID}": {"order": 2, "title": "Paid"},
        f"enrollments/{uids['learner']}/{COURSE}": True,
    })  # fmt: skip
    return users


def refusal(reply: dict) -> tuple[str, str]:
    """(code, sentence) of a refused call; the JS SDK appends the HTTP status as " [403]"."""
    assert not reply["ok"], reply
    assert "result" not in reply
    return reply["code"], reply["message"].rsplit(" [", 1)[0]


def ask(media: Media, role: str | None, lesson: str = PAID, rendition: str = "360p") -> dict:
    data = {"courseId": COURSE, "lessonId": lesson, "rendition": rendition}
    if role is None:
        return call_function(media.stack, "media_url", data)
    return call_function(media.stack, "media_url", data, email=media.users[role], password=PASSWORD)


@pytest.mark.parametrize("role", ["learner", "instructor", "admin"])
def test_entitled_callers_get_a_url_the_store_serves(media: Media, role: str) -> None:
    reply = ask(media, role)
    assert reply["ok"], reply
    url = reply["result"]["url"]
    assert url.startswith(f"{media.store.url}/{BUCKET}/{COURSE}/{PAID}/360p.webm?")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Goog-Expires"] == ["900"]
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"]
    expires = dt.datetime.fromisoformat(reply["result"]["expiresAt"].replace("Z", "+00:00"))
    left = (expires - dt.datetime.now(dt.UTC)).total_seconds()
    assert 840 < left <= 900
    got = requests.get(url, timeout=10)
    assert got.status_code == 200
    assert got.content == media.bodies[f"{COURSE}/{PAID}/360p.webm"]


def test_the_url_seeks_with_range(media: Media) -> None:
    url = ask(media, "learner", rendition="180p")["result"]["url"]
    got = requests.get(url, headers={"Range": "bytes=1000-1999"}, timeout=10)
    assert got.status_code == 206
    assert got.content == media.bodies[f"{COURSE}/{PAID}/180p.webm"][1000:2000]


def test_captions_are_signed_too(media: Media) -> None:
    url = ask(media, "learner", rendition="captions")["result"]["url"]
    assert requests.get(url, timeout=10).content == media.bodies[f"{COURSE}/{PAID}/captions.en.vtt"]


def test_a_learner_who_has_not_bought_is_told_to_buy(media: Media) -> None:
    assert refusal(ask(media, "stranger")) == (
        "functions/permission-denied", "Buy the course to watch this lesson.",
    )  # fmt: skip


def test_signed_out_is_told_to_sign_in(media: Media) -> None:
    assert refusal(ask(media, None)) == (
        "functions/unauthenticated", "Sign in to watch this lesson.",
    )  # fmt: skip


@pytest.mark.parametrize("role", [None, "stranger"])
def test_free_previews_play_for_anyone(media: Media, role: str | None) -> None:
    reply = ask(media, role, lesson=PREVIEW)
    assert reply["ok"], reply
    got = requests.get(reply["result"]["url"], timeout=10)
    assert got.content == media.bodies[f"{COURSE}/{PREVIEW}/360p.webm"]


def test_a_preview_url_does_not_open_a_paid_lesson(media: Media) -> None:
    url = ask(media, "stranger", lesson=PREVIEW)["result"]["url"]
    got = requests.get(url.replace(f"/{PREVIEW}/", f"/{PAID}/"), timeout=10)
    assert got.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in got.text


def test_unknown_lesson_and_rendition_are_refused_in_words(media: Media) -> None:
    assert refusal(ask(media, "learner", lesson="l99")) == (
        "functions/not-found", "That lesson does not exist.",
    )  # fmt: skip
    assert refusal(ask(media, "learner", rendition="4k")) == (
        "functions/invalid-argument", "Choose a video quality: 180p or 360p.",
    )  # fmt: skip
