"""Errors: deploy-time (RulesError) and the internal runtime error that makes a rule false."""

from __future__ import annotations


class RulesError(ValueError):
    """A rules file Firebase would refuse to save (HTTP 400 on PUT /.settings/rules.json).

    ``path`` is the JSON path of the offending rule (``/rules/a/$b/.write``), ``line`` and
    ``column`` are 1-based positions in the uploaded text (None when unknown).
    """

    def __init__(
        self, message: str, path: str = "", line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.detail = message
        where = []
        if path:
            where.append(f"at {path}")
        if line is not None:
            where.append(f"line {line}, column {column}")
        prefix = (
            f"Error saving rules - Line {line}: " if line is not None else "Error saving rules: "
        )
        super().__init__(prefix + message + (f" ({', '.join(where)})" if where else ""))


class ExprError(Exception):
    """A syntax or type error inside one expression; ``pos`` is the offset in the expression."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class EvalError(Exception):
    """A runtime error while evaluating a rule: Firebase treats the whole rule as false."""
