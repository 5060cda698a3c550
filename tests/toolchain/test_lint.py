"""ruff lint + format over every Python file in the repo (the standard CI holds us to)."""

from __future__ import annotations

import subprocess
import sys

from tools.project import ROOT

PATHS = ["."]  # the whole repo; pyproject.toml excludes node_modules, .venv, dist


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_check() -> None:
    result = _ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
