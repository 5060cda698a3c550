"""The local stack's media: the signer key, the store, the demo lessons encoded and uploaded.

One call for `serve` and the test stacks (tools/stack.py), so wiring the store in is a
few lines there: start it, give the Functions emulator `env`, stop it with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tools import encoding
from tools.media_store import keys, process, upload
from tools.project import load_courses


def bucket_for(project: str) -> str:
    """The media bucket's name, as functions/payments/media.py defaults it."""
    return f"{project}-media"


def start_local_media(
    state_dir: Path,
    port: int,
    project: str,
    host: str = "127.0.0.1",
    cors_origins: list[str] | None = None,
    progress: Callable[[str], None] = print,
) -> tuple[process.MediaStore, dict[str, str]]:
    """The store on host:port holding every demo lesson's media, and the functions' env."""
    folder = state_dir / "media"
    signer = folder / "signer.json"
    keys.ensure_service_account(signer, project)
    bucket = bucket_for(project)
    logs = state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    store = process.start(
        folder / "store", port, [signer], [bucket], host=host, cors_origins=cors_origins,
        log=logs / "media-store.log",
    )  # fmt: skip
    try:
        encoded = encoding.encode_lessons(
            encoding.demo_sources(load_courses(), progress), progress=progress
        )
        client = upload.local_client(store.url, store.upload_token, project)
        upload.upload(client, bucket, encoded.files, progress=progress)
    except BaseException:
        store.stop()
        raise
    env = {"MEDIA_API_ENDPOINT": store.url, "MEDIA_SIGNER_KEY": str(signer), "MEDIA_BUCKET": bucket}
    return store, env
