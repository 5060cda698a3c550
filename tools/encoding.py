"""Encoding Media (the talk's pipeline step), done by the build rather than a function.

From one source clip per lesson it makes what a player needs: two WebM renditions (180p
and 360p, keyframes every 2 s so a seek lands close), a JPEG poster frame, and WebVTT
captions from the lesson's transcript in static/data/courses.json. ffmpeg is the static
binary that the PyPI package imageio-ffmpeg ships.

Every output is cached in .nimbus/media/encoded under a hash of its recipe and its input
bytes (source clip, or transcript), so a second build encodes nothing and a changed
transcript re-makes only that lesson's captions. The outputs are private lesson media:
they go to the media store (Cloud Storage in production), never into dist/.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tools import media
from tools.project import ROOT

CACHE = ROOT / ".nimbus" / "media" / "encoded"
RECIPE_VERSION = 1  # bump when an ffmpeg recipe changes meaning without changing its args


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    bitrate: str


RENDITIONS = (Rendition("180p", 320, 180, "120k"), Rendition("360p", 640, 360, "400k"))
POSTER_AT = 1.0  # seconds into the clip: past the first frame, which is often black


@dataclass(frozen=True)
class LessonSource:
    course_id: str
    lesson_id: str
    clip: Path
    transcript: list[dict]  # [{"start": s, "end": s, "text": str}], seconds
    duration: float = media.SECONDS  # the clip's length, which every cue must fit in


@dataclass
class Encoded:
    """Object name -> cached file, and how many outputs were made vs found in the cache."""

    files: dict[str, Path] = field(default_factory=dict)
    made: int = 0
    cached: int = 0


def object_name(course_id: str, lesson_id: str, part: str) -> str:
    """Where a lesson's media lives in its bucket (media only): `<cid>/<lid>/<part>`.
    functions/payments/media.py names objects the same way (tests/media hold them to it)."""
    return f"{course_id}/{lesson_id}/{part}"


def parts() -> list[str]:
    """The objects every lesson has: each rendition, the poster, the captions."""
    return [f"{r.name}.webm" for r in RENDITIONS] + ["poster.jpg", "captions.en.vtt"]


def _rendition_args(r: Rendition) -> list[str]:
    return [
        "-vf", f"scale={r.width}:{r.height}", "-c:v", "libvpx", "-b:v", r.bitrate,
        "-force_key_frames", "expr:gte(t,n_forced*2)",
        "-deadline", "realtime", "-cpu-used", "8", "-threads", "1",
        "-an", "-f", "webm",
    ]  # fmt: skip


def _poster_args() -> list[str]:
    return ["-frames:v", "1", "-vf", "scale=640:360", "-q:v", "4", "-f", "image2", "-c:v", "mjpeg"]


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def check_transcript(where: str, cues: list[dict], duration: float) -> None:
    """Refuse, in words, a transcript whose cues a player would show wrongly."""
    previous_end = 0.0
    for i, cue in enumerate(cues, 1):
        start, end, text = cue.get("start"), cue.get("end"), cue.get("text")
        if not isinstance(start, int | float) or not isinstance(end, int | float):
            raise ValueError(f"{where} cue {i}: start and end must be numbers of seconds")
        if not 0 <= start < end <= duration:
            raise ValueError(f"{where} cue {i}: needs 0 <= start < end <= {duration} s")
        if start < previous_end:
            raise ValueError(f"{where} cue {i} starts before cue {i - 1} ends")
        if not isinstance(text, str) or not text.strip() or "-->" in text or "\n\n" in text:
            raise ValueError(f"{where} cue {i}: text must be non-empty, no blank line or '-->'")
        previous_end = end


def webvtt(cues: list[dict]) -> str:
    """The transcript as a WebVTT file (text escaped as the format requires)."""
    blocks = ["WEBVTT"]
    for i, cue in enumerate(cues, 1):
        text = cue["text"].strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{i}\n{_timestamp(cue['start'])} --> {_timestamp(cue['end'])}\n{text}")
    return "\n\n".join(blocks) + "\n"


def _key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(f"v{RECIPE_VERSION}".encode())
    for part in parts:
        digest.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class _Job:
    """One output: its object name, its cache file, and how to make it there."""

    name: str
    path: Path
    make: Callable[[Path], None]


def _tmp(dst: Path) -> Path:
    """A name no other build (another engineer's, a parallel test) writes at the same time."""
    return dst.with_name(f"{dst.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _ffmpeg(source: Path, args: list[str], seek: float | None = None) -> Callable[[Path], None]:
    def make(dst: Path) -> None:
        tmp = _tmp(dst)
        cmd = [media.ffmpeg(), "-hide_banner", "-loglevel", "error", "-y"]
        cmd += ["-ss", str(seek)] if seek is not None else []
        subprocess.run([*cmd, "-i", str(source), *args, str(tmp)], check=True, timeout=300)
        tmp.replace(dst)

    return make


def _write(text: str) -> Callable[[Path], None]:
    def make(dst: Path) -> None:
        tmp = _tmp(dst)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(dst)

    return make


def _jobs(lesson: LessonSource, cache: Path) -> list[_Job]:
    check_transcript(f"{lesson.course_id}/{lesson.lesson_id}", lesson.transcript, lesson.duration)
    source = lesson.clip.read_bytes()

    def name(part: str) -> str:
        return object_name(lesson.course_id, lesson.lesson_id, part)

    jobs = []
    for r in RENDITIONS:
        args = _rendition_args(r)
        path = cache / f"{_key(' '.join(args), source)}.webm"
        jobs.append(_Job(name(f"{r.name}.webm"), path, _ffmpeg(lesson.clip, args)))
    poster = _poster_args()
    path = cache / f"{_key(' '.join(poster), str(POSTER_AT), source)}.jpg"
    jobs.append(_Job(name("poster.jpg"), path, _ffmpeg(lesson.clip, poster, seek=POSTER_AT)))
    vtt = webvtt(lesson.transcript)
    jobs.append(_Job(name("captions.en.vtt"), cache / f"{_key(vtt)}.vtt", _write(vtt)))
    return jobs


def encode_lessons(
    lessons: Iterable[LessonSource],
    cache: Path = CACHE,
    progress: Callable[[str], None] = print,
    workers: int = 2,
) -> Encoded:
    """Every lesson's renditions, poster and captions, made where the cache lacks them."""
    cache.mkdir(parents=True, exist_ok=True)
    jobs = [job for lesson in lessons for job in _jobs(lesson, cache)]
    todo = [job for job in jobs if not job.path.exists()]
    result = Encoded({job.name: job.path for job in jobs}, cached=len(jobs) - len(todo))
    if todo:
        progress(
            f"media: encoding {len(todo)} of {len(jobs)} lesson files ({result.cached} cached)"
        )

    def run(job: _Job) -> tuple[str, float]:
        began = time.monotonic()
        job.make(job.path)
        return job.name, time.monotonic() - began

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done, (name, seconds) in enumerate(pool.map(run, todo), 1):
            result.made += 1
            progress(f"media: [{done}/{len(todo)}] {name} ({seconds:.1f} s)")
    return result


def demo_sources(courses: dict, progress: Callable[[str], None] = print) -> list[LessonSource]:
    """One generated source clip per demo lesson (tools/media.py), with its transcript."""
    pairs = [(cid, lid) for cid, course in courses.items() for lid in course["lessons"]]
    sources = []
    for i, (cid, lid) in enumerate(pairs):
        clip = media.source_clip((i * 47) % 360, progress=progress)
        transcript = courses[cid]["lessons"][lid].get("transcript", [])
        sources.append(LessonSource(cid, lid, clip, transcript))
    return sources


def main() -> None:
    """`python -m tools.encoding`: encode the demo lessons, print what was made."""
    from tools.project import load_courses

    began = time.monotonic()
    result = encode_lessons(demo_sources(load_courses()))
    print(
        f"media: {len(result.files)} lesson files, {result.made} encoded, "
        f"{result.cached} cached, {time.monotonic() - began:.1f} s"
    )
    print(json.dumps({n: str(p) for n, p in sorted(result.files.items())}, indent=1))


if __name__ == "__main__":
    main()
