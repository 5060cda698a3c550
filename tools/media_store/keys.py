"""The local service account that signs media URLs, in Google's JSON key format.

Locally nothing can ask Google for a key, so `serve` and the tests make one: the
function signs with it through google-cloud-storage exactly as it would with a real
key, and the media store checks signatures against its public half.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


def make_service_account(project: str, name: str = "nimbus-media") -> dict[str, str]:
    """A fresh service-account key (RSA 2048), as the Cloud console would download it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": f"{name}@{project}.iam.gserviceaccount.com",
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def ensure_service_account(path: Path, project: str) -> dict[str, str]:
    """The key at `path`, made (owner-readable only) on first use."""
    if path.exists():
        return json.loads(path.read_text())
    info = make_service_account(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(info, out, indent=2)
    return info


def public_keys(infos: list[dict[str, str]]) -> dict[str, RSAPublicKey]:
    """client_email -> public key, what Storage looks up by the credential's email."""
    keys = {}
    for info in infos:
        private = serialization.load_pem_private_key(info["private_key"].encode(), None)
        assert isinstance(private, rsa.RSAPrivateKey), "service-account keys are RSA"
        keys[info["client_email"]] = private.public_key()
    return keys
