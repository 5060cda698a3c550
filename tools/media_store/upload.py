"""The build's uploads: files into the media store (or Cloud Storage) with google-cloud-storage.

The same client code reaches Cloud Storage in production (its own credentials, no
endpoint) and the local store (`api_endpoint` + the store's upload token as a bearer).
An object whose MD5 already matches is not sent again, so a second build uploads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Callable, Mapping
from pathlib import Path

from google.cloud import storage
from google.oauth2.credentials import Credentials

mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("image/webp", ".webp")


def local_client(store_url: str, upload_token: str, project: str) -> storage.Client:
    """A Storage client for the local store: its endpoint, its token, no Google round trip."""
    return storage.Client(
        project=project,
        credentials=Credentials(token=upload_token),
        client_options={"api_endpoint": store_url},
    )


def _md5(path: Path) -> str:
    return base64.b64encode(hashlib.md5(path.read_bytes()).digest()).decode()


def upload(
    client: storage.Client,
    bucket_name: str,
    files: Mapping[str, Path],
    progress: Callable[[str], None] = print,
) -> list[str]:
    """Upload each object name -> local file whose content differs; return names sent."""
    bucket = client.bucket(bucket_name)
    existing = {blob.name: blob.md5_hash for blob in client.list_blobs(bucket_name)}
    sent = []
    for i, (name, path) in enumerate(sorted(files.items()), 1):
        if existing.get(name) == _md5(path):
            continue
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        bucket.blob(name).upload_from_filename(str(path), content_type=kind)
        sent.append(name)
        progress(f"media: uploaded {name} ({i}/{len(files)})")
    return sent
