"""V4 signed-URL verification (GOOG4-RSA-SHA256) as Cloud Storage does it, with no I/O.

Cloud Storage's emulators (gcp-storage-emulator, fake-gcs-server) accept any signed URL,
so a local store built on them alone would serve a paid lesson to anyone who edits a URL.
This module is the check they lack; the HTTP adapter (`server.py`) only feeds it requests.

The rules (cloud.google.com/storage/docs/authentication/canonical-requests and
.../signatures): the canonical request is

    METHOD \\n PATH \\n CANONICAL_QUERY \\n CANONICAL_HEADERS \\n \\n SIGNED_HEADERS \\n PAYLOAD

with every query parameter but X-Goog-Signature percent-encoded (RFC 3986 unreserved
characters kept) and sorted, the signed headers as `name:value` lines (lower-cased names,
whitespace runs folded), and PAYLOAD `UNSIGNED-PAYLOAD`. The string to sign is
`GOOG4-RSA-SHA256 \\n X-Goog-Date \\n scope \\n hex(sha256(canonical request))`, and the
signature is RSASSA-PKCS1-v1_5 over SHA-256 with the service account's key, hex-encoded.

Refusals carry Cloud Storage's XML error codes: anonymous (no signature) 403 AccessDenied,
a bad signature 403 SignatureDoesNotMatch (with StringToSign and CanonicalRequest, as
Storage returns them), an expired URL 400 ExpiredToken (Storage answers expiry with 400,
not 403), malformed X-Goog-* parameters 400 MalformedSecurityHeader. A URL whose
X-Goog-Date is still in the future is refused 403 AccessDenied ("not yet valid").
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

ALGORITHM = "GOOG4-RSA-SHA256"
MAX_EXPIRES = 604800  # seven days, Storage's longest V4 lifetime
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided."
    " Check your Google secret key and signing method."
)
EXPIRED = "The provided token has expired."
NOT_YET_VALID = "The request is not yet valid."


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs of an HTTP request; `path` as sent (percent-encoded)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]  # decoded (name, value) pairs, in request order
    headers: Mapping[str, str]  # lower-cased names; repeated headers joined with ","


@dataclass(frozen=True)
class Refusal:
    """A Cloud Storage XML error: HTTP status, code, message and detail elements."""

    status: int
    code: str
    message: str
    details: tuple[tuple[str, str], ...] = field(default=())

    def xml(self) -> bytes:
        parts = [f"<Code>{self.code}</Code>", f"<Message>{escape(self.message)}</Message>"]
        parts += [f"<{name}>{escape(value)}</{name}>" for name, value in self.details]
        body = "<?xml version='1.0' encoding='UTF-8'?><Error>" + "".join(parts) + "</Error>"
        return body.encode()


def anonymous(bucket: str, name: str) -> Refusal:
    """Storage's answer to an unsigned read of a private object."""
    return Refusal(
        403,
        "AccessDenied",
        "Access denied.",
        (
            (
                "Details",
                "Anonymous caller does not have storage.objects.get access to the "
                f"Google Cloud Storage object. Permission 'storage.objects.get' denied on "
                f"resource (or it may not exist): {bucket}/{name}",
            ),
        ),
    )


def _malformed(parameter: str, detail: str) -> Refusal:
    return Refusal(
        400,
        "MalformedSecurityHeader",
        "Your request has a malformed header.",
        (("ParameterName", parameter), ("Details", detail)),
    )


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_query(query: Iterable[tuple[str, str]]) -> str:
    """Every parameter but the signature, encoded and sorted (as the official clients do)."""
    pairs = [f"{_encode(k)}={_encode(v)}" for k, v in query if k != "X-Goog-Signature"]
    return "&".join(sorted(pairs))


def canonical_path(raw_path: str) -> str:
    """The path re-encoded the one way the signer encodes it (`/` and `~` kept)."""
    return quote(unquote(raw_path), safe="/~")


