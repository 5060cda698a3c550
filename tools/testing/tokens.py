"""Unsigned Firebase ID tokens: what the Auth emulator issues and the JS SDK's mock tokens
are. The local server decodes tokens and never verifies signatures, like the emulators."""

from __future__ import annotations

import base64
import json
from typing import Any


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def id_token(uid: str, exp: float = 3600, **claims: Any) -> str:
    """An ``alg: none`` ID token for ``uid`` that expires at ``exp`` (epoch seconds)."""
    body = {"sub": uid, "user_id": uid, "iat": 0, "exp": exp, "firebase": {}, **claims}
    return _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(body) + "."
