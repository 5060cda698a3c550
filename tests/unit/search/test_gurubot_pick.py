"""Gurubot's pure choice (app/model/gurubot.py), offline: what it offers for index nodes and
threads built by the same pipeline the triggers run, and when it stays silent."""

from __future__ import annotations

from typing import Any

from app.model import gurubot, limits, search
from app.ui.markdown import render


def index(posts: dict[str, str]) -> dict[str, dict[str, float]]:
    """{term: {postKey: weight}} of posts given as {postKey: text} (weighed like the index)."""
    nodes: dict[str, dict[str, float]] = {}
    for key, text in posts.items():
        for term, weight in search.weigh([(text, search.BODY_BOOST)])["t"].items():
            nodes.setdefault(term, {})[key] = weight
    return nodes


def thread(title: str, answers: dict[str, dict[str, Any]], accepted: str = "") -> dict:
    question = {"title": title, "body": "", "lessonId": "l01"}
    if accepted:
        question["acceptedAnswerId"] = accepted
    return {"question": question, "answers": answers}


ASKED = {"title": "Cold start delay on the first request", "body": "It takes seconds."}
POSTS = {
    "Q1": "Why is the first request slow? Cold start delay",
    "Q1~A1": "A cold start boots a new instance; keep one warm.",
    "Q2": "Cold start delay after deploys",
    "Q3": "How do I set up billing alerts?",
    search.moment_key("l01", 12): "A cold start is the delay of the first request.",
}


def test_answered_threads_and_moments_are_offered_best_first() -> None:
    nodes = index(POSTS)
    qids, lids = gurubot.candidates(ASKED, nodes, "NEW")
    assert qids[:2] == ["Q1", "Q2"] and "Q3" not in qids and lids == ["l01"]
    threads = {
        "Q1": thread("Why is the first request slow?", {"A1": {"body": POSTS["Q1~A1"]}}, "A1"),
        "Q2": thread("Cold start delay after deploys", {"A2": {"body": "Wait.", "score": 1}}),
    }
    cue = {"start": 12.4, "end": 15, "text": POSTS["~t~l01~12"]}
    lessons = {"l01": {"title": "What serverless means", "cues": [cue]}}
    picks = gurubot.pick(ASKED, nodes, threads, lessons, "NEW")
    # Q2 has no accepted or endorsed answer: not answered, not offered
    assert [row["qid"] for row in picks["threads"]] == ["Q1"]
    assert (
        picks["threads"][0]["quote"] == POSTS["Q1~A1"] and picks["threads"][0]["answerId"] == "A1"
    )
    assert [(m["lessonId"], m["second"]) for m in picks["moments"]] == [("l01", 12)]
    assert picks["relevance"] >= limits.GURUBOT_MIN_RELEVANCE
    html = render(gurubot.reply("c1", picks))
    assert 'href="/course/c1/lesson/l01.html#q-Q1"' in html
    assert 'href="/course/c1/lesson/l01.html#t=12"' in html
    assert ">at 0:12 in What serverless means</a>" in html


def test_its_own_thread_is_never_offered_and_nothing_relevant_is_silence() -> None:
    nodes = index({"NEW": "Cold start delay on the first request", **POSTS})
    assert "NEW" not in gurubot.candidates(ASKED, nodes, "NEW")[0]
    off_topic = {"title": "Kubernetes helm chart values", "body": "Which YAML wins?"}
    picks = gurubot.pick(off_topic, index(POSTS), {}, {}, "NEW")
    assert picks == {"threads": [], "moments": [], "relevance": 0.0}
    assert gurubot.reply("c1", picks) == ""


def test_the_quoted_answer_is_the_accepted_else_the_best_endorsed_never_the_bots() -> None:
    answers = {
        "A1": {"body": "endorsed, low", "endorsed": True, "score": 1},
        "A2": {"body": "endorsed, high", "endorsed": True, "score": 5},
        "A3": {"body": "hidden", "endorsed": True, "score": 9, "hidden": True},
        "A4": {"body": "the bot's", "authorRole": "bot", "endorsed": True, "score": 9},
    }
    assert gurubot.best_answer({}, answers)[0] == "A2"
    assert gurubot.best_answer({"acceptedAnswerId": "A1"}, answers)[0] == "A1"
    assert gurubot.best_answer({"acceptedAnswerId": "A4"}, answers)[0] == "A2"  # bot's: skip
    assert gurubot.best_answer({}, {"A4": answers["A4"]}) == ("", None)


def test_at_most_three_threads_and_quotes_cut_at_a_word() -> None:
    posts = {f"Q{i}": "cold start delay first request" for i in range(6)}
    posts.update({f"Q{i}~A": "warm instances " * 40 for i in range(6)})
    threads = {f"Q{i}": thread(f"Cold start {i}", {"A": {"body": "warm instances " * 40}}, "A")
               for i in range(6)}  # fmt: skip
    picks = gurubot.pick(ASKED, index(posts), threads, {}, "NEW")
    assert len(picks["threads"]) == limits.GURUBOT_THREADS
    quote = picks["threads"][0]["quote"]
    body = "warm instances " * 40
    assert len(quote) <= limits.GURUBOT_QUOTE_MAX and quote.endswith("…")
    assert body.startswith(quote[:-1]) and body[len(quote) - 1] == " "  # cut at a word


def test_query_terms_weigh_the_title_and_keep_the_heaviest() -> None:
    terms = gurubot.query_terms("Cold start", "cold " + " ".join(f"w{i}x" for i in range(40)))
    assert terms["cold"] == limits.GURUBOT_TITLE_WEIGHT + 1
    assert terms["start"] == limits.GURUBOT_TITLE_WEIGHT
    assert len(terms) == limits.GURUBOT_TERMS and list(terms)[:2] == ["cold", "start"]


def test_markup_in_titles_and_quotes_stays_text() -> None:
    picks = {"threads": [{"qid": "Q1", "lessonId": "l01", "title": "[x](javascript:alert(1))",
                          "quote": "<b>*bold*</b>", "answerId": "A", "relevance": 1.0}],
             "moments": [], "relevance": 1.0}  # fmt: skip
    html = render(gurubot.reply("c1", picks))
    assert "javascript:" not in html.split('href="')[1].split('"')[0]
    assert "<b>" not in html and "&lt;b&gt;*bold*&lt;/b&gt;" in html
