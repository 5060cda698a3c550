"""Highlighting of search results: the words search matched, marked, the rest escaped."""

from hypothesis import given
from hypothesis import strategies as st

from app.ui import highlight


def marked(text: str, query: str) -> list[str]:
    return [piece for piece, hit in highlight.spans(text, query) if hit]


def test_finished_words_match_by_stem_case_and_accent() -> None:
    assert marked("Deploying Lambdas to the Café", "lambda deploy cafe ") == [
        "Deploying",
        "Lambdas",
        "Café",
    ]


def test_the_word_being_typed_matches_as_a_prefix() -> None:
    assert marked("How do I deploy a function?", "depl") == ["deploy"]
    assert marked("How do I deploy a function?", "depl ") == []  # finished: stem "depl"


def test_stopwords_and_parts_of_words_are_not_marked() -> None:
    assert marked("The redeploy of the app", "the deploy ") == []


def test_apostrophes_join_a_word_only_inside_it() -> None:
    assert highlight.runs("'don't'") == [("'", False), ("don't", True), ("'", False)]
    assert marked("A learner's notes", "learners ") == ["learner's"]


def test_html_escapes_everything_and_marks_only_matches() -> None:
    html = highlight.to_html('<img src=x onerror="alert(1)"> lambda & co', "lambda")
    assert html == ("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>lambda</mark> &amp; co")


def test_excerpt_is_cut_around_the_first_match() -> None:
    body = "word " * 60 + "the cold start of a lambda " + "tail " * 60
    got = highlight.excerpt(body, "cold ")
    assert "cold start" in got
    assert got.startswith("…") and got.endswith("…")
    assert len(got) <= highlight.EXCERPT + 2
    assert highlight.excerpt("nothing here", "lambda") == ""


@given(st.text(max_size=60), st.text(max_size=20))
def test_pieces_join_back_into_the_text(text: str, query: str) -> None:
    assert "".join(piece for piece, _ in highlight.spans(text, query)) == text
    assert "<" not in highlight.to_html(text, query).replace("<mark>", "").replace("</mark>", "")
