"""Porter's stemmer (app/model/search.py) against the word pairs of the published algorithm
(M. F. Porter, 1980, and the examples of its reference implementation's vocabulary)."""

from __future__ import annotations

import pytest

from app.model.search import stem

# Each step's examples from the paper, then whole-algorithm outputs from its vocabulary.
PAIRS = {
    # step 1a
    "caresses": "caress",
    "ponies": "poni",
    "ties": "ti",
    "caress": "caress",
    "cats": "cat",
    # step 1b
    "feed": "feed",
    "agreed": "agre",
    "plastered": "plaster",
    "bled": "bled",
    "motoring": "motor",
    "sing": "sing",
    "conflated": "conflat",
    "troubled": "troubl",
    "sized": "size",
    "hopping": "hop",
    "tanned": "tan",
    "falling": "fall",
    "hissing": "hiss",
    "fizzed": "fizz",
    "failing": "fail",
    "filing": "file",
    # step 1c
    "happy": "happi",
    "sky": "sky",
    # steps 2-5, through the whole algorithm
    "relational": "relat",
    "conditional": "condit",
    "rational": "ration",
    "generalizations": "gener",
    "oscillators": "oscil",
    "electricity": "electr",
    "electrical": "electr",
    "hopeful": "hope",
    "goodness": "good",
    "triplicate": "triplic",
    "formative": "form",
    "formalize": "formal",
    "revival": "reviv",
    "allowance": "allow",
    "inference": "infer",
    "airliner": "airlin",
    "gyroscopic": "gyroscop",
    "adjustable": "adjust",
    "defensible": "defens",
    "irritant": "irrit",
    "replacement": "replac",
    "adjustment": "adjust",
    "dependent": "depend",
    "adoption": "adopt",
    "homologous": "homolog",
    "communism": "commun",
    "activate": "activ",
    "angularity": "angular",
    "effective": "effect",
    "bowdlerize": "bowdler",
    "probate": "probat",
    "rate": "rate",
    "cease": "ceas",
    "controlling": "control",
    "roll": "roll",
}


@pytest.mark.parametrize(("word", "expected"), sorted(PAIRS.items()))
def test_published_pairs(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_inflections_of_one_word_meet() -> None:
    for group in (
        ("connect", "connected", "connecting", "connection", "connections"),
        ("deploy", "deploys", "deployed", "deploying"),
        ("run", "runs", "running"),
        ("trigger", "triggers", "triggered", "triggering"),
    ):
        assert len({stem(w) for w in group}) == 1, group


def test_words_it_does_not_touch() -> None:
    """Short words, digits and other scripts are their own stem (the rules are English)."""
    for word in ("s3", "is", "ui", "2016", "привет", "naïve"):
        assert stem(word) == word
