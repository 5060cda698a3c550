"""Protocol v5 framing (the SDK's ``WebSocketConnection``): messages over 16384 characters go as a
count frame then segments, ``"0"`` is a keepalive, and an oversized message is dropped
without being kept, naming its request so it can still be answered."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtdb.protocol.frames import MAX_FRAME, FrameError, Reassembler, encode, split


def test_encode_is_compact_json_keeping_non_ascii() -> None:
    text = encode({"t": "d", "d": {"b": {"s": "é😀"}}})
    assert text == '{"t":"d","d":{"b":{"s":"é😀"}}}'


@pytest.mark.parametrize(
    ("length", "frames"),
    [(1, 1), (MAX_FRAME, 1), (MAX_FRAME + 1, 3), (3 * MAX_FRAME, 4), (3 * MAX_FRAME + 1, 5)],
)
def test_split_sends_a_count_then_segments_the_client_can_read(length, frames) -> None:
    text = "x" * length
    out = split(text)
    assert len(out) == frames
    if frames > 1:
        # The SDK reads a frame of at most 6 characters that parses as a number as a count.
        assert len(out[0]) <= 6 and int(out[0]) == frames - 1
        assert all(len(part) <= MAX_FRAME for part in out[1:])
        assert "".join(out[1:]) == text
    else:
        assert out == [text]


def test_keepalives_are_ignored() -> None:
    r = Reassembler()
    assert r.feed("0") is None
    assert r.feed('{"t":"c"}') == '{"t":"c"}'
    assert r.feed("0") is None


def test_segments_are_joined_after_their_count() -> None:
    r = Reassembler()
    assert r.feed("3") is None
    assert r.feed('{"a":') is None
    assert r.feed("1") is None  # a segment, not a new count
    assert r.feed("}") == '{"a":1}'
    assert r.feed('{"b":2}') == '{"b":2}'


def test_a_long_run_of_digits_is_a_message_not_a_count() -> None:
    assert Reassembler().feed("1234567") == "1234567"


messages = st.builds(
    lambda r, s: encode({"t": "d", "d": {"r": r, "a": "p", "b": {"p": "/x", "d": s}}}),
    st.integers(1, 10**6),
    # Sizes around the frame boundaries; content drawn small and repeated (cheap to make).
    st.builds(
        lambda unit, n: (unit * n)[:n],
        st.text(min_size=1, max_size=8),
        st.one_of(st.integers(0, 40), st.integers(MAX_FRAME - 80, 3 * MAX_FRAME + 20)),
    ),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(messages, min_size=1, max_size=4), st.data())
def test_any_message_sequence_survives_split_and_reassembly(texts, draw) -> None:
    r = Reassembler()
    got = []
    for text in texts:
        if draw.draw(st.booleans(), label="keepalive first"):
            assert r.feed("0") is None
        for frame in split(text):
            out = r.feed(frame)
            if out is not None:
                got.append(out)
    assert got == texts


def test_an_oversized_message_by_segments_names_its_request_and_resyncs() -> None:
    r = Reassembler(max_message=100)
    head = '{"t":"d","d":{"r":42,"a":"p","b":{"p":"/x","d":"'
    assert r.feed("3") is None
    assert r.feed(head) is None
    assert r.feed("y" * 80) is None  # over the limit here: dropped, not kept
    with pytest.raises(FrameError) as err:
        r.feed("y" * 80)
    assert err.value.request == 42
    assert r.feed('{"t":"c"}') == '{"t":"c"}'


def test_an_oversized_single_frame_names_its_request_or_none() -> None:
    r = Reassembler(max_message=50)
    with pytest.raises(FrameError) as err:
        r.feed(json.dumps({"t": "d", "d": {"r": 7, "a": "p", "b": {"d": "z" * 60}}}))
    assert err.value.request == 7
    with pytest.raises(FrameError) as err:
        r.feed("q" * 60)
    assert err.value.request is None
    assert r.feed('{"ok":1}') == '{"ok":1}'
