"""Search's one text pipeline, shared by the indexing functions and the browser (issue 13).

A query must meet the words a post was indexed with, so the browser's MicroPython and the
functions' CPython run this same module (the functions get the generated copy,
functions/_model/search.py). It is sans-I/O: text in, terms, weights and multi-path
updates out. It avoids what MicroPython lacks or does differently: no unicodedata (accents
fold through FOLD, a small table of Latin letters; combining marks are dropped), no
str.lower() beyond ASCII (CPython's would fold Cyrillic that MicroPython leaves), no re.

Text -> words: ASCII letters are lower-cased, FOLD maps accented Latin letters (both cases)
and ligatures to ASCII, Greek and Cyrillic capitals to their small letters; apostrophes
join ("don't" -> "dont"); every other character that is not a letter or digit separates
words. Words -> terms: STOPWORDS dropped, single letters dropped, English stemmed by
Porter's 1980 algorithm (stem(); only all-ASCII-letter words).

Index layout under ``search/$cid`` (paths in app/model/paths.py), written by the search
functions only, read by course members; a query reads one small node per word:

- ``terms/$term/$postKey: weight``: the posting of a post that contains ``$term``.
- ``prefix/$p/$postKey: weight``: for every unstemmed word of a post, each of its first
  PREFIX_MIN..PREFIX_MAX letters; the weight is the best of that post's words with the
  prefix. The word being typed reads ``prefix/<its first PREFIX_MAX letters>``.
- ``docs/$qid/$postId: {t: {term: weight}, p: {prefix: weight}}``: what a post put in the
  index ($postId = $qid for the question), so a re-index writes its new postings and
  deletes exactly its stale ones, in one multi-path update with the doc itself (atomic, so
  the doc never disagrees with the postings). A redelivered event recomputes the same
  docs from the database as it is, finds no difference and writes nothing.

$postKey is the question's id for a question, ``<qid>~<aid>`` for an answer (push ids never
hold "~"). Weights are BM25's saturated term frequency over fields (title counts
TITLE_BOOST times the body), length-normalised against AVG_LEN; the idf part needs the
node's size, so rank() applies it at query time (a posting never needs rewriting when other
posts come and go).

Hidden posts are found only by staff and by their author. Rules cannot filter a read, so
they live in indexes of their own, with the same layout: ``searchHidden/$cid`` (read by the
course's staff; its docs also name each post's author, ``u``) and
``searchOwnHidden/$cid/$uid`` (read by that author while a member). A post in a hidden
thread (the question hidden) counts as hidden, and so does a post held for review
(``pendingReview``, see held()); a deleted question's answers are in no
index. Hiding, unhiding and deleting move a post's entries between the indexes in the same
one update.
"""

import math

PREFIX_MIN = 3  # shorter prefixes would name most posts of a course
PREFIX_MAX = 7  # a longer word being typed reads its first 7 letters' node
WORD_MAX = 40  # longer "words" (hashes, URLs run together) are cut
TITLE_BOOST = 3
BODY_BOOST = 1
K1 = 1.2  # BM25's term-frequency saturation
B = 0.75  # BM25's length normalisation
AVG_LEN = 80  # a typical post's weighted length in words (title words count TITLE_BOOST)
KEY_SEP = "~"  # in a post key between question and answer ids: not a push-id character
DOCS_FLOOR = 20  # idf's corpus size is at least this (a query sees only the nodes it read)
MOMENT = "~t~"  # a transcript moment's thread key begins so (see moment_key)
BOT_ROLE = "bot"  # authorRole of Gurubot's answers (app/model/gurubot.py): never indexed

_FOLD_GROUPS = (
    ("a", "àáâãäåāăąǎÀÁÂÃÄÅĀĂĄǍ"),
    ("ae", "æÆ"),
    ("c", "çćĉċčÇĆĈĊČ"),
    ("d", "ďđðĎĐÐ"),
    ("e", "èéêëēĕėęěÈÉÊËĒĔĖĘĚ"),
    ("g", "ĝğġģĜĞĠĢ"),
    ("h", "ĥħĤĦ"),
    ("i", "ìíîïĩīĭįıǐÌÍÎÏĨĪĬĮİǏ"),
    ("ij", "ĳĲ"),
    ("j", "ĵĴ"),
    ("k", "ķĶ"),
    ("l", "ĺļľŀłĹĻĽĿŁ"),
    ("n", "ñńņňŉÑŃŅŇ"),
    ("o", "òóôõöøōŏőǒÒÓÔÕÖØŌŎŐǑ"),
    ("oe", "œŒ"),
    ("r", "ŕŗřŔŖŘ"),
    ("s", "śŝşšſŚŜŞŠ"),
    ("ss", "ß"),
    ("t", "ţťŧŢŤŦ"),
    ("th", "þÞ"),
    ("u", "ùúûüũūŭůűųǔÙÚÛÜŨŪŬŮŰŲǓ"),
    ("w", "ŵŴ"),
    ("y", "ýÿŷÝŸŶ"),
    ("z", "źżžŹŻŽ"),
    ("fi", "ﬁ"),
    ("fl", "ﬂ"),
)
FOLD = {}
for _target, _chars in _FOLD_GROUPS:
    for _char in _chars:
        FOLD[_char] = _target

