"""Demo lesson videos: small WebM clips generated offline with the ffmpeg binary that the
PyPI package imageio-ffmpeg ships (no download at run time, no system ffmpeg needed).

Clips are cached in .nimbus/media by their parameters, so only the first build pays
(about a second per clip); each is ~20 s of a moving test pattern, ~150 KB.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".nimbus" / "media"
SECONDS = 20
SIZE = "320x180"


def _ffmpeg() -> str:
    import imageio_ffmpeg  # in requirements.lock; ships a static ffmpeg binary

    return imageio_ffmpeg.get_ffmpeg_exe()


def _args(hue: int) -> list[str]:
    return [
        "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate=12:duration={SECONDS}",
        "-vf", f"hue=h={hue}",
        "-c:v", "libvpx", "-b:v", "60k", "-deadline", "realtime", "-cpu-used", "8",
        "-an", "-f", "webm",
    ]  # fmt: skip


def clip(hue: int) -> Path:
    """The cached clip for this hue, generated on first use."""
    args = _args(hue)
    key = hashlib.sha256(" ".join(args).encode()).hexdigest()[:16]
    path = CACHE / f"{key}.webm"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        subprocess.run([_ffmpeg(), *args, str(tmp)], check=True, timeout=120)
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
