"""Normalisation, stopwords and query parsing (app/model/search.py): what the browser types
must become the terms the functions indexed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.model import search


def test_case_accents_and_punctuation_fold() -> None:
    assert search.words("Héllo, WORLD! naïve café—Straße ÆON") == [
        "hello",
        "world",
        "naive",
        "cafe",
        "strasse",
        "aeon",
    ]


def test_decomposed_accents_fold_like_composed_ones() -> None:
    assert search.words("e\u0301te\u0301") == search.words("été") == ["ete"]


def test_apostrophes_join_and_hyphens_split() -> None:
    assert search.words("Don\u2019t use the instructor's serverless-101 ") == [
        "dont",
        "use",
        "the",
        "instructors",
        "serverless",
        "101",
    ]


def test_other_scripts_are_words_and_capitals_fold() -> None:
    assert search.words("ПРИВЕТ мир, ΩΜΕΓΑ") == ["привет", "мир", "ωμεγα"]


def test_stopwords_and_lone_letters_are_not_terms() -> None:
    assert search.terms("How do I deploy my functions? I can't, it's failing") == [
        "deploi",
        "function",
        "fail",
    ]
    assert search.terms("a 3 x") == ["3"]


def test_query_splits_finished_words_from_the_one_being_typed() -> None:
    assert search.parse_query("Lambda depl") == (["lambda"], "depl")
    assert search.parse_query("lambda deploying ") == (["lambda", "deploi"], "")
    assert search.parse_query("the dep") == ([], "dep")
    # too short for a prefix node: the typed word is looked up as a term
    assert search.parse_query("S3 bu") == (["s3", "bu"], "")
    assert search.parse_query("") == ([], "")
    assert search.prefix_of("deploying") == "deployi"
    # a last letter that folds to two (Æ -> ae, ß -> ss) is still the word being typed
    assert search.parse_query("Encyclopædia Æ") == (["encyclopaedia", "ae"], "")
    assert search.parse_query("Straß") == ([], "strass")


@given(st.text())
def test_terms_are_valid_database_keys(text: str) -> None:
    """Terms and prefixes become keys: never empty, never a character keys forbid."""
    doc = search.weigh([(text, search.TITLE_BOOST)])
    for key in [*doc["t"], *doc["p"], *search.terms(text)]:
        assert key and not set(key) & set(".$#[]/"), key
        assert all(ord(c) >= 32 and ord(c) != 127 for c in key), key
        assert len(key) <= search.WORD_MAX


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = search.words(text)
    assert search.words(" ".join(once)) == once