APOSTROPHES = "'\u2019\u2018\u02bc"  # joined: "don't", "Learner's" are one word

_STOPWORDS_TEXT = (
    "a about above after again against all am an and any are as at be because been "
    "before being below between both but by can cannot could did do does doing down "
    "during each few for from further had has have having he her here hers herself him "
    "himself his how i if in into is it its itself just let lets me more most my myself "
    "no nor not of off on once only or other ought our ours ourselves out over own same "
    "she should so some such than that thats the their theirs them themselves then there "
    "theres these they this those through to too under until up very was we were what "
    "whats when where which while who whom why with would you your yours yourself "
    "yourselves im ive id ill youre youve youd youll hes shes were weve wed theyre theyve "
    "isnt arent wasnt werent hasnt havent hadnt doesnt dont didnt wont wouldnt shant "
    "shouldnt cant couldnt mustnt also get got ok okay please thanks thank hi hello"
)
STOPWORDS = set(_STOPWORDS_TEXT.split())


def _word_char(code: int) -> bool:
    """A letter or digit that survived folding (another script's letters count too)."""
    if 48 <= code <= 57 or 97 <= code <= 122:
        return True
    if code < 0x180:
        return False  # ASCII and Latin-1 punctuation, symbols, x and / signs
    if 0x2000 <= code <= 0x2BFF or 0x3000 <= code <= 0x303F or 0xE000 <= code <= 0xF8FF:
        return False  # punctuation, arrows, maths, boxes; CJK punctuation; private use
    # half-width and full-width forms' punctuation; specials and the astral planes (emoji)
    return not (0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFF20 or code >= 0xFFF0)


def _fold_char(char: str) -> str:
    code = ord(char)
    if 65 <= code <= 90:
        return chr(code + 32)
    if code < 128:
        return char
    if char in FOLD:
        return FOLD[char]
    if 0x410 <= code <= 0x42F or 0x391 <= code <= 0x3A9:
        return chr(code + 32)  # Cyrillic А-Я, Greek Α-Ω
    if 0x400 <= code <= 0x40F:
        return chr(code + 80)  # Cyrillic Ѐ-Џ
    return char


def words(text: str) -> list:
    """The normalised words of ``text``, in order, stopwords kept (prefixes use them all)."""
    out = []
    word = ""
    for char in text:
        if char in APOSTROPHES:
            continue
        code = ord(char)
        if 0x300 <= code <= 0x36F:
            continue  # a combining accent (decomposed text): dropped like a folded one
        folded = _fold_char(char)
        if len(folded) == 1 and not _word_char(ord(folded)):
            if word:
                out.append(word[:WORD_MAX])
                word = ""
            continue
        word = word + folded
    if word:
        out.append(word[:WORD_MAX])
    return out


def keeps(word: str) -> bool:
    """Whether ``word`` (normalised) is a search term: not a stopword nor a lone letter."""
    return word not in STOPWORDS and (len(word) > 1 or word.isdigit())


def terms(text: str) -> list:
    """The terms of ``text`` in order (repeats kept): its kept words, stemmed."""
    return [stem(word) for word in words(text) if keeps(word)]


# ---- Porter's stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980)


def _cons(w: str, i: int) -> bool:
    char = w[i]
    if char in "aeiou":
        return False
    if char == "y":
        return i == 0 or not _cons(w, i - 1)
    return True


def _measure(s: str) -> int:
    """m in [C](VC)^m[V]: how many vowel-consonant sequences ``s`` has."""
    n = 0
    i = 0
    size = len(s)
    while i < size and _cons(s, i):
        i += 1
    while i < size:
        while i < size and not _cons(s, i):
            i += 1
        if i >= size:
            break
        while i < size and _cons(s, i):
            i += 1
        n += 1
    return n


