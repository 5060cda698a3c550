"""Durability: a restart keeps everything, and kill -9 loses nothing that was acknowledged.

Each test runs its own ``python -m rtdb --data DIR`` (the session server is shared and must
not be killed), writes through the official clients, kills or stops it, starts a new one on
the same directory and reads back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tools.testing.rtdb_process import ROOT, RtdbServer, free_port, start_server, stop_server

OWNER = "access_token=owner"


def rest(server: RtdbServer, method: str, path: str, ns: str, body: Any = None, q: str = "") -> Any:
    url = f"{server.url}/{path.strip('/')}.json?ns={ns}" + (f"&{q}" if q else "")
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def kill9(server: RtdbServer) -> None:
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)


def server_log(server: RtdbServer) -> str:
    assert server.process.stdout is not None
    return server.process.stdout.read()


def start_with(data_dir: Path, *extra: str, port: int | None = None) -> RtdbServer:
    """``start_server`` with extra flags (e.g. a tiny ``--journal-max-mb``)."""
    return start_server(data_dir, port, *extra)


def admin_db(server: RtdbServer, ns: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh firebase-admin app on ``server``; returns its root reference."""
    from firebase_admin import db

    from tools.testing.admin import admin_app

    monkeypatch.setenv("FIREBASE_DATABASE_EMULATOR_HOST", server.emulator_host)
    app = admin_app(f"https://{ns}.firebaseio.com", name="durability")
    return db.reference("/", app=app)


def test_restart_keeps_data(
    tmp_path: Path, ns: str, servers: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start_server(tmp_path)
    servers.append(first)
    root = admin_db(first, ns, monkeypatch)
    root.child("users/ada").set({"name": "Ada", "age": 36})
    root.child("users").update({"alan/name": "Alan", "ada/age": 37})
    key = root.child("log").push({"msg": "hi"}).key
    root.child("ranked").set({".value": "first", ".priority": 1})
    root.child("gone").set("soon")
    root.child("gone").delete()
    stop_server(first)
    assert first.process.returncode == 0

    second = start_server(tmp_path)
    servers.append(second)
    root = admin_db(second, ns, monkeypatch)
    assert root.get() == {
        "users": {"ada": {"name": "Ada", "age": 37}, "alan": {"name": "Alan"}},
        "log": {key: {"msg": "hi"}},
        "ranked": "first",
    }
    assert rest(second, "GET", "ranked", ns, q="format=export") == {
        ".value": "first",
        ".priority": 1,
    }


def test_restart_twice_after_clean_stop_and_kill(tmp_path: Path, ns: str, servers: list) -> None:
    """Snapshot (clean stop) + journal (kill) + snapshot again all compose."""
    s1 = start_server(tmp_path)
    servers.append(s1)
    rest(s1, "PUT", "a", ns, 1)
    stop_server(s1)
    s2 = start_server(tmp_path)
    servers.append(s2)
    rest(s2, "PUT", "b", ns, 2)
    kill9(s2)
    s3 = start_server(tmp_path)
    servers.append(s3)
    rest(s3, "PATCH", "", ns, {"c": 3, "a": None})
    stop_server(s3)
    s4 = start_server(tmp_path)
    servers.append(s4)
    assert rest(s4, "GET", "", ns) == {"b": 2, "c": 3}


WRITER_JS = """
import { initializeApp } from 'firebase/app';
import { connectDatabaseEmulator, getDatabase, ref, set } from 'firebase/database';
const [port, ns, window] = [Number(process.argv[1]), process.argv[2], Number(process.argv[3])];
const app = initializeApp({
  projectId: 'demo-nimbus', databaseURL: `https://${ns}.firebaseio.com` });
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', port);
let next = 0;
function one() {
  const i = next++;
  set(ref(db, `w/${i}`), { i, pad: 'x'.repeat(200) }).then(() => {
    process.stdout.write(`ack ${i}\\n`);
    one();
  });
}
for (let k = 0; k < window; k++) one();
"""


def _kill_mid_stream(server: RtdbServer, acked: list[int], lock: threading.Lock, n: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if len(acked) >= n:
                break
        time.sleep(0.005)
    kill9(server)


def _check_acked_present(
    tmp_path: Path, ns: str, servers: list, acked: list[int], min_acks: int
) -> None:
    assert len(acked) >= min_acks, "the writer never got going"
    restarted = start_server(tmp_path)
    servers.append(restarted)
    data = rest(restarted, "GET", "w", ns) or {}
    if isinstance(data, list):
        data = {str(i): v for i, v in enumerate(data) if v is not None}
    missing = [i for i in acked if data.get(str(i), {}).get("i") != i]
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:10]}"
    log = server_log(servers[0])
    assert "rtdb listening" in log


