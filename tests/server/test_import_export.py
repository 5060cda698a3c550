"""Import/export in ``firebase database:get`` / ``database:set`` JSON, offline and over REST."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.testing.rtdb_process import ROOT, RtdbServer, start_server, stop_server

DOC = {
    "courses": {
        "py101": {"title": "Python 101", ".priority": 2},
        "js101": {"title": "JS 101", ".priority": 1},
        "rank": {".value": 7, ".priority": "b"},
    },
    "list": {"0": "a", "1": "b", "2": "c"},
    "unicode": "héllo ✓",
    "n": 1.5,
}
PLAIN = {
    "courses": {"py101": {"title": "Python 101"}, "js101": {"title": "JS 101"}, "rank": 7},
    "list": ["a", "b", "c"],
    "unicode": "héllo ✓",
    "n": 1.5,
}


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rtdb", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def rest(server: RtdbServer, method: str, path: str, ns: str, body: Any = None, q: str = "") -> Any:
    url = f"{server.url}/{path.strip('/')}.json?ns={ns}" + (f"&{q}" if q else "")
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method)) as r:
        return json.loads(r.read() or b"null")


@pytest.fixture
def stopped(tmp_path: Path) -> Iterator[list[RtdbServer]]:
    servers: list[RtdbServer] = []
    yield servers
    for server in servers:
        stop_server(server)


def test_offline_import_then_server_serves_it(tmp_path: Path, ns: str, stopped: list) -> None:
    src = tmp_path / "doc.json"
    src.write_text(json.dumps(DOC), encoding="utf-8")
    data = tmp_path / "data"
    done = cli("import", "--data", str(data), "--ns", ns, str(src))
    assert done.returncode == 0, done.stderr

    server = start_server(data)
    stopped.append(server)
    assert rest(server, "GET", "", ns, q="format=export") == DOC
    assert rest(server, "GET", "", ns) == PLAIN


def test_offline_export_of_what_the_server_wrote(tmp_path: Path, ns: str, stopped: list) -> None:
    server = start_server(tmp_path)
    stopped.append(server)
    rest(server, "PUT", "", ns, DOC)
    stop_server(server)

    plain = cli("export", "--data", str(tmp_path), "--ns", ns)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == PLAIN
    export = cli("export", "--data", str(tmp_path), "--ns", ns, "--export", "--path", "/courses")
    assert json.loads(export.stdout) == DOC["courses"]
    out = tmp_path / "out.json"
    pretty = cli("export", "--data", str(tmp_path), "--ns", ns, "--pretty", "-o", str(out))
    assert pretty.returncode == 0
    assert "\n  " in out.read_text(encoding="utf-8")
    assert json.loads(out.read_text(encoding="utf-8")) == PLAIN


def test_round_trip_keeps_priorities(tmp_path: Path, ns: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("import", "--data", str(a), "--ns", ns, stdin=json.dumps(DOC)).returncode == 0
    first = cli("export", "--data", str(a), "--ns", ns, "--export").stdout
    assert json.loads(first) == DOC
    assert cli("import", "--data", str(b), "--ns", "copy", stdin=first).returncode == 0
    second = cli("export", "--data", str(b), "--ns", "copy", "--export").stdout
    assert json.loads(second) == DOC
    assert cli("export", "--data", str(b), "--ns", ns).stdout.strip() == "null"


def test_import_at_a_path_and_merge(tmp_path: Path, ns: str) -> None:
    d = str(tmp_path)
    assert cli("import", "--data", d, "--ns", ns, stdin=json.dumps(DOC)).returncode == 0
    done = cli(
        "import",
        "--data",
        d,
        "--ns",
        ns,
        "--path",
        "/courses/py101",
        "--merge",
        stdin='{"title": "Python 102", "level": 2}',
    )
    assert done.returncode == 0, done.stderr
    assert cli("import", "--data", d, "--ns", ns, "--path", "/n", stdin="3").returncode == 0
    out = json.loads(cli("export", "--data", d, "--ns", ns, "--export").stdout)
    assert out["courses"]["py101"] == {"title": "Python 102", "level": 2, ".priority": 2}
    assert out["n"] == 3
    assert out["list"] == DOC["list"]


def test_offline_tools_refuse_a_running_servers_dir(tmp_path: Path, ns: str, stopped: list) -> None:
    server = start_server(tmp_path)
    stopped.append(server)
    done = cli("export", "--data", str(tmp_path), "--ns", ns)
    assert done.returncode == 2
    assert "in use" in done.stderr
    bad = cli("import", "--data", str(tmp_path / "other"), "--ns", ns, stdin="{not json")
    assert bad.returncode == 1


def test_rest_export_and_set_round_trip(rtdb_server: RtdbServer, ns: str) -> None:
    """What ``firebase database:get --export`` / ``database:set`` do against a live server."""
    rest(rtdb_server, "PUT", "", ns, DOC)
    exported = rest(rtdb_server, "GET", "", ns, q="format=export")
    assert exported == DOC
    rest(rtdb_server, "PUT", "", ns + "-copy", exported)
    assert rest(rtdb_server, "GET", "", ns + "-copy", q="format=export") == DOC
    assert rest(rtdb_server, "GET", "courses/rank", ns, q="format=export") == {
        ".value": 7,
        ".priority": "b",
    }
