"""The data model (app/model/) is the one place its paths and limits are spelt.

functions/_model/ is its generated copy (the functions deploy from functions/ alone), and
the copy must be exactly what `python3 build.py rules` writes; the model must run where
each of its three users runs it: CPython (rules, tools), the functions' venv, MicroPython.
"""

from __future__ import annotations

import subprocess

from tools import model
from tools.project import ROOT
from tools.site import compile_mpy


def test_functions_copy_is_generated_from_app_model() -> None:
    wanted = model.rendered()
    assert sorted(wanted) == sorted(model.COPY.glob("*.py")), (
        "functions/_model/ has other files than app/model/: run `python3 build.py rules`"
    )
    for path, text in wanted.items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run `build.py rules`"


def test_the_copy_imports_in_the_functions_runtime() -> None:
    """The functions import it as `_model` from functions/, in their own venv (Python 3.11)."""
    code = (
        "from _model import limits, paths; "
        "print(paths.vote('c', 'q', 'p', 'u'), paths.enrollment('u', 'c'), limits.BODY_MAX)"
    )
    python = ROOT / "functions" / "venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", code], cwd=ROOT / "functions", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["votes/c/q/p/u", "enrollments/u/c", "10000"]


def test_the_model_compiles_for_micropython() -> None:
    for source in sorted(model.SOURCE.glob("*.py")):
        assert compile_mpy(source, source.relative_to(ROOT).as_posix())