def test_kill9_loses_no_write_acknowledged_to_the_js_sdk(
    tmp_path: Path, ns: str, servers: list
) -> None:
    server = start_server(tmp_path)
    servers.append(server)
    writer = subprocess.Popen(
        ["node", "--input-type=module", "-e", WRITER_JS, str(server.port), ns, "64"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    acked: list[int] = []
    lock = threading.Lock()

    def read() -> None:
        assert writer.stdout is not None
        for line in writer.stdout:
            if line.startswith("ack "):
                with lock:
                    acked.append(int(line[4:]))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        _kill_mid_stream(server, acked, lock, 1500)
        time.sleep(0.3)  # let acks already in the pipe arrive; none can come from a dead server
    finally:
        writer.kill()
        writer.wait()
        reader.join(5)
    with lock:
        final = list(acked)
    _check_acked_present(tmp_path, ns, servers, final, 1500)


def test_kill9_loses_no_write_acknowledged_to_firebase_admin(
    tmp_path: Path, ns: str, servers: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_server(tmp_path)
    servers.append(server)
    root = admin_db(server, ns, monkeypatch)
    acked: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(start: int) -> None:
        i = start
        while not stop.is_set():
            try:
                root.child(f"w/{i}").set({"i": i, "pad": "y" * 200})
            except Exception:
                return  # the server died: this write was never acknowledged
            with lock:
                acked.append(i)
            i += 8

    with ThreadPoolExecutor(8) as pool:
        for k in range(8):
            pool.submit(writer, k)
        _kill_mid_stream(server, acked, lock, 400)
        stop.set()
    with lock:
        final = list(acked)
    _check_acked_present(tmp_path, ns, servers, final, 400)


def test_kill9_during_compaction_loses_nothing(tmp_path: Path, ns: str, servers: list) -> None:
    """With a tiny journal limit the server snapshots and rotates constantly while writing."""
    server = start_with(tmp_path, "--journal-max-mb", "0.02")
    servers.append(server)
    acked = []
    for i in range(300):
        rest(server, "PUT", f"w/{i}", ns, {"i": i, "pad": "z" * 300})
        acked.append(i)
    snapshots = [p.name for p in tmp_path.iterdir() if p.name.startswith("snapshot-")]
    assert snapshots, "compaction never ran"
    kill9(server)
    _check_acked_present(tmp_path, ns, servers, acked, 300)
    journals = [p for p in tmp_path.iterdir() if p.name.startswith("journal-")]
    assert len(journals) <= 2, "old journals were not removed after their snapshot"


def _journal(tmp_path: Path) -> Path:
    return max(p for p in tmp_path.iterdir() if p.name.startswith("journal-"))


@pytest.mark.parametrize(
    ("damage", "last"),
    [
        pytest.param(
            lambda data: data + b'1234abcd {"ns":"x","op":"se', "written last", id="torn-tail"
        ),
        pytest.param(lambda data: data[:-20] + b"Q" + data[-19:], None, id="corrupt-last-record"),
    ],
)
def test_torn_journal_tail_is_dropped_and_logged(
    tmp_path: Path, ns: str, servers: list, damage: Any, last: Any
) -> None:
    first = start_server(tmp_path)
    servers.append(first)
    rest(first, "PUT", "kept", ns, {"a": 1})
    rest(first, "PUT", "last", ns, "written last")
    kill9(first)
    journal = _journal(tmp_path)
    intact = journal.read_bytes()
    journal.write_bytes(damage(intact))

    second = start_server(tmp_path)
    servers.append(second)
    assert rest(second, "GET", "kept", ns) == {"a": 1}
    assert rest(second, "GET", "last", ns) == last
    rest(second, "PUT", "after", ns, "written after recovery")
    stop_server(second)
    log = server_log(second)
    assert "DROPPED a torn/corrupt journal tail" in log, log
    assert journal.name in log

    third = start_server(tmp_path)  # the recovered journal must load cleanly
    servers.append(third)
    assert rest(third, "GET", "after", ns) == "written after recovery"
    assert rest(third, "GET", "kept", ns) == {"a": 1}
    stop_server(third)
    assert "DROPPED" not in server_log(third)


def test_rules_persist_across_restart(tmp_path: Path, ns: str, servers: list) -> None:
    rules = '{\n  "rules": {\n    ".read": true,\n    "open": {".write": true}\n  }\n}'
    first = start_server(tmp_path)
    servers.append(first)
    req = urllib.request.Request(
        f"{first.url}/.settings/rules.json?ns={ns}&{OWNER}", data=rules.encode(), method="PUT"
    )
    urllib.request.urlopen(req, timeout=10).close()
    rest(first, "PUT", "open/x", ns, 1)
    kill9(first)  # rules are saved when uploaded, not only at a clean shutdown

    second = start_server(tmp_path)
    servers.append(second)
    with urllib.request.urlopen(f"{second.url}/.settings/rules.json?ns={ns}&{OWNER}") as resp:
        assert resp.read().decode() == rules
    assert rest(second, "GET", "open/x", ns) == 1
    rest(second, "PUT", "open/y", ns, 2)
    with pytest.raises(urllib.error.HTTPError) as denied:
        rest(second, "PUT", "closed", ns, 3)
    assert denied.value.code == 401


def test_data_dir_is_locked_while_a_server_runs(tmp_path: Path, servers: list) -> None:
    first = start_server(tmp_path)
    servers.append(first)
    import sys

    second = subprocess.run(
        [sys.executable, "-m", "rtdb", "--port", str(free_port()), "--data", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=15,
    )
    assert second.returncode != 0
    assert "in use by another process" in second.stderr


def test_without_data_flag_nothing_is_written(tmp_path: Path) -> None:
    import sys

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rtdb", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/x.json?ns=a", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/x.json?ns=a", data=b"1", method="PUT"
        )
        urllib.request.urlopen(req, timeout=10).close()
    finally:
        proc.terminate()
        proc.wait(10)
    assert list(tmp_path.iterdir()) == []
