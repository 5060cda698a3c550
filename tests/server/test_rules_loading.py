"""Loading rules: ``PUT/GET /.settings/rules.json`` as firebase-tools and the SDK test kits use it.

Raw HTTP on purpose: these are the exact requests firebase-tools' ``updateRules`` and
``@firebase/rules-unit-testing``'s ``loadDatabaseRules`` send, and the assertions are on the
status and ``{"error": ...}`` body they read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.testing.rawhttp import OWNER, request

NIMBUS_RULES = Path(__file__).resolve().parents[2] / "rules" / "database.rules.json"

COMMENTED = """{
  /* Visit https://firebase.google.com/docs/database/security to learn more */
  "rules": {
    // everyone reads, nobody writes
    ".read": true,
    ".write": false, // trailing comma after a comment
    "open": { ".write": "auth != null" }
  }
}
"""


def put_rules(server, ns: str, text: str, query: str = "", headers=OWNER):
    return request(
        server.url,
        "PUT",
        f"/.settings/rules.json?ns={ns}{query}",
        raw=text.encode(),
        headers=headers,
    )


def get_rules(server, ns: str, query: str = ""):
    return request(server.url, "GET", f"/.settings/rules.json?ns={ns}{query}", headers=OWNER)


def test_namespace_without_rules_is_open(rtdb_server, ns):
    assert request(rtdb_server.url, "PUT", f"/a.json?ns={ns}", {"x": 1}).status == 200
    assert request(rtdb_server.url, "GET", f"/a.json?ns={ns}").json == {"x": 1}
    got = get_rules(rtdb_server, ns, "&format=strict")
    assert got.status == 200
    assert got.json == {"rules": {".read": True, ".write": True}}


def test_upload_with_comments_then_get_source_and_strict(rtdb_server, ns):
    reply = put_rules(rtdb_server, ns, COMMENTED)
    assert reply.status == 200, reply.body
    assert reply.json == {"status": "ok"}
    source = get_rules(rtdb_server, ns)
    assert source.status == 200
    assert source.text == COMMENTED  # comments kept, byte for byte
    strict = get_rules(rtdb_server, ns, "&format=strict")
    assert strict.json == {
        "rules": {".read": True, ".write": False, "open": {".write": "auth != null"}}
    }
    # And the rules are in force: read allowed, write denied, except at /open for users.
    assert request(rtdb_server.url, "GET", f"/x.json?ns={ns}").status == 200
    denied = request(rtdb_server.url, "PUT", f"/x.json?ns={ns}", 1)
    assert (denied.status, denied.json) == (401, {"error": "Permission denied"})
    assert request(rtdb_server.url, "PUT", f"/open.json?ns={ns}", 1).status == 401


def test_rules_are_per_namespace(rtdb_server, ns):
    assert put_rules(rtdb_server, ns, '{"rules": {".read": false}}').status == 200
    assert request(rtdb_server.url, "GET", f"/.json?ns={ns}").status == 401
    assert request(rtdb_server.url, "GET", f"/.json?ns={ns}-other").status == 200


def test_dry_run_validates_without_installing(rtdb_server, ns):
    ok = put_rules(rtdb_server, ns, '{"rules": {".read": false}}', "&dryRun=true")
    assert ok.status == 200
    assert request(rtdb_server.url, "GET", f"/.json?ns={ns}").status == 200  # still open
    bad = put_rules(rtdb_server, ns, '{"rules": {".read": 7}}', "&dryRun=true")
    assert bad.status == 400
    assert "/rules/.read" in bad.json["error"]


def test_only_admins_manage_rules(rtdb_server, ns):
    anon = put_rules(rtdb_server, ns, '{"rules": {".read": true}}', headers={})
    assert (anon.status, anon.json) == (401, {"error": "Permission denied"})
    read = request(rtdb_server.url, "GET", f"/.settings/rules.json?ns={ns}")
    assert read.status == 401


BAD_RULES = [
    # (rules text, fragment the error must name: path, line, what is wrong)
    ('{"rules": {', ["Parse error", "Line 1"]),
    ('{"rules": {".read": true,}}}', ["Parse error"]),
    (
        '{\n "rules": {\n  "a": {\n   ".read": "7"\n  }\n }\n}',
        ["/rules/a/.read", "Line 4", "boolean"],
    ),
    ('{"rules": {"a": {".write": "skies == 1"}}}', ["/rules/a/.write", "skies"]),
    ('{"rules": {"a": {".read": "root.exist()"}}}', ["/rules/a/.read", "exist"]),
    ('{"rules": {"a": {".read": "auth.uid.toLower() == \'x\'"}}}', ["toLower"]),
    ('{"rules": {"a": {".validate": "newData.isString() &&"}}}', ["/rules/a/.validate"]),
    ('{"rules": {"$a": {".read": true}, "$b": {".read": true}}}', ["/rules/$b", "wildcard"]),
    ('{"rules": {"$a": {"$a": {".read": true}}}}', ["/rules/$a/$a"]),
    ('{"rules": {"$a": {".read": "$b == \'x\'"}}}', ["$b"]),
    ('{"rules": {"a": {".read": "query.foo == 1"}}}', ["/rules/a/.read"]),
    ('{"rules": {"a": {".write": "query.limitToFirst == 1"}}}', ["/rules/a/.write"]),
    ('{"rules": {"a": {".reed": true}}}', [".reed"]),
    ('{"rules": {".indexOn": 5}}', [".indexOn"]),
    ('{"rulez": {}}', ["rulez"]),
    ('["rules"]', []),
]


@pytest.mark.parametrize(("text", "fragments"), BAD_RULES)
def test_bad_rules_are_refused_with_a_position(rtdb_server, ns, text, fragments):
    reply = put_rules(rtdb_server, ns, text)
    assert reply.status == 400, reply.body
    message = reply.json["error"]
    for fragment in fragments:
        assert fragment in message, message
    # A refused upload changes nothing: the namespace is still open.
    assert get_rules(rtdb_server, ns, "&format=strict").json == {
        "rules": {".read": True, ".write": True}
    }


def test_refused_upload_keeps_the_previous_rules(rtdb_server, ns):
    assert put_rules(rtdb_server, ns, '{"rules": {".read": false}}').status == 200
    assert put_rules(rtdb_server, ns, '{"rules": {".read": "nope"}}').status == 400
    assert get_rules(rtdb_server, ns).text == '{"rules": {".read": false}}'
    assert request(rtdb_server.url, "GET", f"/.json?ns={ns}").status == 401


def test_nimbus_rules_file_loads(rtdb_server, ns):
    """The app's own rules file (what ``serve`` uploads) is accepted as is."""
    text = NIMBUS_RULES.read_text()
    reply = put_rules(rtdb_server, ns, text)
    assert reply.status == 200, reply.body
    assert get_rules(rtdb_server, ns).text == text
    assert json.dumps(get_rules(rtdb_server, ns, "&format=strict").json)
