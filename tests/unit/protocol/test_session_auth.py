"""Auth on a session and the rules it meets: ``auth``/``gauth``/``unauth``, ``owner`` and
``authvar``, permission denied for every kind of request, atomic multi-path updates, and
listens revoked (``c``) when auth or data take access away (rtdb-notes 1.5, 1.6, 1.12, 4.6)."""

from __future__ import annotations

import pytest
from session_peer import data, id_token, ok, push, refused, use_rules

DENIED = {"s": "permission_denied", "d": "Permission denied"}
OWN = "auth != null && auth.uid == $uid"
RULES = {
    "users": {"$uid": {".read": OWN, ".write": OWN}},
    "admins": {".read": "auth.token.role == 'admin'"},
    "scores": {".read": True, "$k": {".write": True, ".validate": "newData.isNumber()"}},
    "split": {"a": {".write": True}, "b": {".write": False}},
}


@pytest.fixture
def ruled(db):
    use_rules(db, RULES)
    return db


def test_a_signed_in_user_is_the_rules_auth(connect, ruled) -> None:
    alice = connect()
    assert alice.request("auth", {"cred": id_token("alice")}) == [ok(1)]
    assert alice.call("p", {"p": "/users/alice", "d": {"name": "A"}}) == {"s": "ok", "d": ""}
    assert alice.call("p", {"p": "/users/bob", "d": {"name": "B"}}) == DENIED
    assert alice.call("g", {"p": "/users/alice", "q": {}}) == {"s": "ok", "d": {"name": "A"}}
    assert alice.call("g", {"p": "/users", "q": {}}) == DENIED  # rules are not filters
    assert alice.call("g", {"p": "/admins", "q": {}}) == DENIED
    boss = connect(id_token("boss", role="admin"))
    assert boss.call("g", {"p": "/admins", "q": {}}) == {"s": "ok", "d": None}


def test_signed_out_and_undecodable_tokens_are_refused_by_rules(connect, ruled) -> None:
    anon = connect()
    assert anon.call("p", {"p": "/users/alice", "d": 1}) == DENIED
    junk = connect("not-a-jwt")  # accepted as signed out: the SDK would loop on invalid_token
    assert junk.call("g", {"p": "/users/alice", "q": {}}) == DENIED


def test_owner_bypasses_the_rules_and_authvar_acts_as_someone(connect, ruled) -> None:
    owner = connect()
    assert owner.request("gauth", {"cred": "owner"}) == [ok(1)]
    assert owner.call("p", {"p": "/split/b", "d": 1}) == {"s": "ok", "d": ""}
    assert owner.call("p", {"p": "/scores/x", "d": "not a number"})["s"] == "ok"  # no .validate
    as_bob = connect()
    as_bob.call("gauth", {"cred": "owner", "authvar": {"uid": "bob"}})
    assert as_bob.call("p", {"p": "/users/bob", "d": 1})["s"] == "ok"
    assert as_bob.call("p", {"p": "/users/alice", "d": 1}) == DENIED
    oauth = connect()
    oauth.call("gauth", {"cred": "ya29.an-access-token"})  # a Google OAuth token: admin
    assert oauth.call("p", {"p": "/split/b", "d": 2})["s"] == "ok"
    nobody = connect()
    nobody.call("gauth", {"cred": "owner", "noauth": True})
    assert nobody.call("p", {"p": "/users/bob", "d": 2}) == DENIED


def test_authvar_from_a_user_token_is_ignored(connect, ruled) -> None:
    alice = connect()
    alice.call("auth", {"cred": id_token("alice"), "authvar": {"uid": "bob"}})
    assert alice.call("p", {"p": "/users/bob", "d": 1}) == DENIED
    assert alice.call("p", {"p": "/users/alice", "d": 1})["s"] == "ok"


