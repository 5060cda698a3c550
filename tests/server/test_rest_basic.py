"""REST as curl users and firebase-tools use it: methods, rendering, errors, emulator endpoints."""

from __future__ import annotations

import json
import re
import uuid

from tools.testing.rawhttp import OWNER, request

PUSH_ID = re.compile(r"^[-0-9A-Za-z_]{20}$")


def test_put_get_echo_and_null(rtdb_server, ns):
    r = request(rtdb_server.url, "PUT", f"/a/b.json?ns={ns}", {"x": 1, "y": "é"})
    assert r.status == 200 and r.json == {"x": 1, "y": "é"}
    assert request(rtdb_server.url, "GET", f"/a.json?ns={ns}").json == {"b": {"x": 1, "y": "é"}}
    assert request(rtdb_server.url, "GET", f"/nothing/here.json?ns={ns}").json is None
    assert request(rtdb_server.url, "GET", f"/a/b/x.json?ns={ns}").json == 1


def test_print_silent_and_pretty(rtdb_server, ns):
    r = request(rtdb_server.url, "PUT", f"/p.json?ns={ns}&print=silent", {"k": [1]})
    assert r.status == 204 and r.body == b""
    pretty = request(rtdb_server.url, "GET", f"/p.json?ns={ns}&print=pretty")
    assert pretty.text == json.dumps({"k": [1]}, indent=2)
    assert request(rtdb_server.url, "GET", f"/p.json?ns={ns}&print=silent").status == 204


def test_post_creates_ordered_push_ids(rtdb_server, ns):
    names = []
    for i in range(5):
        r = request(rtdb_server.url, "POST", f"/list.json?ns={ns}", {"i": i})
        assert r.status == 200
        names.append(r.json["name"])
    assert all(PUSH_ID.match(n) for n in names)
    assert names == sorted(names) and len(set(names)) == 5
    data = request(rtdb_server.url, "GET", f"/list.json?ns={ns}").json
    assert [data[n]["i"] for n in names] == [0, 1, 2, 3, 4]


