"""The local stack: Auth + Hosting emulators (firebase-tools), Nimbus's rtdb server.

Shared by `build.py serve` and the test fixtures (tests/conftest.py), so the e2e tests run
exactly what a developer runs, on free ports. Every child gets its own process group and
is stopped with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tools.site import PROJECT_LOCAL, ROOT, EmulatorPorts

NAMESPACE = f"{PROJECT_LOCAL}-default-rtdb"
FIREBASE_BIN = ROOT / "node_modules" / ".bin" / "firebase"
PRELOAD = ROOT / "tools" / "emulator-preload.cjs"
RULES = ROOT / "rules" / "database.rules.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports() -> EmulatorPorts:
    return EmulatorPorts(
        auth=free_port(),
        database=free_port(),
        hosting=free_port(),
        hub=free_port(),
        logging=free_port(),
    )


def _http_ok(url: str, headers: dict | None = None) -> bool:
    try:
        req = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(req, timeout=1) as resp:
            return resp.status < 500
    except urllib.error.HTTPError as err:
        return err.code < 500
    except OSError:
        return False


def quiet_env() -> dict[str, str]:
    """Environment for firebase-tools: non-interactive, no telemetry, no update checks."""
    env = dict(os.environ)
    env.update(
        CI="true",
        FIREBASE_CLI_DISABLE_UPDATE_CHECK="true",
        NO_UPDATE_NOTIFIER="1",
        FIREBASE_SKIP_UPDATE_CHECK="true",
        NODE_OPTIONS=(env.get("NODE_OPTIONS", "") + f" --require {PRELOAD}").strip(),
    )
    return env


@dataclass
class Stack:
    """Start/stop the processes; `ready_seconds` records how long start() took."""

    ports: EmulatorPorts
    dist: Path
    data_dir: Path
    state_dir: Path
    project: str = PROJECT_LOCAL
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    ready_seconds: float = 0.0

    @property
    def hosting_url(self) -> str:
        return f"http://{self.ports.host}:{self.ports.hosting}"

    @property
    def database_host(self) -> str:
        return f"{self.ports.host}:{self.ports.database}"

    @property
    def auth_host(self) -> str:
        return f"{self.ports.host}:{self.ports.auth}"

    def log_path(self, name: str) -> Path:
        return self.state_dir / "logs" / f"{name}.log"

    def _firebase_config(self) -> Path:
        """firebase.json with this stack's ports and dist (hosting root) filled in."""
        base = json.loads((ROOT / "firebase.json").read_text())
        p = self.ports
        base["hosting"]["public"] = os.path.relpath(self.dist, self.state_dir)
        base.pop("functions", None)  # the functions host comes later (see README)
        base.pop("database", None)  # served by rtdb, rules uploaded by upload_rules()
        emulators = base["emulators"]
        for name in ("auth", "hosting", "hub", "logging"):
            emulators[name] = {"host": p.host, "port": getattr(p, name)}
        emulators.pop("database", None)
        path = self.state_dir / "firebase.json"
        path.write_text(json.dumps(base, indent=2))
        return path

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        log = self.log_path(name)
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as fh:
            self.procs[name] = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # own process group: stop() kills the whole tree
            )

    def start(self, timeout: float = 60.0, seed_data: bool = True) -> None:
        """Start all processes in parallel, wait until each answers, upload rules, seed."""
        t0 = time.monotonic()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._firebase_config()
        self._spawn(
            "rtdb",
            [
                sys.executable,
                "-m",
                "rtdb",
                "--host",
                self.ports.host,
                "--port",
                str(self.ports.database),
                "--data",
                str(self.data_dir),
            ],
        )
        self._spawn(
            "emulators",
            [
                str(FIREBASE_BIN),
                "emulators:start",
                "--only",
                "auth,hosting",
                "--project",
                self.project,
                "--config",
                str(config),
                "--non-interactive",
            ],
            env=quiet_env(),
        )
        checks = {
            "rtdb": f"http://{self.database_host}/.json?ns={NAMESPACE}&shallow=true",
            "auth": f"http://{self.auth_host}/",
            "hosting": f"{self.hosting_url}/index.html",
        }
        pending = dict(checks)
        deadline = time.monotonic() + timeout
        try:
            while pending:
                for name, proc in self.procs.items():
                    if proc.poll() is not None:
                        raise RuntimeError(
                            f"{name} exited with {proc.returncode} during start:\n"
                            + self.tail(name)
                        )
                for name, url in list(pending.items()):
                    headers = {"Authorization": "Bearer owner"} if name == "rtdb" else None
                    if _http_ok(url, headers):
                        del pending[name]
                if time.monotonic() > deadline:
                    raise TimeoutError(f"not ready after {timeout:.0f} s: {sorted(pending)}")
                time.sleep(0.05)
            self.upload_rules()
            if seed_data:
                from tools import seed

                seed.seed(self)
        except BaseException:
            self.stop()
            raise
        self.ready_seconds = time.monotonic() - t0

    def upload_rules(self, rules: Path = RULES) -> None:
        """PUT the rules file to the rtdb server the way firebase-tools does for its emulator."""
        req = urllib.request.Request(
            f"http://{self.database_host}/.settings/rules.json?ns={NAMESPACE}",
            data=rules.read_bytes(),
            method="PUT",
            headers={"Authorization": "Bearer owner"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                resp.read()
        except urllib.error.HTTPError as err:
            raise RuntimeError(f"rules upload failed: {err.code} {err.read()[:500]!r}") from err

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_path(name)
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM each process group, then SIGKILL what is left after `grace` seconds."""
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # stragglers left in the group
            if proc.poll() is None:
                proc.wait(timeout=5)
        self.procs.clear()