def canonical_request(req: SignedRequest, signed_headers: list[str]) -> str:
    lines = [f"{name}:{' '.join(req.headers.get(name, '').split())}" for name in signed_headers]
    return "\n".join(
        [
            req.method.upper(),
            canonical_path(req.path),
            canonical_query(req.query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            req.headers.get("x-goog-content-sha256", "UNSIGNED-PAYLOAD"),
        ]
    )


def verify(req: SignedRequest, now: datetime, keys: Mapping[str, RSAPublicKey]) -> Refusal | None:
    """None if `req` carries a valid, current V4 signature by one of `keys` (by email)."""
    params = dict(req.query)
    bucket, _, name = unquote(req.path).lstrip("/").partition("/")
    if "X-Goog-Signature" not in params:
        return anonymous(bucket, name)
    if params.get("X-Goog-Algorithm") != ALGORITHM:
        return _malformed("X-Goog-Algorithm", f"Only {ALGORITHM} signatures are accepted.")
    stamp = params.get("X-Goog-Date", "")
    try:
        start = datetime.strptime(stamp, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return _malformed("X-Goog-Date", "X-Goog-Date must be YYYYMMDD'T'HHMMSS'Z'.")
    expires = params.get("X-Goog-Expires", "")
    if not expires.isdigit() or not 1 <= int(expires) <= MAX_EXPIRES:
        return _malformed("X-Goog-Expires", f"X-Goog-Expires must be 1 to {MAX_EXPIRES} seconds.")
    email, _, scope = params.get("X-Goog-Credential", "").partition("/")
    scope_parts = scope.split("/")
    if len(scope_parts) != 4 or scope_parts[2:] != ["storage", "goog4_request"]:
        return _malformed("X-Goog-Credential", "Scope is not date/location/storage/goog4_request.")
    if scope_parts[0] != stamp[:8]:
        return _malformed("X-Goog-Credential", "Credential date does not match X-Goog-Date.")
    signed_headers = params.get("X-Goog-SignedHeaders", "").split(";")
    if "host" not in signed_headers or signed_headers != sorted(signed_headers):
        return _malformed("X-Goog-SignedHeaders", "Signed headers must be sorted and include host.")
    if now < start:
        return Refusal(403, "AccessDenied", "Access denied.", (("Details", NOT_YET_VALID),))
    end = start + timedelta(seconds=int(expires))
    if now > end:
        return Refusal(
            400,
            "ExpiredToken",
            "Invalid argument.",
            (("Details", f"{EXPIRED} Request signature expired at: {end.isoformat()}"),),
        )
    try:
        signature = binascii.unhexlify(params["X-Goog-Signature"])
    except (binascii.Error, ValueError):
        return _malformed("X-Goog-Signature", "Signature was not hex encoded.")
    canonical = canonical_request(req, signed_headers)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = "\n".join([ALGORITHM, stamp, scope, digest])
    mismatch = Refusal(
        403,
        "SignatureDoesNotMatch",
        MISMATCH,
        (
            ("StringToSign", to_sign),
            ("CanonicalRequest", canonical),
        ),
    )  # fmt: skip
    key = keys.get(email)
    if key is None:
        return mismatch
    try:
        key.verify(signature, to_sign.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return mismatch
    return None


def byte_range(header: str | None, size: int) -> tuple[int, int] | Refusal | None:
    """The inclusive (first, last) byte of a single Range, None to send the whole object.

    As Storage: one `bytes=` range (`a-b`, `a-`, `-n`); a header it cannot parse, or
    several ranges, is ignored (200, whole object); a range past the end is 416.
    """
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, dash, last = header[len("bytes=") :].strip().partition("-")
    if not dash or not (first or last) or not all(p.isdigit() for p in (first, last) if p):
        return None
    if not first:  # suffix: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            return _unsatisfiable()
        return max(0, size - n), size - 1
    start = int(first)
    stop = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        return _unsatisfiable()
    return start, stop


def _unsatisfiable() -> Refusal:
    return Refusal(416, "InvalidRange", "The requested range cannot be satisfied.")
