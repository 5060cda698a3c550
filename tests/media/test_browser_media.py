"""A Chromium video element on another origin plays, seeks and captions from signed URLs.

The page comes from its own loopback origin, as Hosting serves the lesson page; the video
and its captions track come from the media store by V4 signed URLs (crossorigin, as a
captions track from another origin requires), so this is what the player will rely on:
CORS, Range on seek (206), WebVTT cues, and a refused URL failing the element.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from google.oauth2 import service_account

from tools import encoding
from tools.media_store import upload
from tools.media_store.local import start_local_media
from tools.project import load_courses
from tools.testing.browser import guard
from tools.testing.ports import free_port

pytestmark = pytest.mark.e2e
COURSE, LESSON = "serverless-101", "l02"
PAGE = """<!doctype html><title>media check</title>
<video id="v" crossorigin="anonymous" preload="auto" muted></video>"""


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    base = tmp_path_factory.mktemp("browser-media")
    (base / "site").mkdir()
    (base / "site" / "index.html").write_text(PAGE)
    handler = partial(SimpleHTTPRequestHandler, directory=str(base / "site"))
    site = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    store, env = start_local_media(base, free_port(), "demo-nimbus", progress=lambda _: None)
    creds = service_account.Credentials.from_service_account_file(env["MEDIA_SIGNER_KEY"])
    client = upload.local_client(store.url, store.upload_token, "demo-nimbus")
    bucket = client.bucket(env["MEDIA_BUCKET"])

    def sign(part: str) -> str:
        return bucket.blob(encoding.object_name(COURSE, LESSON, part)).generate_signed_url(
            version="v4", expiration=900, credentials=creds, api_access_endpoint=store.url
        )

    try:
        yield f"http://127.0.0.1:{site.server_port}/index.html", sign
    finally:
        store.stop()
        site.shutdown()


def test_plays_seeks_with_range_and_shows_captions(page, signed) -> None:
    page_url, sign = signed
    watch = guard(page.context)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "360p.webm" in r.url else None)
    page.goto(page_url)
    result = page.evaluate(
        """async ([video, vtt]) => {
          const v = document.getElementById('v');
          const track = document.createElement('track');
          Object.assign(track, {kind: 'captions', srclang: 'en', label: 'English', src: vtt});
          v.appendChild(track);
          track.track.mode = 'showing';
          const loaded = new Promise((ok, no) => { track.onload = ok; track.onerror = no; });
          const meta = new Promise((ok, no) => { v.onloadedmetadata = ok; v.onerror = no; });
          v.src = video;
          await meta; await loaded;
          const seeked = new Promise(ok => { v.onseeked = ok; });
          v.currentTime = 15;
          await seeked;
          const cues = Array.from(track.track.cues).map(c => [c.startTime, c.endTime, c.text]);
          return {duration: v.duration, time: v.currentTime, ready: v.readyState, cues};
        }""",
        [sign("360p.webm"), sign("captions.en.vtt")],
    )
    assert result["duration"] == pytest.approx(20, abs=0.3)
    assert result["time"] == pytest.approx(15, abs=0.5)
    assert result["ready"] >= 2  # HAVE_CURRENT_DATA at the new position
    transcript = load_courses()[COURSE]["lessons"][LESSON]["transcript"]
    assert [c[2] for c in result["cues"]] == [cue["text"] for cue in transcript]
    assert [c[0] for c in result["cues"]] == pytest.approx([cue["start"] for cue in transcript])
    assert 206 in statuses, statuses  # the element fetched by Range
    assert not watch.foreign and not watch.page_errors


def test_a_tampered_url_fails_the_element(page, signed) -> None:
    page_url, sign = signed
    page.goto(page_url)
    url = sign("360p.webm").replace(f"/{LESSON}/", "/l03/")
    code = page.evaluate(
        """async (video) => {
          const v = document.getElementById('v');
          const failed = new Promise(ok => { v.onerror = () => ok(v.error.code); });
          v.src = video;
          return await failed;
        }""",
        url,
    )
    assert code == 4  # MEDIA_ERR_SRC_NOT_SUPPORTED: the store answered 403
