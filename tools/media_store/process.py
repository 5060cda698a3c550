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
    data.mkdir(parents=True, exist_ok=True)
    token_file = data / "upload-token"
    if not token_file.exists():
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
    args = [sys.executable, "-m", "tools.media_store", "--host", host, "--port", str(port),
            "--data", str(data), "--upload-token-file", str(token_file)]  # fmt: skip
    for path in service_accounts:
        args += ["--service-account", str(path)]
    for bucket in buckets:
        args += ["--bucket", bucket]
    for origin in cors_origins or []:
        args += ["--cors-origin", origin]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    process = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"media store exited with {process.returncode} (log: {log})")
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"media store did not listen on {host}:{port}") from None
            time.sleep(0.05)
    return MediaStore(f"http://{host}:{port}", token_file.read_text().strip(), process)
