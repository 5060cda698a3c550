"""Demo lesson source clips: WebM test patterns generated offline with the ffmpeg binary
that the PyPI package imageio-ffmpeg ships (no download at run time, no system ffmpeg).

Each is 20 s of a moving pattern at 640x360, one hue per lesson, cached in .nimbus/media by
its parameters; tools/encoding.py makes the lesson's renditions, poster and captions from
it, and the stack uploads those to the media store. Nothing here goes into dist/.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".nimbus" / "media"
SECONDS = 20
SOURCE_SIZE = "640x360"


def ffmpeg() -> str:
    """The ffmpeg binary inside the imageio-ffmpeg wheel."""
    import imageio_ffmpeg  # in requirements.lock; ships a static ffmpeg binary

    return imageio_ffmpeg.get_ffmpeg_exe()


def _args(hue: int, size: str, rate: int = 12, bitrate: str = "800k") -> list[str]:
    return [
        "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={SECONDS}",
        "-vf", f"hue=h={hue}",
        "-c:v", "libvpx", "-b:v", bitrate, "-deadline", "realtime", "-cpu-used", "8",
        "-an", "-f", "webm",
    ]  # fmt: skip


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
