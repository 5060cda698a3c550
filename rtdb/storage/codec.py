"""Checksummed records, one per line: how the journal and snapshots are written and read.

A line is ``<crc32 as 8 hex digits> <compact JSON>\\n``. JSON never contains a raw newline,
so a crash can only leave a *torn tail*: a last line without its newline, or one whose
checksum no longer matches. ``decode`` stops at the first bad line and reports where the
good prefix ends, so a torn record is dropped, never misread. Pure functions, no I/O.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def encode(record: Any) -> bytes:
    """One journal line for ``record`` (any JSON value)."""
    body = _dumps(record).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


@dataclass
class Decoded:
    """The records of a byte string, up to the first bad line."""

    records: list[Any] = field(default_factory=list)
    good_bytes: int = 0  # length of the valid prefix
    bad_bytes: int = 0  # bytes after it (a torn or corrupt tail)
    reason: str = ""  # why decoding stopped early, empty when everything was valid


def decode(data: bytes) -> Decoded:
    """Every valid record of ``data``, in order, stopping at the first torn or corrupt line."""
    out = Decoded()
    pos, end = 0, len(data)
    while pos < end:
        nl = data.find(b"\n", pos)
        if nl < 0:
            out.reason = "last record has no end of line (torn write)"
            break
        line = data[pos:nl]
        record, reason = _decode_line(line)
        if reason:
            out.reason = reason
            break
        out.records.append(record)
        pos = nl + 1
    out.good_bytes = pos
    out.bad_bytes = end - pos
    return out


def _decode_line(line: bytes) -> tuple[Any, str]:
    if len(line) < 10 or line[8:9] != b" ":
        return None, "malformed record header"
    try:
        crc = int(line[:8], 16)
    except ValueError:
        return None, "malformed record checksum"
    body = line[9:]
    if zlib.crc32(body) != crc:
        return None, "checksum mismatch"
    try:
        return json.loads(body), ""
    except ValueError:
        return None, "checksum matches but JSON is invalid"
