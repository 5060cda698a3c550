"""Encoding Media: renditions, poster and captions from one source clip, cached by content.

A short clip made here with the same ffmpeg keeps the run to seconds; the recipes and the
cache are the build's own (tools/encoding.py).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
import requests

from tests.media.conftest import Store
from tools import encoding, media
from tools.media_store import upload
from tools.project import load_courses

SECONDS = 4
CUES = [
    {"start": 0.2, "end": 1.5, "text": "Functions react to events."},
    {"start": 1.6, "end": 3.9, "text": "State lives in the database & <storage>."},
]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "source.webm"
    subprocess.run(
        [media.ffmpeg(), "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", f"testsrc2=size=640x360:rate=12:duration={SECONDS}",
         "-c:v", "libvpx", "-b:v", "800k", "-deadline", "realtime", "-an", str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def encoded(source: Path, tmp_path_factory: pytest.TempPathFactory):
    cache = tmp_path_factory.mktemp("cache")
    lines: list[str] = []
    lesson = encoding.LessonSource("c1", "l01", source, CUES, duration=SECONDS)
    result = encoding.encode_lessons([lesson], cache=cache, progress=lines.append)
    return lesson, cache, result, lines


def meta(path: Path) -> dict:
    frames = imageio_ffmpeg.read_frames(str(path))
    info = next(frames)
    frames.close()
    return info


def test_every_part_is_made_once_with_progress(encoded) -> None:
    _, _, result, lines = encoded
    names = {f"c1/l01/{part}" for part in encoding.parts()}
    assert set(result.files) == names
    assert (result.made, result.cached) == (4, 0)
    assert lines[0] == "media: encoding 4 of 4 lesson files (0 cached)"
    assert [re.match(r"media: \[(\d)/4\] c1/l01/", line)[1] for line in lines[1:]] == [
        "1", "2", "3", "4",
    ]  # fmt: skip


@pytest.mark.parametrize("rendition", encoding.RENDITIONS, ids=lambda r: r.name)
def test_renditions_have_their_size_and_the_sources_duration(encoded, rendition) -> None:
    _, _, result, _ = encoded
    path = result.files[f"c1/l01/{rendition.name}.webm"]
    assert path.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    info = meta(path)
    assert info["size"] == (rendition.width, rendition.height)
    assert info["duration"] == pytest.approx(SECONDS, abs=0.2)
    assert info["codec"].startswith("vp8")  # imageio-ffmpeg reports "vp8," from ffmpeg's line


def test_the_small_rendition_is_smaller(encoded) -> None:
    _, _, result, _ = encoded
    small, large = (result.files[f"c1/l01/{r.name}.webm"] for r in encoding.RENDITIONS)
    assert small.stat().st_size < large.stat().st_size


def test_poster_is_a_jpeg_frame(encoded) -> None:
    _, _, result, _ = encoded
    path = result.files["c1/l01/poster.jpg"]
    assert path.read_bytes()[:3] == b"\xff\xd8\xff"
    assert meta(path)["size"] == (640, 360)


def test_captions_are_valid_webvtt(encoded) -> None:
    _, _, result, _ = encoded
    text = result.files["c1/l01/captions.en.vtt"].read_text()
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    timing = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")
    seconds = []
    for i, block in enumerate(blocks[1:], 1):
        ident, times, payload = block.split("\n")
        assert ident == str(i)
        h1, m1, s1, f1, h2, m2, s2, f2 = map(int, timing.match(times).groups())
        seconds.append((h1 * 3600 + m1 * 60 + s1 + f1 / 1000, h2 * 3600 + m2 * 60 + s2 + f2 / 1000))
        assert "<" not in payload and "-->" not in payload
    assert seconds == [(c["start"], c["end"]) for c in CUES]
    assert blocks[2].endswith("State lives in the database &amp; &lt;storage&gt;.")
    # ffmpeg's own WebVTT demuxer reads it back, cue for cue
    srt = subprocess.run(
        [media.ffmpeg(), "-hide_banner", "-loglevel", "error", "-i",
         str(result.files["c1/l01/captions.en.vtt"]), "-f", "srt", "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    assert "00:00:00,200 --> 00:00:01,500\nFunctions react to events." in srt
    assert "00:00:01,600 --> 00:00:03,900" in srt


def test_a_second_run_is_all_cache_hits(encoded) -> None:
    lesson, cache, first, _ = encoded
    stamps = {name: path.stat().st_mtime_ns for name, path in first.files.items()}
    lines: list[str] = []
    again = encoding.encode_lessons([lesson], cache=cache, progress=lines.append)
    assert (again.made, again.cached) == (0, 4)
    assert again.files == first.files
    assert {n: p.stat().st_mtime_ns for n, p in again.files.items()} == stamps
    assert lines == []


def test_a_changed_transcript_remakes_only_the_captions(encoded) -> None:
    lesson, cache, first, _ = encoded
    cues = [*CUES[:1], {"start": 2.0, "end": 3.0, "text": "A different sentence."}]
    changed = encoding.LessonSource("c1", "l01", lesson.clip, cues, duration=SECONDS)
    again = encoding.encode_lessons([changed], cache=cache, progress=lambda _: None)
    assert again.made == 1
    name = "c1/l01/captions.en.vtt"
    assert again.files[name] != first.files[name]
    assert "A different sentence." in again.files[name].read_text()


@pytest.mark.parametrize(
    ("cues", "says"),
    [
        ([{"start": 1, "end": 1, "text": "x"}], "start < end"),
        ([{"start": 0, "end": 5, "text": "x"}], f"end <= {SECONDS}"),
        ([{"start": 0, "end": 2, "text": "a"}, {"start": 1, "end": 3, "text": "b"}], "cue 1"),
        ([{"start": 0, "end": 1, "text": " "}], "non-empty"),
        ([{"start": 0, "end": 1, "text": "a --> b"}], "'-->'"),
        ([{"start": "0", "end": 1, "text": "a"}], "numbers"),
    ],
)  # fmt: skip
def test_bad_transcripts_are_refused_in_words(cues, says) -> None:
    with pytest.raises(ValueError, match=re.escape(says)) as err:
        encoding.check_transcript("c1/l01", cues, SECONDS)
    assert str(err.value).startswith("c1/l01 cue ")


def test_every_demo_lesson_has_a_transcript_that_fits_its_clip() -> None:
    for cid, course in load_courses().items():
        for lid, lesson in course["lessons"].items():
            cues = lesson.get("transcript")
            assert cues and len(cues) >= 3, f"{cid}/{lid} needs a transcript"
            encoding.check_transcript(f"{cid}/{lid}", cues, media.SECONDS)
            assert all(len(cue["text"].split()) >= 5 for cue in cues), "real sentences"


def test_encoded_media_uploads_and_reads_back_signed(encoded, store: Store) -> None:
    _, _, result, _ = encoded
    client = upload.local_client(store.url, store.token, "demo-nimbus")
    upload.upload(client, store.bucket.name, result.files, progress=lambda _: None)
    for name, kind in [("captions.en.vtt", "text/vtt"), ("poster.jpg", "image/jpeg"),
                       ("180p.webm", "video/webm")]:  # fmt: skip
        blob = store.bucket.blob(f"c1/l01/{name}")
        url = blob.generate_signed_url(
            version="v4", expiration=900, credentials=store.credentials,
            api_access_endpoint=store.url,
        )  # fmt: skip
        reply = requests.get(url, timeout=10)
        assert reply.status_code == 200
        assert reply.headers["Content-Type"] == kind
        assert reply.content == result.files[f"c1/l01/{name}"].read_bytes()