def _has_vowel(s: str) -> bool:
    return any(not _cons(s, i) for i in range(len(s)))


def _double_cons(s: str) -> bool:
    return len(s) >= 2 and s[-1] == s[-2] and _cons(s, len(s) - 1)


def _cvc(s: str) -> bool:
    """*o: ends consonant-vowel-consonant, the last not w, x or y."""
    n = len(s)
    if n < 3 or not _cons(s, n - 1) or _cons(s, n - 2) or not _cons(s, n - 3):
        return False
    return s[-1] not in "wxy"


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("abli", "able"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
)
_STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)


def _step_table(w: str, table: tuple, min_m: int) -> str:
    """The first rule of ``table`` whose suffix ``w`` has applies if m(stem) > min_m;
    either way no later rule is tried (Porter: the longest suffix decides)."""
    for suffix, repl in table:
        if w.endswith(suffix):
            base = w[: len(w) - len(suffix)]
            return base + repl if _measure(base) > min_m else w
    return w


def _step1b_tail(w: str) -> str:
    if w.endswith("at") or w.endswith("bl") or w.endswith("iz"):
        return w + "e"
    if _double_cons(w) and w[-1] not in "lsz":
        return w[:-1]
    if _measure(w) == 1 and _cvc(w):
        return w + "e"
    return w


def stem(w: str) -> str:
    """Porter's stem of a lower-case word; words that are not all ASCII letters, and words
    of one or two letters, are their own stem."""
    if len(w) <= 2:
        return w
    for char in w:
        if not "a" <= char <= "z":
            return w
    # step 1a
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    # step 1b
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    elif w.endswith("ed") and _has_vowel(w[:-2]):
        w = _step1b_tail(w[:-2])
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w = _step1b_tail(w[:-3])
    # step 1c
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    w = _step_table(w, _STEP2, 0)
    w = _step_table(w, _STEP3, 0)
    # step 4
    for suffix in _STEP4:
        if w.endswith(suffix):
            base = w[: len(w) - len(suffix)]
            if _measure(base) > 1 and (suffix != "ion" or (base and base[-1] in "st")):
                w = base
            break
    # step 5a
    if w.endswith("e"):
        base = w[:-1]
        m = _measure(base)
        if m > 1 or (m == 1 and not _cvc(base)):
            w = base
    # step 5b
    if w.endswith("ll") and _measure(w) > 1:
        w = w[:-1]
    return w


# ---- posts -> postings


def _round(x: float) -> float:
    return int(x * 10000 + 0.5) / 10000


def weigh(fields: list) -> dict:
    """``{"t": {term: weight}, "p": {prefix: weight}}`` of a post whose fields are
    ``[(text, boost), ...]``: BM25's saturated frequency, length-normalised."""
    tf = {}
    length = 0
    firsts = {}  # term -> the post's unstemmed words that stem to it
    for text, boost in fields:
        for word in words(text):
            if not keeps(word):
                continue
            term = stem(word)
            tf[term] = tf.get(term, 0) + boost
            length += boost
            seen = firsts.get(term)
            if seen is None:
                firsts[term] = [word]
            elif word not in seen:
                seen.append(word)
    norm = K1 * (1 - B + B * length / AVG_LEN)
    t = {}
    p = {}
    for term, f in tf.items():
        weight = _round(f * (K1 + 1) / (f + norm))
        t[term] = weight
        for word in firsts[term]:
            for n in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1):
                prefix = word[:n]
                if p.get(prefix, 0) < weight:
                    p[prefix] = weight
    return {"t": t, "p": p}


def post_key(qid: str, post_id: str) -> str:
    """The postings' key of a post: the question's id, or ``<qid>~<aid>`` for an answer."""
    return qid if post_id == qid else qid + KEY_SEP + post_id


def split_post_key(key: str) -> tuple:
    """(qid, postId) of a post key (postId == qid for the question); a transcript moment's
    key splits into its lesson's thread key and its second (see moment_key)."""
    at = key.find(KEY_SEP, len(MOMENT) if key.startswith(MOMENT) else 0)
    return (key, key) if at < 0 else (key[:at], key[at + 1 :])


def held(post) -> bool:
    """Whether a post is out of the public index: hidden by staff, or held for review (the
    report reaching REPORTS_TO_HIDE sets pendingReview; the UI shows it as hidden until staff
    dismiss, which clears it, or hide it)."""
    return post.get("hidden") is True or post.get("pendingReview") is True


