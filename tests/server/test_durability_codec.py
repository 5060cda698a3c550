"""The journal's record codec: a crash can cut the file anywhere, and nothing is misread."""

from __future__ import annotations

from rtdb.storage import codec

RECORDS = [
    {"ns": "a", "op": "set", "p": "x", "d": {"k": "héllo ✓", ".priority": 1}},
    {"ns": "a", "op": "update", "p": "", "d": {"x/k": None, "y": [1, 2.5, True]}},
    {"ns": "b", "op": "set", "p": "line\nbreak", "d": "a\nb"},
]


def test_every_cut_point_yields_a_prefix_of_whole_records() -> None:
    data = b"".join(codec.encode(r) for r in RECORDS)
    ends = []
    pos = 0
    for r in RECORDS:
        pos += len(codec.encode(r))
        ends.append(pos)
    for cut in range(len(data) + 1):
        decoded = codec.decode(data[:cut])
        whole = sum(1 for e in ends if e <= cut)
        assert decoded.records == RECORDS[:whole]
        assert decoded.good_bytes == (ends[whole - 1] if whole else 0)
        assert decoded.good_bytes + decoded.bad_bytes == cut
        assert bool(decoded.reason) == (cut not in (0, *ends))


def test_any_flipped_byte_stops_decoding_at_that_record() -> None:
    data = b"".join(codec.encode(r) for r in RECORDS)
    first_end = len(codec.encode(RECORDS[0]))
    for i in range(first_end, len(data)):
        if data[i : i + 1] == b"\n":
            continue
        damaged = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
        decoded = codec.decode(damaged)
        assert decoded.records == RECORDS[: len(decoded.records)]
        assert len(decoded.records) < len(RECORDS)
        assert decoded.reason
