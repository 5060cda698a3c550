"""Import a module of functions/ as the Functions runtime does: functions/ is its import
root (`import _model`, `from payments import _orders`), unlike the repository's."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from tools.project import ROOT

FUNCTIONS = str(ROOT / "functions")


def functions_module(name: str) -> ModuleType:
    """``name`` imported with functions/ as the first import root, for this import only."""
    sys.path.insert(0, FUNCTIONS)
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(FUNCTIONS)
