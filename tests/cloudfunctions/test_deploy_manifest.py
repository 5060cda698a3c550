"""What `firebase deploy --only functions` would deploy: the SDK's own discovery of
functions/ (no network), held to the list of functions Nimbus must have.

A function added without a row here, or with another trigger, region or secret, fails
this test; so the deploy ships exactly what runs locally.
"""

from __future__ import annotations

from tests.cloudfunctions.conftest import make_codebase
from tools import functions

_SENDING = ["EMAIL_TOKEN_SECRET", "SMTP_PASSWORD"]
# name -> (trigger, regions, secrets). Later issues add search, notifications.
EXPECTED = {
    "health": ("https", ["us-central1"], []),
    "create_payment_intent": ("callable", ["us-central1"], ["STRIPE_SECRET_KEY"]),
    "stripe_webhook": ("https", ["us-central1"], ["STRIPE_WEBHOOK_SECRET"]),
    "refund_order": ("callable", ["us-central1"], ["STRIPE_SECRET_KEY"]),
    "media_url": ("callable", ["us-central1"], []),
    "index_question": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "index_answer": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "index_transcript": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "gurubot_reply": ("google.firebase.database.ref.v1.created", ["us-central1"], []),
    # notifications (issue 14): the inbox fan-out
    "notify_question": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "notify_answer": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "notify_comment": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "forget_member": ("google.firebase.database.ref.v1.deleted", ["us-central1"], []),
    # email (issue 14): each function that mails declares the token secret and the relay's
    "email_instant": ("google.firebase.database.ref.v1.created", ["us-central1"], _SENDING),
    "email_digest": ("schedule", ["us-central1"], _SENDING),
    "email_receipt": ("google.firebase.database.ref.v1.written", ["us-central1"], _SENDING),
    "email_unsubscribe": ("https", ["us-central1"], ["EMAIL_TOKEN_SECRET"]),
    "mail_events": ("https", ["us-central1"], ["MAILGUN_WEBHOOK_SIGNING_KEY"]),
    "email_status_check": ("callable", ["us-central1"], []),
}


def test_discovery_lists_every_function_with_its_trigger_region_and_secrets() -> None:
    found = {
        row["name"]: (row["trigger"], row["region"], row["secrets"]) for row in functions.summary()
    }
    assert found == EXPECTED


def test_discovery_reports_database_triggers_with_their_paths(tmp_path) -> None:
    source = make_codebase(tmp_path)
    endpoints = functions.manifest(source)["endpoints"]
    event = endpoints["on_msg_created"]["eventTrigger"]
    assert event["eventType"] == "google.firebase.database.ref.v1.created"
    assert event["eventFilterPathPatterns"] == {"ref": "t/{room}/{msg}", "instance": "*"}
    assert "scheduleTrigger" in endpoints["tick"]
