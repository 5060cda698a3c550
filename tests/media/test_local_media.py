"""The stack's one call: the demo lessons' media encoded, uploaded, and readable only signed."""

from __future__ import annotations

import requests
from google.oauth2 import service_account

from tools import encoding
from tools.media_store import upload
from tools.media_store.local import bucket_for, start_local_media
from tools.project import load_courses
from tools.testing.ports import free_port


def test_every_demo_lesson_is_in_the_store_and_a_restart_uploads_nothing(tmp_path) -> None:
    lines: list[str] = []
    store, env = start_local_media(tmp_path, free_port(), "demo-nimbus", progress=lines.append)
    try:
        lessons = [(c, lid) for c, course in load_courses().items() for lid in course["lessons"]]
        names = {
            encoding.object_name(c, lid, part) for c, lid in lessons for part in encoding.parts()
        }
        assert sum(line.startswith("media: uploaded ") for line in lines) == len(names)
        assert env["MEDIA_BUCKET"] == bucket_for("demo-nimbus")
        client = upload.local_client(store.url, store.upload_token, "demo-nimbus")
        assert {b.name for b in client.list_blobs(env["MEDIA_BUCKET"])} == names
        creds = service_account.Credentials.from_service_account_file(env["MEDIA_SIGNER_KEY"])
        bucket = client.bucket(env["MEDIA_BUCKET"])
        name = encoding.object_name(*lessons[0], "captions.en.vtt")
        url = bucket.blob(name).generate_signed_url(
            version="v4",
            expiration=900,
            credentials=creds,
            api_access_endpoint=env["MEDIA_API_ENDPOINT"],
        )
        reply = requests.get(url, timeout=10)
        assert reply.status_code == 200 and reply.text.startswith("WEBVTT")
        assert requests.get(url.split("?")[0], timeout=10).status_code == 403
    finally:
        store.stop()
    lines.clear()
    again, env2 = start_local_media(tmp_path, free_port(), "demo-nimbus", progress=lines.append)
    try:
        assert env2["MEDIA_SIGNER_KEY"] == env["MEDIA_SIGNER_KEY"]  # the key is kept
        assert not any(line.startswith("media: uploaded ") for line in lines), lines
    finally:
        again.stop()
