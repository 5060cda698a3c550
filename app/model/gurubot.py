"""Gurubot's choices: which answered threads and transcript moments it offers a new question,
and the answer it posts (issue 13 item 4). Pure: the function functions/search/gurubot.py
reads the index and the forum, calls these, and writes what they return; the quality bench
(bench/search_quality.py) calls pick() offline on the same kind of inputs.

How it chooses: the new question's terms (its title's count GURUBOT_TITLE_WEIGHT times, at
most GURUBOT_TERMS) read their nodes in the course's public index (search/$cid/terms). A
candidate is a thread (its question and its answers' postings together) or a transcript
moment (one second of a lesson, app/model/search.py). Its relevance is the idf-weighted
share of the question's terms it holds, between 0 and 1: a term that no post of the course
holds weighs the most, so a question about what the course never covers stays below the
threshold. Candidates at or above GURUBOT_MIN_RELEVANCE are ranked by relevance (ties by
BM25's sum); a thread is offered only when it is answered (an accepted or an endorsed
answer, not hidden, not Gurubot's), quoting that answer. Nothing relevant: silence.
"""

from . import limits, search

BOT_UID = "gurubot"  # profiles/gurubot: written by firebase-admin only (the seed, the function)
BOT_NAME = "Gurubot"
COURSE_SWITCH = "gurubot"  # courses/$cid/gurubot: true turns it on for a course (the catalog)
BOT_ROLE = search.BOT_ROLE  # its answers' authorRole: the bot badge; the rules refuse it
INTRO = "I'm Gurubot, the course's bot. This may already be answered:"
THREADS_HEADING = "Answered questions like yours:"
MOMENTS_HEADING = "Where the videos explain it:"
OUTRO = (
    "If one of these answers your question, press “This answered it” on this answer. "
    "The course staff and learners can still answer as usual."
)


