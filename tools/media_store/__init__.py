"""The local media store: a narrow stand-in for Cloud Storage, for lesson media only.

What it is: objects in buckets (gcp-storage-emulator's storage, on disk), read through
V4 signed URLs exactly as Cloud Storage checks them (`signing.py`: the canonical request,
the scope, X-Goog-Expires <= 7 days, the RSA signature against the local service
account's public key), with single Range requests (206, 416) and CORS for a video
element on another origin; plus the JSON API that google-cloud-storage's `Client` uses
for the build's uploads, behind an upload token.

What it is not: Cloud Storage. No IAM, ACLs or public objects (every read needs a
signature), no HMAC keys, no signed PUT/POST/DELETE, no multi-range reads, no
`bucket_bound_hostname`; the JSON API is gcp-storage-emulator's, reachable only with the
token. Production uses Cloud Storage itself; the app must not rely on anything here that
Storage lacks.

Run: `python -m tools.media_store --port 9199 --data DIR --service-account KEY.json`
(`process.start(...)` does it for tests and the stack).
"""
