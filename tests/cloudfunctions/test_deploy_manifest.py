"""What `firebase deploy --only functions` would deploy: the SDK's own discovery of
functions/ (no network), held to the list of functions Nimbus must have.

A function added without a row here, or with another trigger, region or secret, fails
this test; so the deploy ships exactly what runs locally.
"""

from __future__ import annotations

from tests.cloudfunctions.conftest import make_codebase
from tools import functions

# name -> (trigger, regions, secrets). Later issues add search, notifications.
EXPECTED = {
    "health": ("https", ["us-central1"], []),
    "create_payment_intent": ("callable", ["us-central1"], ["STRIPE_SECRET_KEY"]),
    "stripe_webhook": ("https", ["us-central1"], ["STRIPE_WEBHOOK_SECRET"]),
    "refund_order": ("callable", ["us-central1"], ["STRIPE_SECRET_KEY"]),
    "media_url": ("callable", ["us-central1"], []),
    "index_question": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
    "index_answer": ("google.firebase.database.ref.v1.written", ["us-central1"], []),
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