def clock(second: int) -> str:
    """192 -> "3:12" (as the player shows it)."""
    second = int(second)
    rest = second % 60
    return str(second // 60) + ":" + ("0" if rest < 10 else "") + str(rest)


def thread_url(cid: str, lid: str, qid: str) -> str:
    """The lesson page opened at the question (app/ui/forum.py reads #q-<qid>)."""
    return "/course/" + cid + "/lesson/" + lid + ".html#q-" + qid


def moment_url(cid: str, lid: str, second: int) -> str:
    """The lesson page with its video at ``second`` (app/ui/player.py reads #t=<second>)."""
    return "/course/" + cid + "/lesson/" + lid + ".html#t=" + str(int(second))


def query_terms(title: str, body: str) -> dict:
    """{term: query weight} of a question: its title's terms weigh GURUBOT_TITLE_WEIGHT,
    its body's 1 each (repeats add); the GURUBOT_TERMS heaviest (title first) are kept."""
    weights = {}
    order = []
    for text, weight in ((title or "", limits.GURUBOT_TITLE_WEIGHT), (body or "", 1)):
        for term in search.terms(text):
            if term not in weights:
                weights[term] = 0
                order.append(term)
            weights[term] += weight
    ranked = sorted(order, key=lambda term: (-weights[term], order.index(term)))
    return {term: weights[term] for term in ranked[: limits.GURUBOT_TERMS]}


def _candidate(key: str) -> str:
    """The thread a posting belongs to (a moment is its own candidate)."""
    return key if search.is_moment(key) else search.split_post_key(key)[0]


def score(question: dict, nodes: dict, qid: str = "") -> list:
    """[(candidate, relevance, bm25)] best first, every candidate the nodes name (``qid``'s
    own thread left out). ``nodes``: {term: {postKey: weight}} for query_terms(question)."""
    wanted = query_terms(question.get("title", ""), question.get("body", ""))
    if not wanted:
        return []
    seen = {}
    for term in wanted:
        for key in nodes.get(term) or {}:
            seen[_candidate(key)] = True
    docs = max(len(seen), search.DOCS_FLOOR)
    total = 0.0
    share = {}
    bm25 = {}
    for term, qweight in wanted.items():
        node = nodes.get(term) or {}
        weight_of_term = search.idf(len(node), docs) * qweight
        total += weight_of_term
        best = {}
        for key, weight in node.items():
            cand = _candidate(key)
            if cand != qid and isinstance(weight, (int, float)) and weight > best.get(cand, 0):
                best[cand] = weight
        for cand, weight in best.items():
            share[cand] = share.get(cand, 0) + weight_of_term
            bm25[cand] = bm25.get(cand, 0) + weight_of_term * weight
    out = [(cand, share[cand] / total, bm25[cand]) for cand in share]
    out.sort(key=lambda row: (-row[1], -row[2], row[0]))
    return out


def candidates(question: dict, nodes: dict, qid: str = "") -> tuple:
    """(thread qids, lesson ids) whose posts or moments reach the threshold, best first:
    what the function reads before calling pick()."""
    qids, lids = [], []
    for cand, relevance, _ in score(question, nodes, qid):
        if relevance < limits.GURUBOT_MIN_RELEVANCE:
            break
        if search.is_moment(cand):
            lid = search.split_moment(cand)[0]
            if lid not in lids:
                lids.append(lid)
        elif cand not in qids:
            qids.append(cand)
    return qids, lids


def _shown(answer) -> bool:
    return (
        isinstance(answer, dict)
        and answer.get("hidden") is not True
        and answer.get("authorRole") != BOT_ROLE
        and bool(answer.get("body"))
    )


def best_answer(question: dict, answers: dict) -> tuple:
    """(aid, answer) a thread is quoted by: its accepted answer, else its best-scored
    endorsed one; ("", None) when it has neither (it is not answered)."""
    answers = answers if isinstance(answers, dict) else {}
    accepted = question.get("acceptedAnswerId")
    if accepted and _shown(answers.get(accepted)):
        return accepted, answers[accepted]
    endorsed = [(aid, a) for aid, a in answers.items() if _shown(a) and a.get("endorsed") is True]
    if not endorsed:
        return "", None
    endorsed.sort(key=lambda pair: (-(pair[1].get("score") or 0), pair[0]))
    return endorsed[0]


def quote(body: str, limit: int = limits.GURUBOT_QUOTE_MAX) -> str:
    """An answer's body as one line of at most ``limit`` characters, cut at a word ("…")."""
    text = " ".join(str(body or "").replace("```", " ").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:") + "…"


def pick(question: dict, nodes: dict, threads: dict, lessons: dict, qid: str = "") -> dict:
    """What Gurubot offers the new question ``qid``.

    Inputs (all as the database holds them; missing keys are simply not offered):
    - ``question``: the new question, {title, body, ...}.
    - ``nodes``: {term: {postKey: weight}}, the public index's node search/$cid/terms/<term>
      for each term of query_terms(title, body) ({} or absent when the node is empty).
    - ``threads``: {qid: {"question": question, "answers": {aid: answer}}} for (at least)
      the thread qids candidates() returned.
    - ``lessons``: {lid: {"title": str, "cues": transcript}} for (at least) the lesson ids
      candidates() returned (cues as search.cue_list accepts them).

    Returns {"threads": [{qid, lessonId, title, answerId, quote, relevance}],
    "moments": [{lessonId, second, title, text, relevance}], "relevance": the best offered
    (0.0 when nothing is: Gurubot stays silent)}, at most GURUBOT_THREADS and
    GURUBOT_MOMENTS, best first."""
    out_threads, out_moments = [], []
    for cand, relevance, _ in score(question, nodes, qid):
        if relevance < limits.GURUBOT_MIN_RELEVANCE:
            break
        if search.is_moment(cand):
            if len(out_moments) >= limits.GURUBOT_MOMENTS:
                continue
            lid, second = search.split_moment(cand)
            lesson = lessons.get(lid) or {}
            text = search.moments(lesson.get("cues")).get(second)
            if text and lesson.get("title"):
                out_moments.append({"lessonId": lid, "second": second,
                                    "title": lesson["title"], "text": text,
                                    "relevance": relevance})  # fmt: skip
            continue
        if len(out_threads) >= limits.GURUBOT_THREADS:
            continue
        thread = threads.get(cand) or {}
        other = thread.get("question")
        if not isinstance(other, dict) or other.get("hidden") is True:
            continue
        if not other.get("lessonId") or not other.get("title"):
            continue
        aid, answer = best_answer(other, thread.get("answers"))
        if answer is None:
            continue
        out_threads.append({"qid": cand, "lessonId": other["lessonId"], "title": other["title"],
                            "answerId": aid, "quote": quote(answer.get("body")),
                            "relevance": relevance})  # fmt: skip
    best = [row["relevance"] for row in out_threads + out_moments]
    return {"threads": out_threads, "moments": out_moments, "relevance": max(best) if best else 0.0}


def _md(text: str) -> str:
    """Text put into Markdown as it reads (the renderer's markup characters escaped)."""
    out = ""
    for char in text:
        out += "\\" + char if char in "\\`*_[]()#>-" else char
    return out


def reply(cid: str, picks: dict) -> str:
    """The Markdown body of Gurubot's answer for pick()'s result ("" when it is silent)."""
    if not picks["threads"] and not picks["moments"]:
        return ""
    lines = [INTRO, ""]
    if picks["threads"]:
        lines += [THREADS_HEADING, ""]
        for row in picks["threads"]:
            url = thread_url(cid, row["lessonId"], row["qid"])
            lines += ["[" + _md(row["title"]) + "](" + url + ")", "> " + _md(row["quote"]), ""]
    if picks["moments"]:
        lines += [MOMENTS_HEADING, ""]
        for row in picks["moments"]:
            url = moment_url(cid, row["lessonId"], row["second"])
            label = "at " + clock(row["second"]) + " in " + _md(row["title"])
            lines += ["- [" + label + "](" + url + "): “" + _md(row["text"]) + "”"]
        lines.append("")
    lines.append(OUTRO)
    return "\n".join(lines)