def _post_docs(question, post, fields) -> tuple:
    """(public doc, hidden doc) of a post of the thread ``question``; at most one is set."""
    if not isinstance(question, dict) or not isinstance(post, dict):
        return None, None
    doc = weigh(fields)
    if not doc["t"]:
        return None, None
    if held(question) or held(post):
        doc["u"] = str(post.get("uid") or "")
        return None, doc
    return doc, None


def question_docs(question) -> tuple:
    """(public doc, hidden doc) of a question: the public one unless it is hidden, both None
    when it is absent or holds no terms."""
    if not isinstance(question, dict):
        return None, None
    fields = [(str(question.get("title") or ""), TITLE_BOOST)]
    fields.append((str(question.get("body") or ""), BODY_BOOST))
    return _post_docs(question, question, fields)


def answer_docs(question, answer) -> tuple:
    """(public doc, hidden doc) of an answer: hidden when it or its question is; both None
    when it, or its question, is absent (a deleted question's answers are not found), and
    for Gurubot's answers (they quote other threads, which are found themselves)."""
    if not isinstance(answer, dict) or answer.get("authorRole") == BOT_ROLE:
        return None, None
    return _post_docs(question, answer, [(str(answer.get("body") or ""), BODY_BOOST)])


def _entries(paths, cid: str, key: str, doc, hidden: bool) -> dict:
    """{posting path: weight} of a doc, in the public index or (hidden) in the staff's and
    its author's hidden indexes."""
    out = {}
    if not doc:
        return out
    uid = doc.get("u") or ""
    for part in ("t", "p"):
        for name, weight in (doc.get(part) or {}).items():
            if not hidden:
                node = paths.search_term if part == "t" else paths.search_prefix
                out[paths.child(node(cid, name), key)] = weight
                continue
            node = paths.search_hidden_term if part == "t" else paths.search_hidden_prefix
            out[paths.child(node(cid, name), key)] = weight
            if uid:
                own = (
                    paths.search_own_hidden_term if part == "t" else paths.search_own_hidden_prefix
                )
                out[paths.child(own(cid, uid, name), key)] = weight
    return out


def doc_update(paths, cid: str, qid: str, post_id: str, old, new, hidden: bool = False) -> dict:
    """The multi-path update taking one post's entries in one index (the public one, or the
    hidden ones) from doc ``old`` to ``new`` (either may be None): changed postings set,
    stale ones deleted, the doc itself kept beside them. Empty when nothing changes (a
    redelivered event). ``paths`` is the model's paths module (passed in: the browser and
    the functions import the model under different package names)."""
    key = post_key(qid, post_id)
    before = _entries(paths, cid, key, old, hidden)
    after = _entries(paths, cid, key, new, hidden)
    out = {}
    for path, weight in after.items():
        if before.get(path) != weight:
            out[path] = weight
    for path in before:
        if path not in after:
            out[path] = None
    if out or bool(old) != bool(new):
        doc_path = paths.search_hidden_doc if hidden else paths.search_doc
        out[doc_path(cid, qid, post_id)] = new if new else None
    return out


def thread_update(
    paths, cid: str, qid: str, question, answers, docs, hidden_docs, only: str = ""
) -> dict:
    """The update bringing a whole thread's entries in line with the forum: ``question``
    and ``answers`` ({aid: answer}) as the database holds them, ``docs`` and
    ``hidden_docs`` ({postId: doc}) as the public and hidden indexes do. ``only``: just that
    answer (its trigger; the question's trigger passes "" because hiding or deleting a
    question changes where its answers belong)."""
    answers = answers if isinstance(answers, dict) else {}
    docs = docs if isinstance(docs, dict) else {}
    hidden_docs = hidden_docs if isinstance(hidden_docs, dict) else {}
    ids = [only] if only else [qid]
    if not only:
        for known in (answers, docs, hidden_docs):
            for post_id in known:
                if post_id not in ids:
                    ids.append(post_id)
    out = {}
    for post_id in ids:
        if post_id == qid:
            public, hidden = question_docs(question)
        else:
            public, hidden = answer_docs(question, answers.get(post_id))
        out.update(doc_update(paths, cid, qid, post_id, docs.get(post_id), public))
        out.update(doc_update(paths, cid, qid, post_id, hidden_docs.get(post_id), hidden, True))
    return out


# ---- lesson transcripts: each moment (the cues starting in one second) is a post of its own


def moment_thread(lid: str) -> str:
    """The docs key of lesson ``lid``'s moments: ``~t~<lid>`` (no push id holds "~")."""
    return MOMENT + lid