def test_patch_multi_path_and_delete(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/u.json?ns={ns}", {"a": 1, "b": {"c": 2, "d": 3}})
    r = request(rtdb_server.url, "PATCH", f"/u.json?ns={ns}", {"b/c": 20, "a": None, "e": "x"})
    assert r.status == 200 and r.json == {"b/c": 20, "a": None, "e": "x"}
    assert request(rtdb_server.url, "GET", f"/u.json?ns={ns}").json == {
        "b": {"c": 20, "d": 3},
        "e": "x",
    }
    r = request(rtdb_server.url, "DELETE", f"/u/b.json?ns={ns}")
    assert r.status == 200 and r.json is None
    assert request(rtdb_server.url, "GET", f"/u.json?ns={ns}").json == {"e": "x"}


def test_method_override_header_and_param(rtdb_server, ns):
    headers = {"X-HTTP-Method-Override": "PUT"}
    assert request(rtdb_server.url, "POST", f"/m.json?ns={ns}", 1, headers).json == 1
    assert request(rtdb_server.url, "GET", f"/m.json?ns={ns}").json == 1
    r = request(rtdb_server.url, "POST", f"/m.json?ns={ns}&x-http-method-override=DELETE", 0)
    assert r.status == 200
    assert request(rtdb_server.url, "GET", f"/m.json?ns={ns}").json is None


def test_priorities_only_in_export_format(rtdb_server, ns):
    data = {"a": {".value": 1, ".priority": 2}, "b": {"c": True, ".priority": "p"}}
    request(rtdb_server.url, "PUT", f"/pr.json?ns={ns}", data)
    assert request(rtdb_server.url, "GET", f"/pr.json?ns={ns}").json == {"a": 1, "b": {"c": True}}
    exported = request(rtdb_server.url, "GET", f"/pr.json?ns={ns}&format=export").json
    assert exported == data


def test_array_heuristic(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/arr.json?ns={ns}", {"0": "a", "1": "b", "3": "d"})
    assert request(rtdb_server.url, "GET", f"/arr.json?ns={ns}").json == ["a", "b", None, "d"]
    request(rtdb_server.url, "PUT", f"/sparse.json?ns={ns}", {"0": "a", "5": "f"})
    assert request(rtdb_server.url, "GET", f"/sparse.json?ns={ns}").json == {"0": "a", "5": "f"}
    request(rtdb_server.url, "PUT", f"/lead.json?ns={ns}", {"01": 1, "1": 2})
    assert request(rtdb_server.url, "GET", f"/lead.json?ns={ns}").json == {"01": 1, "1": 2}
    exported = request(rtdb_server.url, "GET", f"/arr.json?ns={ns}&format=export").json
    assert exported == {"0": "a", "1": "b", "3": "d"}


def test_shallow(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/s.json?ns={ns}", {"a": {"deep": 1}, "b": 2, "c": "x"})
    assert request(rtdb_server.url, "GET", f"/s.json?ns={ns}&shallow=true").json == {
        "a": True,
        "b": True,
        "c": True,
    }
    assert request(rtdb_server.url, "GET", f"/s/c.json?ns={ns}&shallow=true").json == "x"
    # firebase-tools' export probe: a limit without orderBy is accepted with shallow.
    probe = request(
        rtdb_server.url, "GET", f"/.json?ns={ns}&shallow=true&limitToFirst=1", None, OWNER
    )
    assert probe.status == 200 and len(probe.json) == 1


def test_server_values(rtdb_server, ns):
    r = request(rtdb_server.url, "PUT", f"/sv.json?ns={ns}", {"t": {".sv": "timestamp"}, "n": 5})
    assert isinstance(r.json["t"], int) and r.json["t"] > 1_600_000_000_000
    r = request(rtdb_server.url, "PATCH", f"/sv.json?ns={ns}", {"n": {".sv": {"increment": 2}}})
    assert r.json == {"n": 7}
    assert request(rtdb_server.url, "GET", f"/sv/n.json?ns={ns}").json == 7


def test_bad_json_and_missing_body(rtdb_server, ns):
    r = request(rtdb_server.url, "PUT", f"/j.json?ns={ns}", raw=b'{"a": ')
    assert r.status == 400
    assert r.json == {"error": "Invalid data; couldn't parse JSON object, array, or value."}
    r = request(rtdb_server.url, "PUT", f"/j.json?ns={ns}", raw=b"")
    assert r.status == 400 and r.json == {"error": "Error: No data supplied."}
    r = request(rtdb_server.url, "POST", f"/j.json?ns={ns}", raw=b"NaN")
    assert r.status == 400 and "couldn't parse JSON" in r.json["error"]
    r = request(rtdb_server.url, "PATCH", f"/j.json?ns={ns}", [1, 2])
    assert r.status == 400 and "error" in r.json
    assert request(rtdb_server.url, "GET", f"/j.json?ns={ns}").json is None


def test_missing_json_suffix_is_404(rtdb_server, ns):
    r = request(rtdb_server.url, "GET", f"/a/b?ns={ns}")
    assert r.status == 404 and ".json" in r.json["error"]


def test_cors_preflight_and_header(rtdb_server, ns):
    r = request(
        rtdb_server.url,
        "OPTIONS",
        f"/x.json?ns={ns}",
        headers={
            "Origin": "http://localhost:5000",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert r.status in (200, 204)
    assert r.headers["access-control-allow-origin"] in ("*", "http://localhost:5000")
    assert "PATCH" in r.headers["access-control-allow-methods"]
    assert "authorization" in r.headers["access-control-allow-headers"].lower()
    got = request(rtdb_server.url, "GET", f"/x.json?ns={ns}", headers={"Origin": "http://a.b"})
    assert got.headers["access-control-allow-origin"] in ("*", "http://a.b")


def test_jsonp_and_download(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/j.json?ns={ns}", {"a": 1})
    r = request(rtdb_server.url, "GET", f"/j.json?ns={ns}&callback=gotData")
    assert r.text == 'gotData({"a":1});'
    assert "javascript" in r.headers["content-type"]
    r = request(rtdb_server.url, "GET", f"/j.json?ns={ns}&download=backup.json")
    assert 'filename="backup.json"' in r.headers["content-disposition"]
    assert r.json == {"a": 1}


def test_rules_endpoint_roundtrip(rtdb_server, ns):
    url = f"/.settings/rules.json?ns={ns}"
    default = request(rtdb_server.url, "GET", url, None, OWNER)
    assert default.status == 200 and default.json["rules"] == {".read": True, ".write": True}
    source = '{\n  // comment kept\n  "rules": {".read": true, "a": {".write": "auth != null"}}\n}'
    r = request(rtdb_server.url, "PUT", url, raw=source.encode(), headers=OWNER)
    assert r.status == 200
    assert request(rtdb_server.url, "GET", url, None, OWNER).text == source
    strict = request(rtdb_server.url, "GET", url + "&format=strict", None, OWNER).json
    assert strict == {"rules": {".read": True, "a": {".write": "auth != null"}}}
    bad = request(rtdb_server.url, "PUT", url, raw=b'{"rules": {', headers=OWNER)
    assert bad.status == 400 and "Parse error" in bad.json["error"]
    dry = request(rtdb_server.url, "PUT", url + "&dryRun=true", {"rules": {".read": False}}, OWNER)
    assert dry.status == 200
    assert request(rtdb_server.url, "GET", url, None, OWNER).text == source
    assert request(rtdb_server.url, "GET", url).status == 401
    assert request(rtdb_server.url, "PUT", url, {"rules": {}}).status == 401


def test_inspect_databases_lists_namespaces(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/x.json?ns={ns}", 1)
    names = request(rtdb_server.url, "GET", f"/.inspect/databases.json?ns={ns}", None, OWNER).json
    assert {"name": ns} in names


def test_export_and_import_like_firebase_tools(rtdb_server, ns):
    tree = {"a": {"b": {".value": 1, ".priority": 5}}, "list": {"0": "x"}, ".priority": "top"}
    r = request(
        rtdb_server.url,
        "PUT",
        f"/.json?ns={ns}&disableTriggers=true&writeSizeLimit=unlimited",
        tree,
        OWNER,
    )
    assert r.status == 200
    exported = request(rtdb_server.url, "GET", f"/.json?ns={ns}&format=export", None, OWNER).json
    assert exported == tree


def test_upload_multipart_import(rtdb_server, ns):
    boundary = uuid.uuid4().hex
    payload = json.dumps({"imported": {"n": 1}}).encode()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="myFile"; '
            f'filename="data.json"\r\nContent-Type: application/json\r\n\r\n'
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    r = request(
        rtdb_server.url,
        "POST",
        f"/sub/.upload?ns={ns}&access_token=owner&writeSizeLimit=unlimited",
        raw=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status == 200, r.body
    assert request(rtdb_server.url, "GET", f"/sub.json?ns={ns}").json == {"imported": {"n": 1}}
