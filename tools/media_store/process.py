"""Start and stop the media store as a child process (the stack's and the tests' way)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class MediaStore:
    url: str
    upload_token: str
    process: subprocess.Popen

    def stop(self, grace: float = 5) -> None:
        self.process.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def upload_token(data: Path) -> str:
    """The store's upload token, kept in `<data>/upload-token` (made on first use)."""
    data.mkdir(parents=True, exist_ok=True)
    path = data / "upload-token"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def command(
    data: Path,
    port: int,
    service_accounts: list[Path],
    buckets: list[str],
    host: str = "127.0.0.1",
    cors_origins: list[str] | None = None,
) -> list[str]:
    """`python -m tools.media_store ...` for this store (its upload token made if missing)."""
    upload_token(data)
    args = [sys.executable, "-m", "tools.media_store", "--host", host, "--port", str(port),
            "--data", str(data), "--upload-token-file", str(data / "upload-token")]  # fmt: skip
    for path in service_accounts:
        args += ["--service-account", str(path)]
    for bucket in buckets:
        args += ["--bucket", bucket]
    for origin in cors_origins or []:
        args += ["--cors-origin", origin]
    return args


def wait_listening(host: str, port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"media store exited with {process.returncode}")
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"media store did not listen on {host}:{port}") from None
            time.sleep(0.05)


def start(
    data: Path,
    port: int,
    service_accounts: list[Path],
    buckets: list[str],
    host: str = "127.0.0.1",
    cors_origins: list[str] | None = None,
    log: Path | None = None,
    timeout: float = 20,
) -> MediaStore:
    """The store on host:port, serving `data`; returns once it accepts connections."""
    args = command(data, port, service_accounts, buckets, host, cors_origins)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    process = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    wait_listening(host, port, process, timeout)
    return MediaStore(f"http://{host}:{port}", upload_token(data), process)