def moment_key(lid: str, second: int) -> str:
    """The postings' key of the moment at ``second`` of lesson ``lid``: ``~t~<lid>~<second>``.
    Safe as a database key (slugs and digits; no . $ # [ ] /), and never a post's key."""
    return post_key(moment_thread(lid), str(second))


def is_moment(key: str) -> bool:
    return key.startswith(MOMENT)


def split_moment(key: str) -> tuple:
    """(lid, second) of a moment's key; ("", 0) for a post's key."""
    if not is_moment(key):
        return "", 0
    thread, second = split_post_key(key)
    return thread[len(MOMENT) :], int(second) if second.isdigit() else 0


def cue_list(cues) -> list:
    """A transcript as the database returns it (a list, or a dict of index -> cue) as a
    list of {start, end, text} cues in time order; malformed cues left out."""
    if isinstance(cues, dict):
        cues = list(cues.values())
    if not isinstance(cues, list):
        return []
    out = []
    for cue in cues:
        timed = isinstance(cue, dict) and isinstance(cue.get("start"), (int, float))
        if timed and isinstance(cue.get("text"), str) and cue["start"] >= 0:
            out.append(cue)
    out.sort(key=lambda cue: cue["start"])
    return out


def moments(cues) -> dict:
    """{second: text} of a transcript: the cues starting in the same second joined."""
    out = {}
    for cue in cue_list(cues):
        second = int(cue["start"])
        out[second] = (out[second] + " " + cue["text"]) if second in out else cue["text"]
    return out


def transcript_update(paths, cid: str, lid: str, cues, docs) -> dict:
    """The update taking lesson ``lid``'s moments in the public index from ``docs`` (what
    the index holds, {second: doc}) to the transcript ``cues`` (None: the lesson has none)."""
    if isinstance(docs, list):  # the database answers dense integer keys as an array
        docs = {str(i): doc for i, doc in enumerate(docs) if doc}
    docs = docs if isinstance(docs, dict) else {}
    want = {}
    for second, text in moments(cues).items():
        doc = weigh([(text, BODY_BOOST)])
        if doc["t"]:
            want[str(second)] = doc
    out = {}
    thread = moment_thread(lid)
    for second in sorted(set(want) | set(docs)):
        out.update(doc_update(paths, cid, thread, second, docs.get(second), want.get(second)))
    return out


# what a post's entries depend on
INDEXED_FIELDS = ("title", "body", "hidden", "pendingReview", "uid")


def changes_entries(before, after) -> bool:
    """Whether a write from ``before`` to ``after`` (a post's values) can change its index
    entries: not when only its score, flags like pinned or locked, or timestamps moved (a
    vote rewrites the score, so this spares the index's reads on every vote)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return before is not after
    return any(before.get(name) != after.get(name) for name in INDEXED_FIELDS)


# ---- queries


def parse_query(text: str) -> tuple:
    """(terms, partial) of what is typed: the terms of its finished words, and the last word
    still being typed ("" when the text ends with a separator or that word is too short)."""
    found = words(text)
    partial = ""
    if found and text and _word_char(ord(_fold_char(text[-1])[0])):
        partial = found.pop()
    done = []
    for word in found:
        if keeps(word):
            term = stem(word)
            if term not in done:
                done.append(term)
    if len(partial) < PREFIX_MIN:
        if partial and keeps(partial) and stem(partial) not in done:
            done.append(stem(partial))
        partial = ""
    return done, partial


def prefix_of(partial: str) -> str:
    """The prefix node the word being typed reads."""
    return partial[:PREFIX_MAX]


def idf(df: int, docs: int) -> float:
    """BM25's idf of a node holding ``df`` postings among ``docs`` posts."""
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def rank(nodes: list) -> list:
    """[(postKey, score), ...], best first, of the nodes a query read (each {postKey:
    weight}: a term's or the typed word's prefix node). Score: the sum of idf x weight,
    scaled by the share of the query's nodes a post matches (all words beat some)."""
    nodes = [node if isinstance(node, dict) else {} for node in nodes]
    if not nodes:
        return []
    seen = {}
    for node in nodes:
        for key in node:
            seen[key] = True
    docs = max(len(seen), DOCS_FLOOR)
    scores = {}
    matched = {}
    for node in nodes:
        if not node:
            continue
        weight_of_node = idf(len(node), docs)
        for key, weight in node.items():
            scores[key] = scores.get(key, 0) + weight_of_node * weight
            matched[key] = matched.get(key, 0) + 1
    out = [(key, score * matched[key] / len(nodes)) for key, score in scores.items()]
    out.sort(key=lambda pair: (-pair[1], pair[0]))
    return out
