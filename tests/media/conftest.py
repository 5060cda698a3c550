"""A running media store on a free port, signed by a service account made for the tests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from google.cloud import storage
from google.oauth2 import service_account

from tools.media_store import keys, process, upload
from tools.testing.ports import free_port

PROJECT = "demo-nimbus"
BUCKET = "demo-nimbus-media"
OBJECT = "courses/c1/l01/360p.webm"


@dataclass
class Store:
    url: str
    token: str
    bucket: storage.Bucket
    credentials: service_account.Credentials
    body: bytes


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    base = tmp_path_factory.mktemp("media")
    info = keys.ensure_service_account(base / "service-account.json", PROJECT)
    running = process.start(
        base / "data", free_port(), [base / "service-account.json"], [BUCKET],
        log=base / "store.log",
    )  # fmt: skip
    try:
        client = upload.local_client(running.url, running.upload_token, PROJECT)
        body = os.urandom(100_000)
        src = base / "clip.webm"
        src.write_bytes(body)
        upload.upload(client, BUCKET, {OBJECT: src}, progress=lambda _: None)
        creds = service_account.Credentials.from_service_account_info(info)
        yield Store(running.url, running.upload_token, client.bucket(BUCKET), creds, body)
    finally:
        running.stop()
        log = base / "store.log"
        if log.exists() and log.stat().st_size:
            print(log.read_text()[-3000:])


def other_key(tmp_path: Path) -> service_account.Credentials:
    """A key with the same email as no one the store trusts (a forger's own key)."""
    info = keys.make_service_account(PROJECT)
    (tmp_path / "forger.json").write_text(json.dumps(info))
    return service_account.Credentials.from_service_account_info(info)
