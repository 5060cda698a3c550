"""The functions' copy of the data model: functions/_model/ mirrors app/model/ verbatim.

Cloud Functions deploy from functions/ alone (firebase.json's `source`), so they cannot
import app/model/ and get a committed copy instead, each file the source plus one header
line. `python3 build.py rules` writes it; tests/toolchain/test_model.py fails when it drifts.
"""

from __future__ import annotations

from pathlib import Path

from tools.project import ROOT

SOURCE = ROOT / "app" / "model"
COPY = ROOT / "functions" / "_model"


def _header(source: Path) -> str:
    rel = source.relative_to(ROOT).as_posix()
    return f"# Generated from {rel} by `python3 build.py rules`: edit that file, not this copy.\n"


def rendered() -> dict[Path, str]:
    """Each file of the copy (absolute path) and the text it must hold."""
    return {
        COPY / source.name: _header(source) + source.read_text()
        for source in sorted(SOURCE.glob("*.py"))
    }


def write() -> list[Path]:
    """Bring functions/_model/ up to date; the files it (re)wrote or deleted."""
    wanted = rendered()
    changed = []
    COPY.mkdir(exist_ok=True)
    for path, text in wanted.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    for path in COPY.glob("*.py"):
        if path not in wanted:
            path.unlink()
            changed.append(path)
    return changed
