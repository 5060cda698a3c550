"""Errors the core raises; each transport turns them into what Firebase answers."""

from __future__ import annotations


class DatabaseError(Exception):
    """A request failed; ``code`` is the wire status (``permission_denied``, ...)."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])


class PermissionDenied(DatabaseError):
    code = "permission_denied"

    def __init__(self, message: str = "Permission denied") -> None:
        super().__init__(message)


class InvalidPath(DatabaseError):
    code = "invalid_path"


class InvalidData(DatabaseError):
    code = "invalid_data"


class DataStale(DatabaseError):
    code = "datastale"

    def __init__(self, message: str = "Transaction hash does not match") -> None:
        super().__init__(message)


class TooBig(DatabaseError):
    code = "too_big"
