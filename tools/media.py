"""Demo lesson videos: small WebM clips generated offline with the ffmpeg binary that the
PyPI package imageio-ffmpeg ships (no download at run time, no system ffmpeg needed).

Clips are cached in .nimbus/media by their parameters, so only the first build pays
(about a second per clip); each is ~20 s of a moving test pattern, ~150 KB.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".nimbus" / "media"
SECONDS = 20
SIZE = "320x180"
SOURCE_SIZE = "640x360"


def ffmpeg() -> str:
    """The ffmpeg binary inside the imageio-ffmpeg wheel."""
    import imageio_ffmpeg  # in requirements.lock; ships a static ffmpeg binary

    return imageio_ffmpeg.get_ffmpeg_exe()


def _args(hue: int, size: str = SIZE, rate: int = 12, bitrate: str = "60k") -> list[str]:
    return [
        "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={SECONDS}",
        "-vf", f"hue=h={hue}",
        "-c:v", "libvpx", "-b:v", bitrate, "-deadline", "realtime", "-cpu-used", "8",
        "-an", "-f", "webm",
    ]  # fmt: skip


def clip(hue: int) -> Path:
    """The cached clip for this hue, generated on first use."""
    return _cached(_args(hue))


def source_clip(hue: int, progress: Callable[[str], None] | None = None) -> Path:
    """A lesson's source for tools/encoding.py: 640x360, as large as the largest rendition."""
    return _cached(_args(hue, size=SOURCE_SIZE, bitrate="800k"), progress)


def _cached(args: list[str], progress: Callable[[str], None] | None = None) -> Path:
    key = hashlib.sha256(" ".join(args).encode()).hexdigest()[:16]
    path = CACHE / f"{key}.webm"
    if not path.exists():
        if progress:
            progress(f"media: generating source clip {path.name}")
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        subprocess.run([ffmpeg(), *args, str(tmp)], check=True, timeout=120)
        tmp.replace(path)
    return path


def lesson_clips(lessons: list[tuple[str, str]], out: Path) -> list[str]:
    """Write out/media/<cid>/<lid>.webm for each (cid, lid); return the paths written."""
    hues = {pair: (i * 47) % 360 for i, pair in enumerate(lessons)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        sources = dict(zip(lessons, pool.map(clip, hues.values()), strict=True))
    written = []
    for (cid, lid), src in sources.items():
        dst = out / "media" / cid / f"{lid}.webm"
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        written.append(str(dst.relative_to(out)))
    return written


def video_url(course_id: str, lesson_id: str) -> str:
    return f"/media/{course_id}/{lesson_id}.webm"
