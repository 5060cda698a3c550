"""Who is asking: admin, a user (the rules' ``auth`` variable), or nobody.

Like Google's emulator, ID tokens are decoded without checking signature or expiry
(the Auth emulator signs nothing, and mock tokens expire in 1970). ``owner`` is admin.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

OWNER = "owner"


@dataclass(frozen=True)
class Auth:
    """``admin`` bypasses rules; else ``variable`` is the rules' ``auth`` (None: signed out)."""

    admin: bool = False
    variable: dict[str, Any] | None = None


ANONYMOUS = Auth()
ADMIN = Auth(admin=True)


def _b64json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def decode_jwt_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT, unverified; None if ``token`` is not a decodable JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = _b64json(parts[1])
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def auth_variable(claims: dict[str, Any]) -> dict[str, Any]:
    """The rules' ``auth`` for a Firebase ID token's claims."""
    uid = claims.get("user_id") or claims.get("sub") or claims.get("uid")
    firebase = claims.get("firebase") if isinstance(claims.get("firebase"), dict) else {}
    return {
        "uid": uid,
        "provider": firebase.get("sign_in_provider", claims.get("provider", "custom")),
        "token": claims,
    }


def from_credential(cred: str | None, override: Any = ...) -> Auth:
    """Resolve a credential (``owner``, an ID token, or None).

    ``override`` is ``authvar``/``auth_variable_override``: honoured only for admins, who
    then act under the rules as that auth (None = signed out).
    """
    if not cred:
        return ANONYMOUS
    if cred == OWNER or (decode_jwt_claims(cred) is None and cred.startswith("ya29.")):
        if override is ...:
            return ADMIN
        return Auth(admin=False, variable=override if isinstance(override, dict) else None)
    claims = decode_jwt_claims(cred)
    if claims is None:
        return ANONYMOUS
    if claims.get("admin") is True and "iat" not in claims:
        return ADMIN
    return Auth(variable=auth_variable(claims))
