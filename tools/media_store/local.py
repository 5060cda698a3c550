"""The local stack's media: the signer key, the store, the demo lessons encoded and uploaded.

`LocalMedia` is what tools/stack.py runs: `command()` to spawn the store with the other
children, `env` for the Functions emulator (media_url signs with the key for this store),
`fill()` once it listens. `start_local_media` does all three for tests outside a stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tools.media_store import keys, process


def bucket_for(project: str) -> str:
    """The media bucket's name, as functions/payments/media.py defaults it."""
    return f"{project}-media"


@dataclass
class LocalMedia:
    state_dir: Path
    port: int
    project: str
    host: str = "127.0.0.1"
    cors_origins: tuple[str, ...] = ()  # the page's origins; empty: any

    @property
    def folder(self) -> Path:
        return self.state_dir / "media"

    @property
    def signer(self) -> Path:
        return self.folder / "signer.json"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def bucket(self) -> str:
        return bucket_for(self.project)

    @property
    def env(self) -> dict[str, str]:
        """What media_url reads: the store as its endpoint, the key it signs with, the bucket."""
        return {
            "MEDIA_API_ENDPOINT": self.url,
            "MEDIA_SIGNER_KEY": str(self.signer),
            "MEDIA_BUCKET": self.bucket,
        }

    def command(self) -> list[str]:
        """The store's command line; the signer key is made (and then kept) here."""
        keys.ensure_service_account(self.signer, self.project)
        return process.command(
            self.folder / "store", self.port, [self.signer], [self.bucket], self.host,
            list(self.cors_origins),
        )  # fmt: skip

    def fill(self, progress: Callable[[str], None] = print) -> list[str]:
        """Encode (cached) and upload every demo lesson's media; the object names sent."""
        from tools import encoding  # google-cloud-storage and ffmpeg: only once needed
        from tools.media_store import upload
        from tools.project import load_courses

        sources = encoding.demo_sources(load_courses(), progress)
        encoded = encoding.encode_lessons(sources, progress=progress)
        token = process.upload_token(self.folder / "store")
        client = upload.local_client(self.url, token, self.project)
        return upload.upload(client, self.bucket, encoded.files, progress=progress)


def start_local_media(
    state_dir: Path,
    port: int,
    project: str,
    host: str = "127.0.0.1",
    progress: Callable[[str], None] = print,
) -> tuple[process.MediaStore, dict[str, str]]:
    """The store on host:port holding every demo lesson's media, and the functions' env."""
    media = LocalMedia(state_dir, port, project, host)
    logs = state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    keys.ensure_service_account(media.signer, project)
    store = process.start(
        media.folder / "store", port, [media.signer], [media.bucket], host,
        log=logs / "media-store.log",
    )  # fmt: skip
    try:
        media.fill(progress)
    except BaseException:
        store.stop()
        raise
    return store, media.env