def test_every_kind_of_request_is_denied_with_the_same_words(connect, ruled) -> None:
    anon = connect()
    for action, body in [
        ("p", {"p": "/split/b", "d": 1}),
        ("m", {"p": "/split", "d": {"b": 1}}),
        ("o", {"p": "/split/b", "d": 1}),
        ("om", {"p": "/split", "d": {"b": 1}}),
        ("g", {"p": "/users/x", "q": {}}),
        ("q", {"p": "/users/x", "h": ""}),
    ]:
        got = anon.request(action, body)
        assert got == [refused(anon.r, "permission_denied", "Permission denied")], action


def test_validate_failures_are_permission_denied(connect, ruled) -> None:
    anon = connect()
    assert anon.call("p", {"p": "/scores/k", "d": "high"}) == DENIED
    assert anon.call("p", {"p": "/scores/k", "d": 10}) == {"s": "ok", "d": ""}
    assert anon.call("m", {"p": "/scores", "d": {"k": 11, "j": "x"}}) == DENIED
    assert anon.call("g", {"p": "/scores", "q": {}})["d"] == {"k": 10}
    assert anon.call("p", {"p": "/scores/k", "d": None})["s"] == "ok"  # deletes skip validation


def test_a_multi_path_update_is_all_or_nothing(connect, ruled) -> None:
    anon, watcher = connect(), connect("owner")
    watcher.listen("/split")
    watcher.take()
    assert anon.call("m", {"p": "/split", "d": {"a": 1, "b": 1}}) == DENIED
    assert anon.call("m", {"p": "/", "d": {"split/a": 1, "users/bob": 1}}) == DENIED
    assert watcher.take() == [], "a denied update pushes nothing"
    # A grant at each written path authorizes an update at a parent that is not writable.
    assert anon.call("m", {"p": "/", "d": {"split/a": 2, "scores/z": 3}})["s"] == "ok"
    assert watcher.take() == [data("split", {"a": 2})]


def test_unauth_revokes_what_only_the_user_could_read_before_its_ok(connect, ruled) -> None:
    alice, writer = connect(id_token("alice")), connect("owner")
    alice.listen("/users/alice")
    alice.listen("/scores")
    q = {"i": ".key", "l": 1, "vf": "l"}
    alice.listen("/users/alice", q, 5)
    alice.take()
    got = alice.request("unauth", {})
    assert got[-1] == ok(alice.r, "unauthenticated")
    revoked = [push("c", {"p": "/users/alice"}), push("c", {"p": "/users/alice", "q": [q]})]
    assert sorted(got[:-1], key=str) == sorted(revoked, key=str)
    writer.call("p", {"p": "/users/alice/x", "d": 1})
    writer.call("p", {"p": "/scores/x", "d": 1})
    assert alice.take() == [data("scores/x", 1)], "the public listen lives on"


def test_changing_user_revokes_only_what_the_new_user_cannot_read(connect, ruled) -> None:
    peer = connect(id_token("alice"))
    peer.listen("/users/alice")
    peer.listen("/scores")
    peer.take()
    got = peer.request("auth", {"cred": id_token("bob")})
    assert got == [push("c", {"p": "/users/alice"}), ok(peer.r)]
    assert peer.request("auth", {"cred": id_token("bob")}) == [ok(peer.r)]  # nothing more


def test_a_write_that_cuts_off_a_reader_revokes_its_listen(connect, db) -> None:
    enrolled = "root.child('enrolled/' + auth.uid).exists()"
    use_rules(db, {"posts": {".read": enrolled}, "enrolled": {".read": True}})
    owner = connect("owner")
    owner.call("p", {"p": "/", "d": {"enrolled": {"u1": True}, "posts": {"p1": "hi"}}})
    learner = connect(id_token("u1"))
    assert learner.listen("/posts") == [data("posts", {"p1": "hi"}), ok(2, {})]
    owner.call("p", {"p": "/posts/p2", "d": "more"})
    assert learner.take() == [data("posts/p2", "more")]
    owner.call("m", {"p": "/", "d": {"enrolled/u1": None, "posts/p3": "secret"}})
    assert learner.take() == [push("c", {"p": "/posts"})], "revoked, and the secret not sent"
    owner.call("p", {"p": "/posts/p4", "d": "later"})
    assert learner.take() == []
