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
    body = dumps_in_pieces(record).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


class Encoded(dict):  # type: ignore[type-arg]
    """A journal record whose line was already encoded (off the event loop, by the worker
    that prepared a big write), so the journal's flush only writes it."""

    line: bytes = b""


def pre_encode(ns: str, record: dict[str, Any]) -> Encoded:
    out = Encoded(record)
    out.line = encode({"ns": ns, **record})
    return out


def dumps_in_pieces(value: Any) -> str:
    """Compact JSON, the same text as ``_dumps``, but built one piece per child of every
    object or array but the small flat ones: C's encoder keeps the GIL for a whole 100 MB value,
    while this lets other threads (the event loop) run between pieces."""
    out: list[str] = []
    _dump(value, out)
    return "".join(out)


def _dump(value: Any, out: list[str]) -> None:
    if not _in_pieces(value):
        out.append(_dumps(value))
    elif type(value) is dict:
        sep = "{"
        for key, kid in value.items():
            out.append(sep + _dumps(key) + ":")
            _dump(kid, out)
            sep = ","
        out.append("}")
    else:
        sep = "["
        for kid in value:
            out.append(sep)
            _dump(kid, out)
            sep = ","
        out.append("]")


def _in_pieces(value: Any) -> bool:
    """Objects and arrays, except small ones of plain values (one C call each)."""
    t = type(value)
    if t is dict:
        kids: Any = value.values()
    elif t is list:
        kids = value
    else:
        return False
    if len(kids) > 16:
        return True
    return any(type(k) is dict or type(k) is list for k in kids)


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
