"""Matched words of a search result, marked escape-first (issue 13).

A word of a title matches when it is the query's word: the same term after search's own
pipeline (app/model/search.py: case, accents, stemming), or, for the word still being
typed, a word that starts with it. So "Lambdas" is marked for "lambda", "Résumé" for
"resume" and "deploy" for "dep". Every character of the post leaves through
markdown.escape(); the only markup written is <mark>, so the result may go into
innerHTML. Pure Python (MicroPython and the host tests share it).
"""

from app.model import search as core
from app.ui.markdown import escape

EXCERPT = 140  # characters of a post's body a result shows around its first match


_WORDISH = {}  # char -> _wordish(char): results are drawn on every keystroke, in MicroPython


def _wordish(char):
    """Whether char belongs to a word as search's pipeline cuts them."""
    known = _WORDISH.get(char)
    if known is None:
        code = ord(char)
        known = (0x300 <= code <= 0x36F) or bool(core.words(char))
        if len(_WORDISH) < 4096:
            _WORDISH[char] = known
    return known


def runs(text):
    """text cut into [(piece, is_word)], in order; the pieces join back into text. An
    apostrophe joins a word only between two word characters ("don't"), as in search."""
    out = []
    current = ""
    current_word = False
    n = len(text)
    for i in range(n):
        char = text[i]
        if char in core.APOSTROPHES:
            word = current_word and current != "" and i + 1 < n and _wordish(text[i + 1])
        else:
            word = _wordish(char)
        if current and word != current_word:
            out.append((current, current_word))
            current = ""
        current += char
        current_word = word
    if current:
        out.append((current, current_word))
    return out


def matcher(query):
    """A test word -> bool for the query text as typed."""
    terms, partial = core.parse_query(query)
    wanted = set(terms)

    firsts = {term[0] for term in wanted}  # a stem keeps its word's first letter
    seen = {}  # piece -> bool: a result's words repeat, and stemming is the slow part

    def matches(piece):
        known = seen.get(piece)
        if known is not None:
            return known
        found = core.words(piece)
        word = found[0] if found else ""
        hit = bool(word) and (
            (partial != "" and word.startswith(partial))
            or (word[0] in firsts and core.keeps(word) and core.stem(word) in wanted)
        )
        seen[piece] = hit
        return hit

    return matches


_LAST = {}  # the latest query's matcher: one list of results asks it for every result


def _matcher_of(query):
    if query not in _LAST:
        _LAST.clear()
        _LAST[query] = matcher(query)
    return _LAST[query]


def spans(text, query):
    """[(piece, matched)] of text for query: the pieces join back into text."""
    matches = _matcher_of(query)
    out = []
    for piece, word in runs(text):
        hit = word and matches(piece)
        if out and out[-1][1] == hit:
            out[-1] = (out[-1][0] + piece, hit)
        else:
            out.append((piece, hit))
    return out


def to_html(text, query):
    """text escaped, its matched words in <mark>: safe for innerHTML."""
    out = []
    for piece, hit in spans(text, query):
        out.append("<mark>" + escape(piece) + "</mark>" if hit else escape(piece))
    return "".join(out)


def excerpt(text, query, size=EXCERPT):
    """About ``size`` characters of text (one line) around its first matched word, with
    an ellipsis where it was cut; "" when no word of text matches."""
    flat = " ".join(text.split())
    at = -1
    offset = 0
    for piece, hit in spans(flat, query):
        if hit:
            at = offset
            break
        offset += len(piece)
    if at < 0:
        return ""
    start = max(0, at - size // 4)
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(flat), start + size)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > at else end
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")
