"""media_url: "Request Protected File" — a signed, 15-minute URL for one lesson's media.

Lesson media is private in a bucket; this is the only way to read it. Allowed: the
course's enrolled learners, its instructor, admins, and anyone for a lesson the course
data marks as a free preview (`lessons/$cid/$lid/preview`). Everyone else gets a refusal
in words and no URL.

The URL is a V4 signed URL made by google-cloud-storage's own `generate_signed_url`, the
same call in both places. Deployed: the function's own service account signs through the
IAM signBlob API, for Cloud Storage. Locally the stack sets MEDIA_SIGNER_KEY (a local
service-account key file) and MEDIA_API_ENDPOINT (the local media store), which checks the
signature as Storage does. MEDIA_BUCKET names the bucket (default `<project>-media`).
"""

from __future__ import annotations

import datetime
import os
import re
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import firebase_admin
from _model import paths
from firebase_admin import db
from firebase_functions import https_fn
from google.cloud import storage

Code = https_fn.FunctionsErrorCode
SLUG = re.compile(paths.SLUG)  # catalog ids
PARTS = {
    "180p": "180p.webm",
    "360p": "360p.webm",
    "poster": "poster.jpg",
    "captions": "captions.en.vtt",
}  # what tools/encoding.py uploads for every lesson, as <cid>/<lid>/<part>
LIFETIME = datetime.timedelta(seconds=900)  # 24-Hour Video's 15 minutes
BUY = "Buy the course to watch this lesson."
SIGN_IN = "Sign in to watch this lesson."
NO_LESSON = "That lesson does not exist."
PICK_PART = "Choose a video quality: 180p or 360p."


def _refuse(code: Code, message: str) -> https_fn.HttpsError:
    return https_fn.HttpsError(code, message)


def _inputs(data: Any) -> tuple[str, str, str]:
    if not isinstance(data, dict):
        raise _refuse(Code.INVALID_ARGUMENT, "Choose a lesson to watch.")
    course_id, lesson_id, part = data.get("courseId"), data.get("lessonId"), data.get("rendition")
    for value in (course_id, lesson_id):
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            raise _refuse(Code.INVALID_ARGUMENT, "Choose a lesson to watch.")
    if part not in PARTS:
        raise _refuse(Code.INVALID_ARGUMENT, PICK_PART)
    return course_id, lesson_id, part


def _entitled(req: https_fn.CallableRequest, course_id: str, lesson: dict[str, Any]) -> bool:
    if lesson.get("preview") is True:
        return True
    if req.auth is None:
        raise _refuse(Code.UNAUTHENTICATED, SIGN_IN)
    uid = req.auth.uid
    if (req.auth.token or {}).get("admin") is True:
        return True
    if db.reference(paths.course_instructor(course_id)).get() == uid:
        return True
    return db.reference(paths.enrollment(uid, course_id)).get() is True


@cache
def _signer() -> tuple[storage.Client, Any, bool]:
    """(Storage client, credentials, whether they hold a key), made once per worker."""
    project = firebase_admin.get_app().project_id
    key = os.environ.get("MEDIA_SIGNER_KEY")
    if key:
        from google.oauth2 import service_account

        creds = service_account.Credentials.from_service_account_file(key)
        return storage.Client(project=project, credentials=creds), creds, True
    import google.auth

    creds, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return storage.Client(project=project, credentials=creds), creds, False


def _signing_args(creds: Any, has_key: bool) -> dict[str, Any]:
    if has_key:
        return {"credentials": creds}
    # Cloud Functions' default credentials hold no private key: sign through IAM signBlob.
    from google.auth.transport.requests import Request

    if not creds.valid:
        creds.refresh(Request())
    return {"service_account_email": creds.service_account_email, "access_token": creds.token}


def bucket_name() -> str:
    return os.environ.get("MEDIA_BUCKET") or f"{firebase_admin.get_app().project_id}-media"


def media_url(req: https_fn.CallableRequest) -> dict[str, Any]:
    """The callable's body (main.py declares the trigger): {url, expiresAt} or a refusal."""
    course_id, lesson_id, part = _inputs(req.data)
    lesson = db.reference(paths.lesson(course_id, lesson_id)).get()
    if not isinstance(lesson, dict):
        raise _refuse(Code.NOT_FOUND, NO_LESSON)
    if not _entitled(req, course_id, lesson):
        raise _refuse(Code.PERMISSION_DENIED, BUY)
    client, creds, has_key = _signer()
    blob = client.bucket(bucket_name()).blob(f"{course_id}/{lesson_id}/{PARTS[part]}")
    url = blob.generate_signed_url(
        version="v4",
        expiration=LIFETIME,
        method="GET",
        api_access_endpoint=os.environ.get("MEDIA_API_ENDPOINT") or None,
        **_signing_args(creds, has_key),
    )
    signed_at = datetime.datetime.strptime(
        parse_qs(urlsplit(url).query)["X-Goog-Date"][0], "%Y%m%dT%H%M%SZ"
    )
    expires = (signed_at + LIFETIME).isoformat() + "Z"
    return {"url": url, "expiresAt": expires}
