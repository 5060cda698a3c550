"""The sans-I/O verifier on its own: any object name the official client signs verifies,
and any change to the signed parts does not (hypothesis), plus the Range grammar."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.oauth2 import service_account
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.media_store import keys, signing

INFO = keys.make_service_account("demo-nimbus")
CREDS = service_account.Credentials.from_service_account_info(INFO)
PUBLIC = keys.public_keys([INFO])
ENDPOINT = "http://127.0.0.1:9199"
BUCKET = storage.Client(project="demo-nimbus", credentials=AnonymousCredentials()).bucket("b")

names = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"),
    min_size=1, max_size=40,
).filter(lambda n: not n.startswith("/") and n not in (".", ".."))  # fmt: skip


def request_for(url: str, method: str = "GET") -> signing.SignedRequest:
    """The request a server sees for `url` (raw path, decoded query pairs, host header)."""
    parts = urlsplit(url)
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    return signing.SignedRequest(method, parts.path, query, {"host": parts.netloc})


def signed(name: str, method: str = "GET") -> str:
    return BUCKET.blob(name).generate_signed_url(
        version="v4", expiration=900, method=method, credentials=CREDS,
        api_access_endpoint=ENDPOINT,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(names)
def test_any_name_the_client_signs_verifies(name: str) -> None:
    now = dt.datetime.now(dt.UTC)
    assert signing.verify(request_for(signed(name)), now, PUBLIC) is None


@settings(max_examples=60, deadline=None)
@given(names, names)
def test_a_url_for_one_name_does_not_open_another(name: str, other: str) -> None:
    if name == other:
        return
    req = request_for(signed(name))
    moved = signing.SignedRequest(
        req.method, request_for(signed(other)).path, req.query, req.headers
    )
    refusal = signing.verify(moved, dt.datetime.now(dt.UTC), PUBLIC)
    assert refusal is not None and refusal.code == "SignatureDoesNotMatch"


def test_expiry_boundary() -> None:
    req = request_for(signed("a.webm"))
    start = dt.datetime.strptime(dict(req.query)["X-Goog-Date"], signing.DATE_FORMAT)
    start = start.replace(tzinfo=dt.UTC)
    assert signing.verify(req, start + dt.timedelta(seconds=900), PUBLIC) is None
    late = signing.verify(req, start + dt.timedelta(seconds=901), PUBLIC)
    assert late is not None and (late.status, late.code) == (400, "ExpiredToken")
    early = signing.verify(req, start - dt.timedelta(seconds=1), PUBLIC)
    assert early is not None and (early.status, early.code) == (403, "AccessDenied")


def test_error_body_is_storage_xml() -> None:
    body = signing.anonymous("b", "x<y").xml().decode()
    assert body.startswith("<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>")
    assert "x&lt;y" in body


@pytest.mark.parametrize(
    ("header", "want"),
    [
        (None, None), ("", None), ("bytes=0-9", (0, 9)), ("bytes=10-", (10, 99)),
        ("bytes=-5", (95, 99)), ("bytes=-500", (0, 99)), ("bytes=90-500", (90, 99)),
        ("bytes=0-0", (0, 0)), ("bytes=0-1,5-6", None), ("items=0-1", None),
        ("bytes=a-b", None), ("bytes=-", None), ("bytes=9-3", None),
        ("bytes=100-", "416"), ("bytes=-0", "416"),
    ],
)  # fmt: skip
def test_byte_range(header: str | None, want) -> None:
    got = signing.byte_range(header, 100)
    if want == "416":
        assert isinstance(got, signing.Refusal) and got.status == 416
    else:
        assert got == want
