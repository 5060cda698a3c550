"""The local media store answers V4 signed URLs as Cloud Storage does.

Every URL here is made by google-cloud-storage's own `Blob.generate_signed_url` (the
call the `media_url` function makes), with a key the store trusts or a forger's key;
tampering edits the URL the way an attacker would.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from google.cloud.storage import _signing

from tests.media.conftest import OBJECT, Store, other_key

UTC = dt.UTC


def sign(store: Store, name: str = OBJECT, method: str = "GET", seconds: int = 900, creds=None):
    return store.bucket.blob(name).generate_signed_url(
        version="v4",
        expiration=dt.timedelta(seconds=seconds),
        method=method,
        credentials=creds or store.credentials,
        api_access_endpoint=store.url,
    )


def edit_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in changes.items():
        key = key.replace("_", "-")
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def error_code(reply: requests.Response) -> str:
    assert reply.headers["Content-Type"].startswith("application/xml"), reply.headers
    match = re.search(r"<Error><Code>(\w+)</Code>", reply.text)
    assert match, reply.text
    return match.group(1)


def signed_at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    """Make the client sign as if its clock read `when` (its own clock hook)."""
    monkeypatch.setattr(_signing, "_NOW", lambda tz=None: when)


def test_a_good_url_gets_the_bytes(store: Store) -> None:
    reply = requests.get(sign(store), timeout=10)
    assert reply.status_code == 200
    assert reply.content == store.body
    assert reply.headers["Accept-Ranges"] == "bytes"
    assert reply.headers["Content-Type"] == "video/webm"


def test_head_with_a_head_signature(store: Store) -> None:
    reply = requests.head(sign(store, method="HEAD"), timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Length"] == str(len(store.body))
    assert reply.content == b""


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=100-199", 100, 199), ("bytes=99990-", 99990, 99999), ("bytes=-10", 99990, 99999),
     ("bytes=0-", 0, 99999), ("bytes=5000-999999", 5000, 99999)],
)  # fmt: skip
def test_range_reads_exact_bytes(store: Store, header: str, first: int, last: int) -> None:
    reply = requests.get(sign(store), headers={"Range": header}, timeout=10)
    assert reply.status_code == 206
    assert reply.content == store.body[first : last + 1]
    assert reply.headers["Content-Range"] == f"bytes {first}-{last}/{len(store.body)}"


def test_range_past_the_end_is_416(store: Store) -> None:
    reply = requests.get(sign(store), headers={"Range": "bytes=100000-"}, timeout=10)
    assert reply.status_code == 416
    assert reply.headers["Content-Range"] == "bytes */100000"
    assert error_code(reply) == "InvalidRange"


def test_cors_for_a_video_element_on_another_origin(store: Store) -> None:
    origin = {"Origin": "http://127.0.0.1:5000"}
    reply = requests.get(sign(store), headers={**origin, "Range": "bytes=0-9"}, timeout=10)
    assert reply.status_code == 206
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Range" in reply.headers["Access-Control-Expose-Headers"]
    pre = requests.options(
        sign(store),
        headers={**origin, "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "range"},
        timeout=10,
    )  # fmt: skip
    assert pre.status_code == 200
    assert "GET" in pre.headers["Access-Control-Allow-Methods"]
    assert pre.headers["Access-Control-Allow-Headers"] == "range"


def test_unsigned_direct_get_is_403(store: Store) -> None:
    reply = requests.get(f"{store.url}/{store.bucket.name}/{OBJECT}", timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "AccessDenied"
    assert store.body[:64] not in reply.content


def test_missing_signature_is_403(store: Store) -> None:
    reply = requests.get(edit_query(sign(store), X_Goog_Signature=None), timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "AccessDenied"


def test_tampered_signature_is_403(store: Store) -> None:
    url = sign(store)
    sig = dict(parse_qsl(urlsplit(url).query))["X-Goog-Signature"]
    flipped = ("0" if sig[-1] != "0" else "1").join([sig[:-1], ""])
    reply = requests.get(edit_query(url, X_Goog_Signature=flipped), timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "SignatureDoesNotMatch"
    assert "<StringToSign>GOOG4-RSA-SHA256\n" in reply.text


def test_lengthened_lifetime_is_403(store: Store) -> None:
    reply = requests.get(edit_query(sign(store), X_Goog_Expires="3600"), timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "SignatureDoesNotMatch"


def test_wrong_object_is_403(store: Store) -> None:
    url = sign(store, name="courses/c1/l01/180p.webm").replace("180p.webm", "360p.webm")
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "SignatureDoesNotMatch"


def test_wrong_method_is_403(store: Store) -> None:
    reply = requests.get(sign(store, method="HEAD"), timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "SignatureDoesNotMatch"
    assert requests.head(sign(store), timeout=10).status_code == 403


def test_wrong_host_is_403(store: Store) -> None:
    url = sign(store).replace("127.0.0.1", "localhost")
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "SignatureDoesNotMatch"


def test_a_forgers_key_is_403(store: Store, tmp_path) -> None:
    forger = other_key(tmp_path)
    assert forger.service_account_email == store.credentials.service_account_email
    reply = requests.get(sign(store, creds=forger), timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "SignatureDoesNotMatch"


def test_expired_is_refused_as_storage_does(store: Store, monkeypatch) -> None:
    signed_at(monkeypatch, dt.datetime.now(UTC) - dt.timedelta(hours=1))
    reply = requests.get(sign(store, seconds=900), timeout=10)
    assert reply.status_code == 400  # Cloud Storage answers an expired URL 400, not 403
    assert error_code(reply) == "ExpiredToken"
    assert store.body[:64] not in reply.content


def test_not_yet_valid_is_403(store: Store, monkeypatch) -> None:
    signed_at(monkeypatch, dt.datetime.now(UTC) + dt.timedelta(hours=1))
    reply = requests.get(sign(store), timeout=10)
    assert reply.status_code == 403
    assert error_code(reply) == "AccessDenied"


def test_more_than_seven_days_is_malformed(store: Store) -> None:
    reply = requests.get(edit_query(sign(store), X_Goog_Expires="604801"), timeout=10)
    assert reply.status_code == 400
    assert error_code(reply) == "MalformedSecurityHeader"


def test_missing_object_with_a_good_signature_is_404(store: Store) -> None:
    reply = requests.get(sign(store, name="courses/c1/l99/360p.webm"), timeout=10)
    assert reply.status_code == 404
    assert error_code(reply) == "NoSuchKey"


def test_json_api_needs_the_upload_token(store: Store) -> None:
    path = f"/download/storage/v1/b/{store.bucket.name}/o/{OBJECT.replace('/', '%2F')}?alt=media"
    assert requests.get(store.url + path, timeout=10).status_code == 401
    bad = {"Authorization": "Bearer not-the-token"}
    assert requests.get(store.url + path, headers=bad, timeout=10).status_code == 401
    good = {"Authorization": f"Bearer {store.token}"}
    reply = requests.get(store.url + path, headers=good, timeout=10)
    assert reply.status_code == 200
    assert reply.content == store.body


def test_a_second_upload_of_the_same_bytes_sends_nothing(store: Store, tmp_path) -> None:
    from tools.media_store import upload

    client = upload.local_client(store.url, store.token, "demo-nimbus")
    src = tmp_path / "same.webm"
    src.write_bytes(store.body)
    assert upload.upload(client, store.bucket.name, {OBJECT: src}, progress=lambda _: None) == []
    src.write_bytes(store.body[::-1])
    sent = upload.upload(client, store.bucket.name, {OBJECT: src}, progress=lambda _: None)
    assert sent == [OBJECT]
    assert requests.get(sign(store), timeout=10).content == store.body[::-1]
    src.write_bytes(store.body)
    upload.upload(client, store.bucket.name, {OBJECT: src}, progress=lambda _: None)
